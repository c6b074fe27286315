using System;
using System.Buffers.Binary;
using System.Globalization;

namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>
/// The device state transfer's two messages and their replies, byte for byte: <c>SET_DEVICE_STATE_FD</c> (request 42,
/// payload u32 direction and u32 phase, one descriptor; reply u64: bits 0-7 zero on success, bit 8 set when no
/// descriptor comes back) and <c>CHECK_DEVICE_STATE</c> (request 43, no payload; reply u64, zero on success).
/// </summary>
public static class VhostUserDeviceStateMessages
{
    /// <summary>The size of SET_DEVICE_STATE_FD's payload.</summary>
    public const int TransferParametersSize = 8;

    /// <summary>The size of both replies' payload: one u64; QEMU drops the connection on any other size.</summary>
    public const int ReplyPayloadSize = 8;

    /// <summary>The size of SET_DEVICE_STATE_FD on the wire: header and payload.</summary>
    public const int SetDeviceStateFdSize = VhostUserHeader.Length + TransferParametersSize;

    /// <summary>The size of a reply on the wire.</summary>
    public const int ReplySize = VhostUserHeader.Length + ReplyPayloadSize;

    /// <summary>The reply's result bits: zero means the back-end accepted.</summary>
    public const ulong ResultMask = 0xff;

    /// <summary>The reply's "no descriptor returned" bit (<c>VHOST_USER_VRING_NOFD_MASK</c>).</summary>
    public const ulong NoFdFlag = 0x100;

    /// <summary>The reply of a back-end that accepts and uses the front-end's descriptor.</summary>
    public const ulong AcceptedWithoutFd = NoFdFlag;

    /// <summary>The reply of a back-end that refuses (an error, and no descriptor).</summary>
    public const ulong Refused = NoFdFlag | 0x1;

    /// <summary>Writes a SET_DEVICE_STATE_FD request (the descriptor goes beside it).</summary>
    /// <param name="destination">At least <see cref="SetDeviceStateFdSize"/> bytes.</param>
    /// <param name="direction">The direction (0 save, 1 load; others are written as given, for tests of refusals).</param>
    /// <param name="phase">The phase (0 stopped).</param>
    /// <returns>The number of bytes written.</returns>
    public static int WriteSetDeviceStateFd(Span<byte> destination, uint direction, uint phase)
    {
        new VhostUserHeader(VhostUserRequest.SetDeviceStateFd, VhostUserHeader.Version, TransferParametersSize).Write(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[VhostUserHeader.Length..], direction);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[(VhostUserHeader.Length + 4)..], phase);
        return SetDeviceStateFdSize;
    }

    /// <summary>Writes a CHECK_DEVICE_STATE request.</summary>
    /// <param name="destination">At least <see cref="VhostUserHeader.Length"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    public static int WriteCheckDeviceState(Span<byte> destination)
    {
        new VhostUserHeader(VhostUserRequest.CheckDeviceState, VhostUserHeader.Version, 0).Write(destination);
        return VhostUserHeader.Length;
    }

    /// <summary>Writes a u64 reply with the reply flags (<c>0x5</c>).</summary>
    /// <param name="destination">At least <see cref="ReplySize"/> bytes.</param>
    /// <param name="request">The request replied to.</param>
    /// <param name="value">The value.</param>
    /// <returns>The number of bytes written.</returns>
    public static int WriteReply(Span<byte> destination, VhostUserRequest request, ulong value)
    {
        new VhostUserHeader(request, VhostUserHeader.ReplyFlags, ReplyPayloadSize).Write(destination);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[VhostUserHeader.Length..], value);
        return ReplySize;
    }

    /// <summary>Reads SET_DEVICE_STATE_FD's payload.</summary>
    /// <param name="header">Its header.</param>
    /// <param name="payload">Its payload.</param>
    /// <returns>The direction and phase, as sent (see <see cref="Validate"/>).</returns>
    /// <exception cref="MigrationFormatException">The payload is not 8 bytes.</exception>
    public static (uint Direction, uint Phase) ReadTransferParameters(VhostUserHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Size != TransferParametersSize || payload.Length != TransferParametersSize)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"SET_DEVICE_STATE_FD carries {header.Size} bytes of payload; the transfer parameters are {TransferParametersSize}."),
                -1,
                "vhost-user.SET_DEVICE_STATE_FD");
        }

        return (BinaryPrimitives.ReadUInt32LittleEndian(payload), BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]));
    }

    /// <summary>Checks transfer parameters as a back-end must: direction 0 or 1, phase 0.</summary>
    /// <param name="direction">The direction sent.</param>
    /// <param name="phase">The phase sent.</param>
    /// <returns><see langword="null"/> when valid; otherwise why not.</returns>
    public static string? Validate(uint direction, uint phase)
    {
        if (direction > (uint)VhostUserTransferDirection.Load)
        {
            return string.Create(CultureInfo.InvariantCulture, $"invalid transfer direction {direction} (0 save, 1 load)");
        }

        if (phase != (uint)VhostUserTransferPhase.Stopped)
        {
            return string.Create(CultureInfo.InvariantCulture, $"unsupported transfer phase {phase} (only 0, stopped, is defined)");
        }

        return null;
    }

    /// <summary>Reads a u64 reply as QEMU does: the request it answers, the flags <c>0x5</c>, exactly 8 bytes of payload.</summary>
    /// <param name="expected">The request sent.</param>
    /// <param name="header">The reply's header.</param>
    /// <param name="payload">The reply's payload.</param>
    /// <returns>The value.</returns>
    /// <exception cref="MigrationFormatException">The reply answers another request, has other flags, or another size.</exception>
    public static ulong ReadReply(VhostUserRequest expected, VhostUserHeader header, ReadOnlySpan<byte> payload)
    {
        string where = "vhost-user." + VhostUserHeader.Name(expected) + ".reply";
        if (header.Request != expected)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"The back-end answered {VhostUserHeader.Name(expected)} with a message of type {VhostUserHeader.Name(header.Request)}.",
                -1,
                where);
        }

        if (header.Flags != VhostUserHeader.ReplyFlags)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The reply to {VhostUserHeader.Name(expected)} has flags 0x{header.Flags:x}; a reply has 0x{VhostUserHeader.ReplyFlags:x}."),
                -1,
                where);
        }

        if (header.Size != ReplyPayloadSize || payload.Length != ReplyPayloadSize)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The reply to {VhostUserHeader.Name(expected)} carries {header.Size} bytes; it must carry exactly {ReplyPayloadSize} (a u64)."),
                -1,
                where);
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(payload);
    }
}
