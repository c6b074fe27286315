using System.Runtime.CompilerServices;
using MigrationFormat.Visitors;

namespace MigrationFormat.Generators.Tests;

/// <summary>
/// The sample 16550A UART declared with attributes, kept in this project so that tests can hand its source text to the
/// generator. samples/Uart16550.cs is declared the same way since it stopped being written by hand; what the
/// hand-written one saved is in HandWrittenSamples/ (<see cref="ConvertedSampleTests"/>).
/// </summary>
[MigrationDevice("serial", "urn:migfmt:sample:uart16550a", CurrentVersion = 3, Description = "16550A UART with FIFOs")]
[MigrationOptionalGroup("fifo_timeout", 11, Since = 3, PresentFlag = nameof(_fifoTimeoutArmed), Description = "Sent while the FIFO timeout timer is armed")]
public sealed partial class GeneratedUart16550
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
    [MigrationField(10, Since = 3, Description = "Receive FIFO trigger level in bytes")] private byte _fifoTriggerLevel = 1;
    [MigrationField(0, Name = "deadline_ns", Group = "fifo_timeout", Description = "Deadline of the FIFO timeout, in guest nanoseconds")]
    private long _fifoTimeoutNs;
    private bool _fifoTimeoutArmed;

    public ushort Divider { get => _divider; set => _divider = value; }

    public byte Lcr { get => _lcr; set => _lcr = value; }

    public ulong TxCount { get => _txCount; set => _txCount = value; }

    public byte FifoTriggerLevel { get => _fifoTriggerLevel; set => _fifoTriggerLevel = value; }

    public bool FifoTimeoutArmed { get => _fifoTimeoutArmed; set => _fifoTimeoutArmed = value; }

    public long FifoTimeoutNs { get => _fifoTimeoutNs; set => _fifoTimeoutNs = value; }

    /// <summary>Gets the path of this file, so that baseline tests can hand its text to the generator.</summary>
    public static string SourcePath([CallerFilePath] string path = "") => path;
}

/// <summary>A device with every field kind the generator supports, across four versions, one field removed in v4.</summary>
[MigrationDevice("gadget", "urn:migfmt:test:gadget", CurrentVersion = 4, MinimumVersion = 1)]
[MigrationOptionalGroup("dma", 20, Since = 2, PresentFlag = nameof(_dmaActive))]
public sealed partial class Gadget
{
    [MigrationField(0)] private byte _u8;
    [MigrationField(1)] private sbyte _i8;
    [MigrationField(2)] private ushort _u16;
    [MigrationField(3)] private short _i16;
    [MigrationField(4)] private uint _u32;
    [MigrationField(5)] private int _i32;
    [MigrationField(6)] private ulong _u64;
    [MigrationField(7)] private long _i64;
    [MigrationField(8)] private bool _enabled;
    [MigrationField(9, MaxLength = 32)] private string _label = "";
    [MigrationField(10)] private byte[] _firmware = [];
    [MigrationField(11, Length = 6)] private readonly byte[] _mac = new byte[6];
    [MigrationField(12, Length = 3)] private readonly ushort[] _ports = new ushort[3];
    [MigrationField(13, Length = 2)] private readonly uint[] _masks = new uint[2];
    [MigrationField(14, Length = 2)] private readonly ulong[] _counters = new ulong[2];
    [MigrationField(15, Skippable = true, Since = 2, RemovedIn = 4)] private uint _legacyStatistic;
    [MigrationField(0, Group = "dma")] private ulong _dmaAddress;
    [MigrationField(1, Group = "dma")] private uint _dmaLength;
    [MigrationField(16, Since = 3)] private int _mode;
    private bool _dmaActive;

    public byte U8 { get => _u8; set => _u8 = value; }

    public sbyte I8 { get => _i8; set => _i8 = value; }

    public ushort U16 { get => _u16; set => _u16 = value; }

    public short I16 { get => _i16; set => _i16 = value; }

    public uint U32 { get => _u32; set => _u32 = value; }

    public int I32 { get => _i32; set => _i32 = value; }

    public ulong U64 { get => _u64; set => _u64 = value; }

