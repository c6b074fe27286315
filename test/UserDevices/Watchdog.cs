using MigrationFormat.Visitors;

namespace Example.UserDevices;

/// <summary>
/// A watchdog timer, as a user would write one: version 1 has the timeout, the armed flag and a label; version 2 adds a
/// skippable count of expirations. Found by migfmt through its public static <see cref="DeviceType"/> field.
/// </summary>
public sealed class Watchdog : IDeviceState
{
    public static readonly DeviceType DeviceType = new(
        "watchdog",
        "urn:example:watchdog",
        currentVersion: 2,
        minimumVersion: 1,
        v => new Watchdog(v),
        "A watchdog timer");

    private uint _timeoutMs = 30_000;
    private bool _armed = true;
    private string _label = "wdt0";
    private ulong _expirations = 7;

    public Watchdog(int version) => Version = version;

    public DeviceType Type => DeviceType;

    public int Version { get; }

    public uint TimeoutMs { get => _timeoutMs; set => _timeoutMs = value; }

    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.TimeoutMs, ref _timeoutMs);
        visitor.Field(Fields.Armed, ref _armed);
        visitor.Field(Fields.Label, ref _label);
        visitor.Field(Fields.Expirations, ref _expirations);
    }

    public static class Fields
    {
        private static readonly FieldSet Root = new("watchdog");
        public static readonly FieldSpec<uint> TimeoutMs = Root.UInt32("timeout_ms", 0, description: "Time to expiry in milliseconds");
        public static readonly FieldSpec<bool> Armed = Root.Bool("armed", 1);
        public static readonly FieldSpec<string> Label = Root.String("label", 2, maxLength: 32);
        public static readonly FieldSpec<ulong> Expirations = Root.UInt64("expirations", 3, skippable: true, since: 2);
    }
}
