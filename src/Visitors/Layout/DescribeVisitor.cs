using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;

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
    public readonly void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> => Leaf(field);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec<bool> field, ref bool value) => Leaf(field);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec<string> field, ref string value) => Leaf(field);

    /// <inheritdoc/>
    public readonly void Field(FieldSpec<byte[]> field, ref byte[] value) => Leaf(field);

    /// <inheritdoc/>
    public readonly void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => Leaf(field, values.Length);

    /// <inheritdoc/>
    public readonly bool BeginStruct(StructSpec field) => Open(field);

    /// <inheritdoc/>
    public readonly void EndStruct() => Close(FieldKind.Struct);

    /// <inheritdoc/>
    public readonly int BeginList(ListSpec field, int count) => Open(field) ? 1 : -1;

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
    public readonly OptionalGroup BeginOptional(OptionalSpec field, bool needed) =>
        Open(field) ? OptionalGroup.Present : OptionalGroup.NotInVersion;

    /// <inheritdoc/>
    public readonly void EndOptional() => Close(FieldKind.Optional);

    /// <inheritdoc/>
    public readonly void Blob(BlobSpec field, IBlobState blob) => Leaf(field);

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

    private readonly void Leaf(FieldSpec field, int size = 0)
    {
        ArgumentNullException.ThrowIfNull(field);
        CheckOwner(field);
        if (!field.ExistsIn(_version))
        {
            return;
        }

        if (field is ArrayFieldSpec<byte> or ArrayFieldSpec<ushort> or ArrayFieldSpec<uint> or ArrayFieldSpec<ulong> && field.Length != size)
        {
            throw new InvalidOperationException($"Field '{field.Path}' is declared with {field.Length} elements but visited with a span of {size}.");
        }

        Builder parent = _open.Peek();
        parent.CheckTag(field);
        parent.Add(new LayoutNode(field, [], size));
    }

    private readonly bool Open(FieldSpec field)
    {
        ArgumentNullException.ThrowIfNull(field);
        CheckOwner(field);
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

    // A field declared among a structure's members is visited inside that structure; one declared in a top-level
    // set may be visited anywhere (a reusable structure's fields, visited under several parents).
    private readonly void CheckOwner(FieldSpec field)
    {
        CompositeFieldSpec? declaredIn = field.Owner.Owner;
        if (declaredIn is not null && !ReferenceEquals(declaredIn, _open.Peek().Field))
        {
            throw new InvalidOperationException(
                $"Field '{field.Path}' is declared among the members of '{declaredIn.Path}' but visited inside "
                + $"'{_open.Peek().Field?.Path ?? "the top level"}'.");
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
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Tag {child.Tag} is used twice in '{Field?.Name ?? "<root>"}' (second time by '{child.Name}'); "
                    + $"tags are unique within a structure."));
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
