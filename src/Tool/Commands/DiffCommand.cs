using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using MigrationFormat.Tool.Devices;
using MigrationFormat.Tool.IO;
using MigrationFormat.Tool.Walking;
using MigrationFormat.Visitors.Qemu;

namespace MigrationFormat.Tool.Commands;

/// <summary>
/// <c>migfmt diff A B</c>: the field-level differences between two streams (BER or QEMU, in any pairing), by section
/// (<c>id#instance</c>) and field path, the two values side by side. Sections are read from both inputs in step and
/// compared as soon as both sides of a pair are known, so two streams in the same order need memory for one section
/// each. Exit 0 when the states are the same, 4 when they differ.
/// </summary>
internal static class DiffCommand
{
    private const string Absent = "(absent)";

    public static int Run(ToolConsole console, string left, string right, DeviceSet? devices)
    {
        if (left == ToolFiles.Standard && right == ToolFiles.Standard)
        {
            throw new UsageException("diff: expected at most one of A and B to be standard input (-); found both.");
        }

        using InputStream a = ToolFiles.Open(console, left, "diff");
        using InputStream b = ToolFiles.Open(console, right, "diff");
        var failures = new FailureLog();
        using ISectionSource first = Open(a, devices, failures);
        using ISectionSource second = Open(b, devices, failures);
        console.Out.WriteLine("--- A: " + a.Name);
        console.Out.WriteLine("+++ B: " + b.Name);
        var pendingA = new Dictionary<string, SectionValues>(StringComparer.Ordinal);
        var pendingB = new Dictionary<string, SectionValues>(StringComparer.Ordinal);
        var orderA = new List<string>();
        var orderB = new List<string>();
        int differences = 0;
        bool moreA = true, moreB = true;
        while (moreA || moreB)
        {
            if (moreA)
            {
                SectionValues? next = first.Next();
                moreA = next is not null;
                if (next is not null)
                {
                    differences += Pair(console, next, pendingB, pendingA, orderA, aFirst: true);
                }
            }

            if (moreB)
            {
                SectionValues? next = second.Next();
                moreB = next is not null;
                if (next is not null)
                {
                    differences += Pair(console, next, pendingA, pendingB, orderB, aFirst: false);
                }
            }
        }

        foreach (string key in orderA)
        {
            if (pendingA.ContainsKey(key))
            {
                console.Out.WriteLine($"{key}: only in A");
                differences++;
            }
        }

        foreach (string key in orderB)
        {
            if (pendingB.ContainsKey(key))
            {
                console.Out.WriteLine($"{key}: only in B");
                differences++;
            }
        }

        int failed = DumpCommand.Report(console, failures);
        if (failed != Program.ExitOk)
        {
            return failed;
        }

        console.Out.WriteLine(differences == 0 ? "no differences" : string.Create(CultureInfo.InvariantCulture, $"{differences} difference(s)"));
        return differences == 0 ? Program.ExitOk : Program.ExitDifferent;
    }

    private static int Pair(
        ToolConsole console,
        SectionValues section,
        Dictionary<string, SectionValues> other,
        Dictionary<string, SectionValues> own,
        List<string> order,
        bool aFirst)
    {
        if (other.Remove(section.Key, out SectionValues? partner))
        {
            return aFirst ? Compare(console, section, partner) : Compare(console, partner, section);
        }

        if (!own.TryAdd(section.Key, section))
        {
            // A second section with one key: compare it with nothing rather than lose the first.
            console.Out.WriteLine($"{section.Key}: appears twice in {(aFirst ? "A" : "B")}; the second is not compared");
            return 1;
        }

        order.Add(section.Key);
        return 0;
    }

    private static int Compare(ToolConsole console, SectionValues a, SectionValues b)
    {
        var rows = new List<(string Path, string A, string B)>();
        if (a.Version != b.Version)
        {
            rows.Add(("(version)", a.Version, b.Version));
        }

        var right = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> entry in b.Entries)
        {
            right.TryAdd(entry.Key, entry.Value);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> entry in a.Entries)
        {
            seen.Add(entry.Key);
            if (!right.TryGetValue(entry.Key, out string? value))
            {
                rows.Add((entry.Key, entry.Value, Absent));
            }
            else if (!string.Equals(value, entry.Value, StringComparison.Ordinal))
            {
                rows.Add((entry.Key, entry.Value, value));
            }
        }

        foreach (KeyValuePair<string, string> entry in b.Entries)
        {
            if (seen.Add(entry.Key))
            {
                rows.Add((entry.Key, Absent, entry.Value));
            }
        }

        if (rows.Count == 0)
        {
            return 0;
        }

        int pathWidth = 0, valueWidth = 0;
        foreach ((string path, string left, _) in rows)
        {
            pathWidth = Math.Max(pathWidth, path.Length);
            valueWidth = Math.Max(valueWidth, left.Length);
        }

        console.Out.WriteLine(a.Key);
        foreach ((string path, string left, string rightValue) in rows)
        {
            console.Out.WriteLine("  " + path.PadRight(pathWidth) + "  " + left.PadRight(valueWidth) + " | " + rightValue);
        }

