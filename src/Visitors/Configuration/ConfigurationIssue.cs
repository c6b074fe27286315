namespace MigrationFormat.Visitors;

/// <summary>Why a configuration cannot be used: instantiated on a host, or loaded into a device (docs/catalog.md §3).</summary>
public enum ConfigurationIssueKind
{
    /// <summary>The configuration string breaks the syntax.</summary>
    Syntax,

    /// <summary>The host offers no device of the model.</summary>
    ModelMissing,

    /// <summary>The configuration is of another model than the device it is checked against.</summary>
    ModelMismatch,

    /// <summary>The version is not one the device runs as.</summary>
    VersionUnsupported,

    /// <summary>The device has no parameter of that name (in a stream: a must-parse one).</summary>
    ParameterUnknown,

    /// <summary>The value is of the wrong type or out of the parameter's range or list.</summary>
    ValueInvalid,

    /// <summary>The configuration overrides a value its version fixes, and the parameter is not overridable.</summary>
    ValueFixedByVersion,

    /// <summary>A must-parse parameter (it changes the state layout) has another value in the stream than in the device loading it.</summary>
    ValueDiffers,
}

/// <summary>One reason a configuration cannot be used, naming the device model and, when one is at fault, the parameter.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Model">The device model's URL (or the device id, when the model is unknown).</param>
/// <param name="Parameter">The parameter at fault (<c>version</c> for the version), or <see langword="null"/>.</param>
/// <param name="Message">One sentence that names the model and the parameter.</param>
public sealed record ConfigurationIssue(ConfigurationIssueKind Kind, string Model, string? Parameter, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => Message;
}
