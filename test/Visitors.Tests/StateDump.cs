using System.Numerics;
using System.Runtime.InteropServices;
using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MigrationFormat.Visitors.Tests;

/// <summary>One field value of a device, found by <see cref="StateDump"/>.</summary>
/// <param name="Path">The field path, e.g. <c>queues[1].desc</c>; <c>x?</c> is the presence of optional group x, <c>x#</c> a list's count.</param>
/// <param name="Chain">The field specs from the top level down to this field.</param>
/// <param name="Value">The value as text.</param>
/// <param name="OnWire">Whether a saving visitor writes this value (false inside an optional group that is not needed).</param>
/// <param name="Conveyed">Whether a loader learns this value from the stream (true for a group's presence when its parent is on the wire).</param>
internal sealed record DumpEntry(string Path, FieldSpec[] Chain, string Value, bool OnWire, bool Conveyed);

/// <summary>A full, comparable dump of a device's state at its version: every field, optional groups entered always.</summary>
internal static class StateDump
{
    public static List<DumpEntry> Entries(IDeviceState device)
    {
        var recorder = new DumpRecorder();
        var visitor = new DumpVisitor(recorder, device.Version);
        device.Visit(ref visitor);
        return recorder.Entries;
    }

    public static SortedDictionary<string, string> Of(IDeviceState device) =>
        new(Entries(device).ToDictionary(e => e.Path, e => e.Value), StringComparer.Ordinal);

    public static byte[] Save(params IDeviceState[] devices)
    {
        var output = new ArrayBufferWriter<byte>();
        using var writer = new MigrationStreamWriter(output);
        foreach (IDeviceState device in devices)
        {
            writer.WriteDevice(device);
        }

        writer.Complete();
        return output.WrittenSpan.ToArray();
    }

    public static LoadReport Load(MigrationStreamReader reader, IDeviceState device)
    {
        Assert.True(reader.TryReadSection(out SectionHeader section));
        Assert.Equal(device.Type.Id, section.Id);
        LoadReport report = reader.LoadSection(device);
        Assert.False(reader.TryReadSection(out _));
        return report;
    }

    public static LoadReport Load(byte[] stream, IDeviceState device)
    {
        using var reader = new MigrationStreamReader(stream);
        return Load(reader, device);
    }
}

internal sealed class DumpRecorder
{
    private readonly List<Frame> _frames = [new Frame(string.Empty, [], true, null)];

    public List<DumpEntry> Entries { get; } = [];

    private Frame Top => _frames[^1];

    public void Leaf(FieldSpec field, string value) =>
        Entries.Add(new DumpEntry(Join(field.Name), [.. Top.Chain, field], value, Top.OnWire, Top.OnWire));

    public void Open(FieldSpec field, bool onWire) =>
        _frames.Add(new Frame(Join(field.Name), [.. Top.Chain, field], Top.OnWire && onWire, null));

    public void OpenOptional(FieldSpec field, bool needed)
    {
        Entries.Add(new DumpEntry(Join(field.Name) + "?", [.. Top.Chain, field], needed.ToString(), Top.OnWire && needed, Top.OnWire));
        Open(field, needed);
    }

    public void OpenList(FieldSpec field, int count)
    {
        Entries.Add(new DumpEntry(Join(field.Name) + "#", [.. Top.Chain, field], count.ToString(CultureInfo.InvariantCulture), Top.OnWire, Top.OnWire));
        Open(field, true);
        Top.NextElement = 0;
    }

    public void OpenElement()
    {
        Frame list = Top;
        _frames.Add(new Frame(list.Path + "[" + list.NextElement!.Value.ToString(CultureInfo.InvariantCulture) + "]", list.Chain, list.OnWire, null));
        list.NextElement++;
    }

    public void Close() => _frames.RemoveAt(_frames.Count - 1);

    private string Join(string name) => Top.Path.Length == 0 ? name : Top.Path + "." + name;

    private sealed class Frame(string path, FieldSpec[] chain, bool onWire, int? nextElement)
    {
        public string Path { get; } = path;

        public FieldSpec[] Chain { get; } = chain;

        public bool OnWire { get; } = onWire;

        public int? NextElement { get; set; } = nextElement;
    }
}

