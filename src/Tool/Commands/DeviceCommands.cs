using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using MigrationFormat.Qemu;
using MigrationFormat.Schema;
using MigrationFormat.Schema.Asn1;
using MigrationFormat.Tool.Devices;
using MigrationFormat.Tool.IO;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool.Commands;

/// <summary>The verbs that run device code: <c>sample</c>, <c>load</c> and <c>schema</c> (<c>describe</c> is <see cref="DescribeCommand"/>).</summary>
internal static class DeviceCommands
{
    public static int Sample(
        ToolConsole console,
        DeviceSet devices,
        bool list,
        string? name,
        int? version,
        string format,
        string? output,
        bool embedSchema,
        bool integrity)
    {
        if (list)
        {
            foreach (DeviceType type in devices.Types)
            {
                console.Out.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{type.Id}\tv{type.MinimumVersion}..v{type.CurrentVersion}\t{type.Description}"));
            }

            return Program.ExitOk;
        }

        var missing = new List<string>();
        if (name is null)
        {
            missing.Add("--device NAME");
        }

        if (version is null)
        {
            missing.Add("--version N");
        }

        if (output is null)
        {
            missing.Add("-o FILE");
        }

        if (missing.Count > 0)
        {
            throw new UsageException($"sample: expected --list, or --device NAME --version N -o FILE; found no {string.Join(", no ", missing)}.");
        }

        IDeviceState device = devices.CreateSample(devices.Resolve(name!, version!.Value), version.Value);
        ToolFiles.Write(console, output!, stream =>
        {
            if (format == "legacy")
            {
                stream.Write(LegacyStreams.SaveQemuStream([(device, 0u)]));
            }
            else
            {
                MigrationSerializer.Save(
                    stream,
                    [device],
                    new MigrationStreamWriterOptions { Producer = Program.Producer, Integrity = integrity },
                    embedSchema);
            }
        });
        return Program.ExitOk;
    }

    public static int Load(ToolConsole console, DeviceSet devices, string name, int? version, string? configuration, string path)
    {
        IDeviceState device = CreateForLoad(devices, name, version, configuration);
        using InputStream input = ToolFiles.Open(console, path, "load");
        IReadOnlyList<string> skipped = [], defaulted = [];
        switch (ToolFiles.Detect(input))
        {
            case InputFormat.Migration:
                (skipped, defaulted) = LoadBer(input, device, console.Budget);
                break;
            case InputFormat.Qemu:
                LoadQemu(console, input, device);
                break;
            default:
                throw ToolFiles.NotAStream(input, "load");
        }

        console.Out.WriteLine(Program.StateJson(device));
        Program.WriteReport(console.Error, skipped, defaulted);
        return Program.ExitOk;
    }

    /// <summary>
    /// Creates the device to load into: the version's default configuration, or the configuration given (with the
    /// version of <c>--version</c> when the configuration names none), in the syntax the API and the stream use.
    /// </summary>
    private static IDeviceState CreateForLoad(DeviceSet devices, string name, int? version, string? configuration)
    {
        if (configuration is null)
        {
            if (version is not { } chosen)
            {
                throw new UsageException("load: expected --version N or --config CONFIG; found neither.");
            }

            return devices.Resolve(name, chosen).Create(chosen);
        }

        DeviceType type = version is { } given ? devices.Resolve(name, given) : devices.Resolve(name);
        ConfigurationString parsed;
        try
        {
            parsed = ConfigurationString.Parse(configuration);
        }
        catch (FormatException ex)
        {
            throw new UsageException("--config: " + ex.Message);
        }

        if (version is { } versionOption && parsed.Find(ConfigurationString.VersionName) is null)
        {
            configuration = string.Create(CultureInfo.InvariantCulture, $"{ConfigurationString.VersionName}={versionOption}")
                + (configuration.Length == 0 ? string.Empty : "," + configuration);
        }

        try
        {
            return type.Create(configuration);
        }
        catch (DeviceConfigurationException ex)
        {
            throw new UsageException("--config: " + ex.Message);
        }
    }

    public static int Schema(ToolConsole console, DeviceSet devices, SchemaRequest request)
    {
        if (request.Sections is { Length: > 0 })
        {
            if (request.Format != "asn1" || request.Device is not null || request.Version is not null)
            {
                throw new UsageException("schema: --section goes with --format asn1 and without --device or --version.");
            }

            Asn1DeviceModule[] modules = [.. request.Sections.Select(section => SectionModule(devices, section))];
            console.Out.Write(Asn1StreamModule.Create(request.Name, modules).Text);
            return Program.ExitOk;
        }

        if (request.Format == "asn1" && request.Device is null && request.Version is null)
        {
            console.Out.Write(Asn1FramingModule.Text);
            return Program.ExitOk;
        }

        if (request.Device is null || request.Version is not int version)
        {
            throw new UsageException("schema: expected --device NAME --version N (with --format asn1, neither prints the framing module).");
        }

        DeviceSchema schema = DeviceSchema.For(devices.Resolve(request.Device, version), version);
        if (request.Format == "asn1")
        {
            console.Out.Write(Asn1DeviceModule.Create(schema).Text);
            return Program.ExitOk;
        }

        byte[] document = request.Format switch
        {
            "json-schema" => JsonSchemaExporter.ToUtf8(schema, indented: true),
            "vmstate" => VmStateJson.Export(schema, indented: true),
            _ => SchemaDocument.ToUtf8(schema, indented: true),
        };
        console.Out.WriteLine(Encoding.UTF8.GetString(document));
        return Program.ExitOk;
    }

