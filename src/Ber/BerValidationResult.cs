namespace MigrationFormat.Ber;

/// <summary>What <see cref="BerValidator"/> walked through in a valid input.</summary>
public readonly struct BerValidationResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="valueCount">The number of values walked.</param>
    /// <param name="topLevelValueCount">The number of top-level values.</param>
    /// <param name="maxDepth">The deepest nesting of constructed values.</param>
    /// <param name="bytesValidated">The number of octets walked.</param>
    public BerValidationResult(long valueCount, long topLevelValueCount, int maxDepth, long bytesValidated)
    {
        ValueCount = valueCount;
        TopLevelValueCount = topLevelValueCount;
        MaxDepth = maxDepth;
        BytesValidated = bytesValidated;
    }

    /// <summary>
    /// Gets the number of values (identifier, length and contents) walked, primitive and constructed, at every
    /// depth, segments of constructed strings included; end-of-contents octets are not values and do not count.
    /// </summary>
    public long ValueCount { get; }

    /// <summary>Gets the number of top-level values: 1, unless <see cref="BerValidationOptions.AllowMultipleValues"/> is set.</summary>
    public long TopLevelValueCount { get; }

    /// <summary>Gets the deepest nesting of constructed values: 0 for a lone primitive, 1 for a SEQUENCE of primitives.</summary>
    public int MaxDepth { get; }

    /// <summary>Gets the number of octets walked: the whole input.</summary>
    public long BytesValidated { get; }
}
