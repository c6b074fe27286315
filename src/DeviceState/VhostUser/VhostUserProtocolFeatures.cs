using System;

namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>vhost-user protocol feature bits (<c>VHOST_USER_PROTOCOL_F_*</c>), as the u64 of GET/SET_PROTOCOL_FEATURES.</summary>
[Flags]
public enum VhostUserProtocolFeatures : ulong
{
    /// <summary>No feature.</summary>
    None = 0,

    /// <summary>Bit 0: multiple queues.</summary>
    MultiQueue = 1UL << 0,

    /// <summary>Bit 1: the dirty log is shared memory passed with SET_LOG_BASE (QEMU blocks migration without it).</summary>
    LogShmfd = 1UL << 1,

    /// <summary>Bit 2: RARP announcements.</summary>
    Rarp = 1UL << 2,

    /// <summary>Bit 3: replies to requests flagged NEED_REPLY.</summary>
    ReplyAck = 1UL << 3,

    /// <summary>Bit 4: MTU.</summary>
    Mtu = 1UL << 4,

    /// <summary>Bit 5: a back-end request channel.</summary>
    BackendReq = 1UL << 5,

    /// <summary>Bit 6: cross-endian rings.</summary>
    CrossEndian = 1UL << 6,

    /// <summary>Bit 7: crypto sessions.</summary>
    CryptoSession = 1UL << 7,

    /// <summary>Bit 8: postcopy page faults.</summary>
    PageFault = 1UL << 8,

    /// <summary>Bit 9: device configuration space.</summary>
    Config = 1UL << 9,

    /// <summary>Bit 10: descriptors on the back-end channel.</summary>
    BackendSendFd = 1UL << 10,

    /// <summary>Bit 11: host notifiers.</summary>
    HostNotifier = 1UL << 11,

    /// <summary>Bit 12: the inflight region.</summary>
    InflightShmfd = 1UL << 12,

    /// <summary>Bit 13: device reset.</summary>
    ResetDevice = 1UL << 13,

    /// <summary>Bit 14: in-band notifications.</summary>
    InbandNotifications = 1UL << 14,

    /// <summary>Bit 15: configurable memory slots.</summary>
    ConfigureMemSlots = 1UL << 15,

    /// <summary>Bit 16: device status.</summary>
    Status = 1UL << 16,

    /// <summary>Bit 17: Xen mappings.</summary>
    XenMmap = 1UL << 17,

    /// <summary>Bit 18: shared objects.</summary>
    SharedObject = 1UL << 18,

    /// <summary>Bit 19: device state transfer (SET_DEVICE_STATE_FD, CHECK_DEVICE_STATE).</summary>
    DeviceState = 1UL << 19,
}
