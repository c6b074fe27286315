using System;
using System.Collections.Generic;
using System.Globalization;

namespace MigrationFormat.Qemu;

/// <summary>
/// The legacy wire of one device pair, worked out without bytes: what the source saver emits (fields gated by versions and
/// <c>field_exists</c>, nested descriptions at their own versions, subsections framed as 0x05, name, be32 version), and what
/// QEMU 7.2's loader does with it (<c>vmstate_load_state</c>: version checks, the same gating at the stream version, nested
/// descriptions at the destination's own versions, subsections peeked, found by name and version-checked, then the section
/// footer).
/// </summary>
internal sealed class VmStateWire
{
    private readonly VmStateSendPolicy _policy;
    private readonly HashSet<string> _sourceConditional;
    private readonly HashSet<string> _destinationConditional;
    private readonly Dictionary<string, int> _sourceCounts;
    private readonly Dictionary<string, int> _destinationCounts;
    private readonly List<Segment> _segments = [];
    private long _sourceLength;
    private long _position;
    private int _cursor;

    private VmStateWire(VmStateDumpDevice source, VmStateDumpDevice destination, VmStateSendPolicy policy)
    {
        _policy = policy;
        _sourceConditional = ConditionalKeys(source.Description!);
        _destinationConditional = ConditionalKeys(destination.Description!);
        _sourceCounts = CountKeys(source.Description!);
        _destinationCounts = CountKeys(destination.Description!);
    }

    /// <summary>What the source emits at one place: a leaf field's bytes, or a subsection's header.</summary>
    internal enum SegmentKind
    {
        Field,
        SubsectionHeader,
    }

    /// <summary>Gets the destination's reads, in order.</summary>
    public List<Read> Reads { get; } = [];

    /// <summary>Gets the failure, when the destination refuses the stream.</summary>
    public Failure? Refusal { get; private set; }

    /// <summary>Gets the source's segments, in order.</summary>
    public IReadOnlyList<Segment> Segments => _segments;

    /// <summary>Works out one device pair under one policy.</summary>
    public static VmStateWire Run(VmStateDumpDevice source, VmStateDumpDevice destination, VmStateSendPolicy policy)
    {
        var wire = new VmStateWire(source, destination, policy);
        VmsdDescription sent = source.Description!;
        VmsdDescription read = destination.Description!;
        wire.Emit(sent, sent.VersionId, string.Empty, string.Empty, source: true, wire._segments);
        wire._sourceLength = wire._segments.Count == 0 ? 0 : wire._segments[^1].End;
        int streamVersion = source.VersionId;
        if (streamVersion > destination.VersionId || streamVersion < destination.MinimumVersionId)
        {
            wire.Fail(string.Empty,
                $"the source writes section version {streamVersion}, the destination accepts {destination.MinimumVersionId}..{destination.VersionId}",
                version: true);
        }
        else if (streamVersion > read.VersionId || streamVersion < read.MinimumVersionId)
        {
            wire.Fail(string.Empty, $"section version {streamVersion} is outside {read.MinimumVersionId}..{read.VersionId}, what '{read.Name}' loads",
                version: true);
        }
        else if (wire.Load(read, streamVersion, string.Empty, string.Empty) && wire._position != wire._sourceLength)
        {
            wire.Fail(
                string.Empty,
                wire._position < wire._sourceLength
                    ? $"the destination stops {wire._sourceLength - wire._position} byte(s) before the end of what the source sent: QEMU finds no " +
                        $"section footer there"
                    : $"the destination reads {wire._position - wire._sourceLength} byte(s) past what the source sent, into the footer and beyond");
        }

        return wire;
    }

    /// <summary>Gets the wire width of a field with no nested description, per element.</summary>
    internal static long LeafWidth(VmsdField field) => field.IsOpaque ? OpaqueWidth(field.Name) : field.Size;

    /// <summary>
    /// The width assumed for a field the dump gives none for (size 0: a custom <c>VMStateInfo</c>): such a field is taken to keep
    /// its width on both sides, so it lines up with itself (and a renamed one with its new name); adding, removing or moving it
    /// shifts the stream.
    /// </summary>
    internal static long OpaqueWidth(string name) => VmStateLoader.OpaqueFieldWidth;

