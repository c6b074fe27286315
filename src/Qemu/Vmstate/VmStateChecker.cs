using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace MigrationFormat.Qemu;

/// <summary>
/// Decides whether QEMU loads what another QEMU saves, from their <c>-dump-vmstate</c> files, by the legacy wire's rules (QEMU 7.2's
/// <c>migration/vmstate.c</c> and <c>savevm.c</c>; docs/schema.md, "QEMU-side rules"). Devices pair by QOM type. A device pair is
/// worked out twice, under <see cref="VmStateSendPolicy.Minimal"/> and <see cref="VmStateSendPolicy.Maximal"/>: compatible when
/// both load with every value in its field, incompatible when neither does, conditional otherwise. Findings name one root cause
/// each, found by aligning fields by name, with what follows from it.
/// </summary>
public static class VmStateChecker
{
    /// <summary>Checks two whole dumps.</summary>
    /// <param name="source">The saving QEMU's dump.</param>
    /// <param name="destination">The loading QEMU's dump.</param>
    /// <returns>The report: one result per source device type that has a description.</returns>
    public static VmStateCheckReport Check(VmStateDump source, VmStateDump destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var machine = new List<VmStateFinding>();
        if (source.Machine is not null && destination.Machine is not null && !string.Equals(source.Machine, destination.Machine, StringComparison.Ordinal))
        {
            machine.Add(new VmStateFinding(
                string.Empty, string.Empty, string.Empty, VmStateFindingKind.MachineMismatch, VmStateSeverity.Warning,
                $"the dumps are of different machine types: '{source.Machine}' and '{destination.Machine}'", string.Empty, string.Empty));
        }

        var devices = new List<VmStateDeviceResult>();
        foreach (VmStateDumpDevice device in source.Devices)
        {
            if (device.Description is not null)
            {
                devices.Add(CheckDevice(device, destination.Find(device.QomType)));
            }
        }

        return new VmStateCheckReport(machine, devices);
    }

    /// <summary>Checks one device type.</summary>
    /// <param name="source">The source's entry.</param>
    /// <param name="destination">The destination's entry of the same QOM type, or <see langword="null"/> when it has none.</param>
    /// <returns>The verdict and its findings.</returns>
    public static VmStateDeviceResult CheckDevice(VmStateDumpDevice source, VmStateDumpDevice? destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Description is not { } sent)
        {
            return new VmStateDeviceResult(source.QomType, string.Empty, VmStateVerdict.Compatible, []);
        }

        var context = new Context(source.QomType, sent.Name);
        if (destination?.Description is not { } read)
        {
            string why = destination is null ? "the destination has no device of this type" : "the destination's device of this type saves no state";
            return context.Result(VmStateVerdict.Incompatible, context.Finding(
                string.Empty, VmStateFindingKind.DeviceMissing, VmStateSeverity.Refused, why, "QEMU refuses the unknown section", string.Empty));
        }

        if (!string.Equals(sent.Name, read.Name, StringComparison.Ordinal))
        {
            return context.Result(VmStateVerdict.Incompatible, context.Finding(
                string.Empty, VmStateFindingKind.SectionRenamed, VmStateSeverity.Refused,
                $"the section id changes from '{sent.Name}' to '{read.Name}'", $"the destination has no section '{sent.Name}': QEMU refuses it", string.Empty));
        }

        VmStateWire minimal = VmStateWire.Run(source, destination, VmStateSendPolicy.Minimal);
        VmStateWire maximal = VmStateWire.Run(source, destination, VmStateSendPolicy.Maximal);
        Outcome low = Outcome.Of(minimal);
        Outcome high = Outcome.Of(maximal);
        VmStateVerdict verdict = low.Clean && high.Clean ? VmStateVerdict.Compatible
            : !low.Clean && !high.Clean ? VmStateVerdict.Incompatible
            : VmStateVerdict.Conditional;

        if (minimal.Refusal is { IsVersion: true } refusal)
        {
            return context.Result(verdict, context.Finding(string.Empty, VmStateFindingKind.SectionVersion, VmStateSeverity.Refused, refusal.Message,
                "QEMU refuses the section", string.Empty));
        }

