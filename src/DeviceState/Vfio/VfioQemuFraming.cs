using System;
using System.Buffers;
using System.Buffers.Binary;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// QEMU's framing of a VFIO device's data stream inside its migration section (<c>hw/vfio/migration.c</c>): big-endian
/// 64-bit markers, data blocks as <c>DEV_DATA_STATE</c>, a be64 length and the bytes, each part of the section ended by
/// <c>END_OF_STATE</c>, or by <c>DEV_INIT_DATA_SENT</c> once the initial pre-copy data has all been sent when the
/// switchover acknowledgement is in use.
/// </summary>
public sealed class VfioQemuFraming
{
    /// <summary><c>VFIO_MIG_FLAG_END_OF_STATE</c>: ends a part of the section.</summary>
    public const ulong EndOfState = 0xffffffffef100001UL;

    /// <summary><c>VFIO_MIG_FLAG_DEV_CONFIG_STATE</c>: the VMM's PCI configuration follows (the non-iterative part).</summary>
    public const ulong DeviceConfigState = 0xffffffffef100002UL;

    /// <summary><c>VFIO_MIG_FLAG_DEV_SETUP_STATE</c>: the setup part, followed directly by <see cref="EndOfState"/>.</summary>
    public const ulong DeviceSetupState = 0xffffffffef100003UL;

    /// <summary><c>VFIO_MIG_FLAG_DEV_DATA_STATE</c>: a be64 length and that many bytes of the device's stream follow.</summary>
    public const ulong DeviceDataState = 0xffffffffef100004UL;

    /// <summary><c>VFIO_MIG_FLAG_DEV_INIT_DATA_SENT</c>: all initial pre-copy data has been sent; ends the part, and the destination may acknowledge.</summary>
    public const ulong DeviceInitialDataSent = 0xffffffffef100005UL;

    /// <summary>QEMU's data buffer: the largest block it reads from the device at once (1 MiB).</summary>
    public const int DefaultBlockSize = 1024 * 1024;

    private const int BlockHeaderSize = 16;

    /// <summary>Creates a writer of the source's side.</summary>
    /// <param name="switchoverAck"><see langword="true"/> when the switchover acknowledgement is in use (QEMU's <c>switchover-ack</c> capability).</param>
    /// <param name="blockSize">The largest data block; 0 for <see cref="DefaultBlockSize"/>.</param>
    public VfioQemuFraming(bool switchoverAck, int blockSize = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blockSize);
        SwitchoverAck = switchoverAck;
        BlockSize = blockSize == 0 ? DefaultBlockSize : blockSize;
    }

    /// <summary>Gets a value indicating whether the switchover acknowledgement is in use.</summary>
    public bool SwitchoverAck { get; }

    /// <summary>Gets the largest data block written.</summary>
    public int BlockSize { get; }

    /// <summary>Gets a value indicating whether <see cref="DeviceInitialDataSent"/> has been written.</summary>
    public bool InitialDataMarked { get; private set; }

    /// <summary>Writes the setup part: <c>DEV_SETUP_STATE</c>, <c>END_OF_STATE</c> (QEMU's <c>vfio_save_setup</c>).</summary>
    /// <param name="output">Where it goes.</param>
    public static void WriteSetup(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteMarker(output, DeviceSetupState);
        WriteMarker(output, EndOfState);
    }

    /// <summary>
    /// Writes one pre-copy part (QEMU's <c>vfio_save_iterate</c>): at most one data block read from the device, then
    /// <c>DEV_INIT_DATA_SENT</c> the first time the initial data is complete with the acknowledgement in use, else
    /// <c>END_OF_STATE</c>.
    /// </summary>
    /// <param name="output">Where it goes.</param>
    /// <param name="channel">The device's source side, in pre-copy.</param>
    /// <returns>The number of data bytes written.</returns>
    public int WriteIteration(IBufferWriter<byte> output, VfioSaveChannel channel)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(channel);
        int written = WriteBlock(output, channel);
        if (SwitchoverAck && channel.UsesPreCopy && channel.InitialDataComplete && !InitialDataMarked)
        {
            WriteMarker(output, DeviceInitialDataSent);
            InitialDataMarked = true;
        }
        else
        {
            WriteMarker(output, EndOfState);
        }

        return written;
    }

    /// <summary>
    /// Writes the final part (QEMU's <c>vfio_save_complete_precopy</c>): moves the device to STOP_COPY, writes data
    /// blocks until the stream ends, then <c>END_OF_STATE</c>.
    /// </summary>
    /// <param name="output">Where it goes.</param>
    /// <param name="channel">The device's source side.</param>
    /// <returns>The number of data bytes written.</returns>
    public long WriteCompletion(IBufferWriter<byte> output, VfioSaveChannel channel)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(channel);
        if (channel.Device.State != VfioDeviceState.StopCopy)
        {
            channel.StopAndCopy();
        }

        long total = 0;
        int written;
        while ((written = WriteBlock(output, channel)) > 0)
        {
            total += written;
        }

        WriteMarker(output, EndOfState);
        return total;
    }

    /// <summary>Writes <c>END_OF_STATE</c>.</summary>
    /// <param name="output">Where it goes.</param>
    public static void WriteEndOfState(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteMarker(output, EndOfState);
    }

    /// <summary>
    /// Reads one block (at most <see cref="BlockSize"/> bytes) from the device straight into the output, behind its
    /// <c>DEV_DATA_STATE</c> marker and length; writes nothing when the device has nothing now.
    /// </summary>
    /// <param name="output">Where it goes.</param>
    /// <param name="channel">The device's source side.</param>
    /// <returns>The number of data bytes written; 0 when the device had none.</returns>
    public int WriteBlock(IBufferWriter<byte> output, VfioSaveChannel channel)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(channel);
        Span<byte> span = output.GetSpan(BlockHeaderSize + BlockSize);
        int read = channel.ReadSaveData(span.Slice(BlockHeaderSize, BlockSize));
        if (read == 0)
        {
            return 0;
        }

        BinaryPrimitives.WriteUInt64BigEndian(span, DeviceDataState);
        BinaryPrimitives.WriteUInt64BigEndian(span[8..], (ulong)read);
        output.Advance(BlockHeaderSize + read);
        return read;
    }

    private static void WriteMarker(IBufferWriter<byte> output, ulong marker)
    {
        BinaryPrimitives.WriteUInt64BigEndian(output.GetSpan(8), marker);
        output.Advance(8);
    }
}
