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
public sealed class QemuMc146818Rtc : IDeviceState, IStateHooks
{
    /// <summary>The CMOS size.</summary>
    public const int CmosSize = 128;

    /// <summary>The device type: vmsd <c>mc146818rtc</c>, versions 1 to 3.</summary>
    public static readonly DeviceType DeviceType = new(
        "mc146818rtc",
        "urn:migfmt:qemu-7.2:mc146818rtc",
        currentVersion: 3,
        minimumVersion: 1,
        version => new QemuMc146818Rtc(version),
        "QEMU 7.2 MC146818 RTC (vmsd mc146818rtc)");

    private byte _cmosIndex;
    private long _periodicTimer = -1;
    private long _nextPeriodicTime;
    private uint _irqCoalesced;
    private uint _period;
    private ulong _baseRtc;
    private ulong _lastUpdate;
    private long _offset;
    private long _updateTimer = -1;
    private ulong _nextAlarmTime;
    private ushort _irqReinjectOnAckCount;

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
    public byte CmosIndex { get => _cmosIndex; set => _cmosIndex = value; }

    /// <summary>Gets the first unused area (7 × 4 bytes).</summary>
    public byte[] Unused0 { get; } = new byte[28];

    /// <summary>Gets or sets the periodic timer's expiry in ns, -1 when not pending.</summary>
    public long PeriodicTimer { get => _periodicTimer; set => _periodicTimer = value; }

    /// <summary>Gets or sets the next periodic interrupt time in ns.</summary>
    public long NextPeriodicTime { get => _nextPeriodicTime; set => _nextPeriodicTime = value; }

    /// <summary>Gets the second unused area (3 × 8 bytes).</summary>
    public byte[] Unused1 { get; } = new byte[24];

    /// <summary>Gets or sets the coalesced interrupt count (version 2).</summary>
    public uint IrqCoalesced { get => _irqCoalesced; set => _irqCoalesced = value; }

    /// <summary>Gets or sets the periodic period in clock ticks (version 2).</summary>
    public uint Period { get => _period; set => _period = value; }

    /// <summary>Gets or sets the base RTC time in seconds (version 3).</summary>
    public ulong BaseRtc { get => _baseRtc; set => _baseRtc = value; }

    /// <summary>Gets or sets the time of the last update in ns (version 3).</summary>
    public ulong LastUpdate { get => _lastUpdate; set => _lastUpdate = value; }

    /// <summary>Gets or sets the sub-second offset in ns (version 3).</summary>
    public long Offset { get => _offset; set => _offset = value; }

    /// <summary>Gets or sets the update timer's expiry in ns, -1 when not pending (version 3).</summary>
    public long UpdateTimer { get => _updateTimer; set => _updateTimer = value; }

    /// <summary>Gets or sets the next alarm time in ns (version 3).</summary>
    public ulong NextAlarmTime { get => _nextAlarmTime; set => _nextAlarmTime = value; }

