using System;
using System.Buffers;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using MigrationFormat.Visitors;

namespace MigrationFormat.Benchmarks;

/// <summary>Whole-stream save and load of a machine's worth of devices: the four samples plus 16 40-field devices.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
public class StreamBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1 << 20);
    private IDeviceState[] _machine = null!;
    private IDeviceState[] _targets = null!;
    private ReadOnlyMemory<byte> _stream;
    private ReadOnlyMemory<byte> _checkedStream;

    [GlobalSetup]
    public void Setup()
    {
        _machine = Machine.Create(busy: true);
        _targets = Machine.Create(busy: false);
        _output.ResetWrittenCount();
        Machine.Save(_machine, _output, schemas: false);
        _stream = _output.WrittenSpan.ToArray();
        Machine.Load(_targets, _stream);
        _output.ResetWrittenCount();
        Machine.Save(_machine, _output, schemas: false, integrity: true);
        _checkedStream = _output.WrittenSpan.ToArray();
        Machine.Load(_targets, _checkedStream);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Save")]
    public int Stream_Save()
    {
        _output.ResetWrittenCount();
        Machine.Save(_machine, _output, schemas: false);
        return _output.WrittenCount;
    }

    [Benchmark]
    [BenchmarkCategory("Save")]
    public int Stream_Save_Crc32C()
    {
        _output.ResetWrittenCount();
        Machine.Save(_machine, _output, schemas: false, integrity: true);
        return _output.WrittenCount;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Load")]
    public int Stream_Load() => Machine.Load(_targets, _stream);

    [Benchmark]
    [BenchmarkCategory("Load")]
    public int Stream_Load_Crc32C() => Machine.Load(_targets, _checkedStream);
}

/// <summary>A machine's worth of devices and its whole-stream save and load.</summary>
public static class Machine
{
    public const int PerfDevices = 16;

    public static IDeviceState[] Create(bool busy)
    {
        var devices = new List<IDeviceState>();
        foreach (DeviceType type in Samples.SampleCatalog.DeviceTypes)
        {
            devices.Add(busy ? Samples.SampleCatalog.CreateBusy(type, type.CurrentVersion) : type.Create());
        }

        for (int i = 0; i < PerfDevices; i++)
        {
            devices.Add(busy ? PerfDevice.Create(sparse: i % 2 == 1, seed: i) : new PerfDevice());
        }

        return [.. devices];
    }

    public static void Save(IDeviceState[] devices, IBufferWriter<byte> output, bool schemas, bool integrity = false)
    {
        using var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { Integrity = integrity });
        if (schemas)
        {
            Schema.SchemaEmbedding.WriteSchemas(writer, devices);
        }

        for (int i = 0; i < devices.Length; i++)
        {
            writer.WriteDevice(devices[i], (uint)i);
        }

        writer.Complete();
    }

    public static int Load(IDeviceState[] devices, ReadOnlyMemory<byte> stream)
    {
        using var reader = new MigrationStreamReader(stream);
        int n = 0;
        while (reader.TryReadSection(out SectionHeader section))
        {
            reader.LoadSection(devices[(int)section.InstanceId]);
            n++;
        }

        return n;
    }
}
