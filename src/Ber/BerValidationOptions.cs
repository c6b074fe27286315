namespace MigrationFormat.Ber;

/// <summary>
/// What <see cref="BerValidator"/> requires of its input besides X.690. The default requires exactly one
/// top-level value and enforces the reader's default limits.
/// </summary>
public readonly struct BerValidationOptions
{
    /// <summary>
    /// Gets a value indicating whether the input may hold any number of top-level values back to back, none included.
    /// When <see langword="false"/> (the default), the input must hold exactly one value: an empty input is
    /// truncated, and octets after the first value are an error.
    /// </summary>
    public bool AllowMultipleValues { get; init; }

    /// <summary>Gets the limits (nesting depth, primitive length) the reader enforces while walking the input.</summary>
    public BerReaderOptions ReaderOptions { get; init; }
}
