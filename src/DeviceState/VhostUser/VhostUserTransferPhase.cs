namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>The migration phase of a device state transfer (<c>VhostDeviceStatePhase</c>).</summary>
public enum VhostUserTransferPhase : uint
{
    /// <summary>0: the device is stopped; the only phase defined.</summary>
    Stopped = 0,
}
