using MigrationFormat.Samples;

namespace MigrationFormat.Visitors.Tests;

/// <summary>
/// <see cref="MigrationStreamReader.LoadAll"/>: every section loads, and no device takes its new state until the
/// trailer (and every checksum) has been read.
/// </summary>
public class WholeStreamLoadTests
{
    private static readonly DeviceType[] Types = [Uart16550.DeviceType, Mc146818Rtc.DeviceType, VirtioNet.DeviceType, VhostUserBackend.DeviceType];

    [Fact]
    public void LoadAll_WholeStream_LoadsEveryDevice()
    {
        IDeviceState[] sources = [.. Types.Select(t => SampleCatalog.CreateBusy(t, 3))];
        byte[] stream = Save(sources, integrity: false);
        IDeviceState[] destinations = [.. Types.Select(t => t.Create(3))];

        IReadOnlyList<SectionLoadResult> results;
        using (var reader = new MigrationStreamReader(stream))
        {
            results = reader.LoadAll(section => destinations.First(d => d.Type.Id == section.Id));
        }

        Assert.Equal(Types.Length, results.Count);
        for (int i = 0; i < sources.Length; i++)
        {
            Assert.Equal(StateDump.Of(sources[i]), StateDump.Of(destinations[i]));
            Assert.NotNull(results[i].Report);
        }
    }

    [Fact]
    public void LoadAll_StreamCutBeforeItsTrailer_LeavesEveryDeviceAsItWas()
    {
        byte[] stream = Save([.. Types.Select(t => SampleCatalog.CreateBusy(t, 3))], integrity: false);
        int trailer = stream.AsSpan().LastIndexOf(new byte[] { 0x64, 0x80 });
        IDeviceState[] destinations = [.. Types.Select(t => t.Create(3))];
        var before = destinations.Select(StateDump.Of).ToArray();
        var blob = (VhostUserBackend)destinations[3];
        blob.BackendState = [9, 9, 9];

        var ex = Assert.Throws<MigrationFormatException>(() =>
        {
            using var reader = new MigrationStreamReader(stream.AsMemory(0, trailer));
            reader.LoadAll(section => destinations.First(d => d.Type.Id == section.Id));
        });

        Assert.Equal(MigrationErrorKind.Truncated, ex.Kind);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(before[i], StateDump.Of(destinations[i]));
        }

        Assert.Equal(new byte[] { 9, 9, 9 }, blob.BackendState);
    }

    [Fact]
    public void LoadAll_ChecksumOfTheLastSectionFails_LeavesEveryDeviceAsItWas()
    {
        IDeviceState[] sources = [.. Types.Take(3).Select(t => SampleCatalog.CreateBusy(t, 3))];
        byte[] stream = Save(sources, integrity: true);
        int trailer = stream.AsSpan().LastIndexOf(new byte[] { 0x64, 0x80 });
        stream[trailer - 5] ^= 0x01; // inside the last section's checksum
        IDeviceState[] destinations = [.. Types.Take(3).Select(t => t.Create(3))];
        var before = destinations.Select(StateDump.Of).ToArray();

        var ex = Assert.Throws<MigrationFormatException>(() =>
        {
            using var reader = new MigrationStreamReader(stream);
            reader.LoadAll(section => destinations.First(d => d.Type.Id == section.Id));
        });

        Assert.Equal(MigrationErrorKind.IntegrityCheckFailed, ex.Kind);
        Assert.Equal(before, destinations.Select(StateDump.Of).ToArray());
    }

    [Fact]
    public void LoadAll_ResolverPassesASectionOver_ReportsItAndLoadsTheRest()
    {
        IDeviceState[] sources = [.. Types.Take(2).Select(t => SampleCatalog.CreateBusy(t, 3))];
        byte[] stream = Save(sources, integrity: false);
        var rtc = new Mc146818Rtc(3);

        IReadOnlyList<SectionLoadResult> results;
        using (var reader = new MigrationStreamReader(stream))
        {
            results = reader.LoadAll(section => section.Id == "mc146818rtc" ? rtc : null);
        }

        Assert.Null(results[0].Device);
        Assert.Null(results[0].Report);
        Assert.Same(rtc, results[1].Device);
        Assert.Equal(StateDump.Of(sources[1]), StateDump.Of(rtc));
    }

    [Fact]
    public void LoadAll_LaterSectionFails_PutsBackTheDevicesLoadedBeforeIt()
    {
        IDeviceState[] sources = [SampleCatalog.CreateBusy(Uart16550.DeviceType, 3), SampleCatalog.CreateBusy(VirtioNet.DeviceType, 3)];
        byte[] stream = Save(sources, integrity: false);
        var uart = new Uart16550(3);
        var net = new VirtioNet(1); // older than the stream: its must-parse v3 fields are unknown
        SortedDictionary<string, string> uartBefore = StateDump.Of(uart), netBefore = StateDump.Of(net);

        Assert.Throws<MigrationFormatException>(() =>
        {
            using var reader = new MigrationStreamReader(stream);
            reader.LoadAll(section => section.Id == "serial" ? uart : net);
        });

        Assert.Equal(uartBefore, StateDump.Of(uart));
        Assert.Equal(netBefore, StateDump.Of(net));
    }

    private static byte[] Save(IDeviceState[] devices, bool integrity)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { Integrity = integrity });
        foreach (IDeviceState device in devices)
        {
            writer.WriteDevice(device);
        }

        writer.Complete();
        return output.WrittenSpan.ToArray();
    }
}
