using MigrationFormat.Visitors;

namespace MigrationFormat.Samples.Qemu;

/// <summary>
/// QEMU 7.2's ISA 16550A UART (<c>hw/char/serial.c</c>, <c>serial-isa.c</c>) exactly as its vmsd <c>serial</c> (version 3,
/// oldest 2) saves it: one structure <c>state</c> (the inner vmsd <c>serial</c>, version 3) holding the registers, then the
/// seven subsections QEMU declares on it, each sent only when QEMU's own predicate holds for the state.
/// </summary>
/// <remarks>
/// The inner structure's fields are gated on the inner vmsd's version (always 3), not on the section's, as QEMU gates
/// them, so <c>divider</c> and <c>fcr_vmstate</c> are present in every accepted section version. Timers are their
/// be64 expiry time in nanoseconds, -1 when not pending.
/// </remarks>
public sealed class QemuSerial : IDeviceState
{
    /// <summary>The FIFO size of the 16550A.</summary>
    public const int FifoLength = 16;

    private const byte IerThri = 0x02;
    private const byte IirId = 0x0E;
    private const byte IirThri = 0x02;

    /// <summary>The device type: vmsd <c>serial</c>, versions 2 to 3.</summary>
    public static readonly DeviceType DeviceType = new("serial", "urn:migfmt:qemu-7.2:isa-serial", currentVersion: 3, minimumVersion: 2, version => new QemuSerial(version), "QEMU 7.2 ISA 16550A UART (vmsd serial)");

    /// <summary>Creates a UART running as <paramref name="version"/>, in QEMU's reset state.</summary>
    /// <param name="version">The section version (2 or 3).</param>
    public QemuSerial(int version = 3) => Version = version;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <summary>Gets or sets the baud rate divisor latch.</summary>
    public ushort Divider { get; set; }

    /// <summary>Gets or sets the receive buffer register.</summary>
    public byte Rbr { get; set; }

    /// <summary>Gets or sets the interrupt enable register.</summary>
    public byte Ier { get; set; }

    /// <summary>Gets or sets the interrupt identification register.</summary>
    public byte Iir { get; set; } = 0x01;

    /// <summary>Gets or sets the line control register.</summary>
    public byte Lcr { get; set; }

    /// <summary>Gets or sets the modem control register.</summary>
    public byte Mcr { get; set; }

    /// <summary>Gets or sets the line status register.</summary>
    public byte Lsr { get; set; } = 0x60;

    /// <summary>Gets or sets the modem status register.</summary>
    public byte Msr { get; set; }

    /// <summary>Gets or sets the scratch register.</summary>
    public byte Scr { get; set; }

    /// <summary>Gets or sets the FIFO control register as migrated.</summary>
    public byte FcrVmstate { get; set; }

    /// <summary>Gets or sets the pending THR-empty interrupt (subsection <c>serial/thr_ipending</c>).</summary>
    public int ThrIpending { get; set; }

    /// <summary>Gets or sets the transmit retry count (subsection <c>serial/tsr</c>).</summary>
    public uint TsrRetry { get; set; }

    /// <summary>Gets or sets the transmit holding register (subsection <c>serial/tsr</c>).</summary>
    public byte Thr { get; set; }

    /// <summary>Gets or sets the transmit shift register (subsection <c>serial/tsr</c>).</summary>
    public byte Tsr { get; set; }

    /// <summary>Gets the receive FIFO (subsection <c>serial/recv_fifo</c>, sent when not empty).</summary>
    public QemuFifo8 RecvFifo { get; } = new(FifoLength);

    /// <summary>Gets the transmit FIFO (subsection <c>serial/xmit_fifo</c>, sent when not empty).</summary>
    public QemuFifo8 XmitFifo { get; } = new(FifoLength);

    /// <summary>Gets or sets the FIFO timeout timer's expiry, -1 when not pending (subsection <c>serial/fifo_timeout_timer</c>).</summary>
    public long FifoTimeoutTimer { get; set; } = -1;

    /// <summary>Gets or sets the pending character-timeout interrupt (subsection <c>serial/timeout_ipending</c>).</summary>
    public int TimeoutIpending { get; set; }

    /// <summary>Gets or sets the modem status polling state, -1 when not polling (subsection <c>serial/poll</c>).</summary>
    public int PollMsl { get; set; } = -1;

    /// <summary>Gets or sets the modem status poll timer's expiry (subsection <c>serial/poll</c>).</summary>
    public long ModemStatusPoll { get; set; } = -1;

