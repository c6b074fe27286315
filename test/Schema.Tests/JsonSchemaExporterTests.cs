using System.Text;
using System.Text.Json;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Schema.Tests;

public class JsonSchemaExporterTests
{
    public static TheoryData<string, int> SampleVersions => SampleDevices.Versions();

    private static DeviceSchema UartV3 => DeviceSchema.For(Uart16550.DeviceType, 3);

    /// <summary>One field of every kind, nested, so every branch of the exporter meets Ajv.</summary>
    private static DeviceSchema EveryKind()
    {
        var schema = new DeviceSchema("every-kind", 2) { MinimumVersion = 1, Description = "All kinds" };
        FieldKind[] scalars =
        [
            FieldKind.UInt8, FieldKind.UInt16, FieldKind.UInt32, FieldKind.UInt64,
            FieldKind.Int8, FieldKind.Int16, FieldKind.Int32, FieldKind.Int64, FieldKind.Bool,
        ];
        int tag = 0;
        foreach (FieldKind kind in scalars)
        {
            schema.Fields.Add(new FieldSchema(kind.SchemaName().Replace('-', '_'), tag++, kind));
        }

        schema.Fields.Add(new FieldSchema("mac", tag++, FieldKind.FixedBytes) { Size = 6 });
        schema.Fields.Add(new FieldSchema("payload", tag++, FieldKind.Bytes) { Size = 32 });
        schema.Fields.Add(new FieldSchema("payload_unbounded", tag++, FieldKind.Bytes));
        schema.Fields.Add(new FieldSchema("name", tag++, FieldKind.String) { Size = 16, Description = "A name" });
        schema.Fields.Add(new FieldSchema("regs16", tag++, FieldKind.UInt16Array) { Size = 3 });
        schema.Fields.Add(new FieldSchema("regs32", tag++, FieldKind.UInt32Array) { Size = 2 });
        schema.Fields.Add(new FieldSchema("regs64", tag++, FieldKind.UInt64Array) { Size = 4 });
        var inner = new FieldSchema("inner", tag++, FieldKind.Struct);
        inner.Fields.Add(new FieldSchema("a", 0, FieldKind.UInt32));
        schema.Fields.Add(inner);
        var queues = new FieldSchema("queues", tag++, FieldKind.List) { Size = 8 };
        queues.Fields.Add(new FieldSchema("avail", 0, FieldKind.UInt64));
        queues.Fields.Add(new FieldSchema("used", 1, FieldKind.UInt16) { Skippable = true });
        schema.Fields.Add(queues);
        var group = new FieldSchema("extra", tag++, FieldKind.Optional) { Since = 2 };
        group.Fields.Add(new FieldSchema("deadline", 0, FieldKind.Int64) { Since = 2 });
        schema.Fields.Add(group);
        schema.Fields.Add(new FieldSchema("backend", tag++, FieldKind.Blob));
        return schema;
    }

    private static byte[] Instance(string json) => Encoding.UTF8.GetBytes(json);

    private static JsonElement Parse(byte[] json) => JsonDocument.Parse(json).RootElement;

    [Theory]
    [MemberData(nameof(SampleVersions))]
    public void Export_SampleVersionWithMaximalState_AjvAccepts(string device, int version)
    {
        DeviceSchema schema = SampleDevices.Schema(device, version);
        (int code, string output) = AjvValidator.Run(JsonSchemaExporter.ToUtf8(schema), StateInstance.Maximal(schema));
        Assert.True(code == 0, output);
    }

    [Theory]
    [MemberData(nameof(SampleVersions))]
    public void Export_SampleVersionWithMinimalState_AjvAccepts(string device, int version)
    {
        DeviceSchema schema = SampleDevices.Schema(device, version);
        (int code, string output) = AjvValidator.Run(JsonSchemaExporter.ToUtf8(schema), StateInstance.Minimal(schema));
        Assert.True(code == 0, output);
    }

