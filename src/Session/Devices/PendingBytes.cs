namespace MigrationFormat.Session;

/// <summary>
/// What an iterative device still has to send, split as VFIO's pre-copy information splits it: initial bytes (the
/// state a destination needs before it can switch over, which only decreases) and dirty bytes (state changed since it
/// was sent, which a running guest makes grow again).
/// </summary>
/// <param name="InitialBytes">Initial data not sent yet.</param>
/// <param name="DirtyBytes">Data changed since it was sent.</param>
public readonly record struct PendingBytes(long InitialBytes, long DirtyBytes)
{
    /// <summary>Gets the sum of initial and dirty bytes.</summary>
    public long Total => InitialBytes + DirtyBytes;
}