        var findings = new List<VmStateFinding>();
        VmStateSeverity baseSeverity = low.Clean ? VmStateSeverity.Warning : low.Severity;
        Explain(
            context,
            VmStateWire.Expected(source, destination, VmStateSendPolicy.Minimal, ofSource: true),
            VmStateWire.Expected(source, destination, VmStateSendPolicy.Minimal, ofSource: false),
            sent,
            read,
            baseSeverity,
            low.Clean ? string.Empty : low.Ending(minimal),
            string.Empty,
            findings);
        if (!low.Clean && !findings.Any(f => f.Severity >= VmStateSeverity.SilentCorruption))
        {
            findings.Add(low.Generic(context, minimal, string.Empty));
        }

        ExplainConditionalFields(context, sent, read, findings);
        ExplainSubsections(context, sent, read, string.Empty, findings);
        if (verdict != VmStateVerdict.Compatible && low.Clean && !findings.Any(f => f.Severity == VmStateSeverity.Conditional))
        {
            string condition = "when the source sends its subsections or field_exists fields";
            findings.Add(high.Generic(context, maximal, condition) with { Severity = VmStateSeverity.Conditional });
        }

        if (verdict == VmStateVerdict.Compatible)
        {
            // Both policies load cleanly: whatever the alignment flagged cannot break this pair.
            findings = findings.Select(f => f with { Severity = VmStateSeverity.Warning }).ToList();
        }

