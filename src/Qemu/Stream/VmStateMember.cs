namespace MigrationFormat.Qemu;

/// <summary>A named member of a <see cref="VmStateStruct"/>: a field (or array) or a subsection.</summary>
/// <param name="Name">The field name from the VM description, or the subsection name read from the stream.</param>
/// <param name="Value">The value.</param>
public readonly record struct VmStateMember(string Name, VmStateValue Value);
