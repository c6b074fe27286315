using System.Buffers;
using System.Formats.Asn1;
using MigrationFormat.Samples;
using Xunit;

namespace MigrationFormat.Visitors.Tests;

public class UartStreamTests
{
    private static byte[] Save(IDeviceState device)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new MigrationStreamWriter(output);
        writer.WriteDevice(device);
        writer.Complete();
        return output.WrittenSpan.ToArray();
    }

    private static Uart16550 Busy(int version) => new(version)
    {
        Divider = 0x1234, Ier = 5, Lcr = 3, Scr = 0xAA, TxCount = 1_000_000, FifoTriggerLevel = 14, FifoTimeoutArmed = true, FifoTimeoutNs = 123456789,
    };

    [Fact]
    public void SaveThenLoad_SameVersion_RestoresEveryField()
    {
        byte[] stream = Save(Busy(3));
        var loaded = new Uart16550(3);
        using var reader = new MigrationStreamReader(stream);
        Assert.True(reader.TryReadSection(out SectionHeader section));
        LoadReport report = reader.LoadSection(loaded);
        Assert.False(reader.TryReadSection(out _));
        Assert.Equal("serial", section.Id);
        Assert.True(report.IsExact);
        Assert.Equal(0x1234, loaded.Divider);
        Assert.Equal(123456789, loaded.FifoTimeoutNs);
        Assert.True(loaded.FifoTimeoutArmed);
    }

    [Fact]
    public void Load_V2StreamIntoV1_SkipsSkippableCounter()
    {
        byte[] stream = Save(Busy(2));
        var loaded = new Uart16550(1);
        using var reader = new MigrationStreamReader(stream);
        reader.TryReadSection(out _);
        LoadReport report = reader.LoadSection(loaded);
        Assert.Single(report.SkippedFields);
        Assert.Equal(0x1234, loaded.Divider);
    }

    [Fact]
    public void Load_V3StreamIntoV2_FailsOnMustParseField_AndLeavesDeviceUnchanged()
    {
        byte[] stream = Save(Busy(3));
        var loaded = new Uart16550(2) { Divider = 7 };
        using var reader = new MigrationStreamReader(stream);
        reader.TryReadSection(out _);
        var ex = Assert.Throws<MigrationFormatException>(() => reader.LoadSection(loaded));
        Assert.Equal(MigrationErrorKind.UnknownRequiredField, ex.Kind);
        Assert.Equal("serial", ex.Device);
        Assert.Equal(3, ex.SourceVersion);
        Assert.Equal(2, ex.DestinationVersion);
        Assert.Equal(7, loaded.Divider);
    }

    [Fact]
    public void Stream_IsWalkedByAsnReader()
    {
        byte[] stream = Save(Busy(3));
        var reader = new AsnReader(stream, AsnEncodingRules.BER);
        reader.ReadEncodedValue();
        Assert.False(reader.HasData);
    }
}
