using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>Limits for loading device state from BER. Zero in any property means its safe default.</summary>
public readonly struct BerLoadOptions
{
    /// <summary>The default <see cref="MaxListCount"/>.</summary>
    public const int DefaultMaxListCount = 4096;

    /// <summary>The default <see cref="MaxBlobLength"/>: 16 GiB.</summary>
    public const long DefaultMaxBlobLength = 16L * 1024 * 1024 * 1024;

    /// <summary>Gets the codec's limits (nesting depth, largest primitive value).</summary>
    public BerReaderOptions Reader { get; init; }

    /// <summary>Gets the largest list a stream may declare, when the field sets no bound of its own.</summary>
    public int MaxListCount { get; init; }

    /// <summary>Gets the largest blob accepted, when the field sets no bound of its own.</summary>
    public long MaxBlobLength { get; init; }

    /// <summary>
    /// Gets what names the stream's fields that the destination does not know, in errors and load reports (for
    /// example the schemas the stream embeds); <see langword="null"/> shows such fields by their tag alone.
    /// </summary>
    public IFieldNameResolver? FieldNames { get; init; }

    /// <summary>
    /// Gets the budget for what a stream makes a reader hold besides the device (the schema documents it embeds, inflated,
    /// summed over all of them); the default is <see cref="ResourceBudget.DefaultFixedBytes"/> plus the input's size.
    /// </summary>
    public ResourceBudget Budget { get; init; }

    internal int EffectiveMaxListCount => MaxListCount > 0 ? MaxListCount : DefaultMaxListCount;

    internal long EffectiveMaxBlobLength => MaxBlobLength > 0 ? MaxBlobLength : DefaultMaxBlobLength;
}
