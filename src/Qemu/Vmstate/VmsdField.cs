namespace MigrationFormat.Qemu;

/// <summary>
/// One field of a QEMU vmstate description as <c>-dump-vmstate</c> shows it: <c>field</c>, <c>version_id</c>, <c>field_exists</c>,
/// <c>num</c> (QEMU 8.0 and later, arrays only), <c>size</c> and, for a structure, its nested <c>Description</c>.
/// </summary>
/// <param name="Name">The field name (a C member path; QEMU repeats names, e.g. two <c>config</c> fields in <c>PCIDevice</c>, and many <c>unused</c>).</param>
/// <param name="VersionId">The first section version that carries the field: the saver sends it, and the loader reads it, when this is at most the stream's
/// version.</param>
/// <param name="FieldExists">The field has a <c>field_exists</c> test: whether it is sent and read is decided at run time, not by versions.</param>
/// <param name="Count">The element count of an array (<c>num</c>), when the dump gives it; 7.2 dumps never do.</param>
/// <param name="Size">The bytes one element takes; for a structure, QEMU's <c>sizeof</c> of the C structure, which is not its wire size; 0 for a field whose
/// width the dump cannot tell.</param>
/// <param name="Nested">The nested description of a structure field, loaded and saved at its own <c>version_id</c>.</param>
public sealed record VmsdField(string Name, int VersionId, bool FieldExists, int? Count, int Size, VmsdDescription? Nested)
{
    /// <summary>The name QEMU gives padding that is written as zeros and skipped on load (<c>VMSTATE_UNUSED</c>).</summary>
    public const string UnusedName = "unused";

    /// <summary>Gets a value indicating whether the field is <c>VMSTATE_UNUSED</c> padding: written as zeros, read and thrown away.</summary>
    public bool IsUnused => Nested is null && string.Equals(Name, UnusedName, System.StringComparison.Ordinal);

    /// <summary>Gets a value indicating whether the dump cannot tell the field's wire width (size 0 and no nested description: a custom
    /// <c>VMStateInfo</c>).</summary>
    public bool IsOpaque => Nested is null && Size == 0;

    /// <summary>Gets the element count to use: <see cref="Count"/>, or 1.</summary>
    public int Elements => Count ?? 1;
}