        findings.Sort((a, b) => b.Severity.CompareTo(a.Severity));
        return new VmStateDeviceResult(source.QomType, sent.Name, verdict, findings);
    }

    /// <summary>Aligns the two field lists by name and reports one finding per hunk of differences.</summary>
    private static void Explain(
        Context context,
        List<VmStateWire.Segment> sentLeaves,
        List<VmStateWire.Segment> readLeaves,
        VmsdDescription sentTree,
        VmsdDescription readTree,
        VmStateSeverity severity,
        string ending,
        string condition,
        List<VmStateFinding> findings)
    {
        List<Op> ops = Align(sentLeaves, readLeaves);
        var sentOnly = new HashSet<string>(StringComparer.Ordinal);
        var readOnly = new HashSet<string>(StringComparer.Ordinal);
        foreach (Op op in ops)
        {
            if (op.Read is null)
            {
                sentOnly.Add(op.Sent!.Value.Path);
            }
            else if (op.Sent is null)
            {
                readOnly.Add(op.Read.Value.Path);
            }
        }

        HashSet<string> readPaths = VmStateWire.AllPaths(readTree);
        HashSet<string> sentPaths = VmStateWire.AllPaths(sentTree);
        bool outOfStep = false;
        long shift = 0;
        var reportedMoves = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        while (i < ops.Count)
        {
            Op op = ops[i];
            if (op.Sent is { } s && op.Read is { } r)
            {
                if (s.Width != r.Width)
                {
                    shift += r.Width - s.Width;
                    Add(VmStateFindingKind.FieldResized, s.Path, $"field '{s.Path}' is {s.Width} byte(s) on the source and {r.Width} on the destination",
                        breaks: true);
                }

                i++;
                continue;
            }

            int start = i;
            while (i < ops.Count && (ops[i].Sent is null || ops[i].Read is null))
            {
                i++;
            }

            var removed = new List<VmStateWire.Segment>();
            var added = new List<VmStateWire.Segment>();
            for (int k = start; k < i; k++)
            {
                if (ops[k].Sent is { } only)
                {
                    removed.Add(only);
                }
                else
                {
                    added.Add(ops[k].Read!.Value);
                }
            }

            ExplainHunk(removed, added);
        }

        void ExplainHunk(List<VmStateWire.Segment> removed, List<VmStateWire.Segment> added)
        {
            long removedBytes = removed.Sum(x => x.Width);
            long addedBytes = added.Sum(x => x.Width);
            var moved = removed.Where(x => readOnly.Contains(x.Path)).Select(x => x.Path).ToList();
            moved.AddRange(added.Where(x => sentOnly.Contains(x.Path) && !moved.Contains(x.Path)).Select(x => x.Path));
            removed.RemoveAll(x => readOnly.Contains(x.Path));
            added.RemoveAll(x => sentOnly.Contains(x.Path));
            moved.RemoveAll(reportedMoves.Contains);
            if (moved.Count > 0)
            {
                reportedMoves.UnionWith(moved);
                shift += addedBytes - removedBytes;
                Add(VmStateFindingKind.FieldMoved, moved[0],
                    $"{Names(moved, "field")} sent at another place in the order than the destination reads {(moved.Count == 1 ? "it" : "them")}",
                    breaks: true);
                removedBytes = removed.Sum(x => x.Width);
                addedBytes = added.Sum(x => x.Width);
                shift -= addedBytes - removedBytes;
            }

            if (removed.Count == 0 && added.Count == 0)
            {
                return;
            }

            shift += addedBytes - removedBytes;
            if (removed.Count > 0 && added.Count > 0 && removedBytes == addedBytes
                && (removed.TrueForAll(x => x.Field!.IsUnused) || added.TrueForAll(x => x.Field!.IsUnused)))
            {
                string text = added.TrueForAll(x => x.Field!.IsUnused)
                    ? $"{Names(removed.Select(x => x.Path).ToList(), "field", verb: false)} ({removedBytes} bytes) face unused padding of the same " +
                        $"size on the destination: their values are dropped"
                    : $"{Names(added.Select(x => x.Path).ToList(), "field", verb: false)} ({addedBytes} bytes) on the destination load from padding " +
                        $"the source leaves unused (zeros)";
                Add(VmStateFindingKind.FieldsUnused, removed[0].Path, text, breaks: false);
                return;
            }

            if (removed.Count == added.Count && Enumerable.Range(0, removed.Count).All(k => removed[k].Width == added[k].Width))
            {
                for (int k = 0; k < removed.Count; k++)
                {
                    Add(VmStateFindingKind.FieldRenamed, removed[k].Path,
                        $"field '{removed[k].Path}' is called '{added[k].Path}' on the destination (names are not on the wire)", breaks: false);
                }

                return;
            }

            if (removed.Count > 0)
            {
                bool gated = removed.TrueForAll(x => readPaths.Contains(Unindexed(x.Path)));
                Add(
                    gated ? VmStateFindingKind.FieldVersion : VmStateFindingKind.FieldRemoved,
                    removed[0].Path,
                    gated
                        ? $"{Names(removed.Select(x => x.Path).ToList(), "field")} sent ({removedBytes} bytes), but the destination reads " +
                            $"{(removed.Count == 1 ? "it" : "them")} only at other versions ({VersionsOf(readTree, removed)})"
                        : $"{Names(removed.Select(x => x.Path).ToList(), "field")} sent ({removedBytes} bytes), but the destination does not read " +
                            $"{(removed.Count == 1 ? "it" : "them")}",
                    breaks: true);
            }

            if (added.Count > 0)
            {
                bool gated = added.TrueForAll(x => sentPaths.Contains(Unindexed(x.Path)));
                Add(
                    gated ? VmStateFindingKind.FieldVersion : VmStateFindingKind.FieldAdded,
                    added[0].Path,
                    gated
                        ? $"the destination reads {Names(added.Select(x => x.Path).ToList(), "field", verb: false)} ({addedBytes} bytes), which the " +
                            $"source sends only at other versions ({VersionsOf(sentTree, added)})"
                        : $"the destination reads {Names(added.Select(x => x.Path).ToList(), "field", verb: false)} ({addedBytes} bytes), which the " +
                            $"source does not send",
                    breaks: true);
            }
        }

        void Add(VmStateFindingKind kind, string path, string message, bool breaks)
        {
            if (!breaks || severity == VmStateSeverity.Warning)
            {
                findings.Add(context.Finding(path, kind, breaks ? severity : VmStateSeverity.Warning, message, string.Empty, condition));
                return;
            }

            string consequence;
            if (outOfStep)
            {
                consequence = "follows the break above: the stream is already out of step here";
            }
            else
            {
                outOfStep = shift != 0;
                consequence = shift == 0
                    ? "the byte count is unchanged but values land in other fields; " + ending
                    : $"the destination reads {Math.Abs(shift)} byte(s) {(shift > 0 ? "more" : "fewer")}: the stream is out of step from here; " + ending;
            }

            findings.Add(context.Finding(path, kind, severity, message, consequence, condition));
        }
    }

    private static string VersionsOf(VmsdDescription tree, List<VmStateWire.Segment> leaves)
    {
        var parts = new List<string>();
        foreach (VmStateWire.Segment leaf in leaves.Take(3))
        {
            if (FindField(tree, Unindexed(leaf.Path)) is { } field)
            {
                parts.Add(field.FieldExists ? $"'{leaf.Path}' when its field_exists test passes" : $"'{leaf.Path}' from version {field.VersionId}");
            }
        }

        return string.Join(", ", parts);
    }

    private static VmsdField? FindField(VmsdDescription description, string path)
    {
        foreach (VmsdField field in description.Fields)
        {
            if (string.Equals(field.Name, path, StringComparison.Ordinal))
            {
                return field;
            }

            if (field.Nested is { } nested && path.StartsWith(field.Name + ".", StringComparison.Ordinal)
                && FindField(nested, path[(field.Name.Length + 1)..]) is { } inner)
            {
                return inner;
            }
        }

        foreach (VmsdDescription subsection in description.Subsections)
        {
            if (path.StartsWith(subsection.Name + ".", StringComparison.Ordinal) && FindField(subsection, path[(subsection.Name.Length + 1)..]) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    private static string Unindexed(string path)
    {
        if (!path.Contains('[', StringComparison.Ordinal))
        {
            return path;
        }

        var builder = new StringBuilder(path.Length);
        int depth = 0;
        foreach (char c in path)
        {
            if (c == '[' && depth == 0 && builder.Length > 0 && builder[^1] != '.')
            {
                // An element index added by the expansion ("portsc[3]" from a 7-element array) and a name that holds brackets
                // ("portsc[3]" as QEMU names a field) look alike; only indices we added are followed by '.' or the end.
                depth = 1;
                continue;
            }

            if (depth == 1)
            {
                if (c == ']')
                {
                    depth = 0;
                }

                continue;
            }

            builder.Append(c);
        }

        string stripped = builder.ToString();
        return stripped;
    }

    private static string Names(List<string> paths, string noun, bool verb = true)
    {
        string list = paths.Count <= 4
            ? string.Join(", ", paths.Select(p => "'" + p + "'"))
            : string.Join(", ", paths.Take(3).Select(p => "'" + p + "'")) + string.Create(CultureInfo.InvariantCulture, $" and {paths.Count - 3} more");
        string head = paths.Count == 1 ? noun + " " + list : noun + "s " + list;
        return verb ? head + (paths.Count == 1 ? " is" : " are") : head;
    }

    /// <summary>Fields a <c>field_exists</c> test gates on one side only: they line up only for some run-time states.</summary>
    private static void ExplainConditionalFields(Context context, VmsdDescription sent, VmsdDescription read, List<VmStateFinding> findings)
    {
        Dictionary<string, VmsdField> sentConditional = ConditionalFields(sent);
        Dictionary<string, VmsdField> readConditional = ConditionalFields(read);
        foreach ((string key, VmsdField field) in sentConditional)
        {
            if (!readConditional.ContainsKey(key))
            {
                string path = key[..key.LastIndexOf('#')];
                findings.Add(context.Finding(
                    path, VmStateFindingKind.FieldConditional, VmStateSeverity.Conditional,
                    $"field '{path}' ({field.Size} bytes) is sent when the source's field_exists test passes; the destination has no such test for it",
                    "the stream is out of step whenever the two sides disagree on sending it", "when the source's field_exists test for it passes"));
            }
        }

        foreach ((string key, VmsdField field) in readConditional)
        {
            if (!sentConditional.ContainsKey(key))
            {
                string path = key[..key.LastIndexOf('#')];
                findings.Add(context.Finding(
                    path, VmStateFindingKind.FieldConditional, VmStateSeverity.Conditional,
                    $"the destination reads field '{path}' ({field.Size} bytes) when its field_exists test passes; the source has no such test for it",
                    "the stream is out of step whenever the two sides disagree on sending it", "when the destination's field_exists test for it passes"));
            }
        }
    }

    private static Dictionary<string, VmsdField> ConditionalFields(VmsdDescription description)
    {
        var result = new Dictionary<string, VmsdField>(StringComparer.Ordinal);
        void Walk(VmsdDescription d, string prefix)
        {
            foreach (VmsdField field in d.Fields)
            {
                string path = VmStateWire.Child(prefix, field.Name);
                if (field.FieldExists)
                {
                    result.TryAdd(path + "#" + (field.Nested is null ? field.Size.ToString(CultureInfo.InvariantCulture) : "struct"), field);
                }

                if (field.Nested is { } nested)
                {
                    Walk(nested, path);
                }
            }
        }

        Walk(description, string.Empty);
        return result;
    }

    /// <summary>Subsections, matched by name at every description both sides have at the same path, with their versions and contents.</summary>
    private static void ExplainSubsections(Context context, VmsdDescription sent, VmsdDescription read, string prefix, List<VmStateFinding> findings)
    {
        foreach (VmsdDescription subsection in sent.Subsections)
        {
            string path = VmStateWire.Child(prefix, subsection.Name);
            string condition = $"when the source sends subsection '{subsection.Name}'";
            VmsdDescription? target = read.Subsections.FirstOrDefault(s => string.Equals(s.Name, subsection.Name, StringComparison.Ordinal));
            if (VmStateWire.EndsSubsectionLoop(read.Name, subsection.Name))
            {
                findings.Add(context.Finding(
                    path, VmStateFindingKind.SubsectionMissing, VmStateSeverity.Conditional,
                    $"subsection '{subsection.Name}' is not named under '{read.Name}', the destination description it arrives in",
                    "the destination stops reading subsections there and QEMU finds no section footer", condition));
                continue;
            }

            if (target is null)
            {
                findings.Add(context.Finding(
                    path, VmStateFindingKind.SubsectionMissing, VmStateSeverity.Conditional,
                    $"subsection '{subsection.Name}' is unknown to the destination", "QEMU refuses the section when it arrives", condition));
                continue;
            }

            if (subsection.VersionId > target.VersionId || subsection.VersionId < target.MinimumVersionId)
            {
                findings.Add(context.Finding(
                    path, VmStateFindingKind.SubsectionVersion, VmStateSeverity.Conditional,
                    $"subsection '{subsection.Name}' is sent at version {subsection.VersionId}; the destination loads " +
                        $"{target.MinimumVersionId}..{target.VersionId}",
                    "QEMU refuses the section when it arrives", condition));
                continue;
            }

            var sentDevice = new VmStateDumpDevice(context.QomType, subsection.VersionId, subsection.MinimumVersionId, subsection);
            var readDevice = new VmStateDumpDevice(context.QomType, target.VersionId, target.MinimumVersionId, target);
            VmStateWire wire = VmStateWire.Run(sentDevice, readDevice, VmStateSendPolicy.Minimal);
            Outcome outcome = Outcome.Of(wire);
            if (!outcome.Clean)
            {
                int before = findings.Count;
                List<VmStateWire.Segment> sentLeaves = VmStateWire.Expected(sentDevice, readDevice, VmStateSendPolicy.Minimal, ofSource: true);
                List<VmStateWire.Segment> readLeaves = VmStateWire.Expected(sentDevice, readDevice, VmStateSendPolicy.Minimal, ofSource: false);
                var inner = new List<VmStateFinding>();
                Explain(context with { Prefix = path }, sentLeaves, readLeaves, subsection, target, outcome.Severity, outcome.Ending(wire), condition, inner);
                findings.AddRange(inner.Select(f => f.Severity > VmStateSeverity.Conditional ? f with { Severity = VmStateSeverity.Conditional } : f));
                if (findings.Count == before || !inner.Any(f => f.Severity > VmStateSeverity.Warning))
                {
                    findings.Add(outcome.Generic(context with { Prefix = path }, wire, condition) with { Severity = VmStateSeverity.Conditional });
                }
            }

            ExplainSubsections(context, subsection, target, path, findings);
        }

        // Nested descriptions present on both sides at the same path carry subsections of their own.
        foreach (VmsdField field in sent.Fields)
        {
            if (field.Nested is not { } nested)
            {
                continue;
            }

            VmsdField? other = read.Fields.FirstOrDefault(f => string.Equals(f.Name, field.Name, StringComparison.Ordinal) && f.Nested is not null);
            if (other is not null && nested.Subsections.Count > 0)
            {
                ExplainSubsections(context, nested, other.Nested!, VmStateWire.Child(prefix, field.Name), findings);
            }
        }
    }

    /// <summary>The longest common subsequence of the two leaf lists by path, after trimming what is equal at both ends.</summary>
    private static List<Op> Align(List<VmStateWire.Segment> sent, List<VmStateWire.Segment> read)
    {
        int head = 0;
        while (head < sent.Count && head < read.Count && string.Equals(sent[head].Path, read[head].Path, StringComparison.Ordinal))
        {
            head++;
        }

        int tail = 0;
        while (tail < sent.Count - head && tail < read.Count - head
            && string.Equals(sent[sent.Count - 1 - tail].Path, read[read.Count - 1 - tail].Path, StringComparison.Ordinal))
        {
            tail++;
        }

        int n = sent.Count - head - tail, m = read.Count - head - tail;
        var ops = new List<Op>(sent.Count + read.Count);
        for (int k = 0; k < head; k++)
        {
            ops.Add(new Op(sent[k], read[k]));
        }

        if ((long)n * m > 16_000_000)
        {
            // Too large to align: report the middles as removed and added.
            ops.AddRange(sent.Skip(head).Take(n).Select(s => new Op(s, null)));
            ops.AddRange(read.Skip(head).Take(m).Select(r => new Op(null, r)));
        }
        else
        {
            int[,] lcs = new int[n + 1, m + 1];
            for (int a = n - 1; a >= 0; a--)
            {
                for (int b = m - 1; b >= 0; b--)
                {
                    lcs[a, b] = string.Equals(sent[head + a].Path, read[head + b].Path, StringComparison.Ordinal)
                        ? lcs[a + 1, b + 1] + 1
                        : Math.Max(lcs[a + 1, b], lcs[a, b + 1]);
                }
            }

            int x = 0, y = 0;
            while (x < n || y < m)
            {
                if (x < n && y < m && string.Equals(sent[head + x].Path, read[head + y].Path, StringComparison.Ordinal))
                {
                    ops.Add(new Op(sent[head + x++], read[head + y++]));
                }
                else if (y < m && (x == n || lcs[x, y + 1] >= lcs[x + 1, y]))
                {
                    ops.Add(new Op(null, read[head + y++]));
                }
                else
                {
                    ops.Add(new Op(sent[head + x++], null));
                }
            }
        }

        for (int k = 0; k < tail; k++)
        {
            ops.Add(new Op(sent[sent.Count - tail + k], read[read.Count - tail + k]));
        }

        // Within a hunk, list what the source sends before what the destination reads instead.
        for (int k = 0; k < ops.Count;)
        {
            if (ops[k].Sent is not null && ops[k].Read is not null)
            {
                k++;
                continue;
            }

            int end = k;
            while (end < ops.Count && (ops[end].Sent is null || ops[end].Read is null))
            {
                end++;
            }

            var hunk = ops.GetRange(k, end - k);
            ops.RemoveRange(k, end - k);
            ops.InsertRange(k, hunk.Where(o => o.Sent is not null).Concat(hunk.Where(o => o.Sent is null)));
            k = end;
        }

        return ops;
    }

    private readonly record struct Op(VmStateWire.Segment? Sent, VmStateWire.Segment? Read);

    private sealed record Context(string QomType, string Section)
    {
        public string Prefix { get; init; } = string.Empty;

        public VmStateFinding Finding(string path, VmStateFindingKind kind, VmStateSeverity severity, string message, string consequence, string condition) =>
            new(QomType, Section, path.Length == 0 ? Prefix : Prefix.Length == 0 || path.StartsWith(Prefix,
                StringComparison.Ordinal) ? path : Prefix + "." + path,
                kind, severity, message, consequence, condition);

        public VmStateDeviceResult Result(VmStateVerdict verdict, VmStateFinding finding) => new(QomType, Section, verdict, [finding]);
    }

    /// <summary>How the destination fared under one policy: refused, loaded with misplaced values, or clean.</summary>
    private sealed class Outcome
    {
        private Outcome(bool refused, VmStateWire.Read? corrupt, VmStateWire.Segment? origin)
        {
            Refused = refused;
            CorruptRead = corrupt;
            CorruptOrigin = origin;
        }

        public bool Refused { get; }

        public VmStateWire.Read? CorruptRead { get; }

        public VmStateWire.Segment? CorruptOrigin { get; }

        public bool Clean => !Refused && CorruptRead is null;

        public VmStateSeverity Severity => Refused ? VmStateSeverity.Refused : CorruptRead is null ? VmStateSeverity.Warning : VmStateSeverity.SilentCorruption;

        public static Outcome Of(VmStateWire wire)
        {
            if (wire.Refusal is not null)
            {
                return new Outcome(true, null, null);
            }

            IReadOnlyList<VmStateWire.Segment> segments = wire.Segments;
            var sentPaths = new HashSet<string>(segments.Where(s => s.Kind == VmStateWire.SegmentKind.Field).Select(s => s.Path), StringComparer.Ordinal);
            var readPaths = new HashSet<string>(wire.Reads.Select(r => r.Path), StringComparer.Ordinal);
            int index = 0;
            foreach (VmStateWire.Read read in wire.Reads)
            {
                while (index < segments.Count && segments[index].End <= read.Start)
                {
                    index++;
                }

                if (read.Field.IsUnused || read.Width == 0)
                {
                    continue;
                }

                VmStateWire.Segment first = segments[index];
                if (first.Kind == VmStateWire.SegmentKind.Field && first.Start == read.Start && first.Width == read.Width)
                {
                    bool same = string.Equals(first.Path, read.Path, StringComparison.Ordinal);
                    bool renamed = !sentPaths.Contains(read.Path) && !readPaths.Contains(first.Path);
                    if (same || first.Field!.IsUnused || renamed)
                    {
                        continue;
                    }

                    return new Outcome(false, read, first);
                }

                // A read spanning several source fields is clean only when they are all padding the source wrote as zeros.
                bool allUnused = true;
                for (int k = index; k < segments.Count && segments[k].Start < read.Start + read.Width; k++)
                {
                    allUnused &= segments[k].Kind == VmStateWire.SegmentKind.Field && segments[k].Field!.IsUnused;
                }

                if (!allUnused)
                {
                    return new Outcome(false, read, first);
                }
            }

            return new Outcome(false, null, null);
        }

        public string Ending(VmStateWire wire) =>
            wire.Refusal is { } refusal
                ? "QEMU refuses the section: " + refusal.Message
                : CorruptRead is { } read
                    ? $"QEMU loads it, but field '{read.Path}' gets the bytes sent for '{CorruptOrigin!.Value.Path}' (silent corruption)"
                    : string.Empty;

        public VmStateFinding Generic(Context context, VmStateWire wire, string condition) =>
            wire.Refusal is { } refusal
                ? context.Finding(refusal.Path, VmStateFindingKind.FieldRemoved, VmStateSeverity.Refused, refusal.Message, "QEMU refuses the section",
                    condition)
                : context.Finding(
                    CorruptRead?.Path ?? string.Empty,
                    VmStateFindingKind.FieldMoved,
                    VmStateSeverity.SilentCorruption,
                    $"field '{CorruptRead?.Path}' is loaded from the bytes sent for '{CorruptOrigin?.Path}'",
                    "QEMU loads it with values in the wrong fields",
                    condition);
    }
}
