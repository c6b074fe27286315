namespace MigrationFormat.Visitors;

/// <summary>
/// The migratable state of one device instance: its type, the version it runs as, and its fields.
/// </summary>
public interface IDeviceState : IVisitable
{
    /// <summary>Gets the device type: id, versions, factory.</summary>
    DeviceType Type { get; }

    /// <summary>Gets the device version this instance runs as (fields are gated on it).</summary>
    int Version { get; }
}
