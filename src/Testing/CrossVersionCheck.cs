using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Testing;

/// <summary>The outcome of <see cref="CrossVersionCheck"/>: whether the cross-version rules held, and each way they did not.</summary>
public sealed class CrossVersionResult
{
    private readonly List<string> _violations = [];

    /// <summary>Gets a value indicating whether every rule held.</summary>
    public bool Passed => _violations.Count == 0;

    /// <summary>Gets the rules that did not hold, one line each, naming versions and fields.</summary>
    public IReadOnlyList<string> Violations => _violations;

    /// <summary>Gets the number of version pairs whose load succeeded.</summary>
    public int Loaded { get; internal set; }

    /// <summary>Gets the number of version pairs whose load failed as the schemas predicted.</summary>
    public int RefusedAsPredicted { get; internal set; }

    internal void Add(string violation) => _violations.Add(violation);

    /// <inheritdoc/>
    public override string ToString() =>
        Passed ? $"passed ({Loaded} loaded, {RefusedAsPredicted} refused as predicted)" : string.Join(Environment.NewLine, _violations);
}

/// <summary>
/// Saves a random state of a device with one version and loads it with another, then checks DESIGN's
/// cross-version rules: on success every field both versions know has the saved value and every other field kept
/// its value; on failure <see cref="MigrationFormatException"/> names the device, a field and both versions, the
/// destination is unchanged, and the schemas' <see cref="CompatibilityChecker"/> predicted the break; and a load
/// the checker calls compatible always succeeds.
/// </summary>
public static partial class CrossVersionCheck
{
    /// <summary>Checks one (saving version, loading version) pair with the random state <paramref name="seed"/> gives.</summary>
    /// <param name="type">The device type.</param>
    /// <param name="sourceVersion">The saving version.</param>
    /// <param name="destinationVersion">The loading version.</param>
    /// <param name="seed">The random state's seed.</param>
    /// <returns>The outcome.</returns>
    public static CrossVersionResult Run(DeviceType type, int sourceVersion, int destinationVersion, int seed)
    {
        var result = new CrossVersionResult();
        Check(type, sourceVersion, destinationVersion, seed, result);
        return result;
    }

    /// <summary>Checks every pair of the versions <paramref name="type"/> supports.</summary>
    /// <param name="type">The device type.</param>
    /// <param name="seed">The random states' seed.</param>
    /// <returns>The outcome over all pairs.</returns>
    public static CrossVersionResult AllPairs(DeviceType type, int seed)
    {
        ArgumentNullException.ThrowIfNull(type);
        var result = new CrossVersionResult();
        for (int source = type.MinimumVersion; source <= type.CurrentVersion; source++)
        {
            for (int destination = type.MinimumVersion; destination <= type.CurrentVersion; destination++)
            {
                Check(type, source, destination, seed, result);
            }
        }

        return result;
    }

    private static void Check(DeviceType type, int sourceVersion, int destinationVersion, int seed, CrossVersionResult result)
    {
        ArgumentNullException.ThrowIfNull(type);
        string pair = $"{type.Id} v{sourceVersion} -> v{destinationVersion} (seed {seed})";
        IDeviceState source = type.Create(sourceVersion);
        RandomStateVisitor.Randomize(source, seed);
        StateFingerprint saved = StateFingerprint.Of(source);

        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            writer.WriteDevice(source);
            writer.Complete();
        }

        IDeviceState destination = type.Create(destinationVersion);
        RandomStateVisitor.Randomize(destination, ~seed);
        StateFingerprint before = StateFingerprint.Of(destination);
        CompatibilityReport prediction = CompatibilityChecker.Check(DeviceSchema.For(type, sourceVersion), DeviceSchema.For(type, destinationVersion));

        MigrationFormatException? failure = null;
        try
        {
            using var reader = new MigrationStreamReader(output.WrittenMemory);
            reader.TryReadSection(out _);
            reader.LoadSection(destination);
        }
        catch (MigrationFormatException ex)
        {
            failure = ex;
        }

