using System.Buffers;
using System.Text;
using System.Text.Json;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Tool.Tests;

public class SchemaCommandTests
{
    [Fact]
    public void Schema_DefaultFormat_IsTheSchemaDocumentOfThatVersion()
    {
        ToolResult result = ToolRunner.Run("schema", "--device", "serial", "--version", "3");

        Assert.Equal(0, result.ExitCode);
        DeviceSchema printed = SchemaDocument.Parse(Encoding.UTF8.GetBytes(result.Stdout));
        Assert.Equal(SchemaDocument.ToUtf8(DeviceSchema.For(Uart16550.DeviceType, 3)), SchemaDocument.ToUtf8(printed));
    }

    [Fact]
    public void Schema_JsonSchemaFormat_DeclaresDraft202012()
    {
        ToolResult result = ToolRunner.Run("schema", "--device", "virtio-net", "--version", "2", "--format", "json-schema");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Stdout);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", json.RootElement.GetProperty("$schema").GetString());
    }

    [Fact]
    public void Schema_VmstateFormat_ImportsBackWithTheSameFieldNames()
    {
        ToolResult result = ToolRunner.Run("schema", "--device", "serial", "--version", "1", "--format", "vmstate");

        Assert.Equal(0, result.ExitCode);
        DeviceSchema imported = Assert.Single(VmStateJson.Import(Encoding.UTF8.GetBytes(result.Stdout)));
        Assert.Equal(DeviceSchema.For(Uart16550.DeviceType, 1).Fields.Select(f => f.Name), imported.Fields.Select(f => f.Name));
    }

    [Fact]
    public void Schema_UnsupportedVersion_Exits2()
    {
        Assert.Equal(2, ToolRunner.Run("schema", "--device", "serial", "--version", "9").ExitCode);
    }

    [Fact]
    public void Check_NewerToOlderWithOnlySkippableAdditions_Exits0AndListsSkipped()
    {
        using var dir = new TempDir();
        ToolResult result = ToolRunner.Run("check", SchemaFile(dir, "serial", 2), SchemaFile(dir, "serial", 1));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("skipped: serial: tx_count", result.Stdout);
        Assert.EndsWith("compatible", result.Stdout.TrimEnd());
    }

    [Fact]
    public void Check_MustParseFieldUnknownToDestination_Exits3WithEveryReason()
    {
        using var dir = new TempDir();
        ToolResult result = ToolRunner.Run("check", SchemaFile(dir, "serial", 3), SchemaFile(dir, "serial", 2));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("incompatible: UnknownMustParseField: serial: fifo_trigger_level", result.Stdout);
        Assert.Contains("incompatible: UnknownMustParseField: serial: fifo_timeout", result.Stdout);
    }

    [Fact]
    public void Check_QemuDumpAgainstItself_Exits0()
    {
        string dump = Path.Combine(AppContext.BaseDirectory, "fixtures", "vmstate-pc-7.2.json");
        ToolResult result = ToolRunner.Run("check", dump, dump);

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Check_QemuDumpWithDeviceVersionBumpedPastDestination_Exits3()
    {
        using var dir = new TempDir();
        string dump = Path.Combine(AppContext.BaseDirectory, "fixtures", "vmstate-pc-7.2.json");
        string newer = dir.File("newer.json");
        string text = File.ReadAllText(dump);
        var root = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
        root["mc146818rtc"]!["minimum_version_id"] = 9;
        root["mc146818rtc"]!["version_id"] = 9;
        root["mc146818rtc"]!["Description"]!["minimum_version_id"] = 9;
        root["mc146818rtc"]!["Description"]!["version_id"] = 9;
        File.WriteAllText(newer, root.ToJsonString());

        ToolResult result = ToolRunner.Run("check", dump, newer);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("refused: mc146818rtc [mc146818rtc] the source writes section version 3, the destination accepts 9..9", result.Stdout);
    }

    [Fact]
    public void Check_NotJson_Exits1()
    {
        using var dir = new TempDir();
        string bad = dir.File("bad.json");
        File.WriteAllText(bad, "{ not json");

        Assert.Equal(1, ToolRunner.Run("check", bad, bad).ExitCode);
    }

    [Fact]
    public void Check_SchemaDocumentAgainstQemuDump_Exits2()
    {
        using var dir = new TempDir();
        string dump = Path.Combine(AppContext.BaseDirectory, "fixtures", "vmstate-pc-7.2.json");

        Assert.Equal(2, ToolRunner.Run("check", SchemaFile(dir, "serial", 1), dump).ExitCode);
    }

    [Fact]
    public void Describe_ListsEveryModelWithVersionsAndParameters()
    {
        ToolResult result = ToolRunner.Run("describe");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Stdout);
        Assert.Equal("migfmt-catalog/2", json.RootElement.GetProperty("format").GetString());
        string text = json.RootElement.ToString();
        foreach (DeviceType type in SampleCatalog.DeviceTypes)
        {
            Assert.Contains(type.ModelId, text, StringComparison.Ordinal);
        }

        Assert.Contains("\"fifo\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_EmbedsSchemaByDefault_AndNoSchemaOmitsIt()
    {
        using var dir = new TempDir();
        string with = dir.File("with.ber"), without = dir.File("without.ber");
        Assert.Equal(0, ToolRunner.Run("sample", "--device", "serial", "--version", "3", "-o", with).ExitCode);
        Assert.Equal(0, ToolRunner.Run("sample", "--device", "serial", "--version", "3", "-o", without, "--no-schema").ExitCode);

        Assert.True(new FileInfo(with).Length > new FileInfo(without).Length);
        Assert.Contains("schemas", ToolRunner.Run("dump", with).Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("schemas", ToolRunner.Run("dump", without).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_DeviceUnknownToTheTool_NamesFieldsFromTheEmbeddedSchema()
    {
        using var dir = new TempDir();
        string file = dir.File("foreign.ber");
        var device = new ForeignDevice();
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            SchemaEmbedding.WriteSchemas(writer, [device]);
            writer.WriteDevice(device);
            writer.Complete();
        }

        File.WriteAllBytes(file, output.WrittenSpan.ToArray());
        ToolResult result = ToolRunner.Run("dump", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("frobnication_level = 42", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("section foreign-widget#0 v1", result.Stdout, StringComparison.Ordinal);
    }

    private static string SchemaFile(TempDir dir, string device, int version)
    {
        string file = dir.File($"{device}-v{version}.json");
        ToolResult result = ToolRunner.Run("schema", "--device", device, "--version", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, result.ExitCode);
        File.WriteAllText(file, result.Stdout);
        return file;
    }

    private sealed class ForeignDevice : IDeviceState
    {
        private static readonly DeviceType ForeignType = new("foreign-widget", "urn:test:foreign", 1, 1, _ => new ForeignDevice());
        private static readonly FieldSpec<uint> Level = new FieldSet("test").UInt32("frobnication_level", 0);

        private uint _level = 42;

        public DeviceType Type => ForeignType;

        public int Version => 1;

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct => visitor.Field(Level, ref _level);
    }
}