    /// <summary>Gets the value <see cref="ThrIpending"/> takes when it is not migrated (QEMU's post-load rule).</summary>
    public int ExpectedThrIpending => (Iir & IirId) == IirThri ? 1 : 0;

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        bool load = visitor.Direction == VisitDirection.Load;
        if (!visitor.BeginStruct(Fields.State))
        {
            return;
        }

        ushort divider = Divider;
        byte rbr = Rbr, ier = Ier, iir = Iir, lcr = Lcr, mcr = Mcr, lsr = Lsr, msr = Msr, scr = Scr, fcr = FcrVmstate;
        visitor.Field(Fields.Divider, ref divider);
        visitor.Field(Fields.Rbr, ref rbr);
        visitor.Field(Fields.Ier, ref ier);
        visitor.Field(Fields.Iir, ref iir);
        visitor.Field(Fields.Lcr, ref lcr);
        visitor.Field(Fields.Mcr, ref mcr);
        visitor.Field(Fields.Lsr, ref lsr);
        visitor.Field(Fields.Msr, ref msr);
        visitor.Field(Fields.Scr, ref scr);
        visitor.Field(Fields.FcrVmstate, ref fcr);
        if (load)
        {
            (Divider, Rbr, Ier, Iir, Lcr, Mcr, Lsr, Msr, Scr, FcrVmstate) = (divider, rbr, ier, iir, lcr, mcr, lsr, msr, scr, fcr);
        }

        int thrIpending = ThrIpending;
        bool thrNeeded = (Ier & IerThri) != 0 && ThrIpending != ExpectedThrIpending;
        if (visitor.BeginOptional(Fields.ThrIpendingGroup, thrNeeded))
        {
            visitor.Field(Fields.ThrIpending, ref thrIpending);
            visitor.EndOptional();
        }
        else if (load)
        {
            thrIpending = ExpectedThrIpending;
        }

        uint tsrRetry = TsrRetry;
        byte thr = Thr, tsr = Tsr;
        if (visitor.BeginOptional(Fields.TsrGroup, TsrRetry != 0))
        {
            visitor.Field(Fields.TsrRetry, ref tsrRetry);
            visitor.Field(Fields.Thr, ref thr);
            visitor.Field(Fields.Tsr, ref tsr);
            visitor.EndOptional();
        }
        else if (load)
        {
            tsrRetry = 0;
        }

        VisitFifo(ref visitor, Fields.RecvFifoGroup, Fields.RecvFifo, RecvFifo);
        VisitFifo(ref visitor, Fields.XmitFifoGroup, Fields.XmitFifo, XmitFifo);

        long fifoTimer = FifoTimeoutTimer;
        if (visitor.BeginOptional(Fields.FifoTimeoutTimerGroup, FifoTimeoutTimer != -1))
        {
            visitor.Field(Fields.FifoTimeoutTimer, ref fifoTimer);
            visitor.EndOptional();
        }
        else if (load)
        {
            fifoTimer = -1;
        }

        int timeoutIpending = TimeoutIpending;
        if (visitor.BeginOptional(Fields.TimeoutIpendingGroup, TimeoutIpending != 0))
        {
            visitor.Field(Fields.TimeoutIpending, ref timeoutIpending);
            visitor.EndOptional();
        }
        else if (load)
        {
            timeoutIpending = 0;
        }

        int pollMsl = PollMsl;
        long modemPoll = ModemStatusPoll;
        if (visitor.BeginOptional(Fields.PollGroup, PollMsl >= 0))
        {
            visitor.Field(Fields.PollMsl, ref pollMsl);
            visitor.Field(Fields.ModemStatusPoll, ref modemPoll);
            visitor.EndOptional();
        }
        else if (load)
        {
            pollMsl = -1;
        }

