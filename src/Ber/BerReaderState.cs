namespace MigrationFormat.Ber;

/// <summary>
/// What a <see cref="BerReader"/> needs to carry on with the next piece of input: the absolute position,
/// the open constructed values and the options. Pass <see cref="BerReader.CurrentState"/> to the reader
/// built over the bytes from <see cref="BerReader.BytesConsumed"/> on, followed by the newly arrived ones.
/// </summary>
public readonly struct BerReaderState
{
    internal readonly BerScopeStack? Scopes;
    internal readonly long Position;
    internal readonly int Depth;

    /// <summary>Creates the state of a reader at the start of a stream.</summary>
    /// <param name="options">The limits to enforce.</param>
    public BerReaderState(BerReaderOptions options = default)
    {
        Options = options;
        Scopes = null;
        Position = 0;
        Depth = 0;
    }

    internal BerReaderState(BerReaderOptions options, BerScopeStack? scopes, long position, int depth)
    {
        Options = options;
        Scopes = scopes;
        Position = position;
        Depth = depth;
    }

    /// <summary>Gets the limits this state enforces.</summary>
    public BerReaderOptions Options { get; }

    /// <summary>Gets the absolute offset of the next byte to read.</summary>
    public long BytesConsumedTotal => Position;
}

/// <summary>The stack of open constructed values, shared by the states of one reader as it moves through its input.</summary>
internal sealed class BerScopeStack
{
    // End offset of each open value (absolute), or -1 for indefinite length.
    public long[] Ends = new long[8];

    // Universal tag number its segments must carry (4 for OCTET STRING and restricted strings, 3 for BIT STRING), or 0.
    public byte[] SegmentTag = new byte[8];

    // Absolute offset where each open value started, for error messages.
    public long[] Starts = new long[8];

    // End offset (absolute) of the innermost definite-length value among each open value and its ancestors, or -1:
    // nothing inside may run past it, not even within an indefinite-length value.
    public long[] Limits = new long[8];

    public void EnsureCapacity(int depth)
    {
        if (depth < Ends.Length)
        {
            return;
        }

        int size = Ends.Length * 2;
        System.Array.Resize(ref Ends, size);
        System.Array.Resize(ref SegmentTag, size);
        System.Array.Resize(ref Starts, size);
        System.Array.Resize(ref Limits, size);
    }
}
