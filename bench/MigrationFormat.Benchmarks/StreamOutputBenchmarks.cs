using System.IO;
using BenchmarkDotNet.Attributes;
using MigrationFormat.Visitors;

namespace MigrationFormat.Benchmarks;

/// <summary>
/// The machine's devices (4 samples, 16 × 40-field) saved through <c>MigrationStreamWriter(Stream)</c>, the constructor
/// that adapts a stream, into a reused <see cref="MemoryStream"/>: what the adapter costs on top of the format.
/// </summary>
[MemoryDiagnoser]
public class StreamOutputBenchmarks
{
    private readonly IDeviceState[] _devices = Machine.Create(busy: true);
    private readonly MemoryStream _output = new();

    [Benchmark]
    public long Save_ToStream()
    {
        _output.Position = 0;
        using (var writer = new MigrationStreamWriter(_output))
        {
            for (int i = 0; i < _devices.Length; i++)
            {
                writer.WriteDevice(_devices[i], (uint)i);
            }

            writer.Complete();
        }

        return _output.Position;
    }
}
