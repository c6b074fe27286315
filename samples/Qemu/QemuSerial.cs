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
public sealed class QemuSerial : IDeviceState, IStateHooks
{
    /// <summary>The FIFO size of the 16550A.</summary>
    public const int FifoLength = 16;

    private const byte IerThri = 0x02;
    private const byte IirId = 0x0E;
    private const byte IirThri = 0x02;

    /// <summary>The device type: vmsd <c>serial</c>, versions 2 to 3.</summary>
    public static readonly DeviceType DeviceType = new(
        "serial",
        "urn:migfmt:qemu-7.2:isa-serial",
        currentVersion: 3,
        minimumVersion: 2,
        version => new QemuSerial(version),
        "QEMU 7.2 ISA 16550A UART (vmsd serial)");

    private ushort _divider;
    private byte _rbr;
    private byte _ier;
    private byte _iir = 0x01;
    private byte _lcr;
    private byte _mcr;
    private byte _lsr = 0x60;
    private byte _msr;
    private byte _scr;
    private byte _fcrVmstate;
    private int _thrIpending;
    private uint _tsrRetry;
    private byte _thr;
    private byte _tsr;
    private long _fifoTimeoutTimer = -1;
    private int _timeoutIpending;
    private int _pollMsl = -1;
    private long _modemStatusPoll = -1;

    /// <summary>Creates a UART running as <paramref name="version"/>, in QEMU's reset state.</summary>
    /// <param name="version">The section version (2 or 3).</param>
    public QemuSerial(int version = 3) => Version = version;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <summary>Gets or sets the baud rate divisor latch.</summary>
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

    /// <summary>Gets or sets the FIFO control register as migrated.</summary>
    public byte FcrVmstate { get => _fcrVmstate; set => _fcrVmstate = value; }

    /// <summary>Gets or sets the pending THR-empty interrupt (subsection <c>serial/thr_ipending</c>).</summary>
    public int ThrIpending { get => _thrIpending; set => _thrIpending = value; }

    /// <summary>Gets or sets the transmit retry count (subsection <c>serial/tsr</c>).</summary>
    public uint TsrRetry { get => _tsrRetry; set => _tsrRetry = value; }

    /// <summary>Gets or sets the transmit holding register (subsection <c>serial/tsr</c>).</summary>
    public byte Thr { get => _thr; set => _thr = value; }

    /// <summary>Gets or sets the transmit shift register (subsection <c>serial/tsr</c>).</summary>
    public byte Tsr { get => _tsr; set => _tsr = value; }

    /// <summary>Gets the receive FIFO (subsection <c>serial/recv_fifo</c>, sent when not empty).</summary>
    public QemuFifo8 RecvFifo { get; } = new(FifoLength);

    /// <summary>Gets the transmit FIFO (subsection <c>serial/xmit_fifo</c>, sent when not empty).</summary>
    public QemuFifo8 XmitFifo { get; } = new(FifoLength);

    /// <summary>Gets or sets the FIFO timeout timer's expiry, -1 when not pending (subsection <c>serial/fifo_timeout_timer</c>).</summary>
    public long FifoTimeoutTimer { get => _fifoTimeoutTimer; set => _fifoTimeoutTimer = value; }

    /// <summary>Gets or sets the pending character-timeout interrupt (subsection <c>serial/timeout_ipending</c>).</summary>
    public int TimeoutIpending { get => _timeoutIpending; set => _timeoutIpending = value; }

    /// <summary>Gets or sets the modem status polling state, -1 when not polling (subsection <c>serial/poll</c>).</summary>
    public int PollMsl { get => _pollMsl; set => _pollMsl = value; }

    /// <summary>Gets or sets the modem status poll timer's expiry (subsection <c>serial/poll</c>).</summary>
    public long ModemStatusPoll { get => _modemStatusPoll; set => _modemStatusPoll = value; }

    /// <summary>Gets the value <see cref="ThrIpending"/> takes when it is not migrated (QEMU's post-load rule).</summary>
    public int ExpectedThrIpending => (Iir & IirId) == IirThri ? 1 : 0;

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        if (!visitor.BeginStruct(Fields.State))
        {
            return;
        }

