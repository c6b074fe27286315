using System;
using System.Collections.Generic;
using System.Globalization;

namespace MigrationFormat.Visitors;

/// <summary>
/// Records a device's shape: which fields exist at a version, their order and nesting. Lists report one element
/// and optional groups are always entered, so the shape is complete whatever the data. It also checks the
/// contract: tags unique within a structure, kinds matching the visit call, scopes balanced.
/// </summary>
public ref struct DescribeVisitor : IStateVisitor
{
    private readonly Stack<Builder> _open;
    private readonly int _version;

    /// <summary>Creates a describing visitor for a version.</summary>
    /// <param name="version">The version to describe.</param>
    public DescribeVisitor(int version)
    {
        _version = version;
        _open = new Stack<Builder>();
        _open.Push(new Builder(null));
    }

    /// <inheritdoc/>
    public readonly VisitDirection Direction => VisitDirection.Describe;

    /// <inheritdoc/>
    public readonly int Version => _version;

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref byte value) => Leaf(field, FieldKind.UInt8);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref sbyte value) => Leaf(field, FieldKind.Int8);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref ushort value) => Leaf(field, FieldKind.UInt16);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref short value) => Leaf(field, FieldKind.Int16);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref uint value) => Leaf(field, FieldKind.UInt32);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref int value) => Leaf(field, FieldKind.Int32);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref ulong value) => Leaf(field, FieldKind.UInt64);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref long value) => Leaf(field, FieldKind.Int64);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref bool value) => Leaf(field, FieldKind.Bool);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref string value) => Leaf(field, FieldKind.String);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref byte[] value) => Leaf(field, FieldKind.Bytes);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, Span<byte> buffer) => Leaf(field, FieldKind.FixedBytes, buffer.Length);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, Span<ushort> values) => Leaf(field, FieldKind.UInt16Array, values.Length);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, Span<uint> values) => Leaf(field, FieldKind.UInt32Array, values.Length);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, Span<ulong> values) => Leaf(field, FieldKind.UInt64Array, values.Length);

    /// <inheritdoc/>
    public readonly bool BeginStruct(FieldSpec field) => Open(field, FieldKind.Struct);

    /// <inheritdoc/>
    public readonly void EndStruct() => Close(FieldKind.Struct);

    /// <inheritdoc/>
    public readonly int BeginList(FieldSpec field, int count) => Open(field, FieldKind.List) ? 1 : -1;

    /// <inheritdoc/>
    public readonly void BeginElement()
    {
        Builder top = _open.Peek();
        if (top.Field?.Kind != FieldKind.List || top.InElement)
        {
            throw new InvalidOperationException("BeginElement is called inside a list, once per element.");
        }

        top.InElement = true;
    }

    /// <inheritdoc/>
    public readonly void EndElement()
    {
        Builder top = _open.Peek();
        if (top.Field?.Kind != FieldKind.List || !top.InElement)
        {
            throw new InvalidOperationException("EndElement without BeginElement.");
        }

        top.InElement = false;
        top.ElementsSeen++;
    }

    /// <inheritdoc/>
    public readonly void EndList() => Close(FieldKind.List);

    /// <inheritdoc/>
    public readonly bool BeginOptional(FieldSpec field, bool needed) => Open(field, FieldKind.Optional);

    /// <inheritdoc/>
    public readonly void EndOptional() => Close(FieldKind.Optional);

    /// <inheritdoc/>
    public readonly void Blob(FieldSpec field, IBlobState blob) => Leaf(field, FieldKind.Blob);

    /// <summary>Closes the root and returns it.</summary>
    /// <returns>The root node.</returns>
    /// <exception cref="InvalidOperationException">A scope is still open.</exception>
    public readonly LayoutNode Finish()
    {
        if (_open.Count != 1)
        {
            throw new InvalidOperationException($"The Visit method left '{_open.Peek().Field?.Name}' open.");
        }

        return _open.Pop().Build(0);
    }

    private readonly void Leaf(FieldSpec field, FieldKind calledAs, int size = 0)
    {
        ArgumentNullException.ThrowIfNull(field);
        CheckKind(field, calledAs);
        if (!field.ExistsIn(_version))
        {
            return;
        }

        if (field.Kind == FieldKind.FixedBytes && field.Length != 0 && field.Length != size)
        {
            throw new InvalidOperationException($"Field '{field.Name}' is declared as {field.Length} bytes but visited with a buffer of {size}.");
        }

        Builder parent = _open.Peek();
        parent.CheckTag(field);
        parent.Add(new LayoutNode(field, [], size));
    }

    private readonly bool Open(FieldSpec field, FieldKind calledAs)
    {
        ArgumentNullException.ThrowIfNull(field);
        CheckKind(field, calledAs);
        if (!field.ExistsIn(_version))
        {
            return false;
        }

        Builder parent = _open.Peek();
        parent.CheckTag(field);
        _open.Push(new Builder(field));
        return true;
    }

    private readonly void Close(FieldKind kind)
    {
        if (_open.Count < 2 || _open.Peek().Field!.Kind != kind)
        {
            throw new InvalidOperationException($"End{kind} does not match the innermost open scope.");
        }

        Builder done = _open.Pop();
        if (kind == FieldKind.List && done.ElementsSeen == 0)
        {
            throw new InvalidOperationException($"List '{done.Field!.Name}' visited no element while describing; a describing visitor asks for one.");
        }

        _open.Peek().Add(done.Build(0));
    }

    private static void CheckKind(FieldSpec field, FieldKind calledAs)
    {
        if (field.Kind != calledAs)
        {
            throw new InvalidOperationException($"Field '{field.Name}' is declared as {field.Kind} but visited as {calledAs}.");
        }
    }

    private sealed class Builder(FieldSpec? field)
    {
        private readonly List<LayoutNode> _children = [];
        private readonly HashSet<int> _tags = [];

        public FieldSpec? Field { get; } = field;

        public bool InElement { get; set; }

        public int ElementsSeen { get; set; }

        public void CheckTag(FieldSpec child)
        {
            if (!_tags.Add(child.Tag))
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Tag {child.Tag} is used twice in '{Field?.Name ?? "<root>"}' (second time by '{child.Name}'); tags are unique within a structure."));
            }
        }

        public void Add(LayoutNode node)
        {
            if (Field?.Kind == FieldKind.List && ElementsSeen > 0)
            {
                // Only the first element is described; later ones have the same shape.
                return;
            }

            _children.Add(node);
        }

        public LayoutNode Build(int size) => new(Field, _children, size);
    }
}
