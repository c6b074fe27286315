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

    /// <summary>Creates a UART running as <paramref name="version"/>, with reset values.</summary>
    /// <param name="version">The device version.</param>
    public Uart16550(int version = 3) => Version = version;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <summary>Gets or sets the divisor latch.</summary>
    public ushort Divider { get; set; } = 12;

    /// <summary>Gets or sets the receive buffer register.</summary>
    public byte Rbr { get; set; }

    /// <summary>Gets or sets the interrupt enable register.</summary>
    public byte Ier { get; set; }

    /// <summary>Gets or sets the interrupt identification register.</summary>
    public byte Iir { get; set; } = 1;

    /// <summary>Gets or sets the line control register.</summary>
    public byte Lcr { get; set; }

    /// <summary>Gets or sets the modem control register.</summary>
    public byte Mcr { get; set; }

    /// <summary>Gets or sets the line status register.</summary>
    public byte Lsr { get; set; } = 0x60;

    /// <summary>Gets or sets the modem status register.</summary>
    public byte Msr { get; set; } = 0xB0;

    /// <summary>Gets or sets the scratch register.</summary>
    public byte Scr { get; set; }

    /// <summary>Gets or sets the number of bytes transmitted (v2, skippable).</summary>
    public ulong TxCount { get; set; }

    /// <summary>Gets or sets the FIFO trigger level in bytes (v3, must-parse).</summary>
    public byte FifoTriggerLevel { get; set; } = 1;

    /// <summary>Gets or sets a value indicating whether the FIFO timeout timer is armed (v3, optional group).</summary>
    public bool FifoTimeoutArmed { get; set; }

    /// <summary>Gets or sets the FIFO timeout deadline in nanoseconds (v3, inside the optional group).</summary>
    public long FifoTimeoutNs { get; set; }

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        ushort divider = Divider;
        byte rbr = Rbr, ier = Ier, iir = Iir, lcr = Lcr, mcr = Mcr, lsr = Lsr, msr = Msr, scr = Scr, trigger = FifoTriggerLevel;
        ulong txCount = TxCount;
        long timeout = FifoTimeoutNs;
        bool armed = FifoTimeoutArmed;

        visitor.Field(Fields.Divider, ref divider);
        visitor.Field(Fields.Rbr, ref rbr);
        visitor.Field(Fields.Ier, ref ier);
        visitor.Field(Fields.Iir, ref iir);
        visitor.Field(Fields.Lcr, ref lcr);
        visitor.Field(Fields.Mcr, ref mcr);
        visitor.Field(Fields.Lsr, ref lsr);
        visitor.Field(Fields.Msr, ref msr);
        visitor.Field(Fields.Scr, ref scr);
        visitor.Field(Fields.TxCount, ref txCount);
        visitor.Field(Fields.FifoTriggerLevel, ref trigger);
        if (visitor.BeginOptional(Fields.FifoTimeout, needed: armed))
        {
            armed = true;
            visitor.Field(Fields.FifoTimeoutNs, ref timeout);
            visitor.EndOptional();
        }
        else if (visitor.Direction == VisitDirection.Load && Version >= 3)
        {
            armed = false;
        }

        if (visitor.Direction == VisitDirection.Load)
        {
            Divider = divider;
            Rbr = rbr;
            Ier = ier;
            Iir = iir;
            Lcr = lcr;
            Mcr = mcr;
            Lsr = lsr;
            Msr = msr;
            Scr = scr;
            TxCount = txCount;
            FifoTriggerLevel = trigger;
            FifoTimeoutArmed = armed;
            FifoTimeoutNs = timeout;
        }
    }

    /// <summary>The UART's field specs.</summary>
    public static class Fields
    {
        /// <summary>Divisor latch.</summary>
        public static readonly FieldSpec Divider = FieldSpec.UInt16("divider", 0, description: "Divisor latch (DLL/DLM)");

        /// <summary>Receive buffer.</summary>
        public static readonly FieldSpec Rbr = FieldSpec.UInt8("rbr", 1);

        /// <summary>Interrupt enable.</summary>
        public static readonly FieldSpec Ier = FieldSpec.UInt8("ier", 2);

        /// <summary>Interrupt identification.</summary>
        public static readonly FieldSpec Iir = FieldSpec.UInt8("iir", 3);

        /// <summary>Line control.</summary>
        public static readonly FieldSpec Lcr = FieldSpec.UInt8("lcr", 4);

        /// <summary>Modem control.</summary>
        public static readonly FieldSpec Mcr = FieldSpec.UInt8("mcr", 5);

        /// <summary>Line status.</summary>
        public static readonly FieldSpec Lsr = FieldSpec.UInt8("lsr", 6);

        /// <summary>Modem status.</summary>
        public static readonly FieldSpec Msr = FieldSpec.UInt8("msr", 7);

        /// <summary>Scratch.</summary>
        public static readonly FieldSpec Scr = FieldSpec.UInt8("scr", 8);

        /// <summary>Bytes transmitted: statistics, safe to lose.</summary>
        public static readonly FieldSpec TxCount = FieldSpec.UInt64("tx_count", 9, skippable: true, since: 2, description: "Bytes transmitted (statistics)");

        /// <summary>FIFO trigger level.</summary>
        public static readonly FieldSpec FifoTriggerLevel = FieldSpec.UInt8("fifo_trigger_level", 10, since: 3, description: "Receive FIFO trigger level in bytes");

        /// <summary>FIFO timeout group.</summary>
        public static readonly FieldSpec FifoTimeout = FieldSpec.Optional("fifo_timeout", 11, since: 3, description: "Sent while the FIFO timeout timer is armed");

        /// <summary>FIFO timeout deadline.</summary>
        public static readonly FieldSpec FifoTimeoutNs = FieldSpec.Int64("deadline_ns", 0, since: 3, description: "Deadline of the FIFO timeout, in guest nanoseconds");
    }
}
