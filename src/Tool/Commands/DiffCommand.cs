using System;
using System.Collections.Generic;
using System.Globalization;
using MigrationFormat.Tool.Devices;
using MigrationFormat.Tool.IO;
using MigrationFormat.Tool.Walking;
using MigrationFormat.Visitors;
using MigrationFormat.Visitors.Qemu;

namespace MigrationFormat.Tool.Commands;

/// <summary>
/// <c>migfmt diff A B</c>: the field-level differences between two streams (BER or QEMU, in any pairing), by section
/// (<c>id#instance</c>) and field path, the two values side by side. Sections are read from both inputs in step; two
/// sections with one key are compared value by value as they are read, so streams in the same order need memory only
/// where they diverge. Exit 0 when the states are the same, 4 when they differ.
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
        using InputStream b = ToolFiles.Open(console, right, "diff", showProgress: false);
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
            SectionCursor? nextA = moreA ? first.Next() : null;
            SectionCursor? nextB = moreB ? second.Next() : null;
            moreA = nextA is not null;
            moreB = nextB is not null;
            if (nextA is not null && nextB is not null && nextA.Key == nextB.Key && !pendingA.ContainsKey(nextA.Key) && !pendingB.ContainsKey(nextB.Key))
            {
                // The common case, both streams in one order: the two sections are compared as they are read.
                differences += Compare(console, nextA, nextB);
                continue;
            }

            if (nextA is not null)
            {
                differences += Pair(console, SectionValues.Read(nextA), pendingB, pendingA, orderA, aFirst: true);
            }

            if (nextB is not null)
            {
                differences += Pair(console, SectionValues.Read(nextB), pendingA, pendingB, orderB, aFirst: false);
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
            return aFirst ? Compare(console, section.Cursor(), partner.Cursor()) : Compare(console, partner.Cursor(), section.Cursor());
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

    /// <summary>
    /// Compares two sections' values by path as both are read, in step: a value whose path the other side has not
    /// reached yet waits, and is matched when it comes. Sections whose fields come in one order need memory for the
    /// rows being printed only; what only one side has is listed at the end as absent on the other.
    /// </summary>
    private static int Compare(ToolConsole console, SectionCursor a, SectionCursor b)
    {
        var rows = new RowPrinter(console, a.Key);
        if (a.Version != b.Version)
        {
            rows.Add("(version)", a.Version, b.Version);
        }

        if (a.Configuration is { } configurationA && b.Configuration is { } configurationB)
        {
            CompareConfigurations(rows, configurationA, configurationB);
        }

        var waitingA = new Waiting();
        var waitingB = new Waiting();
        bool moreA = true, moreB = true;
        while (moreA || moreB)
        {
            if (moreA && (moreA = a.TryRead(out KeyValuePair<string, string> left)))
            {
                if (waitingB.TryTake(left.Key, out string? right))
                {
                    rows.AddIfDifferent(left.Key, left.Value, right);
                }
                else
                {
                    waitingA.Add(left);
                }
            }

            if (moreB && (moreB = b.TryRead(out KeyValuePair<string, string> entry)))
            {
                if (waitingA.TryTake(entry.Key, out string? value))
                {
                    rows.AddIfDifferent(entry.Key, value, entry.Value);
                }
                else
                {
                    waitingB.Add(entry);
                }
            }
        }

        foreach (KeyValuePair<string, string> entry in waitingA.Remaining())
        {
            rows.Add(entry.Key, entry.Value, Absent);
        }

        foreach (KeyValuePair<string, string> entry in waitingB.Remaining())
        {
            rows.Add(entry.Key, Absent, entry.Value);
        }

        rows.Flush();
        return rows.Count;
    }

    /// <summary>
    /// Compares the configurations two sections carry (docs/catalog.md §3), item by item: a section without one (another
    /// writer's, a QEMU stream's) says nothing about its configuration, so it is compared only when both carry one.
    /// </summary>
    private static void CompareConfigurations(RowPrinter rows, ConfigurationRecord a, ConfigurationRecord b)
    {
        rows.AddIfDifferent("(configuration) model", a.Model, b.Model);
        foreach (ConfigurationItem item in a.Items)
        {
            rows.AddIfDifferent("(configuration) " + item.Name, Text(item), b.Find(item.Name) is { } other ? Text(other) : Absent);
        }

        foreach (ConfigurationItem item in b.Items)
        {
            if (a.Find(item.Name) is null)
            {
                rows.Add("(configuration) " + item.Name, Absent, Text(item));
            }
        }

        static string Text(ConfigurationItem item) => item.Value + (item.MustParse ? " (must-parse)" : " (skippable)");
    }

    private static ISectionSource Open(InputStream input, DeviceSet? devices, FailureLog failures) => ToolFiles.Detect(input) switch
    {
        InputFormat.Migration => new BerSections(input, devices, failures),
        InputFormat.Qemu => new QemuSections(input),
        _ => throw ToolFiles.NotAStream(input, "diff"),
    };

    /// <summary>One section being read: its key, its version, and its values by field path in order.</summary>
    private abstract class SectionCursor(string key, string version, ConfigurationRecord? configuration)
    {
        public string Key { get; } = key;

        public string Version { get; } = version;

        /// <summary>Gets the configuration the section carries, or <see langword="null"/> when it carries none.</summary>
        public ConfigurationRecord? Configuration { get; } = configuration;

        public abstract bool TryRead(out KeyValuePair<string, string> entry);
    }

    /// <summary>A section read whole, held until its partner comes: the case of streams whose sections differ in order.</summary>
    private sealed record SectionValues(string Key, string Version, ConfigurationRecord? Configuration, List<KeyValuePair<string, string>> Entries)
    {
        public static SectionValues Read(SectionCursor cursor)
        {
            var entries = new List<KeyValuePair<string, string>>();
            while (cursor.TryRead(out KeyValuePair<string, string> entry))
            {
                entries.Add(entry);
            }

            return new SectionValues(cursor.Key, cursor.Version, cursor.Configuration, entries);
        }

        public ListCursor Cursor() => new(Key, Version, Configuration, Entries);
    }

    private sealed class ListCursor(string key, string version, ConfigurationRecord? configuration, List<KeyValuePair<string, string>> entries)
        : SectionCursor(key, version, configuration)
    {
        private int _next;

        public override bool TryRead(out KeyValuePair<string, string> entry)
        {
            if (_next < entries.Count)
            {
                entry = entries[_next++];
                return true;
            }

            entry = default;
            return false;
        }
    }

    private interface ISectionSource : IDisposable
    {
        /// <summary>Moves to the next section, the previous one having been read to its end.</summary>
        SectionCursor? Next();
    }

    /// <summary>Values one side has and the other has not reached yet, in arrival order; a path may come more than once.</summary>
    private sealed class Waiting
    {
        private readonly Dictionary<string, Queue<LinkedListNode<KeyValuePair<string, string>>>> _byPath = new(StringComparer.Ordinal);
        private readonly LinkedList<KeyValuePair<string, string>> _order = new();

        public void Add(KeyValuePair<string, string> entry)
        {
            if (!_byPath.TryGetValue(entry.Key, out Queue<LinkedListNode<KeyValuePair<string, string>>>? nodes))
            {
                nodes = new Queue<LinkedListNode<KeyValuePair<string, string>>>();
                _byPath.Add(entry.Key, nodes);
            }

            nodes.Enqueue(_order.AddLast(entry));
        }

        public bool TryTake(string path, out string? value)
        {
            value = null;
            if (!_byPath.TryGetValue(path, out Queue<LinkedListNode<KeyValuePair<string, string>>>? nodes))
            {
                return false;
            }

            // Only what still waits is held: a value leaves as soon as its partner comes.
            LinkedListNode<KeyValuePair<string, string>> node = nodes.Dequeue();
            if (nodes.Count == 0)
            {
                _byPath.Remove(path);
            }

            value = node.Value.Value;
            _order.Remove(node);
            return true;
        }

        public LinkedList<KeyValuePair<string, string>> Remaining() => _order;
    }

    /// <summary>Prints a section's differing rows, the values side by side, aligned within each batch of rows.</summary>
    private sealed class RowPrinter(ToolConsole console, string key)
    {
        private const int Batch = 256;
        private readonly List<(string Path, string A, string B)> _rows = [];
        private bool _headed;

        public int Count { get; private set; }

        public void AddIfDifferent(string path, string? a, string? b)
        {
            if (!string.Equals(a, b, StringComparison.Ordinal))
            {
                Add(path, a ?? Absent, b ?? Absent);
            }
        }

        public void Add(string path, string a, string b)
        {
            _rows.Add((path, a, b));
            Count++;
            if (_rows.Count == Batch)
            {
                Flush();
            }
        }

        public void Flush()
        {
            if (_rows.Count == 0)
            {
                return;
            }

            if (!_headed)
            {
                console.Out.WriteLine(key);
                _headed = true;
            }

            int pathWidth = 0, valueWidth = 0;
            foreach ((string path, string a, _) in _rows)
            {
                pathWidth = Math.Max(pathWidth, path.Length);
                valueWidth = Math.Max(valueWidth, a.Length);
            }

            foreach ((string path, string a, string b) in _rows)
            {
                console.Out.WriteLine("  " + path.PadRight(pathWidth) + "  " + a.PadRight(valueWidth) + " | " + b);
            }

            _rows.Clear();
        }
    }

    /// <summary>The sections of a BER stream, each read as <c>migfmt decode</c> shows it, flattened to paths, as the comparison asks.</summary>
    private sealed class BerSections(InputStream input, DeviceSet? devices, FailureLog failures) : ISectionSource
    {
        private readonly StreamWalker _walker = new(input, devices is null ? null : devices.SchemaOf);
        private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);
        private BerCursor? _current;

        public SectionCursor? Next()
        {
            // A cursor the comparison left unfinished is read to its end first.
            if (_current is not null)
            {
                while (_current.TryRead(out _))
                {
                }
            }

            _current = null;
            while (_walker.Read())
            {
                DumpCommand.CollectFailures(_walker, failures);
                WalkToken token = _walker.Current;
                if (token.Role != WalkRole.State || token.Kind != WalkTokenKind.Start)
                {
                    continue;
                }

                SectionInfo section = token.Section!;

                // Sections that share an id and instance (a transcoder's raw records) pair by their order of appearance.
                int occurrence = _occurrences.GetValueOrDefault(section.Key) + 1;
                _occurrences[section.Key] = occurrence;
                string key = occurrence == 1 ? section.Key : string.Create(CultureInfo.InvariantCulture, $"{section.Key} (occurrence {occurrence})");
                _current = new BerCursor(
                    key,
                    "v" + section.Version.ToString(CultureInfo.InvariantCulture),
                    section.Configuration,
                    new SectionEntryReader(_walker, failures));
                return _current;
            }

            DumpCommand.CollectFailures(_walker, failures);
            return null;
        }

        public void Dispose() => _walker.Dispose();

        private sealed class BerCursor(string key, string version, ConfigurationRecord? configuration, SectionEntryReader reader)
            : SectionCursor(key, version, configuration)
        {
            public override bool TryRead(out KeyValuePair<string, string> entry) => reader.TryRead(out entry);
        }
    }

    /// <summary>
    /// The device sections of a QEMU stream, decoded by its VM description. The description comes last, so the device
    /// payloads are held until it is read (RAM pages pass through and are not compared).
    /// </summary>
    private sealed class QemuSections(InputStream input) : ISectionSource
    {
        private Queue<SectionValues>? _sections;

        public SectionCursor? Next()
        {
            _sections ??= ReadAll();
            return _sections.Count > 0 ? _sections.Dequeue().Cursor() : null;
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
                sections.Enqueue(new SectionValues(key, "v" + section.VersionId.ToString(CultureInfo.InvariantCulture), null, entries));
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
