using MigrationFormat.Visitors;

namespace MigrationFormat.Samples.Qemu;

/// <summary>
/// QEMU 7.2's i8254 PIT (<c>hw/timer/i8254_common.c</c>) exactly as its vmsd <c>i8254</c> (version 3, oldest 2) saves it:
/// channel 0's <c>irq_disabled</c> (version 3), the three channels (vmsd <c>pit channel</c>, version 2), then channel 0's
/// <c>next_transition_time</c> a second time (where the irq timer used to be).
/// </summary>
/// <remarks>On load the trailing copy wins, as in QEMU, where both name the same variable.</remarks>
public sealed class QemuPit : IDeviceState
{
    /// <summary>The device type: vmsd <c>i8254</c>, versions 2 to 3.</summary>
    public static readonly DeviceType DeviceType = new("i8254", "urn:migfmt:qemu-7.2:i8254", currentVersion: 3, minimumVersion: 2, version => new QemuPit(version), "QEMU 7.2 i8254 PIT (vmsd i8254)");

    private static readonly FieldSpec[] ChannelSpecs = [Fields.Channel0, Fields.Channel1, Fields.Channel2];

    /// <summary>Creates a PIT running as <paramref name="version"/>.</summary>
    /// <param name="version">The section version (2 or 3).</param>
    public QemuPit(int version = 3) => Version = version;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <summary>Gets or sets channel 0's interrupt-disabled flag (version 3).</summary>
    public uint IrqDisabled { get; set; }

    /// <summary>Gets the three channels.</summary>
    public QemuPitChannel[] Channels { get; } = [new(), new(), new()];

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        uint irqDisabled = IrqDisabled;
        visitor.Field(Fields.IrqDisabled, ref irqDisabled);
        for (int i = 0; i < Channels.Length; i++)
        {
            if (visitor.BeginStruct(ChannelSpecs[i]))
            {
                Channels[i].Visit(ref visitor);
                visitor.EndStruct();
            }
        }

        long next = Channels[0].NextTransitionTime;
        visitor.Field(Fields.Channel0NextTransitionTime, ref next);
        if (visitor.Direction == VisitDirection.Load)
        {
            IrqDisabled = irqDisabled;
            Channels[0].NextTransitionTime = next;
        }
    }

    /// <summary>The PIT's field specs, in QEMU's order.</summary>
    public static class Fields
    {
        /// <summary>Channel 0's irq_disabled.</summary>
        public static readonly FieldSpec IrqDisabled = FieldSpec.UInt32("channels[0].irq_disabled", 0, since: 3);

        /// <summary>Channel 0.</summary>
        public static readonly FieldSpec Channel0 = FieldSpec.Struct("channels[0]", 1, description: "vmsd 'pit channel' v2");

        /// <summary>Channel 1.</summary>
        public static readonly FieldSpec Channel1 = FieldSpec.Struct("channels[1]", 2, description: "vmsd 'pit channel' v2");

        /// <summary>Channel 2.</summary>
        public static readonly FieldSpec Channel2 = FieldSpec.Struct("channels[2]", 3, description: "vmsd 'pit channel' v2");

        /// <summary>Channel 0's next transition time, again (formerly the irq timer).</summary>
        public static readonly FieldSpec Channel0NextTransitionTime = FieldSpec.Int64("channels[0].next_transition_time", 4);
    }
}

/// <summary>One PIT channel as vmsd <c>pit channel</c> (version 2) saves it.</summary>
public sealed class QemuPitChannel
{
    /// <summary>Gets or sets the reload count.</summary>
    public int Count { get; set; }

    /// <summary>Gets or sets the latched count.</summary>
    public ushort LatchedCount { get; set; }

    /// <summary>Gets or sets the count-latched state.</summary>
    public byte CountLatched { get; set; }

    /// <summary>Gets or sets the status-latched flag.</summary>
    public byte StatusLatched { get; set; }

    /// <summary>Gets or sets the status byte.</summary>
    public byte Status { get; set; }

    /// <summary>Gets or sets the read state.</summary>
    public byte ReadState { get; set; }

    /// <summary>Gets or sets the write state.</summary>
    public byte WriteState { get; set; }

    /// <summary>Gets or sets the write latch.</summary>
    public byte WriteLatch { get; set; }

    /// <summary>Gets or sets the read/write mode.</summary>
    public byte RwMode { get; set; }

