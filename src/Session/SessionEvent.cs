namespace MigrationFormat.Session;

/// <summary>What a <see cref="SessionEvent"/> reports.</summary>
public enum SessionEventKind
{
    /// <summary>The offer was sent (source) or received (destination).</summary>
    Offered,

    /// <summary>Negotiation ended: capabilities in force, and per device the version and whether the switchover ack is used.</summary>
    Negotiated,

    /// <summary>A pre-copy round ended: its bytes, and what is pending after it.</summary>
    RoundCompleted,

    /// <summary>A device's initial data was marked sent (source) or acknowledged (destination).</summary>
    DeviceAcknowledged,

    /// <summary>The switchover acknowledgement was sent (destination) or received (source).</summary>
    SwitchoverAcknowledged,

    /// <summary>The source stopped and stop-and-copy began.</summary>
    Switchover,

    /// <summary>A device's section was sent (source) or loaded (destination, not yet committed).</summary>
    Section,

    /// <summary>The migration completed: every device committed on the destination.</summary>
    Completed,

    /// <summary>The session failed; <see cref="SessionEvent.Text"/> has the reason, as the exception's message.</summary>
    Failed,

    /// <summary>Something went wrong that does not change the outcome (a device's saving session did not end cleanly, a commit could not be
    /// reported).</summary>
    Warning,
}

/// <summary>One step of a session, for logs and progress displays.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Phase">The phase it happened in.</param>
/// <param name="Text">A line a log can print as it is.</param>
/// <param name="Device">The device concerned (<c>id#instance</c>), or <see langword="null"/>.</param>
/// <param name="Round">The pre-copy round, or 0.</param>
/// <param name="Bytes">The bytes concerned (a round's data, a section's size, the whole transfer), or 0.</param>
public sealed record SessionEvent(SessionEventKind Kind, SessionPhase Phase, string Text, string? Device = null, int Round = 0, long Bytes = 0);
