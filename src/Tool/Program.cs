using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using MigrationFormat.Schema;
using MigrationFormat.Tool.Commands;
using MigrationFormat.Tool.Devices;
using MigrationFormat.Tool.IO;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool;

/// <summary>The <c>migfmt</c> command line.</summary>
public static class Program
{
    /// <summary>Exit code: success (and, for <c>diff</c>, no difference).</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code: bad or incompatible input.</summary>
    public const int ExitBadInput = 1;

    /// <summary>Exit code: usage error.</summary>
    public const int ExitUsage = 2;

    /// <summary>Exit code of <c>check</c>: the schemas are not compatible; of <c>select</c>: no host fits.</summary>
    public const int ExitIncompatible = 3;

    /// <summary>Exit code of <c>diff</c>: the streams differ.</summary>
    public const int ExitDifferent = 4;

    /// <summary>Exit code of <c>check</c> on QEMU dumps: compatible only for some run-time states (a subsection or field_exists field sent or not).</summary>
    public const int ExitConditional = 4;

    /// <summary>The producer name the tool writes in stream headers.</summary>
    internal const string Producer = "migfmt";

    /// <summary>Runs the tool on the process's standard streams.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The exit code.</returns>
    public static int Main(string[] args)
    {
        using Stream stdout = Console.OpenStandardOutput();
        var writer = new StreamWriter(stdout, new UTF8Encoding(false), 64 * 1024) { AutoFlush = false };
        using Stream stdin = Console.OpenStandardInput();
        var console = new ToolConsole(stdin, writer, Console.Error, () => stdout, !Console.IsErrorRedirected);
        int code = Run(args, console);
        try
        {
            writer.Flush();
        }
        catch (IOException)
        {
            // The reader of standard output went away (a closed pipe): what was not written cannot be.
            return code == ExitOk ? ExitBadInput : code;
        }

        return code;
    }