    /// <summary>Gets or sets the counting mode.</summary>
    public byte Mode { get; set; }

    /// <summary>Gets or sets the BCD flag.</summary>
    public byte Bcd { get; set; }

    /// <summary>Gets or sets the gate input.</summary>
    public byte Gate { get; set; }

    /// <summary>Gets or sets when the count was loaded, in ns.</summary>
    public long CountLoadTime { get; set; }

    /// <summary>Gets or sets the next output transition, in ns.</summary>
    public long NextTransitionTime { get; set; }

    /// <summary>Visits the channel's fields inside an opened structure.</summary>
    /// <typeparam name="TVisitor">The visitor.</typeparam>
    /// <param name="visitor">The visitor.</param>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        int count = Count;
        ushort latched = LatchedCount;
        byte countLatched = CountLatched, statusLatched = StatusLatched, status = Status, readState = ReadState, writeState = WriteState,
            writeLatch = WriteLatch, rwMode = RwMode, mode = Mode, bcd = Bcd, gate = Gate;
        long loadTime = CountLoadTime, next = NextTransitionTime;
        visitor.Field(Fields.Count, ref count);
        visitor.Field(Fields.LatchedCount, ref latched);
        visitor.Field(Fields.CountLatched, ref countLatched);
        visitor.Field(Fields.StatusLatched, ref statusLatched);
        visitor.Field(Fields.Status, ref status);
        visitor.Field(Fields.ReadState, ref readState);
        visitor.Field(Fields.WriteState, ref writeState);
        visitor.Field(Fields.WriteLatch, ref writeLatch);
        visitor.Field(Fields.RwMode, ref rwMode);
        visitor.Field(Fields.Mode, ref mode);
        visitor.Field(Fields.Bcd, ref bcd);
        visitor.Field(Fields.Gate, ref gate);
        visitor.Field(Fields.CountLoadTime, ref loadTime);
        visitor.Field(Fields.NextTransitionTime, ref next);
        if (visitor.Direction == VisitDirection.Load)
        {
            (Count, LatchedCount, CountLatched, StatusLatched, Status, ReadState, WriteState) = (count, latched, countLatched, statusLatched, status, readState, writeState);
            (WriteLatch, RwMode, Mode, Bcd, Gate, CountLoadTime, NextTransitionTime) = (writeLatch, rwMode, mode, bcd, gate, loadTime, next);
        }
    }

    /// <summary>The channel's field specs.</summary>
    public static class Fields
    {
        /// <summary>count.</summary>
        public static readonly FieldSpec Count = FieldSpec.Int32("count", 0);

        /// <summary>latched_count.</summary>
        public static readonly FieldSpec LatchedCount = FieldSpec.UInt16("latched_count", 1);

        /// <summary>count_latched.</summary>
        public static readonly FieldSpec CountLatched = FieldSpec.UInt8("count_latched", 2);

        /// <summary>status_latched.</summary>
        public static readonly FieldSpec StatusLatched = FieldSpec.UInt8("status_latched", 3);

        /// <summary>status.</summary>
        public static readonly FieldSpec Status = FieldSpec.UInt8("status", 4);

        /// <summary>read_state.</summary>
        public static readonly FieldSpec ReadState = FieldSpec.UInt8("read_state", 5);

        /// <summary>write_state.</summary>
        public static readonly FieldSpec WriteState = FieldSpec.UInt8("write_state", 6);

        /// <summary>write_latch.</summary>
        public static readonly FieldSpec WriteLatch = FieldSpec.UInt8("write_latch", 7);

        /// <summary>rw_mode.</summary>
        public static readonly FieldSpec RwMode = FieldSpec.UInt8("rw_mode", 8);

        /// <summary>mode.</summary>
        public static readonly FieldSpec Mode = FieldSpec.UInt8("mode", 9);

        /// <summary>bcd.</summary>
        public static readonly FieldSpec Bcd = FieldSpec.UInt8("bcd", 10);

        /// <summary>gate.</summary>
        public static readonly FieldSpec Gate = FieldSpec.UInt8("gate", 11);

        /// <summary>count_load_time.</summary>
        public static readonly FieldSpec CountLoadTime = FieldSpec.Int64("count_load_time", 12);

        /// <summary>next_transition_time.</summary>
        public static readonly FieldSpec NextTransitionTime = FieldSpec.Int64("next_transition_time", 13);
    }
}
