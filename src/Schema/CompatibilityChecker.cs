using System;
using System.Collections.Generic;
using System.Linq;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>How <see cref="CompatibilityChecker.CheckChain"/> compares a chain of versions, as schema registries do.</summary>
public enum CompatibilityMode
{
    /// <summary>Each version loads what the previous one saved (a newer destination reads older streams).</summary>
    Backward,

    /// <summary>Each version's streams load into the previous one (an older destination reads newer streams).</summary>
    Forward,

    /// <summary>Both backward and forward.</summary>
    Full,
}

/// <summary>
/// Predicts, from two schemas alone, whether saving with the source and loading with the destination succeeds,
/// by the same rules the BER loader applies (docs/wire-format.md §3), and names every break.
/// </summary>
public static class CompatibilityChecker
{
    /// <summary>Checks one device: a stream saved with <paramref name="source"/>, loaded with <paramref name="destination"/>.</summary>
    /// <param name="source">The saving side's schema.</param>
    /// <param name="destination">The loading side's schema.</param>
    /// <returns>The verdict.</returns>
    public static CompatibilityReport Check(DeviceSchema source, DeviceSchema destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var report = new CompatibilityReport();
        if (!string.Equals(source.Id, destination.Id, StringComparison.Ordinal))
        {
            report.Add(new(
                CompatibilityIssueKind.DeviceMismatch,
                source.Id,
                string.Empty,
                $"the source describes '{source.Id}', the destination '{destination.Id}'"));
            return report;
        }

        if (source.Version < destination.MinimumVersion)
        {
            report.Add(new(
                CompatibilityIssueKind.VersionOutOfRange,
                source.Id,
                string.Empty,
                $"version {source.Version} is older than the oldest version {destination.MinimumVersion} "
                + $"the destination (v{destination.Version}) loads"));
        }

        CheckFields(report, source.Id, string.Empty, source.Fields, destination.Fields, source.Version);
        return report;
    }

    /// <summary>Checks whole catalogs: every device in <paramref name="source"/> against the destination's schema of the same id.</summary>
    /// <param name="source">The saving host's schemas.</param>
    /// <param name="destination">The loading host's schemas.</param>
    /// <returns>The merged verdict; a device the destination lacks is a break.</returns>
    public static CompatibilityReport Check(IEnumerable<DeviceSchema> source, IEnumerable<DeviceSchema> destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var byId = new Dictionary<string, DeviceSchema>(StringComparer.Ordinal);
        foreach (DeviceSchema schema in destination)
        {
            byId[schema.Id] = schema;
        }

        var report = new CompatibilityReport();
        foreach (DeviceSchema schema in source)
        {
            if (byId.TryGetValue(schema.Id, out DeviceSchema? target))
            {
                report.Merge(Check(schema, target));
            }
            else
            {
                report.Add(new(CompatibilityIssueKind.DeviceMismatch, schema.Id, string.Empty, "the destination has no such device"));
            }
        }

        return report;
    }

    /// <summary>Checks a chain of versions of one device (oldest first) in a registry-style mode.</summary>
    /// <param name="versions">The schemas, oldest first.</param>
    /// <param name="mode">Backward, forward or full.</param>
    /// <param name="transitive">Compare every pair, not only neighbours.</param>
    /// <returns>The merged verdict.</returns>
    public static CompatibilityReport CheckChain(IReadOnlyList<DeviceSchema> versions, CompatibilityMode mode, bool transitive = false)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var report = new CompatibilityReport();
        for (int newer = 1; newer < versions.Count; newer++)
        {
            for (int older = transitive ? 0 : newer - 1; older < newer; older++)
            {
                if (mode is CompatibilityMode.Backward or CompatibilityMode.Full)
                {
                    report.Merge(Check(versions[older], versions[newer]));
                }

                if (mode is CompatibilityMode.Forward or CompatibilityMode.Full)
                {
                    report.Merge(Check(versions[newer], versions[older]));
                }
            }
        }

