using System;
using System.Buffers.Binary;
using System.Globalization;

namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>
/// A vhost-user message header: u32 request, u32 flags, u32 payload size. The spec says "native byte order"; this
/// library speaks little-endian, the order of every host QEMU migrates vhost-user devices on in practice (x86-64,
/// AArch64, RISC-V, little-endian POWER).
/// </summary>
/// <param name="Request">The request code.</param>
/// <param name="Flags">The flags: version in bits 0-1, <see cref="ReplyFlag"/>, <see cref="NeedReplyFlag"/>.</param>
/// <param name="Size">The payload size that follows.</param>
public readonly record struct VhostUserHeader(VhostUserRequest Request, uint Flags, uint Size)
{
    /// <summary>The header's size on the wire.</summary>
    public const int Length = 12;

    /// <summary>The protocol version, in the flags' low two bits.</summary>
    public const uint Version = 0x1;

    /// <summary>The mask of the version bits.</summary>
    public const uint VersionMask = 0x3;

    /// <summary>Set on every reply from the back-end.</summary>
    public const uint ReplyFlag = 0x4;

    /// <summary>The front-end asks for an acknowledgement (with REPLY_ACK).</summary>
    public const uint NeedReplyFlag = 0x8;

    /// <summary>The flags of every reply: version 1 and the reply bit (<c>0x5</c>); QEMU drops a connection whose reply has others.</summary>
    public const uint ReplyFlags = ReplyFlag | Version;

    /// <summary>Gets a value indicating whether the reply bit is set.</summary>
    public bool IsReply => (Flags & ReplyFlag) != 0;

    /// <summary>Gets a value indicating whether the front-end asked for an acknowledgement.</summary>
    public bool NeedsReply => (Flags & NeedReplyFlag) != 0;

    /// <summary>Reads a header.</summary>
    /// <param name="source">At least <see cref="Length"/> bytes.</param>
    /// <returns>The header.</returns>
    public static VhostUserHeader Read(ReadOnlySpan<byte> source) => new(
        (VhostUserRequest)BinaryPrimitives.ReadUInt32LittleEndian(source),
        BinaryPrimitives.ReadUInt32LittleEndian(source[4..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[8..]));

    /// <summary>Writes the header.</summary>
    /// <param name="destination">At least <see cref="Length"/> bytes.</param>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)Request);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Size);
    }

    /// <summary>Gets the request's name as the spec writes it (<c>SET_DEVICE_STATE_FD</c>), or its number.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The name.</returns>
    public static string Name(VhostUserRequest request) => request switch
    {
        VhostUserRequest.GetFeatures => "GET_FEATURES",
        VhostUserRequest.SetFeatures => "SET_FEATURES",
        VhostUserRequest.SetOwner => "SET_OWNER",
        VhostUserRequest.ResetOwner => "RESET_OWNER",
        VhostUserRequest.SetMemTable => "SET_MEM_TABLE",
        VhostUserRequest.SetLogBase => "SET_LOG_BASE",
        VhostUserRequest.SetLogFd => "SET_LOG_FD",
        VhostUserRequest.SetVringNum => "SET_VRING_NUM",
        VhostUserRequest.SetVringAddr => "SET_VRING_ADDR",
        VhostUserRequest.SetVringBase => "SET_VRING_BASE",
        VhostUserRequest.GetVringBase => "GET_VRING_BASE",
        VhostUserRequest.SetVringKick => "SET_VRING_KICK",
        VhostUserRequest.SetVringCall => "SET_VRING_CALL",
        VhostUserRequest.SetVringErr => "SET_VRING_ERR",
        VhostUserRequest.GetProtocolFeatures => "GET_PROTOCOL_FEATURES",
        VhostUserRequest.SetProtocolFeatures => "SET_PROTOCOL_FEATURES",
        VhostUserRequest.GetQueueNum => "GET_QUEUE_NUM",
        VhostUserRequest.SetVringEnable => "SET_VRING_ENABLE",
        VhostUserRequest.SetBackendReqFd => "SET_BACKEND_REQ_FD",
        VhostUserRequest.GetConfig => "GET_CONFIG",
        VhostUserRequest.SetConfig => "SET_CONFIG",
        VhostUserRequest.GetInflightFd => "GET_INFLIGHT_FD",
        VhostUserRequest.SetInflightFd => "SET_INFLIGHT_FD",
        VhostUserRequest.ResetDevice => "RESET_DEVICE",
        VhostUserRequest.GetMaxMemSlots => "GET_MAX_MEM_SLOTS",
        VhostUserRequest.AddMemReg => "ADD_MEM_REG",
        VhostUserRequest.RemMemReg => "REM_MEM_REG",
        VhostUserRequest.SetStatus => "SET_STATUS",
        VhostUserRequest.GetStatus => "GET_STATUS",
        VhostUserRequest.SetDeviceStateFd => "SET_DEVICE_STATE_FD",
        VhostUserRequest.CheckDeviceState => "CHECK_DEVICE_STATE",
        _ => "request " + ((uint)request).ToString(CultureInfo.InvariantCulture),
    };

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name(Request)} ({(uint)Request}) flags 0x{Flags:x} size {Size}");
}
