namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>The direction of a device state transfer (<c>VhostDeviceStateDirection</c>).</summary>
public enum VhostUserTransferDirection : uint
{
    /// <summary>0: the back-end saves; its state flows to the front-end.</summary>
    Save = 0,

    /// <summary>1: the back-end loads; the state flows from the front-end.</summary>
    Load = 1,
}
