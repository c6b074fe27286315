using MigrationFormat.Visitors;

namespace MigrationFormat.Samples;

/// <summary>
/// A 16550A UART. Version 1 has the registers; version 2 adds a skippable transmit counter (statistics a
/// destination may lose); version 3 adds the must-parse FIFO trigger level and the optional FIFO timeout group.
/// </summary>
public sealed class Uart16550 : IDeviceState
{
    /// <summary>The device type: section id <c>serial</c>, versions 1 to 3.</summary>
    public static readonly DeviceType DeviceType = new("serial", "urn:migfmt:sample:uart16550a", currentVersion: 3, minimumVersion: 1, version => new Uart16550(version), "16550A UART with FIFOs");

    private ushort _divider = 12;
    private byte _rbr;
    private byte _ier;
    private byte _iir = 1;
    private byte _lcr;
    private byte _mcr;
    private byte _lsr = 0x60;
    private byte _msr = 0xB0;
    private byte _scr;
    private ulong _txCount;
    private byte _fifoTriggerLevel = 1;
    private bool _fifoTimeoutArmed;
    private long _fifoTimeoutNs;

    /// <summary>Creates a UART running as <paramref name="version"/>, with reset values.</summary>
    /// <param name="version">The device version.</param>
    public Uart16550(int version = 3) => Version = version;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <summary>Gets or sets the divisor latch.</summary>
    public ushort Divider { get => _divider; set => _divider = value; }

    /// <summary>Gets or sets the receive buffer register.</summary>
    public byte Rbr { get => _rbr; set => _rbr = value; }

    /// <summary>Gets or sets the interrupt enable register.</summary>
    public byte Ier { get => _ier; set => _ier = value; }

    /// <summary>Gets or sets the interrupt identification register.</summary>
    public byte Iir { get => _iir; set => _iir = value; }

    /// <summary>Gets or sets the line control register.</summary>
    public byte Lcr { get => _lcr; set => _lcr = value; }

    /// <summary>Gets or sets the modem control register.</summary>
    public byte Mcr { get => _mcr; set => _mcr = value; }

    /// <summary>Gets or sets the line status register.</summary>
    public byte Lsr { get => _lsr; set => _lsr = value; }

    /// <summary>Gets or sets the modem status register.</summary>
    public byte Msr { get => _msr; set => _msr = value; }

    /// <summary>Gets or sets the scratch register.</summary>
    public byte Scr { get => _scr; set => _scr = value; }

    /// <summary>Gets or sets the number of bytes transmitted (v2, skippable).</summary>
    public ulong TxCount { get => _txCount; set => _txCount = value; }

    /// <summary>Gets or sets the FIFO trigger level in bytes (v3, must-parse).</summary>
    public byte FifoTriggerLevel { get => _fifoTriggerLevel; set => _fifoTriggerLevel = value; }

    /// <summary>Gets or sets a value indicating whether the FIFO timeout timer is armed (v3, optional group).</summary>
    public bool FifoTimeoutArmed { get => _fifoTimeoutArmed; set => _fifoTimeoutArmed = value; }

    /// <summary>Gets or sets the FIFO timeout deadline in nanoseconds (v3, inside the optional group).</summary>
    public long FifoTimeoutNs { get => _fifoTimeoutNs; set => _fifoTimeoutNs = value; }

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.Divider, ref _divider);
        visitor.Field(Fields.Rbr, ref _rbr);
        visitor.Field(Fields.Ier, ref _ier);
        visitor.Field(Fields.Iir, ref _iir);
        visitor.Field(Fields.Lcr, ref _lcr);
        visitor.Field(Fields.Mcr, ref _mcr);
        visitor.Field(Fields.Lsr, ref _lsr);
        visitor.Field(Fields.Msr, ref _msr);
        visitor.Field(Fields.Scr, ref _scr);
        visitor.Field(Fields.TxCount, ref _txCount);
        visitor.Field(Fields.FifoTriggerLevel, ref _fifoTriggerLevel);
        if (visitor.BeginOptional(Fields.FifoTimeout, needed: _fifoTimeoutArmed).Track(ref _fifoTimeoutArmed))
        {
            visitor.Field(Fields.FifoTimeoutNs, ref _fifoTimeoutNs);
            visitor.EndOptional();
        }
    }

    /// <summary>The UART's field specs.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("serial");

        /// <summary>Divisor latch.</summary>
        public static readonly FieldSpec<ushort> Divider = Root.UInt16("divider", 0, description: "Divisor latch (DLL/DLM)");

        /// <summary>Receive buffer.</summary>
        public static readonly FieldSpec<byte> Rbr = Root.UInt8("rbr", 1);

        /// <summary>Interrupt enable.</summary>
        public static readonly FieldSpec<byte> Ier = Root.UInt8("ier", 2);

        /// <summary>Interrupt identification.</summary>
        public static readonly FieldSpec<byte> Iir = Root.UInt8("iir", 3);

        /// <summary>Line control.</summary>
        public static readonly FieldSpec<byte> Lcr = Root.UInt8("lcr", 4);

        /// <summary>Modem control.</summary>
        public static readonly FieldSpec<byte> Mcr = Root.UInt8("mcr", 5);

        /// <summary>Line status.</summary>
        public static readonly FieldSpec<byte> Lsr = Root.UInt8("lsr", 6);

        /// <summary>Modem status.</summary>
        public static readonly FieldSpec<byte> Msr = Root.UInt8("msr", 7);

        /// <summary>Scratch.</summary>
        public static readonly FieldSpec<byte> Scr = Root.UInt8("scr", 8);

        /// <summary>Bytes transmitted: statistics, safe to lose.</summary>
        public static readonly FieldSpec<ulong> TxCount = Root.UInt64("tx_count", 9, skippable: true, since: 2, description: "Bytes transmitted (statistics)");

        /// <summary>FIFO trigger level.</summary>
        public static readonly FieldSpec<byte> FifoTriggerLevel = Root.UInt8("fifo_trigger_level", 10, since: 3, description: "Receive FIFO trigger level in bytes");

        /// <summary>FIFO timeout group.</summary>
        public static readonly OptionalSpec FifoTimeout = Root.Optional("fifo_timeout", 11, since: 3, description: "Sent while the FIFO timeout timer is armed");

        /// <summary>FIFO timeout deadline.</summary>
        public static readonly FieldSpec<long> FifoTimeoutNs = FifoTimeout.Members.Int64("deadline_ns", 0, since: 3, description: "Deadline of the FIFO timeout, in guest nanoseconds");
    }
}
