namespace MigrationFormat.Session;

/// <summary>The destination's answer for one offered device: accepted, with the version to save and whether the switchover ack is used, or refused with the
/// reason.</summary>
public sealed record DeviceDecision
{
    private DeviceDecision(bool accepted, int version, bool switchoverAck, string? refusal)
    {
        Accepted = accepted;
        Version = version;
        SwitchoverAck = switchoverAck;
        Refusal = refusal;
    }

    /// <summary>Gets a value indicating whether the device is accepted.</summary>
    public bool Accepted { get; }

    /// <summary>Gets the version the source is to save the device as (0 when refused).</summary>
    public int Version { get; }

    /// <summary>Gets a value indicating whether the switchover waits for this device's acknowledgement.</summary>
    public bool SwitchoverAck { get; }

    /// <summary>Gets why the device was refused, or <see langword="null"/>.</summary>
    public string? Refusal { get; }

    /// <summary>Accepts a device.</summary>
    /// <param name="version">The version to save it as.</param>
    /// <param name="switchoverAck">Whether the switchover waits for its acknowledgement.</param>
    /// <returns>The decision.</returns>
    public static DeviceDecision Accept(int version, bool switchoverAck) => new(true, version, switchoverAck, null);

    /// <summary>Refuses a device.</summary>
    /// <param name="reason">Why, as a sentence.</param>
    /// <returns>The decision.</returns>
    public static DeviceDecision Refuse(string reason) => new(false, 0, false, reason);
}
