using System.Buffers;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Schema.Tests;

/// <summary><see cref="MigrationSerializer"/>: a set of devices saved with their schemas, and loaded back whole, in one call each.</summary>
public class MigrationSerializerTests
{
    [Fact]
    public void SaveThenLoad_SetOfDevices_RestoresEveryState()
    {
        IDeviceState[] sources = [SampleCatalog.CreateBusy(Uart16550.DeviceType, 3), SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType, 3)];
        IDeviceState[] destinations = [Uart16550.DeviceType.Create(3), Mc146818Rtc.DeviceType.Create(3)];

        MigrationSerializer.Load(MigrationSerializer.Save(sources), destinations);

        Assert.Equal(sources.Select(d => LegacyDeviceSerializer.Save(d)), destinations.Select(d => LegacyDeviceSerializer.Save(d)));
    }

    [Fact]
    public void Save_EmbedsTheSchemaOfEveryDeviceVersionOnce()
    {
        byte[] stream = MigrationSerializer.Save([
            SampleCatalog.CreateBusy(Uart16550.DeviceType, 3),
            SampleCatalog.CreateBusy(Uart16550.DeviceType, 3),
            SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType, 2)]);

        using var reader = new MigrationStreamReader(stream);
        reader.TryReadSection(out _);

        Assert.Equal(["mc146818rtc/v2", "serial/v3"], reader.Schemas.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Save_WithoutSchemas_EmbedsNone()
    {
        byte[] stream = MigrationSerializer.Save([SampleCatalog.CreateBusy(Uart16550.DeviceType, 3)], embedSchemas: false);

        using var reader = new MigrationStreamReader(stream);
        reader.TryReadSection(out _);

        Assert.Empty(reader.Schemas);
    }

    [Fact]
    public void Save_TwoDevicesOfOneType_NumbersTheirInstancesInOrder()
    {
        byte[] stream = MigrationSerializer.Save([Uart16550.DeviceType.Create(3), Mc146818Rtc.DeviceType.Create(3), Uart16550.DeviceType.Create(3)]);

        using var reader = new MigrationStreamReader(stream);
        var sections = new List<(string, uint)>();
        while (reader.TryReadSection(out SectionHeader section))
        {
            sections.Add((section.Id, section.InstanceId));
        }

        Assert.Equal([("serial", 0u), ("mc146818rtc", 0u), ("serial", 1u)], sections);
    }

    [Fact]
    public void Save_ToStream_LeavesTheStreamOpenAndComplete()
    {
        using var output = new MemoryStream();

        MigrationSerializer.Save(output, [SampleCatalog.CreateBusy(Uart16550.DeviceType, 3)]);

        Assert.True(output.CanWrite);
        output.Position = 0;
        IReadOnlyList<SectionLoadResult> results = MigrationSerializer.Load(output, [Uart16550.DeviceType.Create(3)]);
        Assert.Single(results);
    }

    [Fact]
    public void Load_TwoDevicesOfOneType_PairsSectionsByInstance()
    {
        Uart16550 first = (Uart16550)SampleCatalog.CreateBusy(Uart16550.DeviceType, 3);
        var second = new Uart16550(3);
        byte[] stream = MigrationSerializer.Save([first, second]);
        IDeviceState[] destinations = [Uart16550.DeviceType.Create(3), SampleCatalog.CreateBusy(Uart16550.DeviceType, 3)];

        MigrationSerializer.Load(stream, destinations);

        Assert.Equal(LegacyDeviceSerializer.Save(first), LegacyDeviceSerializer.Save(destinations[0]));
        Assert.Equal(LegacyDeviceSerializer.Save(second), LegacyDeviceSerializer.Save(destinations[1]));
    }

    [Fact]
    public void Load_SectionForADeviceNotGiven_ThrowsUnknownDeviceAndChangesNothing()
    {
        byte[] stream = MigrationSerializer.Save([SampleCatalog.CreateBusy(Uart16550.DeviceType, 3), SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType, 3)]);
        IDeviceState uart = Uart16550.DeviceType.Create(3);
        byte[] before = LegacyDeviceSerializer.Save(uart);

        var ex = Assert.Throws<MigrationFormatException>(() => MigrationSerializer.Load(stream, [uart]));

        Assert.Equal(MigrationErrorKind.UnknownDevice, ex.Kind);
        Assert.Contains(
            "Expected a section for one of the devices given (serial#0); found one for 'mc146818rtc' instance 0.",
            ex.Message,
            StringComparison.Ordinal);
        Assert.Equal(before, LegacyDeviceSerializer.Save(uart));
    }

    [Fact]
    public void Load_IgnoreUnknownSections_PassesOverThemAndLoadsTheRest()
    {
        IDeviceState source = SampleCatalog.CreateBusy(Uart16550.DeviceType, 3);
        byte[] stream = MigrationSerializer.Save([SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType, 3), source]);
        IDeviceState uart = Uart16550.DeviceType.Create(3);

        IReadOnlyList<SectionLoadResult> results = MigrationSerializer.Load(stream, [uart], new MigrationLoadOptions { IgnoreUnknownSections = true });

        Assert.Null(results[0].Device);
        Assert.Same(uart, results[1].Device);
        Assert.Equal(LegacyDeviceSerializer.Save(source), LegacyDeviceSerializer.Save(uart));
    }

    [Fact]
    public void Load_StreamCutBeforeItsTrailer_ChangesNothing()
    {
        byte[] stream = MigrationSerializer.Save([SampleCatalog.CreateBusy(Uart16550.DeviceType, 3)]);
        int trailer = stream.AsSpan().LastIndexOf(new byte[] { 0x64, 0x80 });
        IDeviceState uart = Uart16550.DeviceType.Create(3);
        byte[] before = LegacyDeviceSerializer.Save(uart);

        var ex = Assert.Throws<MigrationFormatException>(() => MigrationSerializer.Load(stream.AsMemory(0, trailer), [uart]));

        Assert.Equal(MigrationErrorKind.Truncated, ex.Kind);
        Assert.Equal(before, LegacyDeviceSerializer.Save(uart));
    }

    [Fact]
    public void Load_SecondSectionForOneDevice_ThrowsAndChangesNothing()
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            writer.WriteDevice(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
            writer.WriteDevice(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
            writer.Complete();
        }

        IDeviceState uart = Uart16550.DeviceType.Create(3);
        byte[] before = LegacyDeviceSerializer.Save(uart);

        var ex = Assert.Throws<MigrationFormatException>(() => MigrationSerializer.Load(output.WrittenMemory, [uart]));

        Assert.Contains("found a second section for 'serial' instance 0", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, LegacyDeviceSerializer.Save(uart));
    }

    [Fact]
    public void Load_OlderDestination_NamesTheSkippedFieldFromTheEmbeddedSchema()
    {
        byte[] stream = MigrationSerializer.Save([SampleCatalog.CreateBusy(Uart16550.DeviceType, 2)]);

        IReadOnlyList<SectionLoadResult> results = MigrationSerializer.Load(stream, [Uart16550.DeviceType.Create(1)]);

        Assert.Equal(["serial.tx_count [PRIVATE 9]"], results[0].Report!.SkippedFields);
    }
}
