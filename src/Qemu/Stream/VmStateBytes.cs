using System;

namespace MigrationFormat.Qemu;

/// <summary>The raw bytes of a field whose type the decoder does not interpret (<c>buffer</c>, <c>timer</c>, <c>pci config</c>, …).</summary>
public sealed class VmStateBytes : VmStateValue
{
    internal VmStateBytes(string typeName, long offset, ReadOnlyMemory<byte> bytes)
        : base(typeName, offset, bytes.Length)
    {
        Bytes = bytes;
    }

    /// <inheritdoc/>
    public override VmStateValueKind Kind => VmStateValueKind.Bytes;

    /// <summary>Gets the bytes (a slice of the payload).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }
}
