using MigrationFormat.Qemu;

namespace MigrationFormat.QemuCheck.Tests;

/// <summary>
/// The device sections of a real QEMU 7.2 stream (test/fixtures/qemu), each paired with the entry of QEMU 7.2's -dump-vmstate that
/// the simulated destination loads it with exactly, and with the run-time answers the stream itself shows (its VM description
/// lists the field_exists fields and subsections that were sent).
/// </summary>
internal static class RealStreamDevices
{
    private static readonly Lazy<IReadOnlyList<RealDevice>> All = new(() => Read("pc-devices.mig"));

    public static IReadOnlyList<RealDevice> PcDevices => All.Value;

    public static IReadOnlyList<RealDevice> Read(string fixture)
    {
        using var reader = new QemuStreamReader(File.OpenRead(Fixtures.PathOf(fixture)));
        var sections = reader.ReadAll().OfType<QemuSectionRecord>().Where(s => s.Kind == QemuRecordKind.SectionFull).ToList();
        VmDescription description = reader.Description!;
        var counts = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (VmDeviceDescription device in description.Devices)
        {
            CollectCounts(device, counts);
        }

        VmStateDump dump = Fixtures.Pc.WithArrayCounts(counts.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<string, int>)c.Value));
        var devices = new List<RealDevice>();
        foreach (QemuSectionRecord section in sections)
        {
            if (description.FindDevice(section.IdStr, section.InstanceId) is not { VmsdName: { } vmsd } sent)
            {
                continue;
            }

            var fields = new HashSet<(string, int)>();
            var subsections = new HashSet<string>(StringComparer.Ordinal);
            Collect(sent, fields, subsections);
            var runtime = new VmStateRuntime(
                (key, field) => fields.Contains((field.Name, field.Size)),
                (path, sub) => subsections.Contains(sub.Name));
            foreach (VmStateDumpDevice candidate in dump.Devices.Where(d => d.Description?.Name == vmsd))
            {
                var reads = new List<VmStateWireField>();
                if (VmStateLoader.Load(candidate, (int)section.VersionId, section.Payload, runtime, reads) is null)
                {
                    devices.Add(new RealDevice(section.IdStr, candidate, (int)section.VersionId, section.Payload.ToArray(), runtime, reads));
                    break;
                }
            }
        }

        return devices;
    }

    /// <summary>7.2's dump has no array counts; the stream's VM description gives them (array_len), as make-real-pairs.sh records them.</summary>
    private static void CollectCounts(VmStateDescription description, Dictionary<string, Dictionary<string, int>> counts)
    {
        foreach (VmFieldDescription field in description.Fields)
        {
            if (field.ArrayLength is int length && description.VmsdName is { } name)
            {
                if (!counts.TryGetValue(name, out Dictionary<string, int>? fields))
                {
                    counts[name] = fields = new Dictionary<string, int>(StringComparer.Ordinal);
                }

                fields.TryAdd(field.Name, length);
            }

            if (field.Struct is { } nested)
            {
                CollectCounts(nested, counts);
            }
        }

        foreach (VmStateDescription subsection in description.Subsections)
        {
            CollectCounts(subsection, counts);
        }
    }

    private static void Collect(VmStateDescription description, HashSet<(string, int)> fields, HashSet<string> subsections)
    {
        foreach (VmFieldDescription field in description.Fields)
        {
            int bracket = field.Name.IndexOf('[', StringComparison.Ordinal);
            fields.Add((bracket > 0 ? field.Name[..bracket] : field.Name, field.Size));
            if (field.Struct is { } nested)
            {
                Collect(nested, fields, subsections);
            }
        }

        foreach (VmStateDescription subsection in description.Subsections)
        {
            subsections.Add(subsection.VmsdName ?? string.Empty);
            Collect(subsection, fields, subsections);
        }
    }

    /// <summary>A real section, the dump entry that loads it, and the values the simulated destination read, by field path.</summary>
    internal sealed record RealDevice(string IdStr, VmStateDumpDevice Entry, int Version, byte[] Payload, VmStateRuntime Runtime, List<VmStateWireField> Reads)
    {
        public Dictionary<string, byte[]> Values { get; } = Reads.GroupBy(r => r.Path).ToDictionary(g => g.Key, g => Payload.AsSpan(g.First().Offset,
            g.First().Length).ToArray());

        public override string ToString() => Entry.QomType;
    }
}
