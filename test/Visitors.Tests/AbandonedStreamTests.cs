using System.Buffers;
using System.Formats.Asn1;
using MigrationFormat.Samples;

namespace MigrationFormat.Visitors.Tests;

/// <summary>
/// A <see cref="MigrationStreamWriter"/> disposed before <see cref="MigrationStreamWriter.Complete"/> never leaves a
/// stream that passes for whole: it writes the abandoned mark, or (after a failed write) stops where it failed.
/// </summary>
public class AbandonedStreamTests
{
    [Fact]
    public void Dispose_WithoutComplete_ReaderReportsTheStreamAsCut()
    {
        byte[] stream = Write(complete: false);

        var ex = Assert.Throws<MigrationFormatException>(() => ReadAll(stream));

        Assert.Equal(MigrationErrorKind.Truncated, ex.Kind);
        Assert.Contains("disposed before it completed the stream, after 2 section(s)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_WithoutComplete_MarkStandsWhereTheTrailerWould()
    {
        byte[] stream = Write(complete: false);

        var ex = Assert.Throws<MigrationFormatException>(() => ReadAll(stream));

        Assert.Equal(stream.AsSpan().LastIndexOf(new byte[] { 0x67, 0x80 }), ex.Offset);
    }

    [Fact]
    public void Dispose_WithoutComplete_LoadAllLeavesEveryDeviceAsItWas()
    {
        byte[] stream = Write(complete: false);
        IDeviceState uart = Uart16550.DeviceType.Create(3);
        IDeviceState rtc = Mc146818Rtc.DeviceType.Create(3);
        string[] before = [.. StateDump.Of(uart).Values, .. StateDump.Of(rtc).Values];

        using var reader = new MigrationStreamReader(stream);
        Assert.Throws<MigrationFormatException>(() => reader.LoadAll(section => section.Id == "serial" ? uart : rtc));

        string[] after = [.. StateDump.Of(uart).Values, .. StateDump.Of(rtc).Values];
        Assert.Equal(before, after);
    }

    [Fact]
    public void Dispose_WithoutComplete_StreamIsStillPlainBer()
    {
        var reader = new AsnReader(Write(complete: false), AsnEncodingRules.BER);

        reader.ReadEncodedValue();

        Assert.False(reader.HasData);
    }

    [Fact]
    public void Dispose_NothingWritten_ReaderReportsZeroSections()
    {
        var output = new ArrayBufferWriter<byte>();
        new MigrationStreamWriter(output).Dispose();

        var ex = Assert.Throws<MigrationFormatException>(() => ReadAll(output.WrittenSpan.ToArray()));

        Assert.Contains("after 0 section(s)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_AfterComplete_AddsNothing()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new MigrationStreamWriter(output);
        writer.WriteDevice(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
        writer.Complete();
        int completed = output.WrittenCount;

        writer.Dispose();

        Assert.Equal(completed, output.WrittenCount);
    }

    [Fact]
    public void Dispose_AfterAFailedSection_WritesNoMarkAndReaderReportsTruncation()
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            writer.WriteDevice(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
            Assert.Throws<InvalidOperationException>(() => writer.WriteDevice(new FailingDevice()));
        }

        var ex = Assert.Throws<MigrationFormatException>(() => ReadAll(output.WrittenSpan.ToArray()));

        Assert.Equal(MigrationErrorKind.Truncated, ex.Kind);
        Assert.DoesNotContain("disposed before", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteDevice_AfterAFailedSection_Throws()
    {
        using var writer = new MigrationStreamWriter(new ArrayBufferWriter<byte>());
        Assert.Throws<InvalidOperationException>(() => writer.WriteDevice(new FailingDevice()));

        var ex = Assert.Throws<InvalidOperationException>(() => writer.WriteDevice(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3)));

        Assert.Contains("earlier write failed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_AfterDispose_ThrowsObjectDisposed()
    {
        var writer = new MigrationStreamWriter(new ArrayBufferWriter<byte>());
        writer.Dispose();

        Assert.Throws<ObjectDisposedException>(writer.Complete);
    }

    private static byte[] Write(bool complete)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            writer.WriteDevice(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
            writer.WriteDevice(SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType, 3));
            if (complete)
            {
                writer.Complete();
            }
        }

        return output.WrittenSpan.ToArray();
    }

    private static void ReadAll(byte[] stream)
    {
        using var reader = new MigrationStreamReader(stream);
        while (reader.TryReadSection(out _))
        {
        }
    }

    /// <summary>A device whose Visit fails after its first field, as a device whose state cannot be read would.</summary>
    private sealed class FailingDevice : IDeviceState
    {
        private static readonly DeviceType FailingType = new("failing", "urn:test:failing", 1, 1, _ => new FailingDevice());
        private static readonly FieldSet Root = new("failing");
        private static readonly FieldSpec<uint> Value = Root.UInt32("value", 0);
        private uint _value = 7;

        public DeviceType Type => FailingType;

        public int Version => 1;

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct
        {
            visitor.Field(Value, ref _value);
            throw new InvalidOperationException("The device's state could not be read.");
        }
    }
}
