using System.Buffers;
using MigrationFormat.Samples;

namespace MigrationFormat.Visitors.Tests;

/// <summary>
/// Who owns the <see cref="Stream"/> under a <see cref="MigrationStreamReader"/> or <see cref="MigrationStreamWriter"/>:
/// the reader or writer, as with <see cref="StreamReader"/>, unless it was created with <c>leaveOpen</c>.
/// </summary>
public class StreamOwnershipTests
{
    [Fact]
    public void WriterDispose_ByDefault_DisposesTheStream()
    {
        var output = new TrackingStream();

        using (var writer = new MigrationStreamWriter(output))
        {
            writer.Complete();
        }

        Assert.True(output.Disposed);
    }

    [Fact]
    public void WriterDispose_LeaveOpen_KeepsTheStreamUsable()
    {
        var output = new TrackingStream();

        using (var writer = new MigrationStreamWriter(output, leaveOpen: true))
        {
            writer.WriteDevice(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
            writer.Complete();
        }

        Assert.False(output.Disposed);
        output.Position = 0;
        using var reader = new MigrationStreamReader(output, leaveOpen: true);
        Assert.True(reader.TryReadSection(out SectionHeader section));
        Assert.Equal("serial", section.Id);
    }

    [Fact]
    public void ReaderDispose_ByDefault_DisposesTheStream()
    {
        var input = new TrackingStream(Save());

        using (var reader = new MigrationStreamReader(input))
        {
            Assert.True(reader.TryReadSection(out _));
        }

        Assert.True(input.Disposed);
    }

    [Fact]
    public void ReaderDispose_LeaveOpen_KeepsTheStreamOpen()
    {
        var input = new TrackingStream(Save());

        using (var reader = new MigrationStreamReader(input, leaveOpen: true))
        {
            Assert.True(reader.TryReadSection(out _));
        }

        Assert.False(input.Disposed);
    }

    [Fact]
    public void ReaderConstructor_NotAStream_DisposesTheStreamItOwns()
    {
        var input = new TrackingStream("QEVM not BER"u8.ToArray());

        Assert.Throws<MigrationFormatException>(() => new MigrationStreamReader(input));

        Assert.True(input.Disposed);
    }

    [Fact]
    public void ReaderConstructor_NotAStreamWithLeaveOpen_LeavesTheStreamOpen()
    {
        var input = new TrackingStream("QEVM not BER"u8.ToArray());

        Assert.Throws<MigrationFormatException>(() => new MigrationStreamReader(input, leaveOpen: true));

        Assert.False(input.Disposed);
    }

    private static byte[] Save()
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            writer.WriteDevice(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
            writer.Complete();
        }

        return output.WrittenSpan.ToArray();
    }

    private sealed class TrackingStream : MemoryStream
    {
        public TrackingStream()
        {
        }

        public TrackingStream(byte[] data)
            : base(data)
        {
        }

        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
