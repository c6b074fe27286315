using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;

namespace MigrationFormat.Benchmarks;

/// <summary>Save and load of each sample device ("busy" state, current version) through the legacy and the BER visitors.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class SampleBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1 << 20);
    private readonly BerDeviceSerializer _ber = new();
    private IDeviceState _device = null!;
    private IDeviceState _target = null!;
    private byte[] _legacy = null!;
    private ReadOnlyMemory<byte> _berBytes;

    public static IEnumerable<string> Devices => SampleCatalog.DeviceTypes.Select(t => t.Id);

    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "serial";

    [GlobalSetup]
    public void Setup()
    {
        DeviceType type = SampleCatalog.DeviceTypes.First(t => t.Id == Device);
        _device = SampleCatalog.CreateBusy(type, type.CurrentVersion);
        _target = type.Create();
        _legacy = LegacyDeviceSerializer.Save(_device);
        _output.ResetWrittenCount();
        BerDeviceSerializer.Save(_device, _output);
        _berBytes = _output.WrittenSpan.ToArray();
        _ber.Load(_target, _berBytes, _device.Version);
        LegacyDeviceSerializer.Load(_target, _legacy, _device.Version);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Save")]
    public long Save_Legacy()
    {
        _output.ResetWrittenCount();
        return LegacyDeviceSerializer.Save(_device, _output);
    }

    [Benchmark, BenchmarkCategory("Save")]
    public int Save_Ber()
    {
        _output.ResetWrittenCount();
        BerDeviceSerializer.Save(_device, _output);
        return _output.WrittenCount;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Load")]
    public void Load_Legacy() => LegacyDeviceSerializer.Load(_target, _legacy, _device.Version);

    [Benchmark, BenchmarkCategory("Load")]
    public LoadReport Load_Ber() => _ber.Load(_target, _berBytes, _device.Version);
}