    /// <summary>
    /// The key of a field for matching across the two sides: its path without element indices, and which occurrence of its name
    /// it is in its description (QEMU repeats names: <c>unused</c>, sub-arrays of <c>mac_reg</c>, the two <c>config</c> of <c>PCIDevice</c>).
    /// </summary>
    internal static string Key(string keyPath, Dictionary<string, int> seen, string name)
    {
        int occurrence = seen.TryGetValue(name, out int n) ? n : 0;
        seen[name] = occurrence + 1;
        return occurrence == 0 ? keyPath : keyPath + "@" + occurrence.ToString(CultureInfo.InvariantCulture);
    }

    internal static string Child(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    internal static string Element(string path, int index, int count) =>
        count == 1 ? path : path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    internal static bool IsActive(VmsdField field, int version, bool conditionalPasses) =>
        field.FieldExists ? conditionalPasses : field.VersionId <= version;

    /// <summary>Whether a subsection header of this name ends a description's subsection loop in QEMU (too short, or not under the description's
    /// name).</summary>
    internal static bool EndsSubsectionLoop(string parentName, string subsectionName) =>
        subsectionName.Length < parentName.Length + 1 || !subsectionName.StartsWith(parentName, StringComparison.Ordinal);

    private static HashSet<string> ConditionalKeys(VmsdDescription description)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        Walk(description, string.Empty, (path, field) =>
        {
            if (field.FieldExists)
            {
                keys.Add(path + "#" + (field.Nested is null ? field.Size.ToString(CultureInfo.InvariantCulture) : "struct"));
            }
        });
        return keys;
    }

