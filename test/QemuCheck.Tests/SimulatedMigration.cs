using System.Buffers;
using System.Globalization;
using System.Text;
using MigrationFormat.Qemu;

namespace MigrationFormat.QemuCheck.Tests;

/// <summary>What the simulated destination did with a stream the simulated source saved.</summary>
public enum SimulatedOutcome
{
    Clean,
    SilentlyCorrupt,
    Refused,
}

/// <summary>
/// Saves a real device's values under a source entry (the simulated QEMU source), writes them as a QEMU stream, reads that
/// stream back with the library's <see cref="QemuStreamReader"/>, and loads the section with the simulated destination driven
/// by the destination entry. Which subsections and field_exists fields are sent follows a <see cref="VmStateSendPolicy"/>.
/// </summary>
internal static class SimulatedMigration
{
    public static SimulatedOutcome Run(RealStreamDevices.RealDevice real, VmStateDumpDevice source, VmStateDumpDevice? destination, VmStateSendPolicy policy)
    {
        if (source.Description is null)
        {
            return SimulatedOutcome.Clean;
        }

        HashSet<string> sourceTests = ConditionalKeys(source.Description);
        HashSet<string> destinationTests = destination?.Description is { } d ? ConditionalKeys(d) : [];
        bool maximal = policy == VmStateSendPolicy.Maximal;
        var sourceRuntime = new VmStateRuntime((key, field) => maximal || destinationTests.Contains(KeyOf(key, field)), (_, _) => maximal);
        var destinationRuntime = new VmStateRuntime((key, field) => maximal || sourceTests.Contains(KeyOf(key, field)), (_, _) => false);

        var writes = new List<VmStateWireField>();
        byte[] payload = VmStateSaver.Save(source, sourceRuntime, (path, width) => ValueOf(real, path, width), writes);
        QemuSectionRecord section = RoundTrip(source.Description.Name, source.VersionId, payload);

        if (destination?.Description is not { } read || read.Name != section.IdStr)
        {
            return SimulatedOutcome.Refused;
        }

        var reads = new List<VmStateWireField>();
        if (VmStateLoader.Load(destination, (int)section.VersionId, section.Payload, destinationRuntime, reads) is not null)
        {
            return SimulatedOutcome.Refused;
        }

        return Misplaced(writes, reads) ? SimulatedOutcome.SilentlyCorrupt : SimulatedOutcome.Clean;
    }

    /// <summary>A destination field is misplaced when its bytes are not exactly what the source wrote for it (by name, or under another name only it has), nor
    /// padding.</summary>
    private static bool Misplaced(List<VmStateWireField> writes, List<VmStateWireField> reads)
    {
        var written = writes.Select(w => w.Path).ToHashSet(StringComparer.Ordinal);
        var readPaths = reads.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        var byOffset = new Dictionary<int, VmStateWireField>();
        foreach (VmStateWireField w in writes.Where(w => w.Length > 0))
        {
            byOffset[w.Offset] = w;
        }

        foreach (VmStateWireField r in reads.Where(r => !r.IsUnused && r.Length > 0))
        {
            if (byOffset.TryGetValue(r.Offset, out VmStateWireField w) && w.Length == r.Length)
            {
                if (w.Path == r.Path || w.IsUnused || (!written.Contains(r.Path) && !readPaths.Contains(w.Path)))
                {
                    continue;
                }

                return true;
            }

            int covered = writes.Where(x => x.IsUnused && x.Offset < r.Offset + r.Length && x.Offset + x.Length > r.Offset)
                .Sum(x => Math.Min(x.Offset + x.Length, r.Offset + r.Length) - Math.Max(x.Offset, r.Offset));
            if (covered != r.Length)
            {
                return true;
            }
        }

        return false;
    }

    private static QemuSectionRecord RoundTrip(string idStr, int version, byte[] payload)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new QemuStreamWriter(output))
        {
            writer.WriteHeader();
            writer.WriteFullSection(1, idStr, 0, (uint)version, payload);
            writer.WriteEndOfFile();
            string field = string.Create(CultureInfo.InvariantCulture, $$"""{"name": "data", "type": "buffer", "size": {{payload.Length}}}""");
            string vmdesc = $$"""{"page_size": 4096, "devices": [{"name": "{{idStr}}", "instance_id": 0, "fields": [{{field}}]}]}""";
            writer.WriteVmDescription(Encoding.UTF8.GetBytes(vmdesc));
        }

        using var reader = new QemuStreamReader(new MemoryStream(output.WrittenSpan.ToArray()));
        return reader.ReadAll().OfType<QemuSectionRecord>().Single();
    }

    private static byte[] ValueOf(RealStreamDevices.RealDevice real, string path, int width)
    {
        if (real.Values.TryGetValue(path, out byte[]? value) && value.Length == width)
        {
            return value;
        }

        // A field the real stream does not have (added, renamed, resized): deterministic bytes from its name.
        var bytes = new byte[width];
        int seed = StringComparer.Ordinal.GetHashCode(path) & 0x7fffffff;
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string KeyOf(string key,
        VmsdField field) => key + "#" + (field.Nested is null ? field.Size.ToString(CultureInfo.InvariantCulture) : "struct");

    private static HashSet<string> ConditionalKeys(VmsdDescription description)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        void Walk(VmsdDescription d, string prefix)
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (VmsdField field in d.Fields)
            {
                string path = prefix.Length == 0 ? field.Name : prefix + "." + field.Name;
                int n = seen.GetValueOrDefault(field.Name);
                seen[field.Name] = n + 1;
                if (field.FieldExists)
                {
                    keys.Add(KeyOf(n == 0 ? path : path + "@" + n.ToString(CultureInfo.InvariantCulture), field));
                }

                if (field.Nested is { } nested)
                {
                    Walk(nested, path);
                }
            }

            foreach (VmsdDescription sub in d.Subsections)
            {
                Walk(sub, prefix.Length == 0 ? sub.Name : prefix + "." + sub.Name);
            }
        }

        Walk(description, string.Empty);
        return keys;
    }
}
