using System;

namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>What a <see cref="VhostUserBackEnd"/> offers and how it reports.</summary>
public sealed class VhostUserBackEndOptions
{
    /// <summary>
    /// Gets the virtio features offered; by default what QEMU needs to migrate a vhost-user device: LOG_ALL,
    /// PROTOCOL_FEATURES and VERSION_1.
    /// </summary>
    public ulong Features { get; init; } = VhostUserFeatureBits.LogAll | VhostUserFeatureBits.ProtocolFeatures | VhostUserFeatureBits.Version1;

    /// <summary>Gets the protocol features offered; by default LOG_SHMFD (QEMU blocks migration without it) and DEVICE_STATE.</summary>
    public VhostUserProtocolFeatures ProtocolFeatures { get; init; } = VhostUserProtocolFeatures.LogShmfd | VhostUserProtocolFeatures.DeviceState;

    /// <summary>Gets the number of queues reported to GET_QUEUE_NUM.</summary>
    public int QueueCount { get; init; } = 2;

    /// <summary>Gets how long, after the front-end has gone, a transfer still running is waited for.</summary>
    public TimeSpan TransferDrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets where each message and event is reported, one line each, or <see langword="null"/>.</summary>
    public Action<string>? Log { get; init; }
}