    [Fact]
    public void Export_EveryKindWithMaximalState_AjvAccepts()
    {
        DeviceSchema schema = EveryKind();
        (int code, string output) = AjvValidator.Run(JsonSchemaExporter.ToUtf8(schema), StateInstance.Maximal(schema));
        Assert.True(code == 0, output);
    }

    [Fact]
    public void Export_EveryKindWithMinimalState_AjvAccepts()
    {
        DeviceSchema schema = EveryKind();
        (int code, string output) = AjvValidator.Run(JsonSchemaExporter.ToUtf8(schema), StateInstance.Minimal(schema));
        Assert.True(code == 0, output);
    }

    [Fact]
    public void Validate_WrongType_ExitsWithOne()
    {
        byte[] instance = Instance(
            """{"divider":"12","rbr":0,"ier":0,"iir":1,"lcr":0,"mcr":0,"lsr":96,"msr":176,"scr":0,"tx_count":0,"fifo_trigger_level":1}""");
        (int code, string output) = AjvValidator.Run(JsonSchemaExporter.ToUtf8(UartV3), instance);
        Assert.Equal(1, code);
        Assert.Contains("/divider", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingRequiredField_ExitsWithOne()
    {
        byte[] instance = Instance("""{"divider":12,"rbr":0,"ier":0,"iir":1,"lcr":0,"mcr":0,"lsr":96,"msr":176,"scr":0,"tx_count":0}""");
        (int code, string output) = AjvValidator.Run(JsonSchemaExporter.ToUtf8(UartV3), instance);
        Assert.Equal(1, code);
        Assert.Contains("fifo_trigger_level", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ExtraProperty_ExitsWithOne()
    {
        byte[] instance = Instance(
            """{"divider":12,"rbr":0,"ier":0,"iir":1,"lcr":0,"mcr":0,"lsr":96,"msr":176,"scr":0,"tx_count":0,"fifo_trigger_level":1,"bogus":1}""");
        (int code, string output) = AjvValidator.Run(JsonSchemaExporter.ToUtf8(UartV3), instance);
        Assert.Equal(1, code);
        Assert.Contains("bogus", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IntegerAboveFieldWidth_ExitsWithOne()
    {
        byte[] instance = Instance(
            """{"divider":12,"rbr":256,"ier":0,"iir":1,"lcr":0,"mcr":0,"lsr":96,"msr":176,"scr":0,"tx_count":0,"fifo_trigger_level":1}""");
        (int code, string output) = AjvValidator.Run(JsonSchemaExporter.ToUtf8(UartV3), instance);
        Assert.Equal(1, code);
        Assert.Contains("/rbr", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FieldOfALaterVersion_ExitsWithOne()
    {
        byte[] instance = Instance("""{"divider":12,"rbr":0,"ier":0,"iir":1,"lcr":0,"mcr":0,"lsr":96,"msr":176,"scr":0,"tx_count":0}""");
        (int code, _) = AjvValidator.Run(JsonSchemaExporter.ToUtf8(DeviceSchema.For(Uart16550.DeviceType, 1)), instance);
        Assert.Equal(1, code);
    }

    [Fact]
    public void Validate_UpperCaseHex_ExitsWithOne()
    {
        var schema = new DeviceSchema("d", 1);
        schema.Fields.Add(new FieldSchema("mac", 0, FieldKind.FixedBytes) { Size = 2 });
        (int code, _) = AjvValidator.Run(JsonSchemaExporter.ToUtf8(schema), Instance("""{"mac":"AB01"}"""));
        Assert.Equal(1, code);
    }

    [Fact]
    public void Validate_FixedBytesOfWrongLength_ExitsWithOne()
    {
        var schema = new DeviceSchema("d", 1);
        schema.Fields.Add(new FieldSchema("mac", 0, FieldKind.FixedBytes) { Size = 2 });
        (int code, _) = AjvValidator.Run(JsonSchemaExporter.ToUtf8(schema), Instance("""{"mac":"ab0102"}"""));
        Assert.Equal(1, code);
    }

    [Fact]
    public void Validate_ArrayWithTooFewElements_ExitsWithOne()
    {
        var schema = new DeviceSchema("d", 1);
        schema.Fields.Add(new FieldSchema("regs", 0, FieldKind.UInt16Array) { Size = 3 });
        (int code, _) = AjvValidator.Run(JsonSchemaExporter.ToUtf8(schema), Instance("""{"regs":[1,2]}"""));
        Assert.Equal(1, code);
    }

    [Fact]
    public void Validate_BlobWithShortDigest_ExitsWithOne()
    {
        var schema = new DeviceSchema("d", 1);
        schema.Fields.Add(new FieldSchema("backend", 0, FieldKind.Blob));
        (int code, _) = AjvValidator.Run(JsonSchemaExporter.ToUtf8(schema), Instance("""{"backend":{"length":3,"sha256":"abcd"}}"""));
        Assert.Equal(1, code);
    }

    [Fact]
    public void Export_Any_DeclaresDraft2020()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", Parse(JsonSchemaExporter.ToUtf8(UartV3)).GetProperty("$schema").GetString());
    }

    [Fact]
    public void Export_UartV3_RequiresEveryFieldButTheOptionalGroup()
    {
        JsonElement root = Parse(JsonSchemaExporter.ToUtf8(UartV3));
        string[] required = root.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(["divider", "rbr", "ier", "iir", "lcr", "mcr", "lsr", "msr", "scr", "tx_count", "fifo_trigger_level"], required);
        Assert.Equal(
            JsonValueKind.Object,
            root.GetProperty("properties").GetProperty("fifo_timeout").GetProperty("properties").GetProperty("deadline_ns").ValueKind);
    }

    [Fact]
    public void Export_UartV3_ListsPropertiesInVisitOrder()
    {
        JsonElement root = Parse(JsonSchemaExporter.ToUtf8(UartV3));
        Assert.Equal(
            ["divider", "rbr", "ier", "iir", "lcr", "mcr", "lsr", "msr", "scr", "tx_count", "fifo_trigger_level", "fifo_timeout"],
            root.GetProperty("properties").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Export_UInt64_WritesTheExactMaximum()
    {
        string text = Encoding.UTF8.GetString(JsonSchemaExporter.ToUtf8(UartV3));
        Assert.Contains("\"maximum\":18446744073709551615", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_SkippableField_CarriesTagFlagAndSinceInComment()
    {
        JsonElement txCount = Parse(JsonSchemaExporter.ToUtf8(UartV3)).GetProperty("properties").GetProperty("tx_count");
        Assert.Equal("migfmt: tag=[PRIVATE 9] skippable type=uint64 since=2", txCount.GetProperty("$comment").GetString());
        Assert.Equal("Bytes transmitted (statistics)", txCount.GetProperty("description").GetString());
    }

    [Fact]
    public void Export_FieldsRemovedOrNotYetAdded_AreLeftOut()
    {
        var schema = new DeviceSchema("d", 2);
        schema.Fields.Add(new FieldSchema("gone", 0, FieldKind.UInt8) { RemovedIn = 2 });
        schema.Fields.Add(new FieldSchema("later", 1, FieldKind.UInt8) { Since = 3 });
        schema.Fields.Add(new FieldSchema("kept", 2, FieldKind.UInt8));
        JsonElement properties = Parse(JsonSchemaExporter.ToUtf8(schema)).GetProperty("properties");
        Assert.Equal(["kept"], properties.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Export_TwoFieldsWithOneName_ThrowsWithPath()
    {
        var schema = new DeviceSchema("d", 1);
        var inner = new FieldSchema("inner", 0, FieldKind.Struct);
        inner.Fields.Add(new FieldSchema("x", 0, FieldKind.UInt8));
        inner.Fields.Add(new FieldSchema("x", 1, FieldKind.UInt8));
        schema.Fields.Add(inner);
        MigrationFormatException ex = Assert.Throws<MigrationFormatException>(() => JsonSchemaExporter.ToUtf8(schema));
        Assert.Equal(MigrationErrorKind.UnexpectedValue, ex.Kind);
        Assert.Equal("$.inner.x", ex.FieldPath);
        Assert.Equal(-1, ex.Offset);
    }
}
