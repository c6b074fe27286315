namespace MigrationFormat.Qemu;

/// <summary>A NULL element of an array of pointers: the marker byte 0x30, described as a struct with no fields and size 1.</summary>
public sealed class VmStateNullPointer : VmStateValue
{
    internal VmStateNullPointer(string typeName, long offset)
        : base(typeName, offset, 1)
    {
    }

    /// <inheritdoc/>
    public override VmStateValueKind Kind => VmStateValueKind.NullPointer;
}
