using System;
using System.Buffers;
using System.Formats.Asn1;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MigrationFormat.Visitors;

namespace MigrationFormat.Benchmarks;

/// <summary>Save and load of the 40-field device through every codec; raw big-endian is the baseline of each category.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class DeviceBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private readonly byte[] _buffer = new byte[4096];
    private readonly AsnWriter _asn = new(AsnEncodingRules.DER, 1024);
    private readonly BerDeviceSerializer _ber = new();
    private PerfDevice _device = null!;
    private PerfDevice _target = null!;
    private ProtoCodec.Wrapped _wrapped = null!;
    private byte[] _raw = null!;
    private byte[] _legacy = null!;
    private byte[] _berBytes = null!;
    private ReadOnlyMemory<byte> _berMemory;
    private byte[] _asnBytes = null!;
    private byte[] _proto = null!;

    [Params("full", "sparse")]
    public string Data { get; set; } = "full";

    [GlobalSetup]
    public void Setup()
    {
        _device = PerfDevice.Create(Data == "sparse");
        _target = PerfDevice.Create(Data == "sparse", seed: 7);
        _wrapped = new ProtoCodec.Wrapped(_device);
        _raw = _buffer.AsSpan(0, RawCodec.Save(_device, _buffer)).ToArray();
        _legacy = LegacyDeviceSerializer.Save(_device);
        _output.ResetWrittenCount();
        BerDeviceSerializer.Save(_device, _output);
        _berBytes = _output.WrittenSpan.ToArray();
        _berMemory = _berBytes;
        _asnBytes = _buffer.AsSpan(0, AsnCodec.Save(_device, _asn, _buffer)).ToArray();
        _proto = _buffer.AsSpan(0, ProtoCodec.Save(_device, _wrapped, _buffer)).ToArray();
        Verify.PerfRoundTrips(_device, _raw, _legacy, _berBytes, _asnBytes, _proto);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Save")]
    public int Save_Raw() => RawCodec.Save(_device, _buffer);

    [Benchmark, BenchmarkCategory("Save")]
    public long Save_Legacy()
    {
        _output.ResetWrittenCount();
        return LegacyDeviceSerializer.Save(_device, _output, "perf");
    }

    [Benchmark, BenchmarkCategory("Save")]
    public int Save_Ber()
    {
        _output.ResetWrittenCount();
        BerDeviceSerializer.Save(_device, _output);
        return _output.WrittenCount;
    }

    [Benchmark, BenchmarkCategory("Save")]
    public int Save_AsnWriter() => AsnCodec.Save(_device, _asn, _buffer);

    [Benchmark, BenchmarkCategory("Save")]
    public int Save_Protobuf() => ProtoCodec.Save(_device, _wrapped, _buffer);

    [Benchmark(Baseline = true), BenchmarkCategory("Load")]
    public void Load_Raw() => RawCodec.Load(_target, _raw);

    [Benchmark, BenchmarkCategory("Load")]
    public void Load_Legacy() => LegacyDeviceSerializer.Load(_target, _legacy, 1, "perf");

    [Benchmark, BenchmarkCategory("Load")]
    public LoadReport Load_Ber() => _ber.Load(_target, _berMemory, 1);

    [Benchmark, BenchmarkCategory("Load")]
    public void Load_AsnDecoder() => AsnCodec.Load(_target, _asnBytes);

    [Benchmark, BenchmarkCategory("Load")]
    public void Load_Protobuf() => ProtoCodec.Load(_target, _proto, _proto.Length);
}
