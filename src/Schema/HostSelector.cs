using System;
using System.Collections.Generic;
using System.Linq;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>Why a host cannot take a device of a VM (<see cref="HostSelector"/>).</summary>
public enum SelectionReasonKind
{
    /// <summary>The host offers no device of the model.</summary>
    ModelMissing,

    /// <summary>The host's device of the model has another section id, so the VM's sections would not reach it.</summary>
    DeviceIdDiffers,

    /// <summary>The configuration string breaks the syntax.</summary>
    Syntax,

    /// <summary>The host does not run the version the configuration names.</summary>
    VersionUnsupported,

    /// <summary>The host's device has no parameter of a name the configuration gives.</summary>
    ParameterUnknown,

    /// <summary>A value is of the wrong type or out of the host's range or list for the parameter.</summary>
    ValueUnsupported,

    /// <summary>The configuration gives a parameter another value than the one the host's version fixes.</summary>
    ValueFixedByVersion,

    /// <summary>The configuration the VM's sections carry would be refused by the host's device before its state loads.</summary>
    ConfigurationMismatch,

    /// <summary>The host's catalog does not carry the schema of the configuration, so it cannot be checked.</summary>
    SchemaUnavailable,

    /// <summary>The compatibility checker finds that the host's device cannot load the state.</summary>
    SchemaIncompatible,
}

/// <summary>One reason a host cannot take a VM.</summary>
/// <param name="Device">The device, <c>id#instance</c>.</param>
/// <param name="Kind">What is wrong.</param>
/// <param name="Subject">The parameter (<c>version</c> for the version), the field path, or the model, at fault.</param>
/// <param name="Message">One sentence naming the model and the parameter or field.</param>
public sealed record SelectionReason(string Device, SelectionReasonKind Kind, string Subject, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Device}: {Message}";
}

/// <summary>The verdict on one host: whether it can take the VM, every reason it cannot, and notes on what would be ignored or differ.</summary>
public sealed class HostVerdict
{
    internal HostVerdict(string host, IReadOnlyList<SelectionReason> reasons, IReadOnlyList<string> notes)
    {
        Host = host;
        Reasons = reasons;
        Notes = notes;
    }

    /// <summary>Gets the host's name.</summary>
    public string Host { get; }

    /// <summary>Gets a value indicating whether the host can take the VM.</summary>
    public bool Fits => Reasons.Count == 0;

    /// <summary>Gets every reason the host cannot take the VM, device by device in the VM's order.</summary>
    public IReadOnlyList<SelectionReason> Reasons { get; }

    /// <summary>Gets what the host would do without refusing: skippable configuration items it ignores or whose values differ, fields it skips or
    /// defaults.</summary>
    public IReadOnlyList<string> Notes { get; }
}

/// <summary>
/// Tells whether a destination host can take a VM before it migrates (docs/catalog.md §5): for each of the VM's
/// devices, the host must offer its model under the same section id; the device's configuration string must resolve
/// on the host (version supported, every parameter known with a value the host takes, none overriding a value the
/// version fixes); the configuration its sections carry must pass the host device's check; and the compatibility
/// checker must find that the host's schema of that configuration loads the VM's state. These are, in order, the
/// checks a destination makes when it creates the devices from the VM's configurations and loads the stream, so a host
/// accepted here loads it, and a host refused fails: creating the devices, with the first reason given for creation;
/// else loading the first device refused, with its configuration reason or one of its schema reasons (the loader meets
/// schema breaks in stream order). test/Configuration.Tests holds it to real loads.
/// </summary>
public static class HostSelector
{
    /// <summary>Checks one host.</summary>
    /// <param name="vm">The VM's device configurations.</param>
    /// <param name="host">The host's catalog (its own, or read from its <c>migfmt describe --schemas</c> document).</param>
    /// <param name="hostName">The host's name in the verdict.</param>
    /// <returns>The verdict.</returns>
    public static HostVerdict Check(VmConfiguration vm, DeviceCatalog host, string hostName = "host")
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(host);
        var reasons = new List<SelectionReason>();
        var notes = new List<string>();
        foreach (VmDevice device in vm.Devices)
        {
            CheckDevice(device, host, reasons, notes);
        }

