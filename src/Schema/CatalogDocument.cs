using System;
using System.Collections.Generic;
using System.Globalization;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>
/// Checks two hosts' catalog documents (<c>migfmt describe</c>, <c>migfmt-catalog/2</c>, docs/catalog.md §1) against
/// each other: what <c>migfmt check</c> does with two catalogs (docs/catalog.md §6).
/// </summary>
/// <remarks>
/// For two catalogs, every configuration the source host runs in each of its layouts (each version's default
/// configuration, and one configuration per combination of values of the parameters that change the state layout,
/// <see cref="DeviceType.LayoutVariants"/>) must be one the destination creates from its configuration string and whose
/// stream sections it accepts, the checks <see cref="HostSelector"/> makes; when both documents carry schemas
/// (<c>migfmt describe --schemas</c>), the compatibility checker must also find that the destination's schema of that
/// configuration loads the source's state.
/// </remarks>
public static class CatalogDocument
{
    /// <summary>Tells whether a document is a catalog document.</summary>
    /// <param name="utf8Json">The document.</param>
    /// <returns><see langword="true"/> when its root's <c>format</c> is <c>migfmt-catalog/…</c>.</returns>
    public static bool IsCatalog(ReadOnlySpan<byte> utf8Json) => DeviceCatalog.IsCatalog(utf8Json);

    /// <summary>
    /// Checks that the destination host takes every configuration the source host runs, in every layout of every
    /// version: the model exists there under the same section id (<see cref="CompatibilityIssueKind.DeviceMismatch"/>),
    /// the version is one it runs (<see cref="CompatibilityIssueKind.VersionOutOfRange"/>), every parameter resolves
    /// and the configuration the source's sections carry passes the destination device's check
    /// (<see cref="CompatibilityIssueKind.ParameterMismatch"/>), and, when both documents carry schemas, the schemas are
    /// compatible (the checker's kinds). An issue's path is the configuration's layout: <c>v2</c> for version 2's default
    /// layout, <c>v3?rx-filter-size=64,rss=on</c> for another.
    /// </summary>
    /// <param name="source">The source host's catalog document.</param>
    /// <param name="destination">The destination host's catalog document.</param>
    /// <returns>The verdict, one issue per reason.</returns>
    /// <exception cref="MigrationFormatException">A document is not a valid catalog document; <c>FieldPath</c> is the JSON path at fault.</exception>
    public static CompatibilityReport Check(ReadOnlyMemory<byte> source, ReadOnlyMemory<byte> destination) =>
        Check(DeviceCatalog.Parse(source), DeviceCatalog.Parse(destination));

    /// <summary>Checks two catalogs as <see cref="Check(ReadOnlyMemory{byte}, ReadOnlyMemory{byte})"/> does.</summary>
    /// <param name="source">The source host's catalog.</param>
    /// <param name="destination">The destination host's catalog.</param>
    /// <returns>The verdict, one issue per reason.</returns>
    public static CompatibilityReport Check(DeviceCatalog source, DeviceCatalog destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var report = new CompatibilityReport();
        foreach (DeviceCatalogEntry entry in source.Entries)
        {
            DeviceType type = entry.Type;
            DeviceCatalogEntry? target = destination.FindModel(type.ModelId);
            if (target is null)
            {
                report.Add(new(CompatibilityIssueKind.DeviceMismatch, type.Id, string.Empty, $"the destination has no device of model {type.ModelId}"));
                continue;
            }

            if (!string.Equals(target.Type.Id, type.Id, StringComparison.Ordinal))
            {
                report.Add(new(
                    CompatibilityIssueKind.DeviceMismatch,
                    type.Id,
                    string.Empty,
                    $"the destination's device of model {type.ModelId} has section id '{target.Type.Id}'"));
                continue;
            }

            for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
            {
                bool versionReported = false;
                foreach (DeviceConfiguration layout in type.LayoutVariants(version))
                {
                    if (layout.NamesVersion && !target.Type.Supports(version))
                    {
                        // One reason per version the destination does not run, not one per layout of it.
                        if (!versionReported)
                        {
                            versionReported = true;
                            report.Add(new(
                                CompatibilityIssueKind.VersionOutOfRange,
                                type.Id,
                                string.Create(CultureInfo.InvariantCulture, $"v{version}"),
                                string.Create(
                                    CultureInfo.InvariantCulture,
                                    $"Device model {type.ModelId} supports versions {target.Type.MinimumVersion} to {target.Type.CurrentVersion} on "
                                    + $"the destination; version {version} was requested.")));
                        }

                        continue;
                    }

                    CheckConfiguration(layout, source.SchemaFor(layout), destination, target.Type, report);
                }
            }
        }

        return report;
    }

    private static void CheckConfiguration(
        DeviceConfiguration configuration,
        DeviceSchema? sourceSchema,
        DeviceCatalog destination,
        DeviceType target,
        CompatibilityReport report)
    {
        string id = configuration.Type.Id;
        string path = DeviceCatalog.SchemaKey(configuration)[(id.Length + 1)..];
        if (!target.TryResolve(configuration.ToConfigurationString(), out DeviceConfiguration? resolved, out IReadOnlyList<ConfigurationIssue> issues))
        {
            foreach (ConfigurationIssue issue in issues)
            {
                CompatibilityIssueKind kind = issue.Kind == ConfigurationIssueKind.VersionUnsupported
                    ? CompatibilityIssueKind.VersionOutOfRange
                    : CompatibilityIssueKind.ParameterMismatch;
                report.Add(new(kind, id, path, issue.Message));
            }

            return;
        }

        ConfigurationCheck check = resolved.Check(configuration.ToRecord());
        foreach (ConfigurationIssue issue in check.Issues)
        {
            report.Add(new(CompatibilityIssueKind.ParameterMismatch, id, path, issue.Message));
        }

        // A section marks a value its version implies skippable, trusting that both hosts imply the same; two catalogs
        // can say whether they do. A layout parameter the destination sets otherwise would load the state into another layout.
        bool sameLayout = true;
        foreach (DeviceParameter parameter in configuration.Type.Parameters)
        {
            string value = configuration.GetText(parameter.Name)!;
            if (parameter.ChangesLayout && resolved.GetText(parameter.Name) is { } other && !string.Equals(value, other, StringComparison.Ordinal))
            {
                sameLayout = false;
                report.Add(new(
                    CompatibilityIssueKind.ParameterMismatch,
                    id,
                    path,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"Device model {configuration.Model} version {configuration.Version} runs with {parameter.Name}={other} on the destination "
                        + $"and {parameter.Name}={value} on the source, and {parameter.Name} changes the state layout.")));
            }
        }

        if (!check.IsCompatible || !sameLayout || sourceSchema is null || destination.SchemaFor(resolved) is not { } destinationSchema)
        {
            // Without both schemas, the documents say nothing about the fields: the configuration check is all there is.
            return;
        }

        CompatibilityReport fields = CompatibilityChecker.Check(sourceSchema, destinationSchema);
        foreach (CompatibilityIssue issue in fields.Issues)
        {
            string where = issue.Path.Length == 0 ? path : string.Create(CultureInfo.InvariantCulture, $"{path}: {issue.Path}");
            report.Add(issue with { Path = where });
        }
    }
}