    /// <summary>The device module of a section given as <c>id/vN</c>.</summary>
    private static Asn1DeviceModule SectionModule(DeviceSet devices, string section)
    {
        int slash = section.LastIndexOf("/v", StringComparison.Ordinal);
        if (slash <= 0 || !int.TryParse(section.AsSpan(slash + 2), NumberStyles.None, CultureInfo.InvariantCulture, out int version))
        {
            throw new UsageException($"schema: --section takes ID/vN, e.g. serial/v3; '{section}' was given.");
        }

        return Asn1DeviceModule.Create(DeviceSchema.For(devices.Resolve(section[..slash], version), version));
    }

    /// <summary>Loads the first section for the device, all or nothing, the whole stream read and checked.</summary>
    private static (IReadOnlyList<string> Skipped, IReadOnlyList<string> Defaulted) LoadBer(Stream input, IDeviceState device, ResourceBudget budget)
    {
        using var reader = new MigrationStreamReader(input, new BerLoadOptions { Budget = budget }, leaveOpen: true);
        bool loaded = false;
        int named = 0;
        IReadOnlyList<SectionLoadResult> results = reader.LoadAll(section =>
        {
            if (loaded || !string.Equals(section.Id, device.Type.Id, StringComparison.Ordinal))
            {
                return null;
            }

            // The embedded schemas come before the sections: they name fields this device version does not know.
            if (reader.Schemas.Count != named)
            {
                named = reader.Schemas.Count;
                reader.FieldNames = SchemaFieldNames.FromEmbedded(reader.Schemas);
            }

            loaded = true;
            return device;
        });
        foreach (SectionLoadResult result in results)
        {
            if (result.Report is { } report)
            {
                return (report.SkippedFields, report.DefaultedFields);
            }
        }

        throw new MigrationFormatException(
            MigrationErrorKind.UnknownDevice,
            $"Expected a section for device '{device.Type.Id}'; found {Sections(results)}.",
            -1);
    }

    /// <summary>Loads the first full section for the device from a QEMU stream, the whole stream read and checked.</summary>
    private static void LoadQemu(ToolConsole console, Stream input, IDeviceState device)
    {
        QemuSectionRecord? chosen = null;
        var seen = new List<string>();
        using (var reader = new QemuStreamReader(input, new QemuStreamReaderOptions { Budget = console.Budget }, leaveOpen: true))
        {
            while (reader.Read() is { } record)
            {
                if (record is QemuSectionRecord { HasFullHeader: true } section)
                {
                    seen.Add(section.IdStr);
                    if (chosen is null && section.Kind == QemuRecordKind.SectionFull && string.Equals(section.IdStr, device.Type.Id, StringComparison.Ordinal))
                    {
                        chosen = section;
                    }
                }
            }
        }

        if (chosen is null)
        {
            string found = seen.Count == 0 ? "no device sections" : "sections " + string.Join(", ", seen);
            throw new MigrationFormatException(
                MigrationErrorKind.UnknownDevice,
                $"Expected a section for device '{device.Type.Id}' in the QEMU stream; found {found}.",
                -1);
        }

        // The serializer refuses a version the device does not load, as QEMU does; one beyond int is beyond any device.
        int streamVersion = (int)Math.Min(chosen.VersionId, int.MaxValue);
        LegacyDeviceSerializer.Load(device, chosen.Payload.Span, streamVersion, baseOffset: chosen.Offset + chosen.HeaderLength);
        console.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"loaded QEMU section {chosen.SectionId} '{chosen.IdStr}' instance {chosen.InstanceId} version {chosen.VersionId}"));
    }

    private static string Sections(IReadOnlyList<SectionLoadResult> results)
    {
        if (results.Count == 0)
        {
            return "no sections";
        }

        var ids = new List<string>();
        foreach (SectionLoadResult result in results)
        {
            ids.Add(result.Section.Id);
        }

        return "sections " + string.Join(", ", ids);
    }
}

/// <summary>What <c>migfmt schema</c> was asked for.</summary>
/// <param name="Device">The device, or <see langword="null"/> (with asn1: the framing module).</param>
/// <param name="Version">The device version, or <see langword="null"/>.</param>
/// <param name="Format">schema, json-schema, vmstate or asn1.</param>
/// <param name="Sections">With asn1: the sections of a stream module, as <c>id/vN</c>.</param>
/// <param name="Name">The stream module's name.</param>
internal sealed record SchemaRequest(string? Device, int? Version, string Format, string[]? Sections, string Name);
