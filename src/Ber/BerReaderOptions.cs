namespace MigrationFormat.Ber;

/// <summary>Limits a <see cref="BerReader"/> enforces. Zero in any property means its safe default.</summary>
public readonly struct BerReaderOptions
{
    /// <summary>The default <see cref="MaxDepth"/>: 64 nested constructed values.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>The default <see cref="MaxPrimitiveLength"/>: 16 MiB.</summary>
    public const int DefaultMaxPrimitiveLength = 16 * 1024 * 1024;

    /// <summary>Gets the deepest nesting of constructed values accepted; 0 means <see cref="DefaultMaxDepth"/>.</summary>
    public int MaxDepth { get; init; }

    /// <summary>
    /// Gets the longest primitive value accepted, in octets; 0 means <see cref="DefaultMaxPrimitiveLength"/>.
    /// A reader waits for a primitive value's contents to arrive whole, so this bounds what it asks its caller
    /// to buffer; longer data travels as a constructed (segmented) OCTET STRING.
    /// </summary>
    public int MaxPrimitiveLength { get; init; }

    internal int EffectiveMaxDepth => MaxDepth > 0 ? MaxDepth : DefaultMaxDepth;

    internal int EffectiveMaxPrimitiveLength => MaxPrimitiveLength > 0 ? MaxPrimitiveLength : DefaultMaxPrimitiveLength;
}
