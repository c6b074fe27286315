using System;
using System.Buffers;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using MigrationFormat.Schema;
using MigrationFormat.Schema.Asn1;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool;

/// <summary>The <c>migfmt</c> command line.</summary>
public static class Program
{
    /// <summary>Exit code: success.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code: bad or incompatible input.</summary>
    public const int ExitBadInput = 1;

    /// <summary>Exit code: usage error.</summary>
    public const int ExitUsage = 2;

    /// <summary>Exit code of <c>check</c>: the schemas are not compatible; of <c>select</c>: no host fits.</summary>
    public const int ExitIncompatible = 3;

    /// <summary>Exit code of <c>check</c> on QEMU dumps: compatible only for some run-time states (a subsection or field_exists field sent or not).</summary>
    public const int ExitConditional = 4;

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the tool in-process.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="stdout">Where normal output goes.</param>
    /// <param name="stderr">Where errors and reports go.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        RootCommand root = BuildCommands(stdout, stderr);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parse.Errors)
            {
                stderr.WriteLine("migfmt: " + error.Message);
            }

            stderr.WriteLine("Run 'migfmt --help' for usage.");
            return ExitUsage;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (MigrationFormatException ex)
        {
            stderr.WriteLine("migfmt: error: " + ex.Message);
            return ExitBadInput;
        }
        catch (IOException ex)
        {
            stderr.WriteLine("migfmt: error: " + ex.Message);
            return ExitBadInput;
        }
        catch (UnauthorizedAccessException ex)
        {
            stderr.WriteLine("migfmt: error: " + ex.Message);
            return ExitBadInput;
        }
        catch (UsageException ex)
        {
            stderr.WriteLine("migfmt: " + ex.Message);
            return ExitUsage;
        }
    }

    private static RootCommand BuildCommands(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("migfmt: inspect, produce and load MigrationFormat device migration streams.");

        var demo = new Command("demo", "Save the sample devices into one BER stream, dump it, and show cross-version loads.");
        demo.SetAction(_ => Demo.Run(stdout));
        root.Add(demo);

        var list = new Option<bool>("--list") { Description = "List the sample devices." };
        var device = new Option<string>("--device") { Description = "The sample device's name (see sample --list).", HelpName = "NAME" };
        var version = new Option<int?>("--version") { Description = "The device version.", HelpName = "N" };
        var format = new Option<string>("--format") { Description = "The stream format.", DefaultValueFactory = _ => "ber" };
        format.AcceptOnlyFromAmong("ber", "legacy");
        var output = new Option<string>("--output", "-o") { Description = "The file to write.", HelpName = "FILE" };
        var noSchema = new Option<bool>("--no-schema") { Description = "Do not embed the device's schema in the BER stream." };
        var sample = new Command("sample", "List the sample devices, or write one's busy state as a migration stream.") { list, device, version, format, output, noSchema };
        sample.SetAction(p => Sample(p.GetValue(list), p.GetValue(device), p.GetValue(version), p.GetValue(format)!, p.GetValue(output), !p.GetValue(noSchema), stdout));
        root.Add(sample);

        var loadDevice = new Option<string>("--device") { Description = "The sample device to load into.", HelpName = "NAME", Required = true };
        var loadVersion = new Option<int>("--version") { Description = "The destination device version.", HelpName = "N", Required = true };
        var loadFile = new Argument<string>("FILE") { Description = "A BER migration stream." };
        var load = new Command("load", "Load a stream into a sample device version and print its state as JSON.") { loadDevice, loadVersion, loadFile };
        load.SetAction(p => Load(p.GetValue(loadDevice)!, p.GetValue(loadVersion), p.GetValue(loadFile)!, stdout, stderr));
        root.Add(load);

        var dumpFile = new Argument<string>("FILE") { Description = "A BER migration stream." };
        var json = new Option<bool>("--json") { Description = "Print the tree as JSON." };
        var dump = new Command("dump", "Dump a BER migration stream as a tree of TLVs.") { dumpFile, json };
        dump.SetAction(p => Dump(p.GetValue(dumpFile)!, p.GetValue(json), stdout));
        root.Add(dump);

        var schemaDevice = new Option<string>("--device")
        {
            Description = "The sample device (for asn1 without it: the stream's framing module).",
            HelpName = "NAME",
        };
        var schemaVersion = new Option<int?>("--version") { Description = "The device version.", HelpName = "N" };
        var schemaFormat = new Option<string>("--format")
        {
            Description = "schema (the library's document), json-schema (of migfmt load's output), vmstate (QEMU -dump-vmstate) or asn1 (an ASN.1 module).",
            DefaultValueFactory = _ => "schema",
        };
        schemaFormat.AcceptOnlyFromAmong("schema", "json-schema", "vmstate", "asn1");
        var schemaSections = new Option<string[]>("--section")
        {
            Description = "With --format asn1: a section of the stream, as ID/vN (e.g. serial/v3); repeat it for each section, in stream order.",
            HelpName = "ID/vN",
            AllowMultipleArgumentsPerToken = false,
        };
        var schemaName = new Option<string>("--name")
        {
            Description = "With --section: the name of the stream's module and types.",
            DefaultValueFactory = _ => "Machine",
        };
        var schema = new Command("schema", "Print a sample device version's schema, or an ASN.1 module: the stream's framing, or a stream of given sections.")
        {
            schemaDevice, schemaVersion, schemaFormat, schemaSections, schemaName,
        };
        schema.SetAction(p => Schema(
            p.GetValue(schemaDevice), p.GetValue(schemaVersion), p.GetValue(schemaFormat)!, p.GetValue(schemaSections), p.GetValue(schemaName)!, stdout));
        root.Add(schema);

        var source = new Argument<string>("SRC") { Description = "The source's schema document (migfmt schema, a catalog, or QEMU -dump-vmstate JSON)." };
        var destination = new Argument<string>("DST") { Description = "The destination's schema document, of the same kind." };
        var checkJson = new Option<bool>("--json") { Description = "For QEMU dumps: print the report as JSON (format migfmt-qemu-check/1)." };
        var arrayCounts = new Option<string[]>("--array-counts")
        {
            Description = "For QEMU dumps without array counts (7.2): JSON {vmsd: {field: count}}, as make-real-pairs.sh records them from streams.",
            HelpName = "FILE",
        };
        var check = new Command(
            "check",
            "Check that state saved with SRC loads with DST: exit 0 when compatible, 3 when not, 4 (QEMU dumps) when it depends on run-time state, with every reason.")
        {
            source, destination, checkJson, arrayCounts,
        };
        check.SetAction(p => Check(p.GetValue(source)!, p.GetValue(destination)!, p.GetValue(checkJson), p.GetValue(arrayCounts) ?? [], stdout));
        root.Add(check);

        var convertTo = new Option<string>("--to") { Description = "ber: a QEMU savevm stream to BER; legacy: a BER stream (made by convert --to ber, or of sample devices) to a QEMU savevm stream.", Required = true };
        convertTo.AcceptOnlyFromAmong("ber", "legacy");
        var convertInput = new Argument<string>("IN") { Description = "The input stream." };
        var convertOutput = new Argument<string>("OUT") { Description = "The file to write." };
        var convert = new Command("convert", "Convert between QEMU savevm streams and BER migration streams.") { convertTo, convertInput, convertOutput };
        convert.SetAction(p => LegacyStreams.Convert(p.GetValue(convertTo)!, p.GetValue(convertInput)!, p.GetValue(convertOutput)!));
        root.Add(convert);

        root.Add(DescribeCommand.Build(stdout, stderr));
        root.Add(SelectCommand.Build(stdout));

        return root;
    }

    private static int Schema(string? deviceName, int? version, string format, string[]? sections, string name, TextWriter stdout)
    {
        if (sections is { Length: > 0 })
        {
            if (format != "asn1" || deviceName is not null || version is not null)
            {
                throw new UsageException("schema: --section goes with --format asn1 and without --device or --version.");
            }

            stdout.Write(Asn1StreamModule.Create(name, [.. System.Linq.Enumerable.Select(sections, SectionModule)]).Text);
            return ExitOk;
        }

        if (format == "asn1" && deviceName is null && version is null)
        {
            stdout.Write(Asn1FramingModule.Text);
            return ExitOk;
        }

        if (deviceName is null || version is null)
        {
            throw new UsageException("schema: give --device NAME --version N (with --format asn1, neither prints the framing module).");
        }

        DeviceType type = ResolveDevice(deviceName, version.Value);
        DeviceSchema schema = DeviceSchema.For(type, version.Value);
        if (format == "asn1")
        {
            stdout.Write(Asn1DeviceModule.Create(schema).Text);
            return ExitOk;
        }

        byte[] document = format switch
        {
            "json-schema" => JsonSchemaExporter.ToUtf8(schema, indented: true),
            "vmstate" => VmStateJson.Export(schema, indented: true),
            _ => SchemaDocument.ToUtf8(schema, indented: true),
        };
        stdout.WriteLine(Encoding.UTF8.GetString(document));
        return ExitOk;
    }

    /// <summary>The device module of a section given as <c>id/vN</c>.</summary>
    private static Asn1DeviceModule SectionModule(string section)
    {
        int slash = section.LastIndexOf("/v", StringComparison.Ordinal);
        if (slash <= 0 || !int.TryParse(section.AsSpan(slash + 2), NumberStyles.None, CultureInfo.InvariantCulture, out int version))
        {
            throw new UsageException($"schema: --section takes ID/vN, e.g. serial/v3; '{section}' was given.");
        }

        return Asn1DeviceModule.Create(DeviceSchema.For(ResolveDevice(section[..slash], version), version));
    }

    private static int Check(string sourceFile, string destinationFile, bool json, string[] arrayCountFiles, TextWriter stdout)
    {
        byte[] sourceBytes = File.ReadAllBytes(sourceFile);
        byte[] destinationBytes = File.ReadAllBytes(destinationFile);
        bool sourceQemu = VmStateJson.IsVmStateJson(sourceBytes), destinationQemu = VmStateJson.IsVmStateJson(destinationBytes);
        if (sourceQemu != destinationQemu)
        {
            throw new UsageException("check: SRC and DST must both be schema documents or both QEMU vmstate JSON.");
        }

        if (sourceQemu)
        {
            return QemuCheck.Run(sourceBytes, destinationBytes, json, arrayCountFiles, stdout);
        }

        if (json || arrayCountFiles.Length > 0)
        {
            throw new UsageException("check: --json and --array-counts apply to QEMU -dump-vmstate files.");
        }

        CompatibilityReport report = CompatibilityChecker.Check(SchemaDocument.ParseMany(sourceBytes), SchemaDocument.ParseMany(destinationBytes));
        foreach (string entry in report.Skipped)
        {
            stdout.WriteLine("skipped: " + entry);
        }

        foreach (string entry in report.Defaulted)
        {
            stdout.WriteLine("defaulted: " + entry);
        }

        foreach (CompatibilityIssue issue in report.Issues)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"incompatible: {issue.Kind}: {issue}"));
        }

        stdout.WriteLine(report.IsCompatible ? "compatible" : string.Create(CultureInfo.InvariantCulture, $"not compatible: {report.Issues.Count} reason(s)"));
        return report.IsCompatible ? ExitOk : ExitIncompatible;
    }

    private static int Sample(bool list, string? deviceName, int? version, string format, string? output, bool embedSchema, TextWriter stdout)
    {
        if (list)
        {
            foreach (DeviceType type in ToolSamples.Types)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{type.Id}\tv{type.MinimumVersion}..v{type.CurrentVersion}\t{type.Description}"));
            }

            return ExitOk;
        }

        if (deviceName is null || version is null || output is null)
        {
            throw new UsageException("sample: give --list, or --device NAME --version N -o FILE.");
        }

        DeviceType deviceType = ResolveDevice(deviceName, version.Value);
        if (format == "legacy")
        {
            File.WriteAllBytes(output, LegacyStreams.SaveQemuStream([(ToolSamples.CreateBusy(deviceType, version.Value), 0u)]));
            return ExitOk;
        }

        byte[] stream = SaveStream([ToolSamples.CreateBusy(deviceType, version.Value)], embedSchema);
        File.WriteAllBytes(output, stream);
        return ExitOk;
    }

    private static int Load(string deviceName, int version, string file, TextWriter stdout, TextWriter stderr)
    {
        DeviceType deviceType = ResolveDevice(deviceName, version);
        byte[] data = File.ReadAllBytes(file);
        IDeviceState device = deviceType.Create(version);
        using var reader = new MigrationStreamReader(data);
        bool loaded = false;
        List<string> skipped = [];
        List<string> defaulted = [];
        while (reader.TryReadSection(out SectionHeader section))
        {
            if (loaded || !string.Equals(section.Id, deviceType.Id, StringComparison.Ordinal))
            {
                continue;
            }

            // The embedded schemas precede the sections: they name fields this device version does not know.
            reader.FieldNames = SchemaFieldNames.FromEmbedded(reader.Schemas);
            LoadReport report = reader.LoadSection(device);
            skipped.AddRange(report.SkippedFields);
            defaulted.AddRange(report.DefaultedFields);
            loaded = true;
        }

        if (!loaded)
        {
            throw new MigrationFormatException(MigrationErrorKind.UnknownDevice, $"The stream has no section for device '{deviceType.Id}'.", -1);
        }

        stdout.WriteLine(StateJson(device));
        WriteReport(stderr, skipped, defaulted);
        return ExitOk;
    }

    private static int Dump(string file, bool json, TextWriter stdout)
    {
        if (IsQemuFile(file))
        {
            return DumpQemu(file, json, stdout);
        }

        byte[] data = File.ReadAllBytes(file);
        IReadOnlyList<DumpNode> nodes = BerDump.Parse(data, new SchemaResolver(EmbeddedSchemas(data), ToolSamples.Types));
        if (json)
        {
            using var buffer = new MemoryStream();
            BerDump.WriteJson(buffer, nodes);
            stdout.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        else
        {
            BerDump.WriteText(stdout, nodes);
        }

        return ExitOk;
    }

    internal static DeviceType ResolveDevice(string name, int version)
    {
        DeviceType type = ToolSamples.Find(name)
            ?? throw new UsageException($"Unknown device '{name}'. Known devices: {string.Join(", ", KnownNames())}.");
        if (!type.Supports(version))
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"Device '{type.Id}' has versions {type.MinimumVersion} to {type.CurrentVersion}; version {version} was given."));
        }

        return type;
    }

    private static bool IsQemuFile(string file)
    {
        Span<byte> prefix = stackalloc byte[4];
        using FileStream stream = File.OpenRead(file);
        return stream.ReadAtLeast(prefix, 4, throwOnEndOfStream: false) == 4 && Visitors.Qemu.QemuStreamFormat.IsQemuStream(prefix);
    }

    /// <summary>
    /// A QEMU stream as a tree, or with <c>--json</c> as the document QEMU's analyze-migration.py prints with
    /// <c>--dump state</c>. Output is produced whole before it is printed: a stream cut short prints nothing.
    /// </summary>
    private static int DumpQemu(string file, bool json, TextWriter stdout)
    {
        using FileStream stream = File.OpenRead(file);
        if (json)
        {
            var output = new ArrayBufferWriter<byte>();
            Visitors.Qemu.AnalyzerJsonWriter.WriteState(stream, output);
            stdout.Write(Encoding.UTF8.GetString(output.WrittenSpan));
        }
        else
        {
            stdout.Write(Visitors.Qemu.QemuStreamDumper.DumpToString(stream));
        }

        return ExitOk;
    }

    /// <summary>Reads the schemas a BER migration stream embeds; none for other inputs.</summary>
    internal static IReadOnlyDictionary<string, DeviceSchema> EmbeddedSchemas(byte[] data)
    {
        if (!MigrationStreamFormat.IsMigrationStream(data))
        {
            return new Dictionary<string, DeviceSchema>();
        }

        using var reader = new MigrationStreamReader(data);
        reader.TryReadSection(out _);
        return SchemaEmbedding.ReadSchemas(reader.Schemas);
    }

    internal static byte[] SaveStream(IReadOnlyList<IDeviceState> devices, bool embedSchemas = true)
    {
        var output = new ArrayBufferWriter<byte>();
        using var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { Producer = "migfmt" });
        if (embedSchemas)
        {
            SchemaEmbedding.WriteSchemas(writer, devices);
        }

        foreach (IDeviceState device in devices)
        {
            writer.WriteDevice(device);
        }

        writer.Complete();
        return output.WrittenSpan.ToArray();
    }

    internal static string StateJson(IDeviceState device)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            JsonDumpVisitor.Write(json, device);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    internal static void WriteReport(TextWriter output, IReadOnlyList<string> skipped, IReadOnlyList<string> defaulted)
    {
        output.WriteLine(skipped.Count == 0 ? "skipped fields: none" : "skipped fields:");
        foreach (string entry in skipped)
        {
            output.WriteLine("  " + entry);
        }

        output.WriteLine(defaulted.Count == 0 ? "defaulted fields: none" : "defaulted fields:");
        foreach (string entry in defaulted)
        {
            output.WriteLine("  " + entry);
        }
    }

    private static IEnumerable<string> KnownNames()
    {
        foreach (DeviceType type in ToolSamples.Types)
        {
            yield return type.Id;
        }
    }
}

/// <summary>A usage error: exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