/// <summary>A saving visitor that records every field as text; it enters every optional group.</summary>
internal readonly ref struct DumpVisitor(DumpRecorder recorder, int version) : IStateVisitor
{
    public VisitDirection Direction => VisitDirection.Save;

    public int Version { get; } = version;

    public void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> => Leaf(field, value.ToString(null, CultureInfo.InvariantCulture));

    public void Field(FieldSpec<bool> field, ref bool value) => Leaf(field, value.ToString());

    public void Field(FieldSpec<string> field, ref string value) => Leaf(field, "\"" + value + "\"");

    public void Field(FieldSpec<byte[]> field, ref byte[] value) => Leaf(field, Convert.ToHexString(value));

    public void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Leaf(field, typeof(T) == typeof(byte) ? Convert.ToHexString(MemoryMarshal.AsBytes(values)) : string.Join(',', values.ToArray()));

    public bool BeginStruct(StructSpec field)
    {
        if (!field.ExistsIn(Version))
        {
            return false;
        }

        recorder.Open(field, true);
        return true;
    }

    public void EndStruct() => recorder.Close();

    public int BeginList(ListSpec field, int count)
    {
        if (!field.ExistsIn(Version))
        {
            return -1;
        }

        recorder.OpenList(field, count);
        return count;
    }

    public void BeginElement() => recorder.OpenElement();

    public void EndElement() => recorder.Close();

    public void EndList() => recorder.Close();

    public OptionalGroup BeginOptional(OptionalSpec field, bool needed)
    {
        if (!field.ExistsIn(Version))
        {
            return OptionalGroup.NotInVersion;
        }

        recorder.OpenOptional(field, needed);
        return OptionalGroup.ContentsOnly;
    }

    public void EndOptional() => recorder.Close();

    public void Blob(BlobSpec field, IBlobState blob)
    {
        if (!field.ExistsIn(Version))
        {
            return;
        }

        using Stream source = blob.OpenRead();
        Leaf(field, Convert.ToHexString(SHA256.HashData(source)));
    }

    private void Leaf(FieldSpec field, string value)
    {
        if (field.ExistsIn(Version))
        {
            recorder.Leaf(field, value);
        }
    }
}

/// <summary>What the design's cross-version rules predict for loading a stream saved as one version into another, computed from dumps and field specs
/// alone.</summary>
internal sealed class ExpectedLoad
{
    private ExpectedLoad(List<(string Path, FieldSpec Spec)> units, SortedDictionary<string, string>? state)
    {
        Units = units;
        State = state;
    }

    /// <summary>Gets the fields on the wire the destination does not know, outermost only, in stream order.</summary>
    public List<(string Path, FieldSpec Spec)> Units { get; }

    /// <summary>Gets the first unknown must-parse field, or null when the load succeeds.</summary>
    public (string Path, FieldSpec Spec)? Failure
    {
        get
        {
            foreach ((string Path, FieldSpec Spec) unit in Units)
            {
                if (unit.Spec.IsMustParse)
                {
                    return unit;
                }
            }

            return null;
        }
    }

    /// <summary>Gets the number of skipped fields on success.</summary>
    public int Skipped => Units.Count;

    /// <summary>Gets the destination's expected dump on success.</summary>
    public SortedDictionary<string, string>? State { get; }

    /// <summary>Predicts loading <paramref name="source"/> (saved at its version) into a fresh destination at <paramref name="destinationVersion"/>.</summary>
    public static ExpectedLoad Predict(IDeviceState source, IDeviceState freshDestination)
    {
        int j = freshDestination.Version;
        List<DumpEntry> saved = StateDump.Entries(source);
        var units = new List<(string, FieldSpec)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (DumpEntry entry in saved.Where(e => e.OnWire))
        {
            int k = Array.FindIndex(entry.Chain, s => !s.ExistsIn(j));
            if (k < 0)
            {
                continue;
            }

            string unitPath = UnitPath(entry.Path, entry.Chain.Length - 1 - k);
            if (seen.Add(unitPath))
            {
                units.Add((unitPath, entry.Chain[k]));
            }
        }

        var state = StateDump.Of(freshDestination);
        foreach (DumpEntry entry in saved.Where(e => e.Conveyed && e.Chain.All(s => s.ExistsIn(j))))
        {
            state[entry.Path] = entry.Value;
        }

        return new ExpectedLoad(units, state);
    }

    private static string UnitPath(string path, int levelsUp)
    {
        // Drops the last levelsUp named components (and any element index or marker attached to them).
        string p = path.TrimEnd('?', '#');
        for (int n = 0; n < levelsUp; n++)
        {
            int dot = p.LastIndexOf('.');
            p = dot < 0 ? p : p[..dot];
            int bracket = p.IndexOf('[', StringComparison.Ordinal);
            p = bracket < 0 ? p : p[..bracket];
        }

        return p;
    }
}
