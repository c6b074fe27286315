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

    /// <summary>
    /// Gets the effective configuration the instance was created with: its version and the value of every parameter
    /// its type declares. A device type without parameters need not implement it: the default is the configuration
    /// its version implies. A device with parameters returns the configuration its factory was given.
    /// </summary>
    DeviceConfiguration Configuration => Type.DefaultConfiguration(Version);
}