    public long I64 { get => _i64; set => _i64 = value; }

    public bool Enabled { get => _enabled; set => _enabled = value; }

    public string Label { get => _label; set => _label = value; }

    public byte[] Firmware { get => _firmware; set => _firmware = value; }

    public byte[] Mac => _mac;

    public ushort[] Ports => _ports;

    public uint[] Masks => _masks;

    public ulong[] Counters => _counters;

    public uint LegacyStatistic { get => _legacyStatistic; set => _legacyStatistic = value; }

    public bool DmaActive { get => _dmaActive; set => _dmaActive = value; }

    public ulong DmaAddress { get => _dmaAddress; set => _dmaAddress = value; }

    public uint DmaLength { get => _dmaLength; set => _dmaLength = value; }

    public int Mode { get => _mode; set => _mode = value; }

    /// <summary>Creates a gadget running as <paramref name="version"/> with every field set away from its default.</summary>
    public static Gadget Busy(int version) => new Gadget(version)
    {
        U8 = 0xF1,
        I8 = -7,
        U16 = 0xBEEF,
        I16 = -1234,
        U32 = 0xDEADBEEF,
        I32 = -123456,
        U64 = ulong.MaxValue - 5,
        I64 = long.MinValue + 9,
        Enabled = true,
        Label = "eth0 ✓",
        Firmware = [1, 2, 3, 4, 5],
        LegacyStatistic = 77,
        DmaActive = true,
        DmaAddress = 0x1_0000_F000,
        DmaLength = 4096,
        Mode = -3,
    }.WithArrays();

    private Gadget WithArrays()
    {
        byte[] mac = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
        mac.CopyTo(_mac, 0);
        _ports[0] = 80;
        _ports[1] = 443;
        _ports[2] = 8080;
        _masks[0] = 0xFFFF0000;
        _masks[1] = 0x0000FFFF;
        _counters[0] = 1;
        _counters[1] = ulong.MaxValue;
        return this;
    }
}

/// <summary>
/// A device with nested structures across three versions: one from the start, one added (skippable) in v2, one
/// removed (skippable) in v3, and a member added to a structure in v3.
/// </summary>
[MigrationDevice("clock", "urn:migfmt:test:clock", CurrentVersion = 3)]
[MigrationStruct("timer", 1, Description = "The tick timer")]
[MigrationStruct("calibration", 2, Since = 2, Skippable = true)]
[MigrationStruct("legacy_alarm", 3, Skippable = true, RemovedIn = 3)]
public sealed partial class Clock
{
    [MigrationField(0)] private long _nowNs;
    [MigrationField(0, Group = "timer")] private long _periodNs;
    [MigrationField(1, Group = "timer")] private bool _running;
    [MigrationField(2, Group = "timer", Since = 3)] private uint _overruns;
    [MigrationField(0, Group = "calibration")] private short _ppm;
    [MigrationField(1, Group = "calibration", Length = 4)] private readonly byte[] _trim = new byte[4];
    [MigrationField(0, Group = "legacy_alarm")] private long _alarmNs;
    [MigrationField(4)] private byte _control;

    public long NowNs { get => _nowNs; set => _nowNs = value; }

    public long PeriodNs { get => _periodNs; set => _periodNs = value; }

    public bool Running { get => _running; set => _running = value; }

    public uint Overruns { get => _overruns; set => _overruns = value; }

    public short Ppm { get => _ppm; set => _ppm = value; }

    public byte[] Trim => _trim;

    public long AlarmNs { get => _alarmNs; set => _alarmNs = value; }

    public byte Control { get => _control; set => _control = value; }

    /// <summary>Creates a clock running as <paramref name="version"/> with every field set away from its default.</summary>
    public static Clock Busy(int version)
    {
        var clock = new Clock(version)
        {
            NowNs = 1_700_000_000_000_000_000, PeriodNs = 976_562, Running = true, Overruns = 12, Ppm = -42, AlarmNs = long.MaxValue, Control = 0x26,
        };
        byte[] trim = [1, 0x80, 0xFF, 7];
        trim.CopyTo(clock._trim, 0);
        return clock;
    }
}
