using MigrationFormat.Visitors;

namespace MigrationFormat.Samples;

/// <summary>
/// A 16550A UART. Version 1 has the registers; version 2 adds a skippable transmit counter (statistics a
/// destination may lose); version 3 adds the must-parse FIFO trigger level and the optional FIFO timeout group.
/// Both exist only with FIFOs: the <c>fifo</c> parameter changes the layout (versions 1 and 2 fix it off, version 3
/// on; a configuration of parameters alone may turn it off on the current version).
/// Declared with attributes: its <c>Fields</c>, <c>Parameters</c>, <c>Visit</c> and <c>DeviceType</c> are generated.
/// </summary>
[MigrationDevice("serial", "urn:migfmt:sample:uart16550a", CurrentVersion = 3, Description = "16550A UART with FIFOs")]
[MigrationParameter("fifo", ParameterType.Bool, Default = "on", ChangesLayout = true, Description = "Receive and transmit FIFOs")]
[MigrationVersion(1, "fifo=off")]
[MigrationVersion(2, "fifo=off")]
[MigrationVersion(3, "fifo=on")]
[MigrationOptionalGroup(
    "fifo_timeout",
    11,
    Since = 3,
    PresentFlag = nameof(_fifoTimeoutArmed),
    When = "fifo",
    Description = "Sent while the FIFO timeout timer is armed")]
public sealed partial class Uart16550
{
    [MigrationField(0, Description = "Divisor latch (DLL/DLM)")] private ushort _divider = 12;
    [MigrationField(1)] private byte _rbr;
    [MigrationField(2)] private byte _ier;
    [MigrationField(3)] private byte _iir = 1;
    [MigrationField(4)] private byte _lcr;
    [MigrationField(5)] private byte _mcr;
    [MigrationField(6)] private byte _lsr = 0x60;
    [MigrationField(7)] private byte _msr = 0xB0;
    [MigrationField(8)] private byte _scr;
    [MigrationField(9, Skippable = true, Since = 2, Description = "Bytes transmitted (statistics)")] private ulong _txCount;
    [MigrationField(10, Since = 3, When = "fifo", Description = "Receive FIFO trigger level in bytes")] private byte _fifoTriggerLevel = 1;
    [MigrationField(0, Name = "deadline_ns", Group = "fifo_timeout", Description = "Deadline of the FIFO timeout, in guest nanoseconds")]
    private long _fifoTimeoutNs;
    private bool _fifoTimeoutArmed;

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
}
