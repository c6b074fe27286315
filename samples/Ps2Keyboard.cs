using MigrationFormat.Visitors;

namespace MigrationFormat.Samples;

/// <summary>
/// A PS/2 keyboard, declared with attributes: the source generator writes its field specs, <c>Visit</c> method and
/// registration, and checks every build against the released versions' schemas committed in <c>samples/schemas</c>
/// (docs/diagnostics.md). Version 1 has the controller registers and the output queue; version 2 adds the must-parse
/// scancode set, the skippable LED state, and the optional reset group sent while a reset is pending; version 3 adds
/// the typematic rate and delay.
/// </summary>
[MigrationDevice("ps2kbd", "urn:migfmt:sample:ps2-keyboard", CurrentVersion = 3, Description = "PS/2 keyboard")]
[MigrationOptionalGroup(
    "pending_reset",
    7,
    Since = 2,
    PresentFlag = nameof(_resetPending),
    Description = "Sent while a reset command awaits its acknowledgement")]
public sealed partial class Ps2Keyboard
{
    [MigrationField(0, Description = "Controller status register")] private byte _status = 0x14;
    [MigrationField(1)] private byte _mode = 0x61;
    [MigrationField(2, Description = "Last command byte, awaiting its argument")] private byte _pendingCommand;
    [MigrationField(3, Length = 16, Description = "Output queue ring")] private readonly byte[] _queue = new byte[16];
    [MigrationField(4)] private byte _queueRead;
    [MigrationField(5)] private byte _queueCount;
    [MigrationField(6, Since = 2, Description = "Scancode set (1, 2 or 3)")] private byte _scancodeSet = 2;
    [MigrationField(0, Name = "deadline_ns", Group = "pending_reset", Description = "When the self-test result is due, in guest nanoseconds")]
    private long _resetDeadlineNs;
    [MigrationField(8, Skippable = true, Since = 2, Description = "Keyboard LEDs (cosmetic)")] private byte _leds;
    [MigrationField(9, Since = 3, Description = "Typematic rate and delay, as the set-typematic command gives them")] private byte _typematic = 0x2B;
    private bool _resetPending;

    /// <summary>Gets or sets the controller status register.</summary>
    public byte Status { get => _status; set => _status = value; }

    /// <summary>Gets or sets the controller mode byte.</summary>
    public byte Mode { get => _mode; set => _mode = value; }

    /// <summary>Gets or sets the command awaiting its argument (0 when none).</summary>
    public byte PendingCommand { get => _pendingCommand; set => _pendingCommand = value; }

    /// <summary>Gets the output queue ring (16 bytes).</summary>
    public byte[] Queue => _queue;

    /// <summary>Gets or sets the read position in <see cref="Queue"/>.</summary>
    public byte QueueRead { get => _queueRead; set => _queueRead = value; }

    /// <summary>Gets or sets the number of bytes in <see cref="Queue"/>.</summary>
    public byte QueueCount { get => _queueCount; set => _queueCount = value; }

    /// <summary>Gets or sets the scancode set (v2, must-parse).</summary>
    public byte ScancodeSet { get => _scancodeSet; set => _scancodeSet = value; }

    /// <summary>Gets or sets the LED state (v2, skippable).</summary>
    public byte Leds { get => _leds; set => _leds = value; }

    /// <summary>Gets or sets the typematic rate and delay byte (v3, must-parse).</summary>
    public byte Typematic { get => _typematic; set => _typematic = value; }

    /// <summary>Gets or sets a value indicating whether a reset awaits its acknowledgement (v2, the optional group's presence).</summary>
    public bool ResetPending { get => _resetPending; set => _resetPending = value; }

    /// <summary>Gets or sets when the reset's self-test result is due, in guest nanoseconds (v2, inside the optional group).</summary>
    public long ResetDeadlineNs { get => _resetDeadlineNs; set => _resetDeadlineNs = value; }
}
