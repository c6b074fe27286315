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
    public static readonly DeviceType DeviceType = new(
        "i8254",
        "urn:migfmt:qemu-7.2:i8254",
        currentVersion: 3,
        minimumVersion: 2,
        version => new QemuPit(version),
        "QEMU 7.2 i8254 PIT (vmsd i8254)");

    private static readonly StructSpec[] ChannelSpecs = [Fields.Channel0, Fields.Channel1, Fields.Channel2];

    private uint _irqDisabled;

    /// <summary>Creates a PIT running as <paramref name="version"/>.</summary>
    /// <param name="version">The section version (2 or 3).</param>
    public QemuPit(int version = 3) => Version = version;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <summary>Gets or sets channel 0's interrupt-disabled flag (version 3).</summary>
    public uint IrqDisabled { get => _irqDisabled; set => _irqDisabled = value; }

    /// <summary>Gets the three channels.</summary>
    public QemuPitChannel[] Channels { get; } = [new(), new(), new()];

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.IrqDisabled, ref _irqDisabled);
        for (int i = 0; i < Channels.Length; i++)
        {
            if (visitor.BeginStruct(ChannelSpecs[i]))
            {
                Channels[i].Visit(ref visitor);
                visitor.EndStruct();
            }
        }

        // QEMU saves channel 0's next transition time twice (the second copy was the irq timer); both land in one field.
        visitor.Field(Fields.Channel0NextTransitionTime, ref Channels[0].NextTransitionTimeRef);
    }

    /// <summary>The PIT's field specs, in QEMU's order.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("i8254");

        /// <summary>Channel 0's irq_disabled.</summary>
        public static readonly FieldSpec<uint> IrqDisabled = Root.UInt32("channels[0].irq_disabled", 0, since: 3);

        /// <summary>Channel 0.</summary>
        public static readonly StructSpec Channel0 = Root.Struct("channels[0]", 1, description: "vmsd 'pit channel' v2");

        /// <summary>Channel 1.</summary>
        public static readonly StructSpec Channel1 = Root.Struct("channels[1]", 2, description: "vmsd 'pit channel' v2");

        /// <summary>Channel 2.</summary>
        public static readonly StructSpec Channel2 = Root.Struct("channels[2]", 3, description: "vmsd 'pit channel' v2");

        /// <summary>Channel 0's next transition time, again (formerly the irq timer).</summary>
        public static readonly FieldSpec<long> Channel0NextTransitionTime = Root.Int64("channels[0].next_transition_time", 4);
    }
}

/// <summary>One PIT channel as vmsd <c>pit channel</c> (version 2) saves it.</summary>
public sealed class QemuPitChannel
{
    private int _count;
    private ushort _latchedCount;
    private byte _countLatched;
    private byte _statusLatched;
    private byte _status;
    private byte _readState;
    private byte _writeState;
    private byte _writeLatch;
    private byte _rwMode;
    private byte _mode;
    private byte _bcd;
    private byte _gate;
    private long _countLoadTime;
    private long _nextTransitionTime;

    /// <summary>Gets or sets the reload count.</summary>
    public int Count { get => _count; set => _count = value; }

    /// <summary>Gets or sets the latched count.</summary>
    public ushort LatchedCount { get => _latchedCount; set => _latchedCount = value; }

    /// <summary>Gets or sets the count-latched state.</summary>
    public byte CountLatched { get => _countLatched; set => _countLatched = value; }

    /// <summary>Gets or sets the status-latched flag.</summary>
    public byte StatusLatched { get => _statusLatched; set => _statusLatched = value; }

    /// <summary>Gets or sets the status byte.</summary>
    public byte Status { get => _status; set => _status = value; }

    /// <summary>Gets or sets the read state.</summary>
    public byte ReadState { get => _readState; set => _readState = value; }

    /// <summary>Gets or sets the write state.</summary>
    public byte WriteState { get => _writeState; set => _writeState = value; }

    /// <summary>Gets or sets the write latch.</summary>
    public byte WriteLatch { get => _writeLatch; set => _writeLatch = value; }

