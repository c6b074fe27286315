using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using MigrationFormat.Schema;
using MigrationFormat.Tool.IO;

namespace MigrationFormat.Tool.Commands;

/// <summary>
/// <c>migfmt select --vm VM.json HOST.json...</c>: which candidate hosts can take a VM, and every reason each other host
/// cannot (docs/catalog.md §5). Exit 0 when at least one host fits, 3 when none does.
/// </summary>
internal static class SelectCommand
{
    /// <summary>Builds the verb.</summary>
    /// <param name="console">The console.</param>
    /// <returns>The verb.</returns>
    public static Command Build(ToolConsole console)
    {
        var vm = new Option<string>("--vm")
        {
            Description = "The VM document (migfmt describe --vm on the source host); - for standard input.",
            HelpName = "VM.json",
            Required = true,
        };
        var hosts = new Argument<string[]>("HOST.json")
        {
            Description = "Each candidate host's catalog (migfmt describe --schemas on that host); - for standard input.",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Print the verdicts as JSON (format migfmt-select/1)." };
        var command = new Command(
            "select",
            "Tell which hosts can take a VM before it migrates: exit 0 when at least one fits, 3 when none does, "
                + "with every reason for each host that does not.")
        {
            vm, hosts, json,
        };
        command.SetAction(p => Run(console, p.GetValue(vm)!, p.GetValue(hosts) ?? [], p.GetValue(json)));
        return command;
    }

    private static int Run(ToolConsole console, string vmFile, string[] hostFiles, bool json)
    {
        int standard = hostFiles.Count(file => file == ToolFiles.Standard) + (vmFile == ToolFiles.Standard ? 1 : 0);
        if (standard > 1)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"select: expected at most one document from standard input (-); found {standard}."));
        }

        TextWriter stdout = console.Out;
        VmConfiguration vm = VmConfiguration.Parse(ToolFiles.ReadAll(console, vmFile));
        var verdicts = new List<HostVerdict>();
        foreach (string file in hostFiles)
        {
            DeviceCatalog host = DeviceCatalog.Parse(ToolFiles.ReadAll(console, file));
            verdicts.Add(HostSelector.Check(vm, host, file == ToolFiles.Standard ? "standard input" : Path.GetFileName(file)));
        }

        int fitting = verdicts.FindAll(v => v.Fits).Count;
        if (json)
        {
            WriteJson(verdicts, stdout);
        }
        else
        {
            WriteText(verdicts, fitting, stdout);
        }

        return fitting > 0 ? Program.ExitOk : Program.ExitIncompatible;
    }

    private static void WriteText(List<HostVerdict> verdicts, int fitting, TextWriter stdout)
    {
        foreach (HostVerdict verdict in verdicts)
        {
            stdout.WriteLine(verdict.Fits
                ? $"{verdict.Host}: fits"
                : string.Create(CultureInfo.InvariantCulture, $"{verdict.Host}: does not fit, {verdict.Reasons.Count} reason(s)"));
            foreach (SelectionReason reason in verdict.Reasons)
            {
                stdout.WriteLine($"  {reason.Device}: {Words(reason.Kind)}: {reason.Message}");
            }

            foreach (string note in verdict.Notes)
            {
                stdout.WriteLine("  note: " + note);
            }
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{fitting} of {verdicts.Count} host(s) fit"));
    }

    private static void WriteJson(List<HostVerdict> verdicts, TextWriter stdout)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", "migfmt-select/1");
            writer.WriteStartArray("hosts");
            foreach (HostVerdict verdict in verdicts)
            {
                writer.WriteStartObject();
                writer.WriteString("host", verdict.Host);
                writer.WriteBoolean("fits", verdict.Fits);
                writer.WriteStartArray("reasons");
                foreach (SelectionReason reason in verdict.Reasons)
                {
                    writer.WriteStartObject();
                    writer.WriteString("device", reason.Device);
                    writer.WriteString("kind", Words(reason.Kind));
                    writer.WriteString("subject", reason.Subject);
                    writer.WriteString("message", reason.Message);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteStartArray("notes");
                foreach (string note in verdict.Notes)
                {
                    writer.WriteStringValue(note);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        stdout.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>The kind in words: <c>ValueUnsupported</c> is <c>value unsupported</c>.</summary>
    internal static string Words(SelectionReasonKind kind)
    {
        string name = kind.ToString();
        var text = new StringBuilder(name.Length + 4);
        foreach (char c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
