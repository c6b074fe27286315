namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>The virtio feature bits (the u64 of GET/SET_FEATURES) a vhost-user back-end offers for migration.</summary>
public static class VhostUserFeatureBits
{
    /// <summary><c>VHOST_F_LOG_ALL</c> (bit 26): dirty logging; QEMU blocks migration without it.</summary>
    public const ulong LogAll = 1UL << 26;

    /// <summary><c>VHOST_USER_F_PROTOCOL_FEATURES</c> (bit 30): protocol features are negotiated.</summary>
    public const ulong ProtocolFeatures = 1UL << 30;

    /// <summary><c>VIRTIO_F_VERSION_1</c> (bit 32): a modern virtio device.</summary>
    public const ulong Version1 = 1UL << 32;
}
