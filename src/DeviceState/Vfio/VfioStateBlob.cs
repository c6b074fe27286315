using System;
using System.Buffers;
using System.IO;
using MigrationFormat.Visitors;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// A VFIO device's data stream as a blob of a device section (<see cref="IStateVisitor.Blob"/>), for a stopped guest:
/// saving moves the device from STOP to STOP_COPY and reads its stream to the end, segment by segment; loading moves
/// it to RESUMING, writes what arrives, and leaves RESUMING, where the device validates. Neither side holds the stream.
/// </summary>
/// <remarks>
/// A device cannot stage a load the way fields are staged: it takes the data when it leaves RESUMING, inside
/// <see cref="Load"/>. <see cref="AbortLoad"/> (another field or device failed) resets it, which also ends a resuming
/// session cut short; <see cref="CommitLoad"/> has nothing left to do.
/// </remarks>
public sealed class VfioStateBlob : IBlobState
{
    private const int CopyBufferSize = 64 * 1024;

    /// <summary>Creates the blob of <paramref name="device"/>.</summary>
    /// <param name="device">The device.</param>
    public VfioStateBlob(IVfioMigrationDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
    }

    /// <summary>Gets the device.</summary>
    public IVfioMigrationDevice Device { get; }

    /// <summary>Opens the device's stop-copy stream; disposing the returned stream ends the saving session (STOP_COPY to STOP).</summary>
    /// <returns>A readable stream of the device's state.</returns>
    /// <exception cref="VfioStateException">The device is not stopped (the guest must be stopped before a stop-copy save) or refused STOP_COPY.</exception>
    public Stream OpenRead()
    {
        if (Device.State != VfioDeviceState.Stop)
        {
            throw new VfioStateException(
                "A stop-copy save starts from STOP; the device is in " + VfioStates.UapiName(Device.State) + ".",
                Device.State);
        }

        IVfioDataFile data = Device.SetState(VfioDeviceState.StopCopy)
            ?? throw new VfioStateException("STOP_COPY opened no data stream.", Device.State);
        return new SavingStream(Device, data);
    }

    /// <summary>Moves the device to RESUMING, writes <paramref name="source"/> into it, and leaves RESUMING so the device validates.</summary>
    /// <param name="source">The incoming bytes.</param>
    /// <exception cref="MigrationFormatException">The device rejects the data (as soon as its header arrives, or at the end).</exception>
    public void Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var channel = new VfioLoadChannel(Device);
        channel.BeginLoad();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = source.Read(buffer, 0, CopyBufferSize)) > 0)
            {
                channel.WriteLoadData(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        channel.FinishLoad();
    }

    /// <summary>Nothing to do: the device took the state when it left RESUMING.</summary>
    public void CommitLoad()
    {
    }

    /// <summary>Resets the device: the only way to abandon a resuming session, or a state loaded before another part failed.</summary>
    public void AbortLoad() => Device.Reset();

    /// <summary>Reads a stop-copy stream to its end; disposing it ends the saving session.</summary>
    private sealed class SavingStream(IVfioMigrationDevice device, IVfioDataFile data) : Stream
    {
        private bool _disposed;

        public override bool CanRead => !_disposed;

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
            if (buffer.IsEmpty)
            {
                return 0;
            }

            return data.Read(buffer, out int read) switch
            {
                VfioReadStatus.Data => read,
                VfioReadStatus.EndOfStream => 0,
                _ => throw new VfioStateException(
                    "The device reported no pending data in STOP_COPY, where only the end of the stream may end reading.", device.State),
            };
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
                data.Dispose();
                if (device.State == VfioDeviceState.StopCopy)
                {
                    device.SetState(VfioDeviceState.Stop);
                }
            }

            base.Dispose(disposing);
        }
    }
}