        return new HostVerdict(hostName, reasons, notes);
    }

    private static void CheckDevice(VmDevice device, DeviceCatalog host, List<SelectionReason> reasons, List<string> notes)
    {
        string name = device.Name;
        DeviceCatalogEntry? entry = host.FindModel(device.Model);
        if (entry is null)
        {
            reasons.Add(new(name, SelectionReasonKind.ModelMissing, device.Model, $"Device model {device.Model} is not in the host's catalog."));
            return;
        }

        DeviceType type = entry.Type;
        if (!string.Equals(type.Id, device.Id, StringComparison.Ordinal))
        {
            reasons.Add(new(name, SelectionReasonKind.DeviceIdDiffers, device.Model,
                $"Device model {device.Model} has section id '{type.Id}' on the host; the VM's is '{device.Id}'."));
            return;
        }

        if (!ConfigurationString.TryParse(device.Configuration, out ConfigurationString? requested, out string? error))
        {
            reasons.Add(new(name, SelectionReasonKind.Syntax, device.Model, $"Device model {device.Model}: {error}"));
            return;
        }

        if (!type.TryResolve(requested, out DeviceConfiguration? configuration, out IReadOnlyList<ConfigurationIssue> issues))
        {
            reasons.AddRange(issues.Select(issue => new SelectionReason(name, KindOf(issue.Kind), issue.Parameter ?? device.Model, issue.Message)));
            return;
        }

        ConfigurationCheck check = configuration.Check(device.Record);
        notes.AddRange(check.Ignored.Select(item => $"{name}: ignores {item}"));
        notes.AddRange(check.Differences.Select(difference => $"{name}: {difference}"));
        if (!check.IsCompatible)
        {
            reasons.AddRange(check.Issues.Select(issue => new SelectionReason(name, SelectionReasonKind.ConfigurationMismatch, issue.Parameter ?? device.Model,
                issue.Message)));
            return;
        }

        DeviceSchema? schema = host.SchemaFor(configuration);
        if (schema is null)
        {
            reasons.Add(new(
                name,
                SelectionReasonKind.SchemaUnavailable,
                DeviceCatalog.SchemaKey(configuration),
                $"The host's catalog has no schema of {DeviceCatalog.SchemaKey(configuration)} ({configuration}) to check against; "
                    + "describe the host with --schemas."));
            return;
        }

        CompatibilityReport report = CompatibilityChecker.Check(device.Schema, schema);
        notes.AddRange(report.Skipped.Select(field => $"{name}: skips {field}"));
        notes.AddRange(report.Defaulted.Select(field => $"{name}: defaults {field}"));
        reasons.AddRange(report.Issues.Select(issue => new SelectionReason(
            name,
            SelectionReasonKind.SchemaIncompatible,
            issue.Path,
            $"Device model {device.Model} ({configuration}): {issue.Kind}: {(issue.Path.Length == 0 ? string.Empty : issue.Path + ": ")}{issue.Message}.")));
    }

    private static SelectionReasonKind KindOf(ConfigurationIssueKind kind) => kind switch
    {
        ConfigurationIssueKind.Syntax => SelectionReasonKind.Syntax,
        ConfigurationIssueKind.ModelMissing => SelectionReasonKind.ModelMissing,
        ConfigurationIssueKind.VersionUnsupported => SelectionReasonKind.VersionUnsupported,
        ConfigurationIssueKind.ParameterUnknown => SelectionReasonKind.ParameterUnknown,
        ConfigurationIssueKind.ValueInvalid => SelectionReasonKind.ValueUnsupported,
        ConfigurationIssueKind.ValueFixedByVersion => SelectionReasonKind.ValueFixedByVersion,
        _ => SelectionReasonKind.ConfigurationMismatch,
    };
}
