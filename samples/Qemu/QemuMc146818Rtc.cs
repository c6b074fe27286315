using System;
using MigrationFormat.Visitors;

namespace MigrationFormat.Samples.Qemu;

/// <summary>
/// QEMU 7.2's MC146818 RTC (<c>hw/rtc/mc146818rtc.c</c>) exactly as its vmsd <c>mc146818rtc</c> (version 3, oldest 1)
/// saves it: CMOS, index, 28 unused bytes, the periodic timer, 24 unused bytes, then the fields added in versions 2 and 3,
/// and the subsection <c>mc146818rtc/irq_reinject_on_ack_count</c>, sent while the count is not zero.
/// </summary>
/// <remarks>
/// The unused bytes (VMSTATE_UNUSED) are kept as read so that a re-save reproduces them; QEMU writes zeros there.
/// Timers are their be64 expiry time in nanoseconds, -1 when not pending.
/// </remarks>
public sealed class QemuMc146818Rtc : IDeviceState
{
    /// <summary>The CMOS size.</summary>
    public const int CmosSize = 128;

    /// <summary>The device type: vmsd <c>mc146818rtc</c>, versions 1 to 3.</summary>
    public static readonly DeviceType DeviceType = new("mc146818rtc", "urn:migfmt:qemu-7.2:mc146818rtc", currentVersion: 3, minimumVersion: 1, version => new QemuMc146818Rtc(version), "QEMU 7.2 MC146818 RTC (vmsd mc146818rtc)");

    /// <summary>Creates an RTC running as <paramref name="version"/>.</summary>
    /// <param name="version">The section version (1 to 3).</param>
    public QemuMc146818Rtc(int version = 3) => Version = version;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <summary>Gets the CMOS memory, changed in place.</summary>
    public byte[] CmosData { get; } = new byte[CmosSize];

    /// <summary>Gets or sets the selected CMOS index.</summary>
    public byte CmosIndex { get; set; }

    /// <summary>Gets the first unused area (7 × 4 bytes).</summary>
    public byte[] Unused0 { get; } = new byte[28];

    /// <summary>Gets or sets the periodic timer's expiry in ns, -1 when not pending.</summary>
    public long PeriodicTimer { get; set; } = -1;

    /// <summary>Gets or sets the next periodic interrupt time in ns.</summary>
    public long NextPeriodicTime { get; set; }

    /// <summary>Gets the second unused area (3 × 8 bytes).</summary>
    public byte[] Unused1 { get; } = new byte[24];

    /// <summary>Gets or sets the coalesced interrupt count (version 2).</summary>
    public uint IrqCoalesced { get; set; }

    /// <summary>Gets or sets the periodic period in clock ticks (version 2).</summary>
    public uint Period { get; set; }

    /// <summary>Gets or sets the base RTC time in seconds (version 3).</summary>
    public ulong BaseRtc { get; set; }

    /// <summary>Gets or sets the time of the last update in ns (version 3).</summary>
    public ulong LastUpdate { get; set; }

    /// <summary>Gets or sets the sub-second offset in ns (version 3).</summary>
    public long Offset { get; set; }

    /// <summary>Gets or sets the update timer's expiry in ns, -1 when not pending (version 3).</summary>
    public long UpdateTimer { get; set; } = -1;

    /// <summary>Gets or sets the next alarm time in ns (version 3).</summary>
    public ulong NextAlarmTime { get; set; }

    /// <summary>Gets or sets the interrupts to reinject on acknowledge (subsection, sent while not zero).</summary>
    public ushort IrqReinjectOnAckCount { get; set; }

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        byte index = CmosIndex;
        long periodicTimer = PeriodicTimer, nextPeriodic = NextPeriodicTime, offset = Offset, updateTimer = UpdateTimer;
        uint coalesced = IrqCoalesced, period = Period;
        ulong baseRtc = BaseRtc, lastUpdate = LastUpdate, nextAlarm = NextAlarmTime;
        ushort reinject = IrqReinjectOnAckCount;

