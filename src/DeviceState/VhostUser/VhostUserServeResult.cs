namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>How a <see cref="VhostUserBackEnd.Serve"/> session ended.</summary>
/// <param name="Messages">The number of messages received.</param>
/// <param name="Saves">The number of save transfers checked successfully.</param>
/// <param name="Loads">The number of load transfers checked successfully.</param>
/// <param name="FailedTransfers">The number of transfers that failed (answered with a non-zero CHECK_DEVICE_STATE) or were refused.</param>
/// <param name="Error">
/// Why the session failed (a transfer cut short, a failed transfer left unchecked, a protocol violation), or <see langword="null"/>.
/// </param>
public sealed record VhostUserServeResult(int Messages, int Saves, int Loads, int FailedTransfers, string? Error)
{
    /// <summary>Gets a value indicating whether the session ended cleanly with no failed or refused transfer.</summary>
    public bool Succeeded => Error is null && FailedTransfers == 0;
}