        StateFingerprint after = StateFingerprint.Of(destination);
        if (failure is null)
        {
            result.Loaded++;
            foreach (string difference in saved.Differences(after, saved.Values.Keys.Where(after.Values.ContainsKey)))
            {
                result.Add($"{pair}: a field both versions know lost its saved value: {difference}");
            }

            // An optional group's presence is the source's to decide (absent means not needed), so it is not a kept value.
            IEnumerable<string> keptPaths = after.Values.Keys.Where(p =>
                !saved.Values.ContainsKey(p) && before.Values.ContainsKey(p) && !IsInsideListElement(p) && !p.EndsWith('?'));
            foreach (string difference in before.Differences(after, keptPaths))
            {
                result.Add($"{pair}: a field the stream did not carry changed: {difference}");
            }

            return;
        }

        if (prediction.IsCompatible)
        {
            result.Add($"{pair}: the schemas are compatible but the load failed: {failure.Message}");
        }
        else if (!prediction.Issues.Any(issue => Predicts(issue, failure)))
        {
            result.Add($"{pair}: the load failed at '{failure.FieldPath}' ({failure.Kind}), which the checker did not predict: "
                + $"{string.Join("; ", prediction.Issues)}");
        }
        else
        {
            result.RefusedAsPredicted++;
        }

        if (failure.Device != type.Id || failure.SourceVersion != sourceVersion || failure.DestinationVersion != destinationVersion)
        {
            result.Add($"{pair}: the error does not name the device and both versions: {failure.Message}");
        }

        foreach (string difference in before.Differences(after, before.Values.Keys.Union(after.Values.Keys)))
        {
            result.Add($"{pair}: the failed load changed the destination: {difference}");
        }
    }

    private static bool Predicts(CompatibilityIssue issue, MigrationFormatException failure)
    {
        if (issue.Kind == CompatibilityIssueKind.VersionOutOfRange)
        {
            return failure.Kind == MigrationErrorKind.UnsupportedVersion;
        }

        // The loader's path starts with the device, has list indices ("virtio-net.queues[1].desc [2]") and names an
        // unknown field by its tag ("virtio-net.rss.[3]"); the checker's path has names only, below the device.
        string failed = failure.FieldPath ?? string.Empty;
        string device = failure.Device ?? string.Empty;
        failed = failed == device ? string.Empty : failed.StartsWith(device + ".", StringComparison.Ordinal) ? failed[(device.Length + 1)..] : failed;
        failed = TrailingTag().Replace(ListIndex().Replace(failed, string.Empty), string.Empty);
        if (failure.Kind == MigrationErrorKind.UnknownRequiredField)
        {
            int bracket = failed.LastIndexOf('[');
            string parent = bracket < 0 ? failed : failed[..bracket].TrimEnd('.');
            string tag = bracket < 0 ? string.Empty : failed[bracket..];
            int dot = issue.Path.LastIndexOf('.');
            return issue.Kind == CompatibilityIssueKind.UnknownMustParseField
                && parent == (dot < 0 ? string.Empty : issue.Path[..dot])
                && issue.Message.StartsWith("must-parse field " + tag, StringComparison.Ordinal);
        }

        return failed.Length > 0 && (failed == issue.Path || failed.StartsWith(issue.Path + ".", StringComparison.Ordinal)
            || issue.Path.StartsWith(failed + ".", StringComparison.Ordinal));
    }

    private static bool IsInsideListElement(string path) => path.Contains('[', StringComparison.Ordinal);

    // A list index follows the list's name; an unknown field's tag follows a dot.
    [GeneratedRegex(@"(?<=\w)\[\d+\]")]
    private static partial Regex ListIndex();

    // A known field's tag follows its name after a space.
    [GeneratedRegex(@" \[(PRIVATE )?\d+\]$")]
    private static partial Regex TrailingTag();
}
