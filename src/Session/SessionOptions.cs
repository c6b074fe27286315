using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MigrationFormat.Visitors;

namespace MigrationFormat.Session;

/// <summary>How a session behaves; one type serves both sides, each reading what concerns it.</summary>
public sealed class SessionOptions
{
    /// <summary>The default <see cref="Timeout"/>: 10 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The default <see cref="DataChunkSize"/>: 256 KiB.</summary>
    public const int DefaultDataChunkSize = 256 * 1024;

    /// <summary>The default <see cref="MaxMessageLength"/>: 16 MiB.</summary>
    public const int DefaultMaxMessageLength = 16 * 1024 * 1024;

    /// <summary>
    /// Gets the capabilities this side has: the source offers them (and requires the ones marked so); the destination
    /// supports them (and requires the ones marked so). <c>session</c> is always added, required. By default
    /// <c>crc32c</c> and <c>switchover-ack</c>.
    /// </summary>
    public IReadOnlyList<SessionCapability> Capabilities { get; init; } =
        [new(SessionFormat.IntegrityCapability), new(SessionFormat.SwitchoverAckCapability)];

    /// <summary>Gets the producer the source names in the stream header.</summary>
    public string Producer { get; init; } = "MigrationFormat";

    /// <summary>
    /// Gets the longest time either side waits on its peer: for a message, for room to write one, for an answer to a
    /// ping. A peer that stays silent longer ends the session with <see cref="SessionErrorKind.PeerSilent"/>.
    /// </summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Gets how often a waiting source pings, so that the destination knows it is alive; by default a third of <see cref="Timeout"/>.</summary>
    public TimeSpan? KeepaliveInterval { get; init; }

    /// <summary>Gets how long a source that is otherwise ready to switch over waits for the switchover acknowledgement (30 s by default).</summary>
    public TimeSpan SwitchoverAckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the pending bytes (summed over iterative devices) under which the source stops pre-copy and switches over.</summary>
    public long PrecopyThreshold { get; init; } = 64 * 1024;

    /// <summary>Gets the most pre-copy rounds; after the last, the source switches over whatever is pending (once acknowledged).</summary>
    public int MaxPrecopyRounds { get; init; } = 30;

    /// <summary>Gets the least time between the starts of two pre-copy rounds, while the guest keeps running (0: none).</summary>
    public TimeSpan RoundInterval { get; init; }

    /// <summary>Gets the most bytes of device data in one message.</summary>
    public int DataChunkSize { get; init; } = DefaultDataChunkSize;

    /// <summary>Gets the longest message either side accepts; a longer one ends the session before it is buffered.</summary>
    public int MaxMessageLength { get; init; } = DefaultMaxMessageLength;

    /// <summary>Gets the versions the destination asks for by device id, instead of the newest both sides know.</summary>
    public IReadOnlyDictionary<string, int>? SaveVersions { get; init; }

    /// <summary>Gets the limits the destination loads sections with.</summary>
    public BerLoadOptions LoadOptions { get; init; }

    /// <summary>Gets what receives the session's progress: negotiation, rounds, acknowledgements, switchover, completion.</summary>
    public Action<SessionEvent>? Events { get; init; }

    /// <summary>Gets what the source calls after each pre-copy round, with the round's number: the guest has run meanwhile.</summary>
    public Action<int>? RoundCompleted { get; init; }

    /// <summary>Gets what the source calls to stop the guest at switchover.</summary>
    public Func<CancellationToken, ValueTask>? StopGuest { get; init; }

    /// <summary>Gets what the source calls to resume the guest when the migration fails after the switchover.</summary>
    public Func<ValueTask>? ResumeGuest { get; init; }

    /// <summary>
    /// Gets the clock every timeout, keepalive and round interval of the session is measured on (by default
    /// <see cref="TimeProvider.System"/>). A test, or a simulation, passes its own to run a session's waits on virtual time.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal TimeSpan EffectiveKeepalive => KeepaliveInterval is { } interval && interval > TimeSpan.Zero ? interval : Timeout / 3;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentOutOfRangeException.ThrowIfLessThan(DataChunkSize, 1, nameof(DataChunkSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageLength, 1024, nameof(MaxMessageLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DataChunkSize, MaxMessageLength - 64, nameof(DataChunkSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPrecopyRounds, 1, nameof(MaxPrecopyRounds));
    }
}