    /// <summary>Gets or sets the interrupts to reinject on acknowledge (subsection, sent while not zero).</summary>
    public ushort IrqReinjectOnAckCount { get => _irqReinjectOnAckCount; set => _irqReinjectOnAckCount = value; }

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.CmosData, CmosData.AsSpan());
        visitor.Field(Fields.CmosIndex, ref _cmosIndex);
        visitor.Field(Fields.Unused0, Unused0.AsSpan());
        visitor.Field(Fields.PeriodicTimer, ref _periodicTimer);
        visitor.Field(Fields.NextPeriodicTime, ref _nextPeriodicTime);
        visitor.Field(Fields.Unused1, Unused1.AsSpan());
        visitor.Field(Fields.IrqCoalesced, ref _irqCoalesced);
        visitor.Field(Fields.Period, ref _period);
        visitor.Field(Fields.BaseRtc, ref _baseRtc);
        visitor.Field(Fields.LastUpdate, ref _lastUpdate);
        visitor.Field(Fields.Offset, ref _offset);
        visitor.Field(Fields.UpdateTimer, ref _updateTimer);
        visitor.Field(Fields.NextAlarmTime, ref _nextAlarmTime);
        if (visitor.BeginOptional(Fields.IrqReinjectGroup, _irqReinjectOnAckCount != 0).IsPresent)
        {
            visitor.Field(Fields.IrqReinjectOnAckCount, ref _irqReinjectOnAckCount);
            visitor.EndOptional();
        }
    }

    /// <inheritdoc/>
    void IStateHooks.PreSave()
    {
    }

    /// <inheritdoc/>
    void IStateHooks.PreLoad() => _irqReinjectOnAckCount = 0; // QEMU sends the subsection only while the count is not zero.

    /// <inheritdoc/>
    void IStateHooks.PostLoad(int sourceVersion)
    {
    }

    /// <summary>The RTC's field specs, in QEMU's order.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("mc146818rtc");

        /// <summary>CMOS memory (VMSTATE_BUFFER).</summary>
        public static readonly ArrayFieldSpec<byte> CmosData = Root.FixedBytes("cmos_data", 0, CmosSize);

        /// <summary>CMOS index.</summary>
        public static readonly FieldSpec<byte> CmosIndex = Root.UInt8("cmos_index", 1);

        /// <summary>VMSTATE_UNUSED(7*4).</summary>
        public static readonly ArrayFieldSpec<byte> Unused0 = Root.FixedBytes("unused[0]", 2, 28, description: "Unused (VMSTATE_UNUSED 28)");

        /// <summary>Periodic timer.</summary>
        public static readonly FieldSpec<long> PeriodicTimer = Root.Int64("periodic_timer", 3, description: "Timer expiry in ns, -1 when not pending");

        /// <summary>Next periodic time.</summary>
        public static readonly FieldSpec<long> NextPeriodicTime = Root.Int64("next_periodic_time", 4);

        /// <summary>VMSTATE_UNUSED(3*8).</summary>
        public static readonly ArrayFieldSpec<byte> Unused1 = Root.FixedBytes("unused[1]", 5, 24, description: "Unused (VMSTATE_UNUSED 24)");

        /// <summary>Coalesced interrupts.</summary>
        public static readonly FieldSpec<uint> IrqCoalesced = Root.UInt32("irq_coalesced", 6, since: 2);

        /// <summary>Period.</summary>
        public static readonly FieldSpec<uint> Period = Root.UInt32("period", 7, since: 2);

        /// <summary>Base RTC.</summary>
        public static readonly FieldSpec<ulong> BaseRtc = Root.UInt64("base_rtc", 8, since: 3);

        /// <summary>Last update.</summary>
        public static readonly FieldSpec<ulong> LastUpdate = Root.UInt64("last_update", 9, since: 3);

        /// <summary>Offset.</summary>
        public static readonly FieldSpec<long> Offset = Root.Int64("offset", 10, since: 3);

        /// <summary>Update timer.</summary>
        public static readonly FieldSpec<long> UpdateTimer = Root.Int64("update_timer", 11, since: 3, description: "Timer expiry in ns, -1 when not pending");

        /// <summary>Next alarm time.</summary>
        public static readonly FieldSpec<ulong> NextAlarmTime = Root.UInt64("next_alarm_time", 12, since: 3);

        /// <summary>Subsection <c>mc146818rtc/irq_reinject_on_ack_count</c> (v1).</summary>
        public static readonly OptionalSpec IrqReinjectGroup = Root.Optional("irq_reinject_on_ack_count", 13, legacyVersion: 1);

        /// <summary>Interrupts to reinject.</summary>
        public static readonly FieldSpec<ushort> IrqReinjectOnAckCount = IrqReinjectGroup.Members.UInt16("irq_reinject_on_ack_count", 0);
    }
}
