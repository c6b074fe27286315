using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;

namespace MigrationFormat.Visitors;

/// <summary>
/// The shape of a device's state at one version: every field, in visit order, with nested structures, list
/// elements and optional groups. It is what loading visitors consult to tell known from unknown tags, and what
/// schemas are built from. It is made by running the device's <c>Visit</c> method with a describing visitor.
/// </summary>
public sealed class StateLayout
{
    private static readonly ConcurrentDictionary<(DeviceType Type, int Version, string Layout), StateLayout> Cache = new();

    private StateLayout(DeviceType? type, int version, LayoutNode root)
    {
        Type = type;
        Version = version;
        Root = root;
    }

    /// <summary>Gets the device type, or <see langword="null"/> for a layout of a bare <see cref="IVisitable"/>.</summary>
    public DeviceType? Type { get; }

    /// <summary>Gets the version the layout describes.</summary>
    public int Version { get; }

    /// <summary>Gets the root: a structure whose children are the device's top-level fields.</summary>
    public LayoutNode Root { get; }

    /// <summary>Gets the layout of <paramref name="type"/> at <paramref name="version"/> in the version's default configuration, computed once and
    /// cached.</summary>
    /// <param name="type">The device type.</param>
    /// <param name="version">A version the type supports.</param>
    /// <returns>The layout.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not supported.</exception>
    /// <exception cref="InvalidOperationException">The device's <c>Visit</c> method misuses the contract (a tag used twice, a kind mismatch, unbalanced
    /// scopes).</exception>
    public static StateLayout For(DeviceType type, int version)
    {
        ArgumentNullException.ThrowIfNull(type);
        return For(type.DefaultConfiguration(version));
    }

    /// <summary>
    /// Gets the layout of a device in <paramref name="configuration"/>, computed once per type, version and
    /// <see cref="DeviceConfiguration.LayoutKey"/> and cached: the parameters that change the layout are part of it.
    /// </summary>
    /// <param name="configuration">An effective configuration of a type that can create devices.</param>
    /// <returns>The layout.</returns>
    /// <exception cref="InvalidOperationException">The device's <c>Visit</c> method misuses the contract, or the type has no code.</exception>
    public static StateLayout For(DeviceConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Cache.GetOrAdd(
            (configuration.Type, configuration.Version, configuration.LayoutKey),
            static (key, configuration) => Describe(key.Type.Create(configuration), key.Type, key.Version),
            configuration);
    }

    /// <summary>Describes any visitable state at a version, without caching.</summary>
    /// <param name="state">A scratch instance: describing resizes its lists to one element.</param>
    /// <param name="version">The version to describe.</param>
    /// <returns>The layout.</returns>
    public static StateLayout Describe(IVisitable state, int version) => Describe(state, null, version);

    private static StateLayout Describe(IVisitable state, DeviceType? type, int version)
    {
        ArgumentNullException.ThrowIfNull(state);
        var visitor = new DescribeVisitor(version);
        state.Visit(ref visitor);
        return new StateLayout(type, version, visitor.Finish());
    }
}

/// <summary>One field in a <see cref="StateLayout"/>; constructed fields have children.</summary>
public sealed class LayoutNode
{
    private readonly Dictionary<int, LayoutNode>? _byTag;

    internal LayoutNode(FieldSpec? field, List<LayoutNode> children, int elementSize)
    {
        Field = field;
        Children = children;
        ElementSize = elementSize;
        if (children.Count > 0)
        {
            _byTag = new Dictionary<int, LayoutNode>(children.Count);
            foreach (LayoutNode child in children)
            {
                _byTag[child.Field!.Tag] = child;
            }
        }
    }

    /// <summary>Gets the field, or <see langword="null"/> for the root.</summary>
    public FieldSpec? Field { get; }

    /// <summary>Gets the fields inside a structure, a list element, an optional group or the root, in visit order.</summary>
    public IReadOnlyList<LayoutNode> Children { get; }

    /// <summary>Gets the byte size of a fixed buffer or the element count of an array seen when describing; 0 otherwise.</summary>
    public int ElementSize { get; }

    /// <summary>Finds the child with the tag number <paramref name="tag"/>.</summary>
    /// <param name="tag">A tag number.</param>
    /// <returns>The child, or <see langword="null"/> when this structure has no field with that tag.</returns>
    public LayoutNode? FindChild(int tag) => _byTag is not null && _byTag.TryGetValue(tag, out LayoutNode? child) ? child : null;

    /// <inheritdoc/>
    public override string ToString() => Field?.ToString() ?? string.Create(CultureInfo.InvariantCulture, $"root ({Children.Count} fields)");
}
