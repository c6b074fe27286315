using System;
using System.Collections.Generic;
using System.Globalization;
using MigrationFormat.Qemu;
using MigrationFormat.Tool.Devices;
using MigrationFormat.Tool.IO;
using MigrationFormat.Tool.Walking;
using MigrationFormat.Visitors;

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
        var held = new HeldValues(new ResourceMeter(console.Budget), () => a.BytesRead + b.BytesRead);
        using ISectionSource first = Open(a, devices, failures, console.Budget, held);
        using ISectionSource second = Open(b, devices, failures, console.Budget, held);
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
                differences += Compare(console, nextA, nextB, held);
                continue;
            }

            if (nextA is not null)
            {
                differences += Pair(console, SectionValues.Read(nextA, held), pendingB, pendingA, orderA, aFirst: true, held);
            }

            if (nextB is not null)
            {
                differences += Pair(console, SectionValues.Read(nextB, held), pendingA, pendingB, orderB, aFirst: false, held);
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
        bool aFirst,
        HeldValues held)
    {
        if (other.Remove(section.Key, out SectionValues? partner))
        {
            int found = aFirst ? Compare(console, section.Cursor(), partner.Cursor(), held) : Compare(console, partner.Cursor(), section.Cursor(), held);
            held.Release(section.Cost + partner.Cost);
            return found;
        }

        if (!own.TryAdd(section.Key, section))
        {
            held.Release(section.Cost);
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
    private static int Compare(ToolConsole console, SectionCursor a, SectionCursor b, HeldValues held)
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

        var waitingA = new Waiting(held);
        var waitingB = new Waiting(held);
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

    private static ISectionSource Open(InputStream input, DeviceSet? devices, FailureLog failures, ResourceBudget budget, HeldValues held) =>
        ToolFiles.Detect(input) switch
        {
            InputFormat.Migration => new BerSections(input, devices, failures, budget),
            InputFormat.Qemu => new QemuSections(input, held, budget),
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
    private sealed record SectionValues(
        string Key, string Version, ConfigurationRecord? Configuration, List<KeyValuePair<string, string>> Entries, long Cost)
    {
        public static SectionValues Read(SectionCursor cursor, HeldValues held)
        {
            var entries = new List<KeyValuePair<string, string>>();
            long cost = 0;
            while (cursor.TryRead(out KeyValuePair<string, string> entry))
            {
                cost += held.Hold(entry);
                entries.Add(entry);
            }

            return new SectionValues(cursor.Key, cursor.Version, cursor.Configuration, entries, cost);
        }

        public ListCursor Cursor() => new(Key, Version, Configuration, Entries, held: null);
    }

    /// <summary>
    /// Values read from a list; when <paramref name="held"/> is given, the list was charged to it and each value is given
    /// back as it is read.
    /// </summary>
    private sealed class ListCursor(
        string key, string version, ConfigurationRecord? configuration, List<KeyValuePair<string, string>> entries, HeldValues? held)
        : SectionCursor(key, version, configuration)
    {
        private int _next;

        public override bool TryRead(out KeyValuePair<string, string> entry)
        {
            if (_next < entries.Count)
            {
                entry = entries[_next];
                entries[_next++] = default;
                held?.Release(HeldValues.CostOf(entry));
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
    private sealed class Waiting(HeldValues held)
    {
        private readonly Dictionary<string, Queue<LinkedListNode<KeyValuePair<string, string>>>> _byPath = new(StringComparer.Ordinal);
        private readonly LinkedList<KeyValuePair<string, string>> _order = new();

        public void Add(KeyValuePair<string, string> entry)
        {
            held.Hold(entry);
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
            held.Release(HeldValues.CostOf(node.Value));
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
    private sealed class BerSections(InputStream input, DeviceSet? devices, FailureLog failures, ResourceBudget budget) : ISectionSource
    {
        private readonly StreamWalker _walker = new(input, devices is null ? null : devices.SchemaOf, budget);
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
    private sealed class QemuSections(InputStream input, HeldValues held, ResourceBudget budget) : ISectionSource
    {
        private Queue<(QemuSectionRecord Section, VmDeviceDescription Device, string Key)>? _sections;

        public SectionCursor? Next()
        {
            _sections ??= ReadAll();
            if (_sections.Count == 0)
            {
                return null;
            }

            // One section is decoded and flattened at a time, its values charged while they are held.
            (QemuSectionRecord section, VmDeviceDescription device, string key) = _sections.Dequeue();
            if (!VmStateDecoder.TryDecode(device, section.Payload, section.Offset + section.HeaderLength, budget, out VmStateStruct? state, out var error))
            {
                throw error;
            }

            var entries = new List<KeyValuePair<string, string>>();
            Flatten(state, string.Empty, entries, held);
            return new ListCursor(key, "v" + section.VersionId.ToString(CultureInfo.InvariantCulture), null, entries, held);
        }

        public void Dispose()
        {
        }

        private Queue<(QemuSectionRecord Section, VmDeviceDescription Device, string Key)> ReadAll()
        {
            var devices = new List<QemuSectionRecord>();
            VmDescription? description;
            using (var reader = new QemuStreamReader(input, new QemuStreamReaderOptions { Budget = budget }, leaveOpen: true))
            {
                while (reader.Read() is { } record)
                {
                    if (record is QemuSectionRecord { Kind: QemuRecordKind.SectionFull } section)
                    {
                        reader.ChargeHeld(section);
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

            var sections = new Queue<(QemuSectionRecord, VmDeviceDescription, string)>();
            var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (QemuSectionRecord section in devices)
            {
                VmDeviceDescription device = description.FindDevice(section.IdStr, section.InstanceId)
                    ?? throw new MigrationFormatException(
                        MigrationErrorKind.UnknownDevice,
                        $"Expected an entry for section '{section.IdStr}' instance {section.InstanceId} in the VM description; found none.",
                        section.Offset);
                string key = section.IdStr + "#" + section.InstanceId.ToString(CultureInfo.InvariantCulture);
                int occurrence = occurrences.GetValueOrDefault(key) + 1;
                occurrences[key] = occurrence;
                key = occurrence == 1 ? key : string.Create(CultureInfo.InvariantCulture, $"{key} (occurrence {occurrence})");
                sections.Enqueue((section, device, key));
            }

            return sections;
        }

        private static void Flatten(VmStateValue value, string path, List<KeyValuePair<string, string>> entries, HeldValues held)
        {
            switch (value)
            {
                case VmStateStruct structure:
                    foreach (VmStateMember member in structure.Members)
                    {
                        Flatten(member.Value, path.Length == 0 ? member.Name : path + "." + member.Name, entries, held);
                    }

                    break;
                case VmStateArray array:
                    for (int i = 0; i < array.Elements.Count; i++)
                    {
                        Flatten(array.Elements[i], path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", entries, held);
                    }

                    break;
                case VmStateInteger integer:
                    Keep(entries, held, new(
                        path,
                        integer.IsSigned
                            ? integer.SignedValue.ToString(CultureInfo.InvariantCulture)
                            : integer.UnsignedValue.ToString(CultureInfo.InvariantCulture)));
                    break;
                case VmStateBoolean boolean:
                    Keep(entries, held, new(path, boolean.Value ? "true" : "false"));
                    break;
                case VmStateBytes bytes:
                    Keep(entries, held, new(path, Convert.ToHexStringLower(bytes.Bytes.Span)));
                    break;
                default:
                    Keep(entries, held, new(path, "null"));
                    break;
            }
        }

        private static void Keep(List<KeyValuePair<string, string>> entries, HeldValues held, KeyValuePair<string, string> entry)
        {
            held.Hold(entry);
            entries.Add(entry);
        }
    }

    /// <summary>
    /// The values diff holds while they wait for their partner (a section read whole, a field out of order), charged to
    /// the resource budget: what one side has and the other lacks cannot make diff hold more than the budget allows.
    /// </summary>
    private sealed class HeldValues(ResourceMeter meter, Func<long> inputBytes)
    {
        /// <summary>What one held entry is counted as: its two strings (UTF-16) and the objects around them.</summary>
        public static long CostOf(KeyValuePair<string, string> entry) => 2L * (entry.Key.Length + entry.Value.Length) + 96;

        public long Hold(KeyValuePair<string, string> entry)
        {
            long cost = CostOf(entry);
            meter.Charge(cost, inputBytes(), "the values diff holds until the other stream reaches them", -1);
            return cost;
        }

        public void Release(long cost) => meter.Release(cost);
    }
}
