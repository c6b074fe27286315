namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>How a <see cref="VhostUserBackEnd.Serve"/> session ended.</summary>
/// <param name="Messages">The number of messages received.</param>
/// <param name="Saves">The number of save transfers checked successfully.</param>
/// <param name="Loads">The number of load transfers checked successfully.</param>
/// <param name="Error">Why the session failed (a transfer cut short, a failed transfer left unchecked, a protocol violation), or <see langword="null"/>.</param>
public sealed record VhostUserServeResult(int Messages, int Saves, int Loads, string? Error)
{
    /// <summary>Gets a value indicating whether the session ended cleanly.</summary>
    public bool Succeeded => Error is null;
}
