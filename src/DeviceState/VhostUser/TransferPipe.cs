using System;
using System.Globalization;
using System.IO;

namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>
/// The front-end's end of a transfer pipe: passes reads or writes through and counts them, and says what a broken pipe
/// means here (the back-end closed its end or exited part way).
/// </summary>
internal sealed class TransferPipe(Stream pipe, VhostUserTransferDirection direction) : Stream
{
    public long BytesMoved { get; private set; }

    public override bool CanRead => pipe.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => pipe.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesMoved;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            int read = pipe.Read(buffer);
            BytesMoved += read;
            return read;
        }
        catch (IOException ex)
        {
            throw Broken(ex);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            pipe.Write(buffer);
            BytesMoved += buffer.Length;
        }
        catch (IOException ex)
        {
            throw Broken(ex);
        }
    }

    public override void Flush() => pipe.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            pipe.Dispose();
        }

        base.Dispose(disposing);
    }

    private IOException Broken(IOException cause) => new(
        string.Create(
            CultureInfo.InvariantCulture,
            $"The {(direction == VhostUserTransferDirection.Load ? "load" : "save")} transfer broke after {BytesMoved} bytes: the back-end closed its end "
            + $"of the state pipe or exited ({cause.Message})."),
        cause);
}
