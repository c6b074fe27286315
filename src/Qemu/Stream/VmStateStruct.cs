using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace MigrationFormat.Qemu;

/// <summary>
/// Named members decoded from a VMState payload: the whole section, a nested struct, or a subsection. Members are in wire
/// order; as in QEMU's analyzer, a repeated name keeps its first position and takes the later value.
/// </summary>
public sealed class VmStateStruct : VmStateValue
{
    private readonly List<VmStateMember> _members = [];
    private readonly Dictionary<string, int> _index = [];

    internal VmStateStruct(string typeName, long offset, string? vmsdName, int? version, uint? streamVersion)
        : base(typeName, offset, 0)
    {
        VmsdName = vmsdName;
        Version = version;
        StreamVersion = streamVersion;
    }

    /// <inheritdoc/>
    public override VmStateValueKind Kind => VmStateValueKind.Struct;

    /// <summary>Gets the vmsd name from the description, if any.</summary>
    public string? VmsdName { get; }

    /// <summary>Gets the version from the description, if any.</summary>
    public int? Version { get; }

    /// <summary>Gets the be32 version read from the stream, for a subsection.</summary>
    public uint? StreamVersion { get; }

    /// <summary>Gets a value indicating whether this is a subsection.</summary>
    public bool IsSubsection => StreamVersion.HasValue;

    /// <summary>Gets the members in order.</summary>
    public IReadOnlyList<VmStateMember> Members => _members;

    /// <summary>Gets a member's value by name, or <see langword="null"/>.</summary>
    /// <param name="name">The member name.</param>
    public VmStateValue? this[string name] => TryGetValue(name, out VmStateValue? value) ? value : null;

    /// <summary>Gets a member's value by name.</summary>
    /// <param name="name">The member name.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns><see langword="true"/> when the member exists.</returns>
    public bool TryGetValue(string name, [NotNullWhen(true)] out VmStateValue? value)
    {
        if (_index.TryGetValue(name, out int position))
        {
            value = _members[position].Value;
            return true;
        }

        value = null;
        return false;
    }

    internal void Set(string name, VmStateValue value)
    {
        if (_index.TryGetValue(name, out int position))
        {
            _members[position] = new VmStateMember(name, value);
        }
        else
        {
            _index.Add(name, _members.Count);
            _members.Add(new VmStateMember(name, value));
        }
    }

    internal void SetLength(int length) => Length = length;
}
