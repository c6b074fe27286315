namespace MigrationFormat.Qemu;

/// <summary>A value decoded from a VMState payload by <see cref="VmStateDecoder"/>, with where its bytes are.</summary>
public abstract class VmStateValue
{
    private protected VmStateValue(string typeName, long offset, int length)
    {
        TypeName = typeName;
        Offset = offset;
        Length = length;
    }

    /// <summary>Gets the kind of value, which names its concrete type.</summary>
    public abstract VmStateValueKind Kind { get; }

    /// <summary>Gets the type named by the VM description (<c>uint32</c>, <c>timer</c>, <c>struct</c>, …; <c>subsection</c> for a subsection; <c>section</c>
    /// for a whole payload).</summary>
    public string TypeName { get; }

    /// <summary>Gets the absolute offset of the value's first byte in the stream.</summary>
    public long Offset { get; }

    /// <summary>Gets the number of bytes the value occupies (for a subsection, its 0x05 marker, name and version included).</summary>
    public int Length { get; private protected set; }
}
