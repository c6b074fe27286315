using System;
using MigrationFormat.Visitors;

namespace MigrationFormat.Samples;

/// <summary>
/// An MC146818 real-time clock. Version 1 has the CMOS bytes, the clock and the periodic timer (a nested
/// structure); version 2 adds the skippable count of coalesced interrupts; version 3 adds the must-parse UTC
/// offset and the optional alarm group.
/// </summary>
public sealed class Mc146818Rtc : IDeviceState
{
    /// <summary>The size of the CMOS memory in bytes.</summary>
    public const int CmosSize = 128;

    /// <summary>The device type: section id <c>mc146818rtc</c>, versions 1 to 3.</summary>
    public static readonly DeviceType DeviceType = new("mc146818rtc", "urn:migfmt:sample:mc146818rtc", currentVersion: 3, minimumVersion: 1, version => new Mc146818Rtc(version), "MC146818 real-time clock with CMOS");

    private long _currentTimeNs;
    private byte _cmosIndex;
    private short _baseYear = 2000;
    private sbyte _centuryAdjust;
    private long _periodNs;
    private long _nextPeriodicNs;
    private bool _periodicEnabled;
    private uint _irqCoalesced;
    private int _utcOffsetSeconds;
    private bool _alarmArmed;
    private long _alarmNs;

    /// <summary>Creates an RTC running as <paramref name="version"/>, with reset values.</summary>
    /// <param name="version">The device version.</param>
    public Mc146818Rtc(int version = 3) => Version = version;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <summary>Gets the CMOS memory (128 bytes), changed in place.</summary>
    public byte[] Cmos { get; } = new byte[CmosSize];

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

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.Cmos, Cmos.AsSpan());
        visitor.Field(Fields.CurrentTimeNs, ref _currentTimeNs);
        visitor.Field(Fields.CmosIndex, ref _cmosIndex);
        visitor.Field(Fields.BaseYear, ref _baseYear);
        visitor.Field(Fields.CenturyAdjust, ref _centuryAdjust);
        if (visitor.BeginStruct(Fields.Periodic))
        {
            visitor.Field(Fields.PeriodNs, ref _periodNs);
            visitor.Field(Fields.NextIrqNs, ref _nextPeriodicNs);
            visitor.Field(Fields.Enabled, ref _periodicEnabled);
            visitor.EndStruct();
        }

        visitor.Field(Fields.IrqCoalesced, ref _irqCoalesced);
        visitor.Field(Fields.UtcOffsetSeconds, ref _utcOffsetSeconds);
        if (visitor.BeginOptional(Fields.Alarm, needed: _alarmArmed).Track(ref _alarmArmed))
        {
            visitor.Field(Fields.AlarmNs, ref _alarmNs);
            visitor.EndOptional();
        }
    }

    /// <summary>The RTC's field specs.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("mc146818rtc");

        /// <summary>CMOS memory.</summary>
        public static readonly ArrayFieldSpec<byte> Cmos = Root.FixedBytes("cmos", 0, CmosSize, description: "CMOS memory, 128 bytes");

        /// <summary>Current time.</summary>
        public static readonly FieldSpec<long> CurrentTimeNs = Root.Int64("current_time_ns", 1, description: "Current time in nanoseconds since the epoch");

        /// <summary>Selected CMOS index.</summary>
        public static readonly FieldSpec<byte> CmosIndex = Root.UInt8("cmos_index", 2);

        /// <summary>Base year.</summary>
        public static readonly FieldSpec<short> BaseYear = Root.Int16("base_year", 3);

        /// <summary>Century adjustment.</summary>
        public static readonly FieldSpec<sbyte> CenturyAdjust = Root.Int8("century_adjust", 4);

        /// <summary>Periodic timer structure.</summary>
        public static readonly StructSpec Periodic = Root.Struct("periodic_timer", 5, description: "The periodic interrupt timer");

        /// <summary>Periodic timer period.</summary>
        public static readonly FieldSpec<long> PeriodNs = Periodic.Members.Int64("period_ns", 0);

        /// <summary>Periodic timer next interrupt.</summary>
        public static readonly FieldSpec<long> NextIrqNs = Periodic.Members.Int64("next_irq_ns", 1);

        /// <summary>Periodic timer enabled.</summary>
        public static readonly FieldSpec<bool> Enabled = Periodic.Members.Bool("enabled", 2);

        /// <summary>Coalesced interrupts: statistics, safe to lose.</summary>
        public static readonly FieldSpec<uint> IrqCoalesced = Root.UInt32("irq_coalesced", 6, skippable: true, since: 2, description: "Coalesced interrupts (statistics)");

        /// <summary>Offset from UTC.</summary>
        public static readonly FieldSpec<int> UtcOffsetSeconds = Root.Int32("utc_offset_s", 7, since: 3, description: "Offset from UTC in seconds");

        /// <summary>Alarm group.</summary>
        public static readonly OptionalSpec Alarm = Root.Optional("alarm", 8, since: 3, description: "Sent while the alarm is armed");

        /// <summary>Alarm time.</summary>
        public static readonly FieldSpec<long> AlarmNs = Alarm.Members.Int64("alarm_ns", 0, since: 3);
    }
}
