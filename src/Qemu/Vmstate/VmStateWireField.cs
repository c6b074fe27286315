namespace MigrationFormat.Qemu;

/// <summary>Where one field's bytes are in a section payload, as the simulated source wrote them or the simulated destination read them.</summary>
/// <param name="Path">The dotted field path (element indices for arrays, subsection names as on the wire).</param>
/// <param name="Offset">The offset in the payload.</param>
/// <param name="Length">The byte count.</param>
/// <param name="IsUnused">The field is <c>unused</c> padding (written as zeros, read and dropped).</param>
public readonly record struct VmStateWireField(string Path, int Offset, int Length, bool IsUnused);
