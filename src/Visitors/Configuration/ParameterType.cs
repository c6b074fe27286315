namespace MigrationFormat.Visitors;

/// <summary>The type of a device parameter's value (docs/catalog.md §1).</summary>
public enum ParameterType
{
    /// <summary><c>on</c> or <c>off</c> (<c>true</c>/<c>false</c> and <c>yes</c>/<c>no</c> are read as well).</summary>
    Bool,

    /// <summary>A decimal (or <c>0x</c> hexadecimal) 64-bit integer within a range, or among listed values.</summary>
    Integer,

    /// <summary>One of a list of names.</summary>
    Enum,

    /// <summary>Text without control characters, at most a bound of UTF-8 bytes.</summary>
    String,
}
