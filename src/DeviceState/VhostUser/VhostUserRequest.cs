namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>The front-end's request codes (<c>enum VhostUserRequest</c>, QEMU's <c>docs/interop/vhost-user.rst</c>).</summary>
public enum VhostUserRequest : uint
{
    /// <summary>Not a request.</summary>
    None = 0,

    /// <summary>Reply: the back-end's virtio features (u64).</summary>
    GetFeatures = 1,

    /// <summary>The features the front-end acknowledges (u64).</summary>
    SetFeatures = 2,

    /// <summary>The front-end takes the session.</summary>
    SetOwner = 3,

    /// <summary>Obsolete session reset.</summary>
    ResetOwner = 4,

    /// <summary>Guest memory regions, one descriptor each.</summary>
    SetMemTable = 5,

    /// <summary>The dirty log's shared memory (a descriptor with LOG_SHMFD; replied to then).</summary>
    SetLogBase = 6,

    /// <summary>An eventfd to signal log writes.</summary>
    SetLogFd = 7,

    /// <summary>A ring's size.</summary>
    SetVringNum = 8,

    /// <summary>A ring's addresses.</summary>
    SetVringAddr = 9,

    /// <summary>A ring's next available index.</summary>
    SetVringBase = 10,

    /// <summary>Stops a ring; reply: its next available index.</summary>
    GetVringBase = 11,

    /// <summary>A ring's kick eventfd.</summary>
    SetVringKick = 12,

    /// <summary>A ring's call eventfd.</summary>
    SetVringCall = 13,

    /// <summary>A ring's error eventfd.</summary>
    SetVringErr = 14,

    /// <summary>Reply: the back-end's protocol features (u64).</summary>
    GetProtocolFeatures = 15,

    /// <summary>The protocol features the front-end uses (u64).</summary>
    SetProtocolFeatures = 16,

    /// <summary>Reply: the number of queues (u64).</summary>
    GetQueueNum = 17,

    /// <summary>Enables or disables a ring.</summary>
    SetVringEnable = 18,

    /// <summary>Ask a net back-end to announce the guest.</summary>
    SendRarp = 19,

    /// <summary>A net back-end's MTU.</summary>
    NetSetMtu = 20,

    /// <summary>The back-end's request channel.</summary>
    SetBackendReqFd = 21,

    /// <summary>An IOTLB message.</summary>
    IotlbMsg = 22,

    /// <summary>A ring's endianness.</summary>
    SetVringEndian = 23,

    /// <summary>Reply: the device's configuration space.</summary>
    GetConfig = 24,

    /// <summary>Writes the device's configuration space.</summary>
    SetConfig = 25,

    /// <summary>Creates a crypto session.</summary>
    CreateCryptoSession = 26,

    /// <summary>Closes a crypto session.</summary>
    CloseCryptoSession = 27,

    /// <summary>Postcopy: reply with a userfault descriptor.</summary>
    PostcopyAdvise = 28,

    /// <summary>Postcopy: listening starts.</summary>
    PostcopyListen = 29,

    /// <summary>Postcopy: it is over (reply u64).</summary>
    PostcopyEnd = 30,

    /// <summary>Reply: the inflight region.</summary>
    GetInflightFd = 31,

    /// <summary>The inflight region.</summary>
    SetInflightFd = 32,

    /// <summary>A GPU back-end's socket.</summary>
    GpuSetSocket = 33,

    /// <summary>Resets the device.</summary>
    ResetDevice = 34,

    /// <summary>In-band kick (reserved id 35).</summary>
    VringKick = 35,

    /// <summary>Reply: how many memory slots the back-end takes (u64).</summary>
    GetMaxMemSlots = 36,

    /// <summary>Adds one memory region.</summary>
    AddMemReg = 37,

    /// <summary>Removes one memory region.</summary>
    RemMemReg = 38,

    /// <summary>Sets the device status (u64).</summary>
    SetStatus = 39,

    /// <summary>Reply: the device status (u64).</summary>
    GetStatus = 40,

    /// <summary>Reply: a shared object's dma-buf descriptor.</summary>
    GetSharedObject = 41,

    /// <summary>Device state transfer: u32 direction, u32 phase, and one descriptor; reply u64.</summary>
    SetDeviceStateFd = 42,

    /// <summary>After a transfer: reply u64 0 when the back-end processed its state.</summary>
    CheckDeviceState = 43,
}