        return report;
    }

    private static void CheckFields(
        CompatibilityReport report,
        string device,
        string path,
        IList<FieldSchema> sourceFields,
        IList<FieldSchema> destinationFields,
        int streamVersion)
    {
        // What the stream carries: the source's fields of its own version. Optional groups may or may not be sent;
        // both cases are checked by treating their contents like any field.
        List<FieldSchema> sent = sourceFields.Where(f => f.ExistsIn(streamVersion)).ToList();
        var destinationByTag = destinationFields.ToDictionary(f => f.Tag);
        var sentByTag = sent.ToDictionary(f => f.Tag);

        foreach (FieldSchema field in sent)
        {
            string here = Join(path, field.Name);
            if (!destinationByTag.TryGetValue(field.Tag, out FieldSchema? known))
            {
                if (field.Skippable)
                {
                    report.AddSkipped($"{device}: {here}");
                }
                else
                {
                    report.Add(new(
                        CompatibilityIssueKind.UnknownMustParseField,
                        device,
                        here,
                        $"must-parse field [{field.Tag}] ({field.Kind.SchemaName()}) is unknown to the destination"));
                }

                continue;
            }

            CheckPair(report, device, here, field, known, streamVersion);
        }

        foreach (FieldSchema field in destinationFields)
        {
            if (sentByTag.ContainsKey(field.Tag))
            {
                continue;
            }

            string here = Join(path, field.Name);
            if (field.Kind != FieldKind.Optional && !field.Skippable && field.ExistsIn(streamVersion))
            {
                report.Add(new(
                    CompatibilityIssueKind.RequiredFieldMissing,
                    device,
                    here,
                    $"must-parse field [{field.Tag}] exists in version {streamVersion} at the destination but the source does not send it"));
            }
            else if (field.Kind != FieldKind.Optional)
            {
                report.AddDefaulted($"{device}: {here}");
            }
        }

        List<int> sharedInSourceOrder = sent.Where(f => destinationByTag.ContainsKey(f.Tag)).Select(f => f.Tag).ToList();
        List<int> sharedInDestinationOrder = destinationFields.Where(f => sentByTag.ContainsKey(f.Tag)).Select(f => f.Tag).ToList();
        if (!sharedInSourceOrder.SequenceEqual(sharedInDestinationOrder))
        {
            report.Add(new(CompatibilityIssueKind.FieldsReordered, device, path, "fields both sides know are visited in a different order"));
        }
    }

    private static void CheckPair(CompatibilityReport report, string device, string path, FieldSchema source, FieldSchema destination, int streamVersion)
    {
        if (source.Kind.IsInteger() && destination.Kind.IsInteger())
        {
            if (!Fits(source.Kind, destination.Kind))
            {
                report.Add(new(
                    CompatibilityIssueKind.IntegerNarrowed,
                    device,
                    path,
                    $"{source.Kind.SchemaName()} values may not fit the destination's {destination.Kind.SchemaName()}"));
            }

            return;
        }

        if (source.Kind != destination.Kind)
        {
            report.Add(new(
                CompatibilityIssueKind.TypeChanged,
                device,
                path,
                $"tag [{source.Tag}] is {source.Kind.SchemaName()} at the source and {destination.Kind.SchemaName()} at the destination"));
            return;
        }

        switch (source.Kind)
        {
            case FieldKind.FixedBytes or FieldKind.UInt16Array or FieldKind.UInt32Array or FieldKind.UInt64Array when source.Size != destination.Size:
                report.Add(new(
                    CompatibilityIssueKind.TypeChanged,
                    device,
                    path,
                    $"{source.Kind.SchemaName()} of {source.Size} at the source, {destination.Size} at the destination"));
                break;
            case FieldKind.Bytes or FieldKind.String or FieldKind.Blob when destination.Size != 0 && (source.Size == 0 || source.Size > destination.Size):
                report.Add(new(
                    CompatibilityIssueKind.IntegerNarrowed,
                    device,
                    path,
                    $"the destination accepts at most {destination.Size} bytes; the source allows {(source.Size == 0 ? "any length" : source.Size)}"));
                break;
            case FieldKind.Struct or FieldKind.Optional or FieldKind.List:
                CheckFields(report, device, path, source.Fields, destination.Fields, streamVersion);
                break;
        }
    }

    /// <summary>Whether every value of <paramref name="from"/> fits <paramref name="to"/>.</summary>
    private static bool Fits(FieldKind from, FieldKind to)
    {
        int fromBits = from.BitWidth(), toBits = to.BitWidth();
        bool fromSigned = from.IsSigned(), toSigned = to.IsSigned();
        if (fromSigned == toSigned)
        {
            return toBits >= fromBits;
        }

        // Unsigned into signed fits when the signed type is wider; signed into unsigned never fits (negatives).
        return !fromSigned && toBits > fromBits;
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
