using MigrationFormat.Visitors;

namespace MigrationFormat.Samples;

/// <summary>
/// An MC146818 real-time clock. Version 1 has the CMOS bytes, the clock and the periodic timer (a nested
/// structure); version 2 adds the skippable count of coalesced interrupts; version 3 adds the must-parse UTC
/// offset and the optional alarm group. The coalesced count exists only with <c>lost-tick-policy=slew</c>, which
/// versions 2 and 3 imply and a configuration may override; <c>base-year</c> sets the reset state. Declared with
/// attributes: its <c>Fields</c>, <c>Parameters</c>, <c>Visit</c> and <c>DeviceType</c> are generated.
/// </summary>
[MigrationDevice("mc146818rtc", "urn:migfmt:sample:mc146818rtc", CurrentVersion = 3, Description = "MC146818 real-time clock with CMOS")]
[MigrationParameter(
    "lost-tick-policy",
    ParameterType.Enum,
    Values = new[] { "discard", "delay", "slew" },
    Default = "discard",
    ChangesLayout = true,
    Overridable = true,
    Description = "What the clock does with ticks the guest missed; only slew counts coalesced interrupts")]
[MigrationParameter("base-year", ParameterType.Integer, Minimum = 1900, Maximum = 2099, Default = "2000", Description = "Base year of a reset clock")]
[MigrationVersion(1, "lost-tick-policy=discard")]
[MigrationVersion(2, "lost-tick-policy=slew")]
[MigrationVersion(3, "lost-tick-policy=slew")]
[MigrationStruct("periodic_timer", 5, Description = "The periodic interrupt timer")]
[MigrationOptionalGroup("alarm", 8, Since = 3, PresentFlag = nameof(_alarmArmed), Description = "Sent while the alarm is armed")]
public sealed partial class Mc146818Rtc
{
    /// <summary>The size of the CMOS memory in bytes.</summary>
    public const int CmosSize = 128;

    [MigrationField(0, Length = CmosSize, Description = "CMOS memory, 128 bytes")] private readonly byte[] _cmos = new byte[CmosSize];
    [MigrationField(1, Description = "Current time in nanoseconds since the epoch")] private long _currentTimeNs;
    [MigrationField(2)] private byte _cmosIndex;
    [MigrationField(3)] private short _baseYear = 2000;
    [MigrationField(4)] private sbyte _centuryAdjust;
    [MigrationField(0, Group = "periodic_timer")] private long _periodNs;
    [MigrationField(1, Group = "periodic_timer", Name = "next_irq_ns")] private long _nextPeriodicNs;
    [MigrationField(2, Group = "periodic_timer", Name = "enabled")] private bool _periodicEnabled;
    [MigrationField(6, Skippable = true, Since = 2, When = "lost-tick-policy=slew", Description = "Coalesced interrupts (statistics)")]
    private uint _irqCoalesced;
    [MigrationField(7, Since = 3, Name = "utc_offset_s", Description = "Offset from UTC in seconds")] private int _utcOffsetSeconds;
    [MigrationField(0, Group = "alarm")] private long _alarmNs;
    private bool _alarmArmed;

    /// <summary>Gets the CMOS memory (128 bytes), changed in place.</summary>
    public byte[] Cmos => _cmos;

    /// <summary>Gets or sets the current time in nanoseconds since the epoch.</summary>
    public long CurrentTimeNs { get => _currentTimeNs; set => _currentTimeNs = value; }

    /// <summary>Gets or sets the selected CMOS index.</summary>
    public byte CmosIndex { get => _cmosIndex; set => _cmosIndex = value; }

    /// <summary>Gets or sets the base year the century register counts from.</summary>
    public short BaseYear { get => _baseYear; set => _baseYear = value; }

    /// <summary>Gets or sets the century adjustment, in centuries.</summary>
    public sbyte CenturyAdjust { get => _centuryAdjust; set => _centuryAdjust = value; }

    /// <summary>Gets or sets the periodic timer's period in nanoseconds.</summary>
    public long PeriodNs { get => _periodNs; set => _periodNs = value; }

    /// <summary>Gets or sets the periodic timer's next interrupt time in nanoseconds.</summary>
    public long NextPeriodicNs { get => _nextPeriodicNs; set => _nextPeriodicNs = value; }

    /// <summary>Gets or sets a value indicating whether the periodic timer runs.</summary>
    public bool PeriodicEnabled { get => _periodicEnabled; set => _periodicEnabled = value; }

    /// <summary>Gets or sets the number of coalesced interrupts (v2, skippable).</summary>
    public uint IrqCoalesced { get => _irqCoalesced; set => _irqCoalesced = value; }

    /// <summary>Gets or sets the offset from UTC in seconds (v3, must-parse).</summary>
    public int UtcOffsetSeconds { get => _utcOffsetSeconds; set => _utcOffsetSeconds = value; }

    /// <summary>Gets or sets a value indicating whether the alarm is armed (v3, optional group).</summary>
    public bool AlarmArmed { get => _alarmArmed; set => _alarmArmed = value; }

    /// <summary>Gets or sets the alarm time in nanoseconds (v3, inside the optional group).</summary>
    public long AlarmNs { get => _alarmNs; set => _alarmNs = value; }

    partial void OnConfigured(DeviceConfiguration configuration) => _baseYear = (short)configuration.Get(Parameters.BaseYear);
}