    private static Dictionary<string, int> CountKeys(VmsdDescription description)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        Walk(description, string.Empty, (path, field) =>
        {
            if (field.Count is int count)
            {
                counts.TryAdd(path, count);
            }
        });
        return counts;
    }

    /// <summary>Visits every field of a description tree (every version, every subsection), with its path (arrays not expanded).</summary>
    private static void Walk(VmsdDescription description, string prefix, Action<string, VmsdField> visit)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (VmsdField field in description.Fields)
        {
            string path = Child(prefix, field.Name);
            visit(Key(path, seen, field.Name), field);
            if (field.Nested is not null)
            {
                Walk(field.Nested, path, visit);
            }
        }

        foreach (VmsdDescription subsection in description.Subsections)
        {
            Walk(subsection, Child(prefix, subsection.Name), visit);
        }
    }

    /// <summary>
    /// The element count: the field's own <c>num</c>, else the other side's for the same path (7.2 dumps have no <c>num</c>; a
    /// count is assumed unchanged where only one side tells it), else 1.
    /// </summary>
    private int Elements(VmsdField field, string key, bool source) =>
        field.Count ?? ((source ? _destinationCounts : _sourceCounts).TryGetValue(key, out int other) ? other : 1);

    private bool ConditionalPasses(VmsdField field, string key, bool source) =>
        _policy == VmStateSendPolicy.Maximal
        || (source ? _destinationConditional : _sourceConditional).Contains(TestKey(key, field));

    private static string TestKey(string key, VmsdField field) =>
        key + "#" + (field.Nested is null ? field.Size.ToString(CultureInfo.InvariantCulture) : "struct");

    /// <summary>The fields the destination means to read at the source's section version, laid end to end as if nothing went wrong.</summary>
    public static List<Segment> Expected(VmStateDumpDevice source, VmStateDumpDevice destination, VmStateSendPolicy policy, bool ofSource)
    {
        var wire = new VmStateWire(source, destination, policy);
        var list = new List<Segment>();
        VmsdDescription description = ofSource ? source.Description! : destination.Description!;
        wire.Emit(description, ofSource ? description.VersionId : source.VersionId, string.Empty, string.Empty, ofSource, list);
        return list;
    }

    /// <summary>Every field path (arrays not expanded) of a description tree, whatever its version.</summary>
    public static HashSet<string> AllPaths(VmsdDescription description)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        Walk(description, string.Empty, (path, _) => paths.Add(path));
        return paths;
    }

    private void Emit(VmsdDescription description, int version, string prefix, string keyPrefix, bool source, List<Segment> list)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (VmsdField field in description.Fields)
        {
            string path = Child(prefix, field.Name);
            string keyPath = Child(keyPrefix, field.Name);
            string key = Key(keyPath, seen, field.Name);
            if (!IsActive(field, version, ConditionalPasses(field, key, source)))
            {
                continue;
            }

            int count = Elements(field, key, source);
            for (int i = 0; i < count; i++)
            {
                string element = Element(path, i, count);
                if (field.Nested is { } nested)
                {
                    Emit(nested, nested.VersionId, element, keyPath, source, list);
                }
                else
                {
                    Add(list, new Segment(SegmentKind.Field, 0, LeafWidth(field), element, field, null));
                }
            }
        }

        if (_policy == VmStateSendPolicy.Maximal)
        {
            foreach (VmsdDescription subsection in description.Subsections)
            {
                Add(list, new Segment(SegmentKind.SubsectionHeader, 0, 6 + subsection.Name.Length, Child(prefix, subsection.Name), null, subsection));
                Emit(subsection, subsection.VersionId, Child(prefix, subsection.Name), Child(keyPrefix, subsection.Name), source, list);
            }
        }
    }

    private static void Add(List<Segment> list, Segment segment)
    {
        long start = list.Count == 0 ? 0 : list[^1].End;
        list.Add(segment with { Start = start });
    }

    /// <summary><c>vmstate_load_state</c>: fields, then the subsection loop. False once the destination has refused.</summary>
    private bool Load(VmsdDescription description, int version, string prefix, string keyPrefix)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (VmsdField field in description.Fields)
        {
            string path = Child(prefix, field.Name);
            string keyPath = Child(keyPrefix, field.Name);
            string key = Key(keyPath, seen, field.Name);
            if (!IsActive(field, version, ConditionalPasses(field, key, source: false)))
            {
                continue;
            }

            int count = Elements(field, key, source: false);
            for (int i = 0; i < count; i++)
            {
                string element = Element(path, i, count);
                if (field.Nested is { } nested)
                {
                    if (!Load(nested, nested.VersionId, element, keyPath))
                    {
                        return false;
                    }
                }
                else
                {
                    long width = LeafWidth(field);
                    Reads.Add(new Read(element, _position, width, field));
                    _position += width;
                }
            }
        }

        return LoadSubsections(description, prefix, keyPrefix);
    }

    private bool LoadSubsections(VmsdDescription description, string prefix, string keyPrefix)
    {
        while (SegmentAt(_position) is { Kind: SegmentKind.SubsectionHeader } header)
        {
            VmsdDescription sent = header.Subsection!;
            if (EndsSubsectionLoop(description.Name, sent.Name))
            {
                return true;
            }

            VmsdDescription? target = null;
            foreach (VmsdDescription candidate in description.Subsections)
            {
                if (string.Equals(candidate.Name, sent.Name, StringComparison.Ordinal))
                {
                    target = candidate;
                    break;
                }
            }

            string path = Child(prefix, sent.Name);
            if (target is null)
            {
                return Fail(path, $"the source sends subsection '{sent.Name}', which '{description.Name}' on the destination does not have");
            }

            _position = header.End;
            if (sent.VersionId > target.VersionId || sent.VersionId < target.MinimumVersionId)
            {
                return Fail(path,
                    $"subsection '{sent.Name}' arrives at version {sent.VersionId}, the destination loads {target.MinimumVersionId}..{target.VersionId}");
            }

            if (!Load(target, sent.VersionId, path, Child(keyPrefix, sent.Name)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The segment starting exactly at a position (the loader's peek at a subsection marker), or none.</summary>
    private Segment? SegmentAt(long position)
    {
        while (_cursor < _segments.Count && _segments[_cursor].Start < position)
        {
            _cursor++;
        }

        while (_cursor > 0 && _segments[_cursor - 1].Start >= position)
        {
            _cursor--;
        }

        return _cursor < _segments.Count && _segments[_cursor].Start == position ? _segments[_cursor] : null;
    }

    private bool Fail(string path, string message, bool version = false)
    {
        Refusal ??= new Failure(path, message, version);
        return false;
    }

    /// <summary>A piece of what the source sends, at <see cref="Start"/> for <see cref="Width"/> bytes.</summary>
    internal readonly record struct Segment(SegmentKind Kind, long Start, long Width, string Path, VmsdField? Field, VmsdDescription? Subsection)
    {
        public long End => Start + Width;
    }

    /// <summary>A destination field read at a position of the source's bytes.</summary>
    internal readonly record struct Read(string Path, long Start, long Width, VmsdField Field);

    /// <summary>Why the destination refuses, and where.</summary>
    internal sealed record Failure(string Path, string Message, bool IsVersion);
}
