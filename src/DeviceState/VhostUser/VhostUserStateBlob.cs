using System;
using System.IO;
using MigrationFormat.Visitors;

namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>
/// A vhost-user back-end's state as a blob of the VMM's device section: saving streams it from the back-end's pipe
/// into the migration stream segment by segment and asks CHECK_DEVICE_STATE when the pipe ends; loading streams the
/// blob's bytes into the back-end's pipe as they arrive, closes it, and asks CHECK_DEVICE_STATE. Neither side holds
/// the state whole.
/// </summary>
/// <remarks>
/// The back-end takes its state when it answers CHECK_DEVICE_STATE, inside <see cref="Load"/>: a failed check fails the
/// device's load. A later failure elsewhere in the VMM's stream cannot undo what the back-end took (QEMU has the same
/// limit); <see cref="CommitLoad"/> and <see cref="AbortLoad"/> have nothing to do.
/// </remarks>
public sealed class VhostUserStateBlob : IBlobState
{
    private const int CopyBufferSize = 256 * 1024;

    /// <summary>Creates the blob over a negotiated front-end.</summary>
    /// <param name="frontEnd">The front-end, or <see langword="null"/> for a device that is only described.</param>
    public VhostUserStateBlob(VhostUserFrontEnd? frontEnd) => FrontEnd = frontEnd;

    /// <summary>Gets the front-end.</summary>
    public VhostUserFrontEnd? FrontEnd { get; }

    /// <summary>Gets the number of state bytes moved by the last save or load.</summary>
    public long BytesMoved { get; private set; }

    /// <inheritdoc/>
    public Stream OpenRead()
    {
        VhostUserFrontEnd frontEnd = Connected();
        BytesMoved = 0;
        return new CheckedPipe(frontEnd.BeginSave(), frontEnd, this);
    }

    /// <inheritdoc/>
    public void Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        VhostUserFrontEnd frontEnd = Connected();
        BytesMoved = 0;
        using (Stream pipe = frontEnd.BeginLoad())
        {
            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                int read;
                while ((read = source.Read(buffer, 0, CopyBufferSize)) > 0)
                {
                    pipe.Write(buffer, 0, read);
                    BytesMoved += read;
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        frontEnd.CheckDeviceState();
    }

    /// <inheritdoc/>
    public void CommitLoad()
    {
    }

    /// <inheritdoc/>
    public void AbortLoad()
    {
    }

    private VhostUserFrontEnd Connected() =>
        FrontEnd ?? throw new InvalidOperationException("No vhost-user back-end is connected to this device.");

    /// <summary>The save pipe's read end; at its end the pipe is closed and CHECK_DEVICE_STATE asked, once.</summary>
    private sealed class CheckedPipe(Stream pipe, VhostUserFrontEnd frontEnd, VhostUserStateBlob owner) : Stream
    {
        private bool _ended;
        private bool _disposed;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_ended || buffer.IsEmpty)
            {
                return 0;
            }

            int read = pipe.Read(buffer);
            if (read > 0)
            {
                owner.BytesMoved += read;
                return read;
            }

            _ended = true;
            pipe.Dispose();
            frontEnd.CheckDeviceState();
            return 0;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed)
            {
                _disposed = true;
                pipe.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
