using System;
using System.Buffers;
using System.Globalization;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>What ended one part of a VFIO section on the destination.</summary>
public enum VfioFramePartEnd
{
    /// <summary><c>END_OF_STATE</c> (after setup, a pre-copy round, or the final data).</summary>
    EndOfState,

    /// <summary><c>DEV_INIT_DATA_SENT</c>: the source's initial data is all sent; the destination may acknowledge the switchover.</summary>
    InitialDataSent,
}

/// <summary>
/// Reads QEMU's VFIO framing on the destination (QEMU's <c>vfio_load_state</c>): markers and data blocks, each block
/// passed to the device in bounded pieces as it arrives, with the checks a careful reader adds (a block larger than
/// <see cref="MaxBlockSize"/>, an unknown marker, <c>DEV_INIT_DATA_SENT</c> when the acknowledgement is not in use).
/// </summary>
public sealed class VfioQemuFrameReader
{
    /// <summary>The default <see cref="MaxBlockSize"/>: 64 MiB, far above QEMU's 1 MiB blocks.</summary>
    public const long DefaultMaxBlockSize = 64L * 1024 * 1024;

    private const int CopyBufferSize = 64 * 1024;

    /// <summary>Creates a reader.</summary>
    /// <param name="switchoverAck"><see langword="true"/> when the switchover acknowledgement is in use.</param>
    /// <param name="maxBlockSize">The largest data block accepted; 0 for <see cref="DefaultMaxBlockSize"/>.</param>
    public VfioQemuFrameReader(bool switchoverAck, long maxBlockSize = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBlockSize);
        SwitchoverAck = switchoverAck;
        MaxBlockSize = maxBlockSize == 0 ? DefaultMaxBlockSize : maxBlockSize;
    }

    /// <summary>Gets a value indicating whether the switchover acknowledgement is in use.</summary>
    public bool SwitchoverAck { get; }

    /// <summary>Gets the largest data block accepted.</summary>
    public long MaxBlockSize { get; }

    /// <summary>Reads one part of the section, up to and including the marker that ends it.</summary>
    /// <param name="input">The section's bytes, positioned at the part's first marker.</param>
    /// <param name="channel">The device's destination side, in RESUMING.</param>
    /// <returns>What ended the part.</returns>
    /// <exception cref="MigrationFormatException">The framing is wrong or the device rejects its data.</exception>
    internal VfioFramePartEnd ReadPart(ExactReader input, VfioLoadChannel channel)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            while (true)
            {
                long at = input.Position;
                ulong marker = input.ReadUInt64BigEndian("a VFIO marker");
                switch (marker)
                {
                    case VfioQemuFraming.EndOfState:
                        return VfioFramePartEnd.EndOfState;
                    case VfioQemuFraming.DeviceSetupState:
                        at = input.Position;
                        ulong next = input.ReadUInt64BigEndian("the marker after DEV_SETUP_STATE");
                        if (next != VfioQemuFraming.EndOfState)
                        {
                            throw Fail($"DEV_SETUP_STATE must be followed by END_OF_STATE, found 0x{next:x16}.", at);
                        }

                        return VfioFramePartEnd.EndOfState;
                    case VfioQemuFraming.DeviceDataState:
                        ReadBlock(input, channel, buffer);
                        break;
                    case VfioQemuFraming.DeviceInitialDataSent:
                        if (!SwitchoverAck)
                        {
                            throw Fail("DEV_INIT_DATA_SENT arrived, but the switchover acknowledgement is not in use.", at);
                        }

                        if (channel.InitialDataComplete)
                        {
                            throw Fail("DEV_INIT_DATA_SENT arrived a second time; the source marks its initial data once.", at);
                        }

                        channel.CompleteInitialData();
                        return VfioFramePartEnd.InitialDataSent;
                    case VfioQemuFraming.DeviceConfigState:
                        throw Fail("DEV_CONFIG_STATE carries the VMM's PCI configuration, which this reader does not load.", at);
                    default:
                        throw Fail($"Unknown VFIO marker 0x{marker:x16}.", at);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void ReadBlock(ExactReader input, VfioLoadChannel channel, byte[] buffer)
    {
        long at = input.Position;
        ulong size = input.ReadUInt64BigEndian("the length of a VFIO data block");
        if (size > (ulong)MaxBlockSize)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.LimitExceeded,
                string.Create(CultureInfo.InvariantCulture, $"A VFIO data block of {size} bytes exceeds the limit of {MaxBlockSize}."),
                at);
        }

        long left = (long)size;
        while (left > 0)
        {
            int piece = (int)Math.Min(left, buffer.Length);
            input.ReadExactly(buffer.AsSpan(0, piece), "a VFIO data block");
            channel.WriteLoadData(buffer.AsSpan(0, piece));
            left -= piece;
        }
    }

    private static MigrationFormatException Fail(string detail, long offset) => new(MigrationErrorKind.UnexpectedValue, detail, offset);
}
