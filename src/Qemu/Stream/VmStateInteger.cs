namespace MigrationFormat.Qemu;

/// <summary>A big-endian integer field (<c>int8</c>…<c>uint64</c>, the <c>equal</c> variants, <c>int32 le</c>).</summary>
public sealed class VmStateInteger : VmStateValue
{
    internal VmStateInteger(string typeName, long offset, int size, ulong rawValue, bool isSigned)
        : base(typeName, offset, size)
    {
        RawValue = rawValue;
        IsSigned = isSigned;
    }

    /// <inheritdoc/>
    public override VmStateValueKind Kind => VmStateValueKind.Integer;

    /// <summary>Gets the width in bytes.</summary>
    public int Size => Length;

    /// <summary>Gets the bits as read (zero-extended to 64 bits).</summary>
    public ulong RawValue { get; }

    /// <summary>Gets a value indicating whether the type is signed (as QEMU's analyzer treats it: the <c>equal</c> variants other than <c>uint32 equal</c> are
    /// signed).</summary>
    public bool IsSigned { get; }

    /// <summary>Gets the value read as unsigned.</summary>
    public ulong UnsignedValue => RawValue;

    /// <summary>Gets the value read as two's complement of <see cref="Size"/> bytes, sign-extended.</summary>
    public long SignedValue
    {
        get
        {
            int shift = 64 - (8 * Size);
            return shift == 0 ? (long)RawValue : ((long)(RawValue << shift)) >> shift;
        }
    }

    /// <summary>Gets a value indicating whether the value is negative (signed types only).</summary>
    public bool IsNegative => IsSigned && SignedValue < 0;
}
