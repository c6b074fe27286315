namespace MigrationFormat.Schema;

/// <summary>Why saving with one schema and loading with another fails.</summary>
public enum CompatibilityIssueKind
{
    /// <summary>The source sends a must-parse field the destination does not know.</summary>
    UnknownMustParseField,

    /// <summary>The destination requires a must-parse field the source does not send.</summary>
    RequiredFieldMissing,

    /// <summary>An integer field is narrower (or of other signedness) at the destination, so saved values may not fit.</summary>
    IntegerNarrowed,

    /// <summary>A tag is used for fields of different types (or different fixed sizes).</summary>
    TypeChanged,

    /// <summary>Fields both sides know appear in a different order.</summary>
    FieldsReordered,

    /// <summary>The source's version is outside what the destination loads.</summary>
    VersionOutOfRange,

    /// <summary>The schemas describe different devices.</summary>
    DeviceMismatch,

    /// <summary>A source configuration parameter is unknown to the destination, or contradicts what its version implies (catalogs).</summary>
    ParameterMismatch,
}

/// <summary>One reason a migration from a source schema to a destination schema fails.</summary>
/// <param name="Kind">The kind of break.</param>
/// <param name="Device">The device id.</param>
/// <param name="Path">The field path, or empty for the whole device.</param>
/// <param name="Message">What breaks and why.</param>
public sealed record CompatibilityIssue(CompatibilityIssueKind Kind, string Device, string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => Path.Length == 0 ? $"{Device}: {Message}" : $"{Device}: {Path}: {Message}";
}
