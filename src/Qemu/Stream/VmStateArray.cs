using System.Collections.Generic;

namespace MigrationFormat.Qemu;

/// <summary>The elements of an array field (an entry with <c>array_len</c>, or entries with <c>index</c>), in order.</summary>
public sealed class VmStateArray : VmStateValue
{
    private readonly List<VmStateValue> _elements = [];

    internal VmStateArray(string typeName, long offset)
        : base(typeName, offset, 0)
    {
    }

    /// <inheritdoc/>
    public override VmStateValueKind Kind => VmStateValueKind.Array;

    /// <summary>Gets the elements.</summary>
    public IReadOnlyList<VmStateValue> Elements => _elements;

    internal void Add(VmStateValue element)
    {
        _elements.Add(element);
        Length = (int)(element.Offset + element.Length - Offset);
    }
}