        visitor.Field(Fields.Divider, ref _divider);
        visitor.Field(Fields.Rbr, ref _rbr);
        visitor.Field(Fields.Ier, ref _ier);
        visitor.Field(Fields.Iir, ref _iir);
        visitor.Field(Fields.Lcr, ref _lcr);
        visitor.Field(Fields.Mcr, ref _mcr);
        visitor.Field(Fields.Lsr, ref _lsr);
        visitor.Field(Fields.Msr, ref _msr);
        visitor.Field(Fields.Scr, ref _scr);
        visitor.Field(Fields.FcrVmstate, ref _fcrVmstate);
        if (visitor.BeginOptional(Fields.ThrIpendingGroup, (_ier & IerThri) != 0 && _thrIpending != ExpectedThrIpending).IsPresent)
        {
            visitor.Field(Fields.ThrIpending, ref _thrIpending);
            visitor.EndOptional();
        }

        if (visitor.BeginOptional(Fields.TsrGroup, _tsrRetry != 0).IsPresent)
        {
            visitor.Field(Fields.TsrRetry, ref _tsrRetry);
            visitor.Field(Fields.Thr, ref _thr);
            visitor.Field(Fields.Tsr, ref _tsr);
            visitor.EndOptional();
        }

        VisitFifo(ref visitor, Fields.RecvFifoGroup, Fields.RecvFifo, RecvFifo);
        VisitFifo(ref visitor, Fields.XmitFifoGroup, Fields.XmitFifo, XmitFifo);
        if (visitor.BeginOptional(Fields.FifoTimeoutTimerGroup, _fifoTimeoutTimer != -1).IsPresent)
        {
            visitor.Field(Fields.FifoTimeoutTimer, ref _fifoTimeoutTimer);
            visitor.EndOptional();
        }

        if (visitor.BeginOptional(Fields.TimeoutIpendingGroup, _timeoutIpending != 0).IsPresent)
        {
            visitor.Field(Fields.TimeoutIpending, ref _timeoutIpending);
            visitor.EndOptional();
        }

        if (visitor.BeginOptional(Fields.PollGroup, _pollMsl >= 0).IsPresent)
        {
            visitor.Field(Fields.PollMsl, ref _pollMsl);
            visitor.Field(Fields.ModemStatusPoll, ref _modemStatusPoll);
            visitor.EndOptional();
        }

