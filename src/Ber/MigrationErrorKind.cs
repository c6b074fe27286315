namespace MigrationFormat;

/// <summary>What went wrong, as carried by <see cref="MigrationFormatException.Kind"/>.</summary>
public enum MigrationErrorKind
{
    /// <summary>The input ended before a complete value or stream (a cut-off stream, a missing end-of-contents).</summary>
    Truncated,

    /// <summary>The bytes break the encoding rules (X.690 BER, or the legacy QEMU stream's framing).</summary>
    InvalidEncoding,

    /// <summary>A well-formed value stands where a different one is required.</summary>
    UnexpectedValue,

    /// <summary>A configured limit (nesting depth, value length, element count, blob size) was exceeded.</summary>
    LimitExceeded,

    /// <summary>An integer does not fit the width of the destination field; it is never truncated.</summary>
    IntegerOutOfRange,

    /// <summary>The stream carries a must-parse field the destination does not know.</summary>
    UnknownRequiredField,

    /// <summary>A field the destination requires for the stream's version is absent.</summary>
    MissingRequiredField,

    /// <summary>The stream's section or format version is outside what the destination supports.</summary>
    UnsupportedVersion,

    /// <summary>The stream names a device the destination does not have.</summary>
    UnknownDevice,

    /// <summary>An integrity check (checksum) over the stream's bytes did not match.</summary>
    IntegrityCheckFailed,

    /// <summary>
    /// The configuration a section carries does not fit the destination device: another model, a must-parse parameter
    /// it does not know or has with another value, or a value it does not take (docs/catalog.md §3).
    /// </summary>
    ConfigurationMismatch,
}