        visitor.Field(Fields.CmosData, CmosData.AsSpan());
        visitor.Field(Fields.CmosIndex, ref index);
        visitor.Field(Fields.Unused0, Unused0.AsSpan());
        visitor.Field(Fields.PeriodicTimer, ref periodicTimer);
        visitor.Field(Fields.NextPeriodicTime, ref nextPeriodic);
        visitor.Field(Fields.Unused1, Unused1.AsSpan());
        visitor.Field(Fields.IrqCoalesced, ref coalesced);
        visitor.Field(Fields.Period, ref period);
        visitor.Field(Fields.BaseRtc, ref baseRtc);
        visitor.Field(Fields.LastUpdate, ref lastUpdate);
        visitor.Field(Fields.Offset, ref offset);
        visitor.Field(Fields.UpdateTimer, ref updateTimer);
        visitor.Field(Fields.NextAlarmTime, ref nextAlarm);
        if (visitor.BeginOptional(Fields.IrqReinjectGroup, IrqReinjectOnAckCount != 0))
        {
            visitor.Field(Fields.IrqReinjectOnAckCount, ref reinject);
            visitor.EndOptional();
        }
        else if (visitor.Direction == VisitDirection.Load)
        {
            reinject = 0;
        }

        if (visitor.Direction == VisitDirection.Load)
        {
            CmosIndex = index;
            (PeriodicTimer, NextPeriodicTime) = (periodicTimer, nextPeriodic);
            (IrqCoalesced, Period) = (coalesced, period);
            (BaseRtc, LastUpdate, Offset, UpdateTimer, NextAlarmTime) = (baseRtc, lastUpdate, offset, updateTimer, nextAlarm);
            IrqReinjectOnAckCount = reinject;
        }
    }

    /// <summary>The RTC's field specs, in QEMU's order.</summary>
    public static class Fields
    {
        /// <summary>CMOS memory (VMSTATE_BUFFER).</summary>
        public static readonly FieldSpec CmosData = FieldSpec.FixedBytes("cmos_data", 0, CmosSize);

        /// <summary>CMOS index.</summary>
        public static readonly FieldSpec CmosIndex = FieldSpec.UInt8("cmos_index", 1);

        /// <summary>VMSTATE_UNUSED(7*4).</summary>
        public static readonly FieldSpec Unused0 = FieldSpec.FixedBytes("unused[0]", 2, 28, description: "Unused (VMSTATE_UNUSED 28)");

        /// <summary>Periodic timer.</summary>
        public static readonly FieldSpec PeriodicTimer = FieldSpec.Int64("periodic_timer", 3, description: "Timer expiry in ns, -1 when not pending");

        /// <summary>Next periodic time.</summary>
        public static readonly FieldSpec NextPeriodicTime = FieldSpec.Int64("next_periodic_time", 4);

        /// <summary>VMSTATE_UNUSED(3*8).</summary>
        public static readonly FieldSpec Unused1 = FieldSpec.FixedBytes("unused[1]", 5, 24, description: "Unused (VMSTATE_UNUSED 24)");

        /// <summary>Coalesced interrupts.</summary>
        public static readonly FieldSpec IrqCoalesced = FieldSpec.UInt32("irq_coalesced", 6, since: 2);

        /// <summary>Period.</summary>
        public static readonly FieldSpec Period = FieldSpec.UInt32("period", 7, since: 2);

        /// <summary>Base RTC.</summary>
        public static readonly FieldSpec BaseRtc = FieldSpec.UInt64("base_rtc", 8, since: 3);

        /// <summary>Last update.</summary>
        public static readonly FieldSpec LastUpdate = FieldSpec.UInt64("last_update", 9, since: 3);

        /// <summary>Offset.</summary>
        public static readonly FieldSpec Offset = FieldSpec.Int64("offset", 10, since: 3);

        /// <summary>Update timer.</summary>
        public static readonly FieldSpec UpdateTimer = FieldSpec.Int64("update_timer", 11, since: 3, description: "Timer expiry in ns, -1 when not pending");

        /// <summary>Next alarm time.</summary>
        public static readonly FieldSpec NextAlarmTime = FieldSpec.UInt64("next_alarm_time", 12, since: 3);

        /// <summary>Subsection <c>mc146818rtc/irq_reinject_on_ack_count</c> (v1).</summary>
        public static readonly FieldSpec IrqReinjectGroup = FieldSpec.Optional("irq_reinject_on_ack_count", 13, legacyVersion: 1);

        /// <summary>Interrupts to reinject.</summary>
        public static readonly FieldSpec IrqReinjectOnAckCount = FieldSpec.UInt16("irq_reinject_on_ack_count", 0);
    }
}