        visitor.EndStruct();
        if (load)
        {
            ThrIpending = thrIpending;
            (TsrRetry, Thr, Tsr) = (tsrRetry, thr, tsr);
            FifoTimeoutTimer = fifoTimer;
            TimeoutIpending = timeoutIpending;
            (PollMsl, ModemStatusPoll) = (pollMsl, modemPoll);
        }
    }

    private static void VisitFifo<TVisitor>(ref TVisitor visitor, FieldSpec group, FieldSpec structure, QemuFifo8 fifo)
        where TVisitor : IStateVisitor, allows ref struct
    {
        if (visitor.BeginOptional(group, fifo.Num != 0))
        {
            if (visitor.BeginStruct(structure))
            {
                fifo.Visit(ref visitor);
                visitor.EndStruct();
            }

            visitor.EndOptional();
        }
        else if (visitor.Direction == VisitDirection.Load)
        {
            fifo.Num = 0;
        }
    }

    /// <summary>The UART's field specs, in QEMU's order.</summary>
    public static class Fields
    {
        /// <summary>The inner <c>serial</c> structure (VMSTATE_STRUCT state).</summary>
        public static readonly FieldSpec State = FieldSpec.Struct("state", 0, description: "SerialState, saved with the inner vmsd 'serial' v3");

        /// <summary>Divisor latch.</summary>
        public static readonly FieldSpec Divider = FieldSpec.UInt16("divider", 0);

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

        /// <summary>FIFO control as migrated.</summary>
        public static readonly FieldSpec FcrVmstate = FieldSpec.UInt8("fcr_vmstate", 9);

        /// <summary>Subsection <c>serial/thr_ipending</c> (v1).</summary>
        public static readonly FieldSpec ThrIpendingGroup = FieldSpec.Optional("serial/thr_ipending", 10, legacyVersion: 1);

        /// <summary>Pending THR interrupt.</summary>
        public static readonly FieldSpec ThrIpending = FieldSpec.Int32("thr_ipending", 0);

        /// <summary>Subsection <c>serial/tsr</c> (v1).</summary>
        public static readonly FieldSpec TsrGroup = FieldSpec.Optional("serial/tsr", 11, legacyVersion: 1);

        /// <summary>Transmit retries.</summary>
        public static readonly FieldSpec TsrRetry = FieldSpec.UInt32("tsr_retry", 0);

        /// <summary>Transmit holding register.</summary>
        public static readonly FieldSpec Thr = FieldSpec.UInt8("thr", 1);

        /// <summary>Transmit shift register.</summary>
        public static readonly FieldSpec Tsr = FieldSpec.UInt8("tsr", 2);

        /// <summary>Subsection <c>serial/recv_fifo</c> (v1).</summary>
        public static readonly FieldSpec RecvFifoGroup = FieldSpec.Optional("serial/recv_fifo", 12, legacyVersion: 1);

        /// <summary>Receive FIFO structure (vmsd <c>Fifo8</c>).</summary>
        public static readonly FieldSpec RecvFifo = FieldSpec.Struct("recv_fifo", 0);

        /// <summary>Subsection <c>serial/xmit_fifo</c> (v1).</summary>
        public static readonly FieldSpec XmitFifoGroup = FieldSpec.Optional("serial/xmit_fifo", 13, legacyVersion: 1);

        /// <summary>Transmit FIFO structure (vmsd <c>Fifo8</c>).</summary>
        public static readonly FieldSpec XmitFifo = FieldSpec.Struct("xmit_fifo", 0);

        /// <summary>Subsection <c>serial/fifo_timeout_timer</c> (v1).</summary>
        public static readonly FieldSpec FifoTimeoutTimerGroup = FieldSpec.Optional("serial/fifo_timeout_timer", 14, legacyVersion: 1);

        /// <summary>FIFO timeout timer expiry.</summary>
        public static readonly FieldSpec FifoTimeoutTimer = FieldSpec.Int64("fifo_timeout_timer", 0, description: "Timer expiry in ns, -1 when not pending");

        /// <summary>Subsection <c>serial/timeout_ipending</c> (v1).</summary>
        public static readonly FieldSpec TimeoutIpendingGroup = FieldSpec.Optional("serial/timeout_ipending", 15, legacyVersion: 1);

        /// <summary>Pending timeout interrupt.</summary>
        public static readonly FieldSpec TimeoutIpending = FieldSpec.Int32("timeout_ipending", 0);

        /// <summary>Subsection <c>serial/poll</c> (v1).</summary>
        public static readonly FieldSpec PollGroup = FieldSpec.Optional("serial/poll", 16, legacyVersion: 1);

        /// <summary>Modem status polling state.</summary>
        public static readonly FieldSpec PollMsl = FieldSpec.Int32("poll_msl", 0);

        /// <summary>Modem status poll timer expiry.</summary>
        public static readonly FieldSpec ModemStatusPoll = FieldSpec.Int64("modem_status_poll", 1, description: "Timer expiry in ns, -1 when not pending");
    }
}