    /// <summary>Gets or sets the read/write mode.</summary>
    public byte RwMode { get => _rwMode; set => _rwMode = value; }

    /// <summary>Gets or sets the counting mode.</summary>
    public byte Mode { get => _mode; set => _mode = value; }

    /// <summary>Gets or sets the BCD flag.</summary>
    public byte Bcd { get => _bcd; set => _bcd = value; }

    /// <summary>Gets or sets the gate input.</summary>
    public byte Gate { get => _gate; set => _gate = value; }

    /// <summary>Gets or sets when the count was loaded, in ns.</summary>
    public long CountLoadTime { get => _countLoadTime; set => _countLoadTime = value; }

    /// <summary>Gets or sets the next output transition, in ns.</summary>
    public long NextTransitionTime { get => _nextTransitionTime; set => _nextTransitionTime = value; }

    /// <summary>Gets the next transition time's storage, for the copy the PIT saves after the channels.</summary>
    internal ref long NextTransitionTimeRef => ref _nextTransitionTime;

    /// <summary>Visits the channel's fields inside an opened structure.</summary>
    /// <typeparam name="TVisitor">The visitor.</typeparam>
    /// <param name="visitor">The visitor.</param>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.Count, ref _count);
        visitor.Field(Fields.LatchedCount, ref _latchedCount);
        visitor.Field(Fields.CountLatched, ref _countLatched);
        visitor.Field(Fields.StatusLatched, ref _statusLatched);
        visitor.Field(Fields.Status, ref _status);
        visitor.Field(Fields.ReadState, ref _readState);
        visitor.Field(Fields.WriteState, ref _writeState);
        visitor.Field(Fields.WriteLatch, ref _writeLatch);
        visitor.Field(Fields.RwMode, ref _rwMode);
        visitor.Field(Fields.Mode, ref _mode);
        visitor.Field(Fields.Bcd, ref _bcd);
        visitor.Field(Fields.Gate, ref _gate);
        visitor.Field(Fields.CountLoadTime, ref _countLoadTime);
        visitor.Field(Fields.NextTransitionTime, ref _nextTransitionTime);
    }

    /// <summary>The channel's field specs.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("pit channel");

        /// <summary>count.</summary>
        public static readonly FieldSpec<int> Count = Root.Int32("count", 0);

        /// <summary>latched_count.</summary>
        public static readonly FieldSpec<ushort> LatchedCount = Root.UInt16("latched_count", 1);

        /// <summary>count_latched.</summary>
        public static readonly FieldSpec<byte> CountLatched = Root.UInt8("count_latched", 2);

        /// <summary>status_latched.</summary>
        public static readonly FieldSpec<byte> StatusLatched = Root.UInt8("status_latched", 3);

        /// <summary>status.</summary>
        public static readonly FieldSpec<byte> Status = Root.UInt8("status", 4);

        /// <summary>read_state.</summary>
        public static readonly FieldSpec<byte> ReadState = Root.UInt8("read_state", 5);

        /// <summary>write_state.</summary>
        public static readonly FieldSpec<byte> WriteState = Root.UInt8("write_state", 6);

        /// <summary>write_latch.</summary>
        public static readonly FieldSpec<byte> WriteLatch = Root.UInt8("write_latch", 7);

        /// <summary>rw_mode.</summary>
        public static readonly FieldSpec<byte> RwMode = Root.UInt8("rw_mode", 8);

        /// <summary>mode.</summary>
        public static readonly FieldSpec<byte> Mode = Root.UInt8("mode", 9);

        /// <summary>bcd.</summary>
        public static readonly FieldSpec<byte> Bcd = Root.UInt8("bcd", 10);

        /// <summary>gate.</summary>
        public static readonly FieldSpec<byte> Gate = Root.UInt8("gate", 11);

        /// <summary>count_load_time.</summary>
        public static readonly FieldSpec<long> CountLoadTime = Root.Int64("count_load_time", 12);

        /// <summary>next_transition_time.</summary>
        public static readonly FieldSpec<long> NextTransitionTime = Root.Int64("next_transition_time", 13);
    }
}
