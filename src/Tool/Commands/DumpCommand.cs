using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using MigrationFormat.Ber;
using MigrationFormat.Qemu;
using MigrationFormat.Schema;
using MigrationFormat.Tool.Devices;
using MigrationFormat.Tool.IO;
using MigrationFormat.Tool.Walking;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool.Commands;

/// <summary>
/// <c>migfmt dump</c>: a stream as a tree, printed as it is read. A BER input shows every value with its offset, tag,
/// flag, length, name and value, and each checksum verified; a QEMU stream shows its records, or with <c>--json</c>
/// the document QEMU's <c>analyze-migration.py --dump state</c> prints (with <c>--typed</c>, that document with what the
/// VM description leaves opaque named through the typed models). <c>--schemas</c> prints the schemas a BER stream
/// embeds. A stream that is cut, malformed or fails a checksum is dumped up to the problem and exits 1.
/// </summary>
internal static class DumpCommand
{
    public static int Run(ToolConsole console, string path, bool json, bool schemas, DeviceSet devices, bool typed = false)
    {
        if (typed && !json)
        {
            throw new UsageException("dump: --typed goes with --json (the text tree of a QEMU stream names virtio and slirp fields already).");
        }

        using InputStream input = ToolFiles.Open(console, path, "dump");
        InputFormat format = ToolFiles.Detect(input);
        if (typed && format != InputFormat.Qemu)
        {
            throw new ToolInputException(
                $"dump --typed: expected a QEMU savevm stream (51 45 56 4D, \"QEVM\"), whose VM description leaves virtio and slirp opaque; "
                + $"found {ToolFiles.DescribeStart(input)} in {input.Name}.");
        }

        if (format == InputFormat.Qemu)
        {
            if (schemas)
            {
                throw new ToolInputException(
                    $"dump --schemas: expected a BER migration stream, which embeds schema documents; found a QEMU savevm stream in {input.Name}, "
                    + "which embeds none. Convert it first (migfmt convert --to ber derives schemas from its VM description).");
            }

            return DumpQemu(console, input, json, typed, devices);
        }

        if (schemas)
        {
            if (format != InputFormat.Migration)
            {
                throw new ToolInputException(
                    $"dump --schemas: expected a BER migration stream (7F CD 46 80); found {ToolFiles.DescribeStart(input)} in {input.Name}.");
            }

            return DumpSchemas(console, input);
        }

        string start = format == InputFormat.Other ? ToolFiles.DescribeStart(input) : string.Empty;
        using var walker = new StreamWalker(input, devices.SchemaOf, console.Budget);
        var failures = new FailureLog();
        try
        {
            if (json)
            {
                WriteJson(walker, console.OpenOutput(), failures);
            }
            else
            {
                WriteText(walker, console.Out, failures);
            }
        }
        catch (MigrationFormatException ex) when (format == InputFormat.Other)
        {
            throw new MigrationFormatException(
                ex.Kind,
                "dump: expected a BER migration stream (7F CD 46 80), a QEMU savevm stream (51 45 56 4D, \"QEVM\") or other BER; "
                + $"found {start} in {input.Name}, which is not BER: {ex.Detail}",
                ex.Offset,
                ex.FieldPath,
                ex);
        }

        return Report(console, failures);
    }

