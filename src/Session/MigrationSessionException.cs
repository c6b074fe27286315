using System;

namespace MigrationFormat.Session;

/// <summary>
/// The one exception a migration session ends with when it fails: what went wrong, in which phase, for which device
/// (<c>id#instance</c>, when one is concerned). Malformed or incompatible bytes keep their
/// <see cref="MigrationFormatException"/> (kind, offset, field path) as the inner exception. Whatever the failure,
/// the destination's devices are as they were before the session.
/// </summary>
public sealed class MigrationSessionException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public MigrationSessionException()
        : this(SessionErrorKind.ProtocolViolation, SessionPhase.Handshake, null, "The migration session failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public MigrationSessionException(string message)
        : this(SessionErrorKind.ProtocolViolation, SessionPhase.Handshake, null, message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MigrationSessionException(string message, Exception innerException)
        : this(SessionErrorKind.ProtocolViolation, SessionPhase.Handshake, null, message, innerException)
    {
    }

    /// <summary>Creates an exception.</summary>
    /// <param name="kind">What went wrong.</param>
    /// <param name="phase">The phase the session was in.</param>
    /// <param name="device">The device concerned (<c>id#instance</c>), or <see langword="null"/>.</param>
    /// <param name="detail">What happened, as a sentence.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public MigrationSessionException(SessionErrorKind kind, SessionPhase phase, string? device, string detail, Exception? innerException = null)
        : base(Format(phase, device, detail), innerException)
    {
        Kind = kind;
        Phase = phase;
        Device = device;
        Detail = detail;
    }

    /// <summary>Gets what went wrong.</summary>
    public SessionErrorKind Kind { get; }

    /// <summary>Gets the phase the session was in.</summary>
    public SessionPhase Phase { get; }

    /// <summary>Gets the device concerned (<c>id#instance</c>), or <see langword="null"/>.</summary>
    public string? Device { get; }

    /// <summary>Gets what happened, without the phase and device.</summary>
    public string Detail { get; }

    /// <summary>Gets the phase's name as messages and the return path's error message show it.</summary>
    /// <param name="phase">The phase.</param>
    /// <returns><c>handshake</c>, <c>pre-copy</c>, <c>stop-and-copy</c> or <c>completion</c>.</returns>
    public static string PhaseName(SessionPhase phase) => phase switch
    {
        SessionPhase.Handshake => "handshake",
        SessionPhase.Precopy => "pre-copy",
        SessionPhase.StopCopy => "stop-and-copy",
        SessionPhase.Completion => "completion",
        _ => phase.ToString(),
    };

    private static string Format(SessionPhase phase, string? device, string detail) =>
        device is null ? $"Migration failed in {PhaseName(phase)}: {detail}" : $"Migration failed in {PhaseName(phase)}, device {device}: {detail}";
}