        visitor.EndStruct();
    }

    /// <inheritdoc/>
    void IStateHooks.PreSave()
    {
    }

    /// <summary>
    /// Gives every subsection's fields the value QEMU's loader leaves when the subsection is not sent: each is sent
    /// only while its state differs from that value. The pending THR interrupt is marked unknown (-1) and derived
    /// after the load, as QEMU's <c>serial_pre_load</c> and <c>serial_post_load</c> do.
    /// </summary>
    void IStateHooks.PreLoad()
    {
        _thrIpending = -1;
        _tsrRetry = 0;
        RecvFifo.Num = 0;
        XmitFifo.Num = 0;
        _fifoTimeoutTimer = -1;
        _timeoutIpending = 0;
        _pollMsl = -1;
    }

    /// <inheritdoc/>
    void IStateHooks.PostLoad(int sourceVersion)
    {
        if (_thrIpending == -1)
        {
            _thrIpending = ExpectedThrIpending;
        }
    }

    private static void VisitFifo<TVisitor>(ref TVisitor visitor, OptionalSpec group, StructSpec structure, QemuFifo8 fifo)
        where TVisitor : IStateVisitor, allows ref struct
    {
        if (visitor.BeginOptional(group, fifo.Num != 0).IsPresent)
        {
            if (visitor.BeginStruct(structure))
            {
                fifo.Visit(ref visitor);
                visitor.EndStruct();
            }

            visitor.EndOptional();
        }
    }

    /// <summary>The UART's field specs, in QEMU's order.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("serial");

        /// <summary>The inner <c>serial</c> structure (VMSTATE_STRUCT state).</summary>
        public static readonly StructSpec State = Root.Struct("state", 0, description: "SerialState, saved with the inner vmsd 'serial' v3");

        /// <summary>Divisor latch.</summary>
        public static readonly FieldSpec<ushort> Divider = State.Members.UInt16("divider", 0);

        /// <summary>Receive buffer.</summary>
        public static readonly FieldSpec<byte> Rbr = State.Members.UInt8("rbr", 1);

        /// <summary>Interrupt enable.</summary>
        public static readonly FieldSpec<byte> Ier = State.Members.UInt8("ier", 2);

        /// <summary>Interrupt identification.</summary>
        public static readonly FieldSpec<byte> Iir = State.Members.UInt8("iir", 3);

        /// <summary>Line control.</summary>
        public static readonly FieldSpec<byte> Lcr = State.Members.UInt8("lcr", 4);

        /// <summary>Modem control.</summary>
        public static readonly FieldSpec<byte> Mcr = State.Members.UInt8("mcr", 5);

        /// <summary>Line status.</summary>
        public static readonly FieldSpec<byte> Lsr = State.Members.UInt8("lsr", 6);

        /// <summary>Modem status.</summary>
        public static readonly FieldSpec<byte> Msr = State.Members.UInt8("msr", 7);

        /// <summary>Scratch.</summary>
        public static readonly FieldSpec<byte> Scr = State.Members.UInt8("scr", 8);

        /// <summary>FIFO control as migrated.</summary>
        public static readonly FieldSpec<byte> FcrVmstate = State.Members.UInt8("fcr_vmstate", 9);

        /// <summary>Subsection <c>serial/thr_ipending</c> (v1).</summary>
        public static readonly OptionalSpec ThrIpendingGroup = State.Members.Optional("serial/thr_ipending", 10, legacyVersion: 1);

        /// <summary>Pending THR interrupt.</summary>
        public static readonly FieldSpec<int> ThrIpending = ThrIpendingGroup.Members.Int32("thr_ipending", 0);

        /// <summary>Subsection <c>serial/tsr</c> (v1).</summary>
        public static readonly OptionalSpec TsrGroup = State.Members.Optional("serial/tsr", 11, legacyVersion: 1);

        /// <summary>Transmit retries.</summary>
        public static readonly FieldSpec<uint> TsrRetry = TsrGroup.Members.UInt32("tsr_retry", 0);

        /// <summary>Transmit holding register.</summary>
        public static readonly FieldSpec<byte> Thr = TsrGroup.Members.UInt8("thr", 1);

        /// <summary>Transmit shift register.</summary>
        public static readonly FieldSpec<byte> Tsr = TsrGroup.Members.UInt8("tsr", 2);

        /// <summary>Subsection <c>serial/recv_fifo</c> (v1).</summary>
        public static readonly OptionalSpec RecvFifoGroup = State.Members.Optional("serial/recv_fifo", 12, legacyVersion: 1);

        /// <summary>Receive FIFO structure (vmsd <c>Fifo8</c>).</summary>
        public static readonly StructSpec RecvFifo = RecvFifoGroup.Members.Struct("recv_fifo", 0);

        /// <summary>Subsection <c>serial/xmit_fifo</c> (v1).</summary>
        public static readonly OptionalSpec XmitFifoGroup = State.Members.Optional("serial/xmit_fifo", 13, legacyVersion: 1);

        /// <summary>Transmit FIFO structure (vmsd <c>Fifo8</c>).</summary>
        public static readonly StructSpec XmitFifo = XmitFifoGroup.Members.Struct("xmit_fifo", 0);

        /// <summary>Subsection <c>serial/fifo_timeout_timer</c> (v1).</summary>
        public static readonly OptionalSpec FifoTimeoutTimerGroup = State.Members.Optional("serial/fifo_timeout_timer", 14, legacyVersion: 1);

        /// <summary>FIFO timeout timer expiry.</summary>
        public static readonly FieldSpec<long> FifoTimeoutTimer = FifoTimeoutTimerGroup.Members.Int64(
            "fifo_timeout_timer",
            0,
            description: "Timer expiry in ns, -1 when not pending");

        /// <summary>Subsection <c>serial/timeout_ipending</c> (v1).</summary>
        public static readonly OptionalSpec TimeoutIpendingGroup = State.Members.Optional("serial/timeout_ipending", 15, legacyVersion: 1);

        /// <summary>Pending timeout interrupt.</summary>
        public static readonly FieldSpec<int> TimeoutIpending = TimeoutIpendingGroup.Members.Int32("timeout_ipending", 0);

        /// <summary>Subsection <c>serial/poll</c> (v1).</summary>
        public static readonly OptionalSpec PollGroup = State.Members.Optional("serial/poll", 16, legacyVersion: 1);

        /// <summary>Modem status polling state.</summary>
        public static readonly FieldSpec<int> PollMsl = PollGroup.Members.Int32("poll_msl", 0);

        /// <summary>Modem status poll timer expiry.</summary>
        public static readonly FieldSpec<long> ModemStatusPoll = PollGroup.Members.Int64(
            "modem_status_poll",
            1,
            description: "Timer expiry in ns, -1 when not pending");
    }
}
