namespace MigrationFormat.Qemu;

/// <summary>One field entry of a VM description (<c>{"name", ["array_len" | "index"], "type", ["struct"], "size"}</c>).</summary>
public sealed class VmFieldDescription
{
    internal VmFieldDescription(
        string name, string type, int size, int? arrayLength, int? index, VmStateDescription? structDescription, long offset, bool indexInferred = false)
    {
        IsIndexInferred = indexInferred;
        Name = name;
        Type = type;
        Size = size;
        ArrayLength = arrayLength;
        Index = index;
        Struct = structDescription;
        Offset = offset;
    }

    /// <summary>Gets the field name as QEMU wrote it (a C member path, made unique as <c>name[k]</c> when needed).</summary>
    public string Name { get; }

    /// <summary>Gets the type: a <c>VMStateInfo</c> name (<c>uint32</c>, <c>buffer</c>, <c>timer</c>, …), <c>struct</c> or <c>vstruct</c>.</summary>
    public string Type { get; }

    /// <summary>Gets the bytes one element occupies on the wire (for a struct, including its subsections).</summary>
    public int Size { get; }

    /// <summary>Gets the element count of a compressed array (<c>array_len</c>), whose one entry stands for every element.</summary>
    public int? ArrayLength { get; }

    /// <summary>Gets the element index of an entry that stands for one element of an array (<c>index</c>).</summary>
    public int? Index { get; }

    /// <summary>
    /// Gets a value indicating whether <see cref="Index"/> was not written but inferred: QEMU 9.1 and later leave
    /// <c>index</c> off the last element of an array they do not compress (the entry repeats the previous entry's name
    /// right after it), and the parser gives that element the next index.
    /// </summary>
    public bool IsIndexInferred { get; }

    /// <summary>Gets the nested description of a <c>struct</c> field.</summary>
    public VmStateDescription? Struct { get; }

    /// <summary>Gets the offset of the field's JSON object in the stream (or in the JSON text when parsed alone).</summary>
    public long Offset { get; }

    /// <summary>Gets the number of elements this entry stands for: <see cref="ArrayLength"/>, or 1.</summary>
    public int ElementCount => ArrayLength ?? 1;

    /// <summary>Gets a value indicating whether the entry's values form a JSON array in the analyzer's output.</summary>
    public bool IsArray => ArrayLength.HasValue || Index.HasValue;
}