        return rows.Count;
    }

    private static ISectionSource Open(InputStream input, DeviceSet? devices, FailureLog failures) => ToolFiles.Detect(input) switch
    {
        InputFormat.Migration => new BerSections(input, devices, failures),
        InputFormat.Qemu => new QemuSections(input),
        _ => throw ToolFiles.NotAStream(input, "diff"),
    };

    /// <summary>One section's values, flattened to field paths.</summary>
    private sealed record SectionValues(string Key, string Version, List<KeyValuePair<string, string>> Entries);

    private interface ISectionSource : IDisposable
    {
        SectionValues? Next();
    }

    /// <summary>The sections of a BER stream, each decoded by its schema as <c>migfmt decode</c> does, then flattened.</summary>
    private sealed class BerSections(InputStream input, DeviceSet? devices, FailureLog failures) : ISectionSource
    {
        private readonly StreamWalker _walker = new(input, devices is null ? null : devices.SchemaOf);
        private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);

        public SectionValues? Next()
        {
            while (_walker.Read())
            {
                DumpCommand.CollectFailures(_walker, failures);
                WalkToken token = _walker.Current;
                if (token.Role != WalkRole.State || token.Kind != WalkTokenKind.Start)
                {
                    continue;
                }

                SectionInfo section = token.Section!;
                var buffer = new ArrayBufferWriter<byte>();
                using (var json = new Utf8JsonWriter(buffer))
                {
                    SectionDecoder.WriteState(_walker, json, failures);
                }

                var entries = new List<KeyValuePair<string, string>>();
                using (JsonDocument document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 256 }))
                {
                    Flatten(document.RootElement, string.Empty, entries);
                }

                // Sections that share an id and instance (a transcoder's raw records) pair by their order of appearance.
                int occurrence = _occurrences.GetValueOrDefault(section.Key) + 1;
                _occurrences[section.Key] = occurrence;
                string key = occurrence == 1 ? section.Key : string.Create(CultureInfo.InvariantCulture, $"{section.Key} (occurrence {occurrence})");
                return new SectionValues(key, "v" + section.Version.ToString(CultureInfo.InvariantCulture), entries);
            }

            DumpCommand.CollectFailures(_walker, failures);
            return null;
        }

        public void Dispose() => _walker.Dispose();

        private static void Flatten(JsonElement element, string path, List<KeyValuePair<string, string>> entries)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (JsonProperty property in element.EnumerateObject())
                    {
                        Flatten(property.Value, path.Length == 0 ? property.Name : path + "." + property.Name, entries);
                    }

                    break;
                case JsonValueKind.Array:
                    int index = 0;
                    foreach (JsonElement item in element.EnumerateArray())
                    {
                        Flatten(item, path + "[" + index++.ToString(CultureInfo.InvariantCulture) + "]", entries);
                    }

                    break;
                case JsonValueKind.String:
                    entries.Add(new(path, element.GetString()!));
                    break;
                default:
                    entries.Add(new(path, element.GetRawText()));
                    break;
            }
        }
    }

    /// <summary>
    /// The device sections of a QEMU stream, decoded by its VM description. The description comes last, so the device
    /// payloads are held until it is read (RAM pages pass through and are not compared).
    /// </summary>
    private sealed class QemuSections(InputStream input) : ISectionSource
    {
        private Queue<SectionValues>? _sections;

        public SectionValues? Next()
        {
            _sections ??= ReadAll();
            return _sections.Count > 0 ? _sections.Dequeue() : null;
        }

        public void Dispose()
        {
        }

        private Queue<SectionValues> ReadAll()
        {
            var devices = new List<QemuSectionRecord>();
            VmDescription? description;
            using (var reader = new QemuStreamReader(input, default, leaveOpen: true))
            {
                while (reader.Read() is { } record)
                {
                    if (record is QemuSectionRecord { Kind: QemuRecordKind.SectionFull } section)
                    {
                        devices.Add(section);
                    }
                }

                description = reader.Description;
            }

            if (description is null)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    $"diff: expected a QEMU stream with a VM description (which names its fields); found none in {input.Name}.",
                    -1);
            }

            var sections = new Queue<SectionValues>();
            var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (QemuSectionRecord section in devices)
            {
                VmDeviceDescription device = description.FindDevice(section.IdStr, section.InstanceId)
                    ?? throw new MigrationFormatException(
                        MigrationErrorKind.UnknownDevice,
                        $"Expected an entry for section '{section.IdStr}' instance {section.InstanceId} in the VM description; found none.",
                        section.Offset);
                VmStateStruct state = VmStateDecoder.Decode(device, section.Payload, section.Offset + section.HeaderLength);
                var entries = new List<KeyValuePair<string, string>>();
                Flatten(state, string.Empty, entries);
                string key = section.IdStr + "#" + section.InstanceId.ToString(CultureInfo.InvariantCulture);
                int occurrence = occurrences.GetValueOrDefault(key) + 1;
                occurrences[key] = occurrence;
                key = occurrence == 1 ? key : string.Create(CultureInfo.InvariantCulture, $"{key} (occurrence {occurrence})");
                sections.Enqueue(new SectionValues(key, "v" + section.VersionId.ToString(CultureInfo.InvariantCulture), entries));
            }

            return sections;
        }

        private static void Flatten(VmStateValue value, string path, List<KeyValuePair<string, string>> entries)
        {
            switch (value)
            {
                case VmStateStruct structure:
                    foreach (VmStateMember member in structure.Members)
                    {
                        Flatten(member.Value, path.Length == 0 ? member.Name : path + "." + member.Name, entries);
                    }

                    break;
                case VmStateArray array:
                    for (int i = 0; i < array.Elements.Count; i++)
                    {
                        Flatten(array.Elements[i], path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", entries);
                    }

                    break;
                case VmStateInteger integer:
                    entries.Add(new(
                        path,
                        integer.IsSigned
                            ? integer.SignedValue.ToString(CultureInfo.InvariantCulture)
                            : integer.UnsignedValue.ToString(CultureInfo.InvariantCulture)));
                    break;
                case VmStateBoolean boolean:
                    entries.Add(new(path, boolean.Value ? "true" : "false"));
                    break;
                case VmStateBytes bytes:
                    entries.Add(new(path, Convert.ToHexStringLower(bytes.Bytes.Span)));
                    break;
                default:
                    entries.Add(new(path, "null"));
                    break;
            }
        }
    }
}
