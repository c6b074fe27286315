using System.Globalization;
using System.Text.Json.Nodes;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary><c>migfmt check</c> accepts every document <c>schema</c>, <c>dump --schemas</c> and <c>describe</c> write.</summary>
public class CheckDocumentTests
{
    private static string Write(TempDir dir, string name, string text)
    {
        string file = dir.File(name);
        File.WriteAllText(file, text);
        return file;
    }

    private static string Schema(TempDir dir, int version, string format) =>
        Write(
            dir,
            $"serial-v{version}.{format}.json",
            ToolRunner.Run("schema", "--device", "serial", "--version", version.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", format)
                .Stdout);

    [Fact]
    public void Check_JsonSchemasOfNewerAndOlder_FindsTheUnknownMustParseField()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("check", Schema(dir, 3, "json-schema"), Schema(dir, 2, "json-schema"));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("incompatible: UnknownMustParseField: serial: fifo_trigger_level", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_JsonSchemaAgainstSchemaDocument_GivesTheSchemaDocumentsVerdict()
    {
        using var dir = new TempDir();

        ToolResult mixed = ToolRunner.Run("check", Schema(dir, 2, "json-schema"), Schema(dir, 1, "schema"));
        ToolResult plain = ToolRunner.Run("check", Schema(dir, 2, "schema"), Schema(dir, 1, "schema"));

        Assert.Equal(0, mixed.ExitCode);
        Assert.Equal(plain.Stdout, mixed.Stdout);
    }

    [Fact]
    public void Check_WhatDumpSchemasPrints_IsAccepted()
    {
        using var dir = new TempDir();
        string stream = dir.File("s.ber");
        Assert.Equal(0, ToolRunner.Run("sample", "--device", "serial", "--version", "2", "-o", stream).ExitCode);
        string embedded = Write(dir, "embedded.json", ToolRunner.Run("dump", "--schemas", stream).Stdout);

        ToolResult result = ToolRunner.Run("check", embedded, Schema(dir, 1, "schema"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("skipped: serial: tx_count", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DescribeOutputAgainstItself_IsCompatible()
    {
        using var dir = new TempDir();
        string catalog = Write(dir, "catalog.json", ToolRunner.Run("describe").Stdout);

        ToolResult result = ToolRunner.Run("check", catalog, catalog);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("compatible", result.Stdout.TrimEnd());
    }

    [Fact]
    public void Check_CatalogWhoseDestinationDroppedAVersion_IsVersionOutOfRange()
    {
        using var dir = new TempDir();
        string text = ToolRunner.Run("describe").Stdout;
        JsonNode destination = JsonNode.Parse(text)!;
        JsonNode serial = destination["devices"]![0]!;
        serial["minimumVersion"] = 2;
        serial["versions"]!.AsArray().RemoveAt(0);

        ToolResult result = ToolRunner.Run("check", Write(dir, "src.json", text), Write(dir, "dst.json", destination.ToJsonString()));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(
            "incompatible: VersionOutOfRange: serial: v1: Device model urn:migfmt:sample:uart16550a supports versions 2 to 3 on the destination; version 1 was "
            + "requested.",
            result.Stdout,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CatalogWhoseDestinationImpliesAnotherParameter_IsParameterMismatch()
    {
        using var dir = new TempDir();
        string text = ToolRunner.Run("describe").Stdout;
        JsonNode destination = JsonNode.Parse(text)!;
        destination["devices"]![0]!["versions"]![2]!["parameters"]!["fifo"] = "off";

        ToolResult result = ToolRunner.Run("check", Write(dir, "src.json", text), Write(dir, "dst.json", destination.ToJsonString()));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(
            "incompatible: ParameterMismatch: serial: v3: Device model urn:migfmt:sample:uart16550a version 3 runs with fifo=off on the destination "
            + "and fifo=on on the source, and fifo changes the state layout.",
            result.Stdout,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CatalogAgainstSchemaDocument_Exits2NamingBoth()
    {
        using var dir = new TempDir();
        string catalog = Write(dir, "catalog.json", ToolRunner.Run("describe").Stdout);
        string schema = Schema(dir, 1, "schema");

        ToolResult result = ToolRunner.Run("check", catalog, schema);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(
            $"check: expected SRC and DST of one kind; found a catalog in {catalog} and schema documents in {schema}.",
            result.Stderr,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DocumentOfNoKnownKind_Exits1NamingTheKindsItReads()
    {
        using var dir = new TempDir();
        string other = Write(dir, "other.json", "{\"name\": \"not a schema\"}");

        ToolResult result = ToolRunner.Run("check", other, other);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            "check: expected a schema document (migfmt schema, dump --schemas), a JSON Schema (schema --format "
            + $"json-schema), a catalog (migfmt describe), a VM document (describe --vm) or QEMU vmstate JSON in {other}; found none of them:",
            result.Stderr,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Asn1ModulesOfTwoVersions_GivesTheVerdictOfTheirSchemaDocuments()
    {
        using var dir = new TempDir();
        string Module(int version) => Write(dir, $"serial-v{version}.asn1",
            ToolRunner.Run("schema", "--device", "serial", "--version", version.ToString(CultureInfo.InvariantCulture), "--format", "asn1").Stdout);
        string Schema(int version) => Write(dir, $"serial-v{version}.json",
            ToolRunner.Run("schema", "--device", "serial", "--version", version.ToString(CultureInfo.InvariantCulture)).Stdout);

        ToolResult fromModules = ToolRunner.Run("check", Module(3), Module(1));
        ToolResult fromSchemas = ToolRunner.Run("check", Schema(3), Schema(1));

        Assert.Equal(fromSchemas.ExitCode, fromModules.ExitCode);
        Assert.Equal(fromSchemas.Stdout, fromModules.Stdout);
    }

    [Fact]
    public void Check_TheFramingModule_Exits2SayingItDescribesNoDevice()
    {
        using var dir = new TempDir();
        string module = Write(dir, "stream.asn1", ToolRunner.Run("schema", "--format", "asn1").Stdout);

        ToolResult result = ToolRunner.Run("check", module, module);

        Assert.Equal(Program.ExitUsage, result.ExitCode);
        Assert.Contains("describes no one device", result.Stderr, StringComparison.Ordinal);
    }
}
