namespace MigrationFormat.Session;

/// <summary>The phases of a migration session, in order (docs/protocol.md, state machines).</summary>
public enum SessionPhase
{
    /// <summary>Connecting, the stream header, the offer and the answer; no device state has moved.</summary>
    Handshake,

    /// <summary>The source runs and sends iterative devices' data in rounds; the destination stages it.</summary>
    Precopy,

    /// <summary>The source has stopped: the rest of the iterative data, then one section per device, then the trailer.</summary>
    StopCopy,

    /// <summary>The destination checks and commits every device and says so.</summary>
    Completion,
}
