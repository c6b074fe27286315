namespace MigrationFormat.Qemu;

/// <summary>The overall answer of <see cref="VmStateChecker"/>, which <c>migfmt check</c> turns into its exit code.</summary>
public enum VmStateVerdict
{
    /// <summary>Every stream the source can send loads, every value where it belongs (exit code 0).</summary>
    Compatible,

    /// <summary>It loads only for some run-time states: a subsection or <c>field_exists</c> field must (not) be sent (exit code 4).</summary>
    Conditional,

    /// <summary>QEMU refuses it, or loads it with values in the wrong fields, whatever the run-time state (exit code 3).</summary>
    Incompatible,
}
