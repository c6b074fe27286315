using System.Collections.Generic;
using System.Globalization;
using MigrationFormat.Qemu;
using MigrationFormat.Tool.Devices;
using MigrationFormat.Tool.IO;
using MigrationFormat.Tool.Walking;

namespace MigrationFormat.Tool.Commands;

/// <summary>
/// <c>migfmt verify</c>: checks a stream without loading it and lists every problem on standard output. A BER stream:
/// its framing, every checksum when it announces them, the section count, the embedded schema documents, and every
/// section against its schema (fields known, in order, once, flagged as the schema says, present when required, values
/// within their kinds). A QEMU stream: its records, and every device section against its VM description when it carries
/// one. Exit 0 when there is no problem, 1 otherwise.
/// </summary>
internal static class VerifyCommand
{
    public static int Run(ToolConsole console, string path, DeviceSet? devices)
    {
        using InputStream input = ToolFiles.Open(console, path, "verify");
        return ToolFiles.Detect(input) switch
        {
            InputFormat.Migration => VerifyBer(console, input, devices),
            InputFormat.Qemu => VerifyQemu(console, input),
            _ => Fail(console, input.Name, ToolFiles.NotAStream(input, "verify").Message),
        };
    }

    private static int VerifyBer(ToolConsole console, InputStream input, DeviceSet? devices)
    {
        using var walker = new StreamWalker(input, devices is null ? null : devices.SchemaOf, console.Budget);
        int problems = 0;
        int sections = 0;
        int checksums = 0;
        var unnamed = new List<string>();
        int unnamedCount = 0;
        bool stopped = false;
        try
        {
            while (walker.Read())
            {
                problems += Print(console, walker.TakeProblems());
                WalkToken token = walker.Current;
                if (token.Role == WalkRole.State && token.Kind == WalkTokenKind.Start && token.Section!.Schema is null)
                {
                    // A stream of countless sections without schemas costs a count, not a list.
                    if (unnamed.Count < 20)
                    {
                        unnamed.Add(token.Section.Label);
                    }

                    unnamedCount++;
                }
                else if (token.Role == WalkRole.Section && token.Kind == WalkTokenKind.End)
                {
                    sections++;
                }
                else if (token.Role == WalkRole.Checksum && token.Checksum is { Matches: true })
                {
                    checksums++;
                }
            }
        }
        catch (MigrationFormatException ex)
        {
            problems += Print(console, walker.TakeProblems());
            console.Out.WriteLine("problem: " + ex.Message + " Nothing after this point can be read.");
            problems++;
            stopped = true;
        }

        foreach (string section in unnamed)
        {
            string where = devices is null ? "none embedded" : "none embedded and none in --assembly";
            console.Out.WriteLine($"note: section {section} has no schema ({where}); only its framing was checked.");
        }

        if (unnamedCount > unnamed.Count)
        {
            console.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"note: ... and {unnamedCount - unnamed.Count} more section(s) without a schema."));
        }

        string integrity = walker.Capabilities.Contains(Visitors.MigrationStreamFormat.IntegrityCapability)
            ? string.Create(CultureInfo.InvariantCulture, $"{checksums} checksum(s) verified")
            : "no checksums (the stream does not announce crc32c)";
        console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{input.Name}: BER migration stream{(stopped ? " (unreadable past the first problem)" : string.Empty)}, {sections} section(s), "
            + $"{walker.Schemas.Count} embedded schema(s), {integrity}: {Verdict(problems)}"));
        return problems == 0 ? Program.ExitOk : Program.ExitBadInput;
    }

    private static int VerifyQemu(ToolConsole console, InputStream input)
    {
        int problems = 0;
        var devices = new List<QemuSectionRecord>();
        int sections = 0;
        VmDescription? description = null;
        using (var reader = new QemuStreamReader(input, new QemuStreamReaderOptions { Budget = console.Budget }, leaveOpen: true))
        {
            try
            {
                while (reader.Read() is { } record)
                {
                    if (record is QemuSectionRecord { HasFullHeader: true } section)
                    {
                        sections++;
                        if (section.Kind == QemuRecordKind.SectionFull)
                        {
                            reader.ChargeHeld(section);
                            devices.Add(section);
                        }
                    }
                }

                description = reader.Description;
            }
            catch (MigrationFormatException ex)
            {
                console.Out.WriteLine("problem: " + ex.Message + " Nothing after this point can be read.");
                problems++;
            }
        }

        if (description is not null)
        {
            foreach (QemuSectionRecord section in devices)
            {
                VmDeviceDescription? device = description.FindDevice(section.IdStr, section.InstanceId);
                if (device is null)
                {
                    console.Out.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"problem: section {section.SectionId} '{section.IdStr}' instance {section.InstanceId}: "
                        + $"expected an entry in the VM description; found none (at byte offset {section.Offset})."));
                    problems++;
                }
                else if (!VmStateDecoder.TryDecode(
                    device, section.Payload, section.Offset + section.HeaderLength, console.Budget, out _, out MigrationFormatException? error))
                {
                    console.Out.WriteLine($"problem: section '{section.IdStr}' instance {section.InstanceId}: {error.Message}");
                    problems++;
                }
            }
        }
        else if (problems == 0)
        {
            console.Out.WriteLine("note: the stream has no VM description; device sections were delimited by their footers, their fields not checked.");
        }

        console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{input.Name}: QEMU savevm stream, {sections} section(s), "
            + $"{(description is null ? "no VM description" : "VM description present")}: {Verdict(problems)}"));
        return problems == 0 ? Program.ExitOk : Program.ExitBadInput;
    }

    private static int Print(ToolConsole console, WalkProblem[] problems)
    {
        foreach (WalkProblem problem in problems)
        {
            console.Out.WriteLine("problem: " + problem);
        }

        return problems.Length;
    }

    private static string Verdict(int problems) =>
        problems == 0 ? "OK" : string.Create(CultureInfo.InvariantCulture, $"{problems} problem(s)");

    private static int Fail(ToolConsole console, string name, string message)
    {
        console.Out.WriteLine("problem: " + message);
        console.Out.WriteLine($"{name}: not a stream: 1 problem(s)");
        return Program.ExitBadInput;
    }
}
