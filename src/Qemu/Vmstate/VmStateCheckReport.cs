using System;
using System.Collections.Generic;
using System.Text.Json;

namespace MigrationFormat.Qemu;

/// <summary>What <see cref="VmStateChecker.Check(VmStateDump, VmStateDump)"/> found for two whole dumps.</summary>
public sealed class VmStateCheckReport
{
    /// <summary>Creates a report.</summary>
    /// <param name="machineFindings">Findings about the dumps as a whole (machine types).</param>
    /// <param name="devices">One result per source device type that sends state.</param>
    public VmStateCheckReport(IReadOnlyList<VmStateFinding> machineFindings, IReadOnlyList<VmStateDeviceResult> devices)
    {
        ArgumentNullException.ThrowIfNull(machineFindings);
        ArgumentNullException.ThrowIfNull(devices);
        MachineFindings = machineFindings;
        Devices = devices;
        var all = new List<VmStateFinding>(machineFindings);
        VmStateVerdict verdict = VmStateVerdict.Compatible;
        foreach (VmStateDeviceResult device in devices)
        {
            all.AddRange(device.Findings);
            verdict = device.Verdict > verdict ? device.Verdict : verdict;
        }

        Findings = all;
        Verdict = verdict;
    }

    /// <summary>Gets the findings about the dumps as a whole.</summary>
    public IReadOnlyList<VmStateFinding> MachineFindings { get; }

    /// <summary>Gets one result per source device type that sends state, in the source dump's order.</summary>
    public IReadOnlyList<VmStateDeviceResult> Devices { get; }

    /// <summary>Gets every finding, machine first, then device by device.</summary>
    public IReadOnlyList<VmStateFinding> Findings { get; }

    /// <summary>Gets the worst verdict over all devices.</summary>
    public VmStateVerdict Verdict { get; }

    /// <summary>Writes the report as JSON: <c>{"verdict", "findings": [...], "devices": [{"qomType", "section", "verdict"}]}</c>, devices only where not
    /// compatible.</summary>
    /// <param name="writer">The JSON writer.</param>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("format", "migfmt-qemu-check/1");
        writer.WriteString("verdict", Name(Verdict));
        writer.WriteStartArray("findings");
        foreach (VmStateFinding finding in Findings)
        {
            writer.WriteStartObject();
            writer.WriteString("qomType", finding.QomType);
            writer.WriteString("section", finding.Section);
            writer.WriteString("path", finding.Path);
            writer.WriteString("kind", finding.Kind.ToString());
            writer.WriteString("severity", Name(finding.Severity));
            writer.WriteString("message", finding.Message);
            writer.WriteString("consequence", finding.Consequence);
            writer.WriteString("condition", finding.Condition);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("devices");
        foreach (VmStateDeviceResult device in Devices)
        {
            if (device.Verdict == VmStateVerdict.Compatible)
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("qomType", device.QomType);
            writer.WriteString("section", device.Section);
            writer.WriteString("verdict", Name(device.Verdict));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Gets the JSON name of a verdict: <c>compatible</c>, <c>conditional</c>, <c>incompatible</c>.</summary>
    /// <param name="verdict">The verdict.</param>
    /// <returns>The name.</returns>
    public static string Name(VmStateVerdict verdict) => verdict switch
    {
        VmStateVerdict.Compatible => "compatible",
        VmStateVerdict.Conditional => "conditional",
        _ => "incompatible",
    };

    /// <summary>Gets the JSON name of a severity: <c>warning</c>, <c>conditional</c>, <c>silently-corrupt</c>, <c>refused</c>.</summary>
    /// <param name="severity">The severity.</param>
    /// <returns>The name.</returns>
    public static string Name(VmStateSeverity severity) => severity switch
    {
        VmStateSeverity.Warning => "warning",
        VmStateSeverity.Conditional => "conditional",
        VmStateSeverity.SilentCorruption => "silently-corrupt",
        _ => "refused",
    };
}
