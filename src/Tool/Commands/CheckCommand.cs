using System;
using System.Collections.Generic;
using System.Globalization;
using MigrationFormat.Schema;
using MigrationFormat.Schema.Asn1;
using MigrationFormat.Tool.IO;

namespace MigrationFormat.Tool.Commands;

/// <summary>
/// <c>migfmt check SRC DST</c>: whether state saved by SRC loads with DST, from two documents of one family: schema
/// documents and JSON Schemas (what <c>migfmt schema</c> and <c>dump --schemas</c> write, mixed freely), catalogs (what
/// <c>migfmt describe</c> writes, with or without <c>--schemas</c>), a VM document (<c>migfmt describe --vm</c>) against
/// a host's catalog (the verdict <c>migfmt select</c> gives for that host), or QEMU vmstate JSON
/// (<c>migfmt schema --format vmstate</c>, QEMU's <c>-dump-vmstate</c>). Exit 0 when compatible, 3 when not, every
/// reason on standard output.
/// </summary>
internal static class CheckCommand
{
    private enum DocumentKind
    {
        Schemas,
        JsonSchema,
        Asn1Module,
        Catalog,
        Vm,
        VmState,
    }

    public static int Run(ToolConsole console, string sourcePath, string destinationPath, bool json, string[] arrayCountFiles)
    {
        if (sourcePath == ToolFiles.Standard && destinationPath == ToolFiles.Standard)
        {
            throw new UsageException("check: expected at most one of SRC and DST to be standard input (-); found both.");
        }

        byte[] source = ToolFiles.ReadAll(console, sourcePath);
        byte[] destination = ToolFiles.ReadAll(console, destinationPath);
        DocumentKind sourceKind = Classify(source, sourcePath);
        DocumentKind destinationKind = Classify(destination, destinationPath);
        if (sourceKind == DocumentKind.Vm && destinationKind == DocumentKind.Catalog)
        {
            return CheckVm(console, source, destination, destinationPath, json || arrayCountFiles.Length > 0);
        }

        if (destinationKind == DocumentKind.Vm || sourceKind == DocumentKind.Vm)
        {
            throw new UsageException(
                $"check: expected a VM document as SRC with a host's catalog as DST; found {Describe(sourceKind)} in {sourcePath} and "
                + $"{Describe(destinationKind)} in {destinationPath}.");
        }

        if (Family(sourceKind) != Family(destinationKind))
        {
            throw new UsageException(
                $"check: expected SRC and DST of one kind; found {Describe(sourceKind)} in {sourcePath} and {Describe(destinationKind)} in {destinationPath}.");
        }

        if (sourceKind == DocumentKind.VmState)
        {
            // QEMU dumps are judged by the legacy wire's rules (docs/schema.md, QEMU side), not by the BER rules.
            return QemuCheck.Run(source, destination, json, arrayCountFiles, console.Out);
        }

        if (json || arrayCountFiles.Length > 0)
        {
            throw new UsageException("check: --json and --array-counts apply to QEMU -dump-vmstate files.");
        }

        CompatibilityReport report = sourceKind switch
        {
            DocumentKind.Catalog => CatalogDocument.Check(source, destination),
            _ => CompatibilityChecker.Check(Read(source, sourceKind), Read(destination, destinationKind)),
        };
        foreach (string entry in report.Skipped)
        {
            console.Out.WriteLine("skipped: " + entry);
        }

        foreach (string entry in report.Defaulted)
        {
            console.Out.WriteLine("defaulted: " + entry);
        }

        foreach (CompatibilityIssue issue in report.Issues)
        {
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"incompatible: {issue.Kind}: {issue}"));
        }

        console.Out.WriteLine(report.IsCompatible ? "compatible" : string.Create(
            CultureInfo.InvariantCulture,
            $"not compatible: {report.Issues.Count} reason(s)"));
        return report.IsCompatible ? Program.ExitOk : Program.ExitIncompatible;
    }

    /// <summary>A VM document against one host's catalog: <c>migfmt select</c>'s verdict for that host, in <c>check</c>'s words.</summary>
    private static int CheckVm(ToolConsole console, byte[] vm, byte[] host, string hostPath, bool qemuOptions)
    {
        if (qemuOptions)
        {
            throw new UsageException("check: --json and --array-counts apply to QEMU -dump-vmstate files.");
        }

        HostVerdict verdict = HostSelector.Check(VmConfiguration.Parse(vm), DeviceCatalog.Parse(host), hostPath);
        foreach (string note in verdict.Notes)
        {
            console.Out.WriteLine("note: " + note);
        }

        foreach (SelectionReason reason in verdict.Reasons)
        {
            console.Out.WriteLine($"incompatible: {SelectCommand.Words(reason.Kind)}: {reason}");
        }

        console.Out.WriteLine(verdict.Fits ? "compatible" : string.Create(
            CultureInfo.InvariantCulture,
            $"not compatible: {verdict.Reasons.Count} reason(s)"));
        return verdict.Fits ? Program.ExitOk : Program.ExitIncompatible;
    }

    private static IReadOnlyList<DeviceSchema> Read(byte[] document, DocumentKind kind) => kind switch
    {
        DocumentKind.JsonSchema => [JsonSchemaImporter.Import(document)],
        DocumentKind.Asn1Module => [Asn1ModuleImporter.Import(System.Text.Encoding.UTF8.GetString(document))],
        _ => SchemaDocument.ParseMany(document),
    };

    private static DocumentKind Classify(byte[] document, string path)
    {
        if (LooksLikeAsn1Module(document))
        {
            // A device version's module carries its schema; the framing module (schema --format asn1 alone) describes no device.
            return Asn1ModuleImporter.IsDeviceModule(document) ? DocumentKind.Asn1Module : throw new UsageException(
                $"check: expected a device version's ASN.1 module (schema --format asn1 --device NAME --version N); found the module "
                + $"of the stream's framing or of several sections in {path}, which describes no one device.");
        }

        if (CatalogDocument.IsCatalog(document))
        {
            return DocumentKind.Catalog;
        }

        if (VmConfiguration.IsVmDocument(document))
        {
            return DocumentKind.Vm;
        }

        if (JsonSchemaImporter.IsExportedJsonSchema(document))
        {
            return DocumentKind.JsonSchema;
        }

        if (LooksLikeVmState(document))
        {
            return DocumentKind.VmState;
        }

        // Anything else is read as schema documents, whose parser says precisely what is wrong with it.
        try
        {
            SchemaDocument.ParseMany(document);
        }
        catch (MigrationFormatException ex)
        {
            throw new MigrationFormatException(
                ex.Kind,
                $"check: expected a schema document (migfmt schema, dump --schemas), a JSON Schema (schema --format json-schema), a catalog "
                + $"(migfmt describe), a VM document (describe --vm) or QEMU vmstate JSON in {path}; found none of them: {ex.Detail}",
                ex.Offset,
                ex.FieldPath,
                ex);
        }

        return DocumentKind.Schemas;
    }

    /// <summary>What <c>migfmt schema --format asn1</c> writes: a module header <c>Name DEFINITIONS ... ::= BEGIN</c> first.</summary>
    private static bool LooksLikeAsn1Module(byte[] document)
    {
        ReadOnlySpan<byte> head = document.AsSpan(0, Math.Min(document.Length, 4096));
        int begin = head.IndexOf("::= BEGIN"u8);
        return begin > 0 && head[..begin].IndexOf(" DEFINITIONS "u8) > 0 && head.TrimStart(" \t\r\n"u8).IndexOf((byte)'{') != 0;
    }

    /// <summary>QEMU's -dump-vmstate file: an object of objects keyed by QOM type, with no member of the library's documents.</summary>
    private static bool LooksLikeVmState(byte[] document)
    {
        if (!VmStateJson.IsVmStateJson(document))
        {
            return false;
        }

        using var json = System.Text.Json.JsonDocument.Parse(document);
        foreach (System.Text.Json.JsonProperty entry in json.RootElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != System.Text.Json.JsonValueKind.Object || entry.Name is "devices" or "$schema")
            {
                return false;
            }
        }

        return true;
    }

    private static int Family(DocumentKind kind) => kind switch
    {
        DocumentKind.VmState => 2,
        DocumentKind.Catalog => 1,
        _ => 0,
    };

    private static string Describe(DocumentKind kind) => kind switch
    {
        DocumentKind.VmState => "QEMU vmstate JSON",
        DocumentKind.Catalog => "a catalog",
        DocumentKind.Vm => "a VM document",
        DocumentKind.JsonSchema => "a JSON Schema",
        DocumentKind.Asn1Module => "an ASN.1 module",
        _ => "schema documents",
    };
}
