using MigrationFormat.Visitors;

namespace MigrationFormat.Session;

/// <summary>What the source offers for one device: its identity, the versions it can save, how it moves.</summary>
/// <param name="Id">The device's section id, e.g. <c>serial</c>.</param>
/// <param name="InstanceId">The instance id, distinguishing devices of one type.</param>
/// <param name="MinVersion">The oldest version the source can save it as.</param>
/// <param name="MaxVersion">The newest version the source can save it as (the one it runs as).</param>
/// <param name="Iterative">Whether the device sends data in pre-copy rounds before its final section.</param>
/// <param name="SwitchoverAck">Whether the source supports the switchover acknowledgement for it (it marks the end of its initial data).</param>
public sealed record DeviceOffer(string Id, uint InstanceId, int MinVersion, int MaxVersion, bool Iterative, bool SwitchoverAck)
{
    /// <summary>
    /// Gets the model and effective configuration of the source's device (docs/catalog.md §3), which the destination checks
    /// against its own before it accepts the device; <see langword="null"/> when the source sends none.
    /// </summary>
    public ConfigurationRecord? Configuration { get; init; }

    /// <summary>Gets the device's name in messages: <c>id#instance</c>.</summary>
    public string Name { get; } = SessionDevice.FormatName(Id, InstanceId);
}
