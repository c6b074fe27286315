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
    public long CurrentTimeNs { get; set; }

    /// <summary>Gets or sets the selected CMOS index.</summary>
    public byte CmosIndex { get; set; }

    /// <summary>Gets or sets the base year the century register counts from.</summary>
    public short BaseYear { get; set; } = 2000;

    /// <summary>Gets or sets the century adjustment, in centuries.</summary>
    public sbyte CenturyAdjust { get; set; }

    /// <summary>Gets or sets the periodic timer's period in nanoseconds.</summary>
    public long PeriodNs { get; set; }

    /// <summary>Gets or sets the periodic timer's next interrupt time in nanoseconds.</summary>
    public long NextPeriodicNs { get; set; }

    /// <summary>Gets or sets a value indicating whether the periodic timer runs.</summary>
    public bool PeriodicEnabled { get; set; }

    /// <summary>Gets or sets the number of coalesced interrupts (v2, skippable).</summary>
    public uint IrqCoalesced { get; set; }

    /// <summary>Gets or sets the offset from UTC in seconds (v3, must-parse).</summary>
    public int UtcOffsetSeconds { get; set; }

    /// <summary>Gets or sets a value indicating whether the alarm is armed (v3, optional group).</summary>
    public bool AlarmArmed { get; set; }

    /// <summary>Gets or sets the alarm time in nanoseconds (v3, inside the optional group).</summary>
    public long AlarmNs { get; set; }

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        long now = CurrentTimeNs, period = PeriodNs, next = NextPeriodicNs, alarm = AlarmNs;
        byte index = CmosIndex;
        short baseYear = BaseYear;
        sbyte century = CenturyAdjust;
        bool enabled = PeriodicEnabled, armed = AlarmArmed;
        uint coalesced = IrqCoalesced;
        int utcOffset = UtcOffsetSeconds;

        visitor.Field(Fields.Cmos, Cmos.AsSpan());
        visitor.Field(Fields.CurrentTimeNs, ref now);
        visitor.Field(Fields.CmosIndex, ref index);
        visitor.Field(Fields.BaseYear, ref baseYear);
        visitor.Field(Fields.CenturyAdjust, ref century);
        if (visitor.BeginStruct(Fields.Periodic))
        {
            visitor.Field(Fields.PeriodNs, ref period);
            visitor.Field(Fields.NextIrqNs, ref next);
            visitor.Field(Fields.Enabled, ref enabled);
            visitor.EndStruct();
        }

        visitor.Field(Fields.IrqCoalesced, ref coalesced);
        visitor.Field(Fields.UtcOffsetSeconds, ref utcOffset);
        if (visitor.BeginOptional(Fields.Alarm, needed: armed))
        {
            armed = true;
            visitor.Field(Fields.AlarmNs, ref alarm);
            visitor.EndOptional();
        }
        else if (visitor.Direction == VisitDirection.Load && Version >= 3)
        {
            armed = false;
        }

        if (visitor.Direction == VisitDirection.Load)
        {
            CurrentTimeNs = now;
            CmosIndex = index;
            BaseYear = baseYear;
            CenturyAdjust = century;
            PeriodNs = period;
            NextPeriodicNs = next;
            PeriodicEnabled = enabled;
            IrqCoalesced = coalesced;
            UtcOffsetSeconds = utcOffset;
            AlarmArmed = armed;
            AlarmNs = alarm;
        }
    }

    /// <summary>The RTC's field specs.</summary>
    public static class Fields
    {
        /// <summary>CMOS memory.</summary>
        public static readonly FieldSpec Cmos = FieldSpec.FixedBytes("cmos", 0, CmosSize, description: "CMOS memory, 128 bytes");

        /// <summary>Current time.</summary>
        public static readonly FieldSpec CurrentTimeNs = FieldSpec.Int64("current_time_ns", 1, description: "Current time in nanoseconds since the epoch");

        /// <summary>Selected CMOS index.</summary>
        public static readonly FieldSpec CmosIndex = FieldSpec.UInt8("cmos_index", 2);

        /// <summary>Base year.</summary>
        public static readonly FieldSpec BaseYear = FieldSpec.Int16("base_year", 3);

        /// <summary>Century adjustment.</summary>
        public static readonly FieldSpec CenturyAdjust = FieldSpec.Int8("century_adjust", 4);

        /// <summary>Periodic timer structure.</summary>
        public static readonly FieldSpec Periodic = FieldSpec.Struct("periodic_timer", 5, description: "The periodic interrupt timer");

        /// <summary>Periodic timer period.</summary>
        public static readonly FieldSpec PeriodNs = FieldSpec.Int64("period_ns", 0);

        /// <summary>Periodic timer next interrupt.</summary>
        public static readonly FieldSpec NextIrqNs = FieldSpec.Int64("next_irq_ns", 1);

        /// <summary>Periodic timer enabled.</summary>
        public static readonly FieldSpec Enabled = FieldSpec.Bool("enabled", 2);

        /// <summary>Coalesced interrupts: statistics, safe to lose.</summary>
        public static readonly FieldSpec IrqCoalesced = FieldSpec.UInt32("irq_coalesced", 6, skippable: true, since: 2, description: "Coalesced interrupts (statistics)");

        /// <summary>Offset from UTC.</summary>
        public static readonly FieldSpec UtcOffsetSeconds = FieldSpec.Int32("utc_offset_s", 7, since: 3, description: "Offset from UTC in seconds");

        /// <summary>Alarm group.</summary>
        public static readonly FieldSpec Alarm = FieldSpec.Optional("alarm", 8, since: 3, description: "Sent while the alarm is armed");

        /// <summary>Alarm time.</summary>
        public static readonly FieldSpec AlarmNs = FieldSpec.Int64("alarm_ns", 0, since: 3);
    }
}
