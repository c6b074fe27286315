using MigrationFormat.Visitors;

namespace DeviceApp;

/// <summary>
/// A fan controller as a user of the package declares it: version 1 has the duty cycle and the speed; version 2 adds a
/// skippable boost timer, so a version 1 destination drops it and still loads.
/// </summary>
[MigrationDevice("fan", "urn:example:fan-controller", CurrentVersion = 2, Description = "Fan controller")]
public sealed partial class FanController
{
    [MigrationField(0, Description = "Duty cycle in percent")] private byte _duty = 40;
    [MigrationField(1, Description = "Measured speed in revolutions per minute")] private ushort _rpm = 1200;
    [MigrationField(2, Skippable = true, Since = 2, Description = "Seconds left at full speed")] private ulong _boostSeconds;

    public byte Duty { get => _duty; set => _duty = value; }

    public ushort Rpm { get => _rpm; set => _rpm = value; }

    public ulong BoostSeconds { get => _boostSeconds; set => _boostSeconds = value; }
}
