namespace MigrationFormat.Session;

/// <summary>Why a migration session failed, as carried by <see cref="MigrationSessionException.Kind"/>.</summary>
public enum SessionErrorKind
{
    /// <summary>Negotiation refused a capability or a device; no state moved.</summary>
    Refused,

    /// <summary>The peer closed the connection, or it broke, before the session ended.</summary>
    PeerClosed,

    /// <summary>The peer sent nothing, or took nothing, for longer than the session's timeout.</summary>
    PeerSilent,

    /// <summary>The destination did not acknowledge the switchover within the switchover-ack timeout.</summary>
    SwitchoverAckTimeout,

    /// <summary>The peer sent bytes that are not a well-formed message (the inner exception says where).</summary>
    MalformedMessage,

    /// <summary>The peer sent a well-formed message that the protocol does not allow at this point, or one it does not know and must parse.</summary>
    ProtocolViolation,

    /// <summary>A checksum over a section or the stream did not match.</summary>
    IntegrityCheckFailed,

    /// <summary>A device's state or data did not load on the destination (the inner exception says why).</summary>
    LoadFailed,

    /// <summary>A device failed while saving on the source.</summary>
    DeviceFailed,

    /// <summary>The peer reported a failure of its own and gave up.</summary>
    PeerFailed,

    /// <summary>This side was cancelled.</summary>
    Cancelled,
}
