namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// A VFIO device's migration interface as the uAPI gives it to a VMM: its features, its state, a state change that
/// may open a data stream, the expected size of the stop-copy data, and a reset.
/// </summary>
/// <remarks>
/// <see cref="SetState"/> takes any state, as <c>VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE</c> does: the device walks the
/// single arcs <see cref="VfioTransitionPlanner"/> plans. A failed arc leaves the device in the state before it, or in
/// ERROR, from which only <see cref="Reset"/> recovers.
/// </remarks>
public interface IVfioMigrationDevice
{
    /// <summary>Gets the device's migration features (<c>VFIO_DEVICE_FEATURE_MIGRATION</c>).</summary>
    VfioMigrationFeatures Features { get; }

    /// <summary>Gets the device's migration state.</summary>
    VfioDeviceState State { get; }

    /// <summary>Moves the device to <paramref name="target"/> through the kernel's single arcs.</summary>
    /// <param name="target">The requested state.</param>
    /// <returns>The data stream the last arc opened (saving or resuming), or <see langword="null"/> when it opened none.</returns>
    /// <exception cref="VfioStateException">The request is impossible for this device (nothing changed), or an arc failed.</exception>
    /// <exception cref="MigrationFormatException">Leaving RESUMING found the written data invalid; the device is in ERROR.</exception>
    IVfioDataFile? SetState(VfioDeviceState target);

    /// <summary>Gets the number of bytes a stop-copy would still produce (<c>VFIO_DEVICE_FEATURE_MIG_DATA_SIZE</c>); an estimate.</summary>
    /// <returns>The byte count.</returns>
    ulong GetStopCopySize();

    /// <summary>
    /// Resets the device (<c>VFIO_DEVICE_RESET</c>): any open data stream ends, the state is RUNNING, the device's own state is its reset state.
    /// </summary>
    void Reset();
}
