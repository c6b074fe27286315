namespace MigrationFormat.Qemu;

/// <summary>How bad a finding of <see cref="VmStateChecker"/> is, worst last.</summary>
public enum VmStateSeverity
{
    /// <summary>Loads, and every value lands where it belongs; worth knowing (a rename, padding that replaced fields, differing machine types).</summary>
    Warning,

    /// <summary>Whether it loads depends on run-time state: a subsection's <c>needed</c> test or a field's <c>field_exists</c> test decides.</summary>
    Conditional,

    /// <summary>QEMU loads the section without complaint, but some values land in the wrong fields.</summary>
    SilentCorruption,

    /// <summary>QEMU refuses the migration (a version check, an unknown section or subsection, or a section footer not where it expects it).</summary>
    Refused,
}