    /// <summary>Prints the failures that do not stop a dump (checksums, an abandoned stream) once it is done.</summary>
    /// <returns>The exit code.</returns>
    public static int Report(ToolConsole console, FailureLog failures)
    {
        if (failures.Count == 0)
        {
            return Program.ExitOk;
        }

        console.Out.Flush();
        foreach (WalkProblem failure in failures.First)
        {
            console.Error.WriteLine("migfmt: error: " + failure);
        }

        if (failures.Count > failures.First.Count)
        {
            console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"migfmt: error: ... and {failures.Count - failures.First.Count} more."));
        }

        return Program.ExitBadInput;
    }

    /// <summary>Writes a BER input as text, one line per value, as it is read.</summary>
    public static void WriteText(StreamWalker walker, TextWriter output, FailureLog failures)
    {
        var line = new StringBuilder();
        while (walker.Read())
        {
            CollectFailures(walker, failures);
            WalkToken token = walker.Current;
            if (token.Kind == WalkTokenKind.End)
            {
                continue;
            }

            line.Clear();
            line.Append(token.Offset.ToString("D6", CultureInfo.InvariantCulture)).Append("  ");
            line.Append(' ', token.Depth * 2);
            line.Append(token.Tag.ToString());
            if (token.Flag is not null)
            {
                line.Append(' ').Append(token.Flag);
            }

            line.Append(", len ").Append(token.Length < 0 ? "indefinite" : token.Length.ToString(CultureInfo.InvariantCulture));
            if (token.Name is not null)
            {
                line.Append("  ").Append(token.Name);
            }

            if (token.Kind == WalkTokenKind.Primitive)
            {
                line.Append(token.Name is null ? "  " : " = ").Append(ValueText.Of(token));
            }

            output.WriteLine(line.ToString());
        }

        CollectFailures(walker, failures);
    }

    /// <summary>Writes a BER input as a JSON array of TLV objects with their children, as it is read.</summary>
    private static void WriteJson(StreamWalker walker, Stream output, FailureLog failures)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        while (walker.Read())
        {
            CollectFailures(walker, failures);
            WalkToken token = walker.Current;
            if (token.Kind == WalkTokenKind.End)
            {
                json.WriteEndArray();
                json.WriteEndObject();
            }
            else
            {
                json.WriteStartObject();
                WriteNode(json, token);
                if (token.Kind == WalkTokenKind.Start)
                {
                    json.WriteStartArray("children");
                }
                else
                {
                    json.WriteEndObject();
                }
            }

            if (json.BytesPending > 64 * 1024)
            {
                json.Flush();
            }
        }

        CollectFailures(walker, failures);
        json.WriteEndArray();
        json.Flush();
        output.Write("\n"u8);
        output.Flush();
    }

    private static void WriteNode(Utf8JsonWriter json, WalkToken token)
    {
        json.WriteNumber("offset", token.Offset);
        json.WriteString("class", token.Tag.TagClass switch
        {
            BerTagClass.Universal => "universal",
            BerTagClass.Application => "application",
            BerTagClass.ContextSpecific => "context",
            _ => "private",
        });
        json.WriteNumber("number", token.Tag.TagNumber);
        json.WriteBoolean("constructed", token.Tag.IsConstructed);
        if (token.Flag is not null)
        {
            json.WriteString("flag", token.Flag);
        }

        if (token.Length < 0)
        {
            json.WriteString("length", "indefinite");
        }
        else
        {
            json.WriteNumber("length", token.Length);
        }

        if (token.Name is not null)
        {
            json.WriteString("name", token.Name);
        }

        if (token.Kind != WalkTokenKind.Primitive)
        {
            return;
        }

        if (token.Checksum is ChecksumCheck check)
        {
            json.WriteString("hex", ValueText.Hex(token.Contents));
            json.WriteString("checksum", check.Matches ? "verified" : "mismatch");
            json.WriteString("computed", check.Computed.ToString("X8", CultureInfo.InvariantCulture));
            return;
        }

        JsonValues.WriteDumpValue(json, token);
    }

    /// <summary>Keeps the problems that make a dump fail: checksums and framing, not a section's disagreement with its schema.</summary>
    public static void CollectFailures(StreamWalker walker, FailureLog failures)
    {
        foreach (WalkProblem problem in walker.TakeProblems())
        {
            if (problem.Category is ProblemCategory.Integrity or ProblemCategory.Framing)
            {
                failures.Add(problem);
            }
        }
    }

    /// <summary>Prints the embedded schemas as one document <c>migfmt check</c> reads: <c>{"devices": [...]}</c>.</summary>
    private static int DumpSchemas(ToolConsole console, InputStream input)
    {
        using var walker = new StreamWalker(input, deviceSchemas: null, console.Budget);
        var failures = new FailureLog();
        while (walker.Read())
        {
            foreach (WalkProblem problem in walker.TakeProblems())
            {
                // The stream is read to its end so that its checksums vouch for the schemas; section contents do not matter here.
                if (problem.Category != ProblemCategory.Schema)
                {
                    failures.Add(problem);
                }
            }
        }

        if (failures.Count > 0)
        {
            return Report(console, failures);
        }

        Stream output = console.OpenOutput();
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("devices");
            foreach (KeyValuePair<string, byte[]> entry in walker.SchemaDocuments)
            {
                SchemaDocument.Write(json, walker.Schemas[entry.Key]);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.Write("\n"u8);
        output.Flush();
        return Program.ExitOk;
    }

    private static int DumpQemu(ToolConsole console, InputStream input, bool json, bool typed, DeviceSet devices)
    {
        if (json)
        {
            // The analyzer's document needs the VM description, which comes last: device payloads are held until it is read;
            // the document itself goes out as it is written.
            Stream output = console.OpenOutput();
            var writer = new ChunkedOutputWriter(output);
            var readerOptions = new QemuStreamReaderOptions { Budget = console.Budget };
            if (typed)
            {
                AnalyzerJsonWriter.WriteTypedState(input, writer, readerOptions);
            }
            else
            {
                AnalyzerJsonWriter.WriteState(input, writer, readerOptions);
            }

            writer.Flush();
            output.Flush();
        }
        else
        {
            var options = new QemuDumpOptions
            {
                DescribeChunkedBlob = DescribeBackendState,
                DescribeUndescribedSection = section => DescribeKnownSection(devices, section),
                ReaderOptions = new QemuStreamReaderOptions { Budget = console.Budget },
            };
            QemuStreamDumper.Dump(input, console.Out, options);
        }

        return Program.ExitOk;
    }

    /// <summary>
    /// A section of a QEMU stream without a VM description (as <c>sample --format legacy</c> writes), loaded by the code of
    /// the device its id names (the samples, or those of <c>--assembly</c>) and printed as that device's state JSON;
    /// <see langword="null"/> when no known device has that id and version. A payload the device cannot load is an error.
    /// </summary>
    private static string? DescribeKnownSection(DeviceSet devices, QemuSectionRecord section)
    {
        DeviceType? type = devices.Find(section.IdStr);
        if (type is null || section.VersionId > int.MaxValue || !type.Supports((int)section.VersionId))
        {
            return null;
        }

        int version = (int)section.VersionId;
        IDeviceState device = type.Create(version);
        LegacyDeviceSerializer.Load(device, section.Payload.Span, version, baseOffset: section.Offset + section.HeaderLength);
        return string.Create(CultureInfo.InvariantCulture, $"{type.Id} v{version} ({type.Description}):\n{Program.StateJson(device)}");
    }

    /// <summary>A back-end's state found in a QEMU stream as a chunked blob, dumped as text when it is a BER migration stream.</summary>
    private static string? DescribeBackendState(ReadOnlyMemory<byte> contents)
    {
        if (!Visitors.MigrationStreamFormat.IsMigrationStream(contents.Span))
        {
            return null;
        }

        using var text = new StringWriter(CultureInfo.InvariantCulture);
        text.WriteLine("BER migration stream:");
        var failures = new FailureLog();
        try
        {
            using var walker = new StreamWalker(new MemoryStream(contents.ToArray(), writable: false), DeviceSet.Samples.SchemaOf);
            WriteText(walker, text, failures);
        }
        catch (MigrationFormatException ex)
        {
            text.WriteLine("(cannot decode: " + ex.Message + ")");
        }

        return text.ToString();
    }
}