    /// <summary>Runs the tool in-process, with an empty standard input.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="stdout">Where normal output goes.</param>
    /// <param name="stderr">Where errors and reports go.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        return Run(args, ToolConsole.OverWriters(stdout, stderr));
    }

    /// <summary>Runs the tool on a console.</summary>
    internal static int Run(string[] args, ToolConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        RootCommand root = BuildCommands(console);
        Option<ResourceBudget> maxMemory = MemoryOption.Create();
        root.Add(maxMemory);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var printed = new HashSet<string>(StringComparer.Ordinal);
            foreach (ParseError error in parse.Errors)
            {
                string message = Describe(error);
                if (printed.Add(message))
                {
                    console.Error.WriteLine("migfmt: " + message);
                }
            }

            console.Error.WriteLine("Run 'migfmt --help' for usage.");
            return ExitUsage;
        }

        console.Budget = parse.GetValue(maxMemory);
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false });
        }
        catch (MigrationFormatException ex)
        {
            return Fail(console, "migfmt: error: " + ex.Message, ExitBadInput);
        }
        catch (ToolInputException ex)
        {
            return Fail(console, "migfmt: error: " + ex.Message, ExitBadInput);
        }
        catch (IOException ex)
        {
            return Fail(console, "migfmt: error: " + ex.Message, ExitBadInput);
        }
        catch (UnauthorizedAccessException ex)
        {
            return Fail(console, "migfmt: error: " + ex.Message, ExitBadInput);
        }
        catch (UsageException ex)
        {
            return Fail(console, "migfmt: " + ex.Message, ExitUsage);
        }
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

    internal static byte[] SaveStream(IReadOnlyList<IDeviceState> devices, bool embedSchemas = true) =>
        MigrationSerializer.Save(devices, new MigrationStreamWriterOptions { Producer = Producer }, embedSchemas);

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

    private static int Fail(ToolConsole console, string message, int code)
    {
        try
        {
            console.Out.Flush();
        }
        catch (IOException)
        {
            // Standard output is gone; the message still goes to standard error.
        }

        console.Error.WriteLine(message);
        return code;
    }

    /// <summary>Says what a parse error expected and found, and where (the verb or option).</summary>
    private static string Describe(ParseError error)
    {
        SymbolResult? symbol = error.SymbolResult;
        while (symbol is not null and not CommandResult)
        {
            symbol = symbol.Parent;
        }

        if (symbol is CommandResult command && error.Message.StartsWith("Required argument missing", StringComparison.Ordinal))
        {
            var expected = new List<string>();
            var found = new List<string>();
            foreach (Argument argument in command.Command.Arguments)
            {
                expected.Add(argument.Name);
                if (command.GetResult(argument) is { Tokens.Count: > 0 } given)
                {
                    found.Add("'" + given.Tokens[0].Value + "'");
                }
            }

            string what = found.Count == 0 ? "none" : "only " + string.Join(" ", found);
            return $"{command.Command.Name}: expected the argument(s) {string.Join(" ", expected)}; found {what}.";
        }

        return error.Message;
    }

    private static RootCommand BuildCommands(ToolConsole console)
    {
        var root = new RootCommand("migfmt: inspect, check, compare, produce and load MigrationFormat and QEMU device migration streams.");

        var demo = new Command("demo", "Save the sample devices into one BER stream, dump it, and show cross-version loads.");
        demo.SetAction(_ => Demo.Run(console.Out));
        root.Add(demo);

        var list = new Option<bool>("--list") { Description = "List the devices (the samples, or those of --assembly)." };
        var device = new Option<string>("--device") { Description = "The device's id (see sample --list).", HelpName = "NAME" };
        Option<int?> version = Options.Version(required: false);
        var format = new Option<string>("--format") { Description = "The stream format.", DefaultValueFactory = _ => "ber" };
        format.AcceptOnlyFromAmong("ber", "legacy");
        var output = new Option<string>("--output", "-o") { Description = "The file to write, or - for standard output.", HelpName = "FILE" };
        var noSchema = new Option<bool>("--no-schema") { Description = "Do not embed the device's schema in the BER stream." };
        var integrity = new Option<bool>("--integrity") { Description = "Close the BER stream's section and trailer with CRC-32C checksums." };
        Option<string[]> sampleAssembly = Options.Assembly();
        var sample = new Command("sample", "List the devices, or write one's state (a sample's busy state, a user device as created) as a stream.")
        {
            list, device, version, format, output, noSchema, integrity, sampleAssembly,
        };
        sample.SetAction(p => DeviceCommands.Sample(
            console,
            DeviceSet.From(p.GetValue(sampleAssembly)),
            p.GetValue(list),
            p.GetValue(device),
            p.GetValue(version),
            p.GetValue(format)!,
            p.GetValue(output),
            !p.GetValue(noSchema),
            p.GetValue(integrity)));
        root.Add(sample);

        var loadDevice = new Option<string>("--device") { Description = "The device to load into.", HelpName = "NAME", Required = true };
        Option<int?> loadVersion = Options.Version(required: false);
        var loadConfig = new Option<string?>("--config")
        {
            Description = "The device's configuration, for a layout other than the version's default: version=N,name=value,... (docs/catalog.md).",
            HelpName = "CONFIG",
        };
        Argument<string> loadFile = Options.Input("FILE", "A BER migration stream or a QEMU savevm stream; - for standard input.");
        Option<string[]> loadAssembly = Options.Assembly();
        var load = new Command("load", "Load a stream into a device version and print its state as JSON (the load report on standard error).")
        {
            loadDevice, loadVersion, loadConfig, loadFile, loadAssembly,
        };
        load.SetAction(p => DeviceCommands.Load(
            console,
            DeviceSet.From(p.GetValue(loadAssembly)),
            p.GetValue(loadDevice)!,
            p.GetValue(loadVersion),
            p.GetValue(loadConfig),
            p.GetValue(loadFile)!));
        root.Add(load);

        Argument<string> dumpFile = Options.Input("FILE", "A BER migration stream, a QEMU savevm stream or other BER; - for standard input.");
        var json = new Option<bool>("--json") { Description = "Print the tree as JSON (for a QEMU stream: analyze-migration.py's --dump state document)." };
        var schemas = new Option<bool>("--schemas") { Description = "Print the schemas a BER stream embeds, as one document migfmt check reads." };
        Option<string[]> dumpAssembly = Options.Assembly();
        var typed = new Option<bool>("--typed")
        {
            Description = "With --json on a QEMU stream: name what the VM description leaves opaque (virtio, slirp) through the typed models.",
        };
        var dump = new Command("dump", "Dump a stream as a tree as it is read, verifying and labelling checksums.")
        {
            dumpFile, json, schemas, dumpAssembly, typed,
        };
        dump.SetAction(p => DumpCommand.Run(
            console,
            p.GetValue(dumpFile)!,
            p.GetValue(json),
            p.GetValue(schemas),
            DeviceSet.From(p.GetValue(dumpAssembly)),
            p.GetValue(typed)));
        root.Add(dump);

        Argument<string> decodeFile = Options.Input("FILE", "A BER migration stream (or a QEMU savevm stream); - for standard input.");
        var decode = new Command("decode", "Print a stream's state as {\"id#instance\": {field: value}} JSON, from its embedded schemas only.") { decodeFile };
        decode.SetAction(p => DecodeCommand.Run(console, p.GetValue(decodeFile)!));
        root.Add(decode);

        Argument<string> verifyFile = Options.Input("FILE", "A BER migration stream or a QEMU savevm stream; - for standard input.");
        Option<string[]> verifyAssembly = Options.Assembly();
        var verify = new Command(
            "verify",
            "Check a stream's structure, checksums and every section against its schema: exit 0, or 1 with every problem listed.")
        {
            verifyFile, verifyAssembly,
        };
        verify.SetAction(p => VerifyCommand.Run(console, p.GetValue(verifyFile)!, Assemblies(p.GetValue(verifyAssembly))));
        root.Add(verify);

        Argument<string> diffA = Options.Input("A", "The first stream (BER or QEMU); - for standard input.");
        Argument<string> diffB = Options.Input("B", "The second stream (BER or QEMU); - for standard input.");
        Option<string[]> diffAssembly = Options.Assembly();
        var diff = new Command("diff", "List the field-level differences between two streams: exit 0 when the same, 4 when different.")
        {
            diffA, diffB, diffAssembly,
        };
        diff.SetAction(p => DiffCommand.Run(console, p.GetValue(diffA)!, p.GetValue(diffB)!, Assemblies(p.GetValue(diffAssembly))));
        root.Add(diff);

        var schemaDevice = new Option<string>("--device")
        {
            Description = "The device (for asn1 without it: the stream's framing module).",
            HelpName = "NAME",
        };
        Option<int?> schemaVersion = Options.Version(required: false);
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
        Option<string[]> schemaAssembly = Options.Assembly();
        var schema = new Command(
            "schema",
            "Print a device version's schema, or an ASN.1 module: the stream's framing, a device version's, or a stream of given sections.")
        {
            schemaDevice, schemaVersion, schemaFormat, schemaSections, schemaName, schemaAssembly,
        };
        schema.SetAction(p => DeviceCommands.Schema(
            console,
            DeviceSet.From(p.GetValue(schemaAssembly)),
            new SchemaRequest(
                p.GetValue(schemaDevice),
                p.GetValue(schemaVersion),
                p.GetValue(schemaFormat)!,
                p.GetValue(schemaSections),
                p.GetValue(schemaName)!)));
        root.Add(schema);

        Argument<string> source = Options.Input(
            "SRC",
            "The source's document: schema documents, a JSON Schema, a catalog, or QEMU vmstate JSON; - for standard input.");
        Argument<string> destination = Options.Input("DST", "The destination's document, of the same family; - for standard input.");
        var checkJson = new Option<bool>("--json") { Description = "For QEMU dumps: print the report as JSON (format migfmt-qemu-check/1)." };
        var arrayCounts = new Option<string[]>("--array-counts")
        {
            Description = "For QEMU dumps without array counts (7.2): JSON {vmsd: {field: count}}, as make-real-pairs.sh records them from streams.",
            HelpName = "FILE",
        };
        var check = new Command(
            "check",
            "Check that state saved with SRC loads with DST: exit 0 when compatible, 3 when not, 4 (QEMU dumps) when it depends on run-time state, with every "
                + "reason.")
        {
            source, destination, checkJson, arrayCounts,
        };
        check.SetAction(p => CheckCommand.Run(
            console, p.GetValue(source)!, p.GetValue(destination)!, p.GetValue(checkJson), p.GetValue(arrayCounts) ?? []));
        root.Add(check);

        var convertTo = new Option<string>("--to")
        {
            Description = "ber: a QEMU savevm stream to BER; legacy: a BER stream (made by convert --to ber, or of known devices) to a QEMU savevm stream.",
            Required = true,
        };
        convertTo.AcceptOnlyFromAmong("ber", "legacy");
        Argument<string> convertInput = Options.Input("IN", "The input stream; - for standard input.");
        var convertOutput = new Argument<string>("OUT") { Description = "The file to write; - for standard output." };
        Option<string[]> convertAssembly = Options.Assembly();
        var convert = new Command("convert", "Convert between QEMU savevm streams and BER migration streams.")
        {
            convertTo, convertInput, convertOutput, convertAssembly,
        };
        convert.SetAction(p => LegacyStreams.Convert(
            console,
            DeviceSet.From(p.GetValue(convertAssembly)),
            p.GetValue(convertTo)!,
            p.GetValue(convertInput)!,
            p.GetValue(convertOutput)!));
        root.Add(convert);

        root.Add(DescribeCommand.Build(console, Options.Assembly()));
        root.Add(SelectCommand.Build(console));

        ExternalStateCommands.AddTo(root, console.Out, console.Error);
        root.Add(MigrateCommand.Build(console.Out, console.Error));

        return root;
    }

    private static DeviceSet? Assemblies(string[]? paths) => paths is { Length: > 0 } ? DeviceSet.From(paths) : null;

    /// <summary>The options and arguments several verbs share.</summary>
    private static class Options
    {
        public static Option<string[]> Assembly() => new("--assembly")
        {
            Description = "A compiled assembly with device types (repeatable); its devices replace the samples. See docs/tool.md for how they are found.",
            HelpName = "PATH",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };

        public static Option<int?> Version(bool required) => new("--version")
        {
            Description = "The device version.",
            HelpName = "N",
            Required = required,
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
                {
                    return value;
                }

                result.AddError($"--version: expected a device version, a whole number such as 3; found '{text}'.");
                return null;
            },
        };

        public static Argument<string> Input(string name, string description) => new(name) { Description = description };
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
