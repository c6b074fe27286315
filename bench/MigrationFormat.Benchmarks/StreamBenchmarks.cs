using System;
using System.Buffers;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using MigrationFormat.Visitors;

namespace MigrationFormat.Benchmarks;

/// <summary>Whole-stream save and load of a machine's worth of devices: the four samples plus 16 40-field devices.</summary>
[MemoryDiagnoser]
public class StreamBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1 << 20);
    private IDeviceState[] _machine = null!;
    private IDeviceState[] _targets = null!;
    private ReadOnlyMemory<byte> _stream;

    [GlobalSetup]
    public void Setup()
    {
        _machine = Machine.Create(busy: true);
        _targets = Machine.Create(busy: false);
        _output.ResetWrittenCount();
        Machine.Save(_machine, _output, schemas: false);
        _stream = _output.WrittenSpan.ToArray();
        Machine.Load(_targets, _stream);
    }

    [Benchmark]
    public int Stream_Save()
    {
        _output.ResetWrittenCount();
        Machine.Save(_machine, _output, schemas: false);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int Stream_Load() => Machine.Load(_targets, _stream);
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

    public static void Save(IDeviceState[] devices, IBufferWriter<byte> output, bool schemas)
    {
        using var writer = new MigrationStreamWriter(output);
        if (schemas)
        {
            writer.WriteSchemas(SchemaBytes(devices));
        }

        for (int i = 0; i < devices.Length; i++)
        {
            writer.WriteDevice(devices[i], (uint)i);
        }

        writer.Complete();
    }

    public static IEnumerable<KeyValuePair<string, byte[]>> SchemaBytes(IDeviceState[] devices)
    {
        var seen = new HashSet<string>();
        foreach (IDeviceState d in devices)
        {
            string key = d.Type.Id + "@" + d.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (seen.Add(key))
            {
                yield return new(key, Schema.SchemaDocument.ToUtf8(Schema.DeviceSchema.For(d.Type, d.Version)));
            }
        }
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
