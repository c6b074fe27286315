namespace MigrationFormat.Visitors;

/// <summary>Which way a visitor moves state, as QEMU's visitor types do.</summary>
public enum VisitDirection
{
    /// <summary>The visitor reads the device's fields and writes them out.</summary>
    Save,

    /// <summary>The visitor writes the device's fields from its input.</summary>
    Load,

    /// <summary>The visitor records the shape of the state (schemas, layouts); values are not used.</summary>
    Describe,
}
