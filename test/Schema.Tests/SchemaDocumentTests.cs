using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Schema.Tests;

public class SchemaDocumentTests
{
    [Fact]
    public void For_UartV3_ListsEveryFieldOfThatVersionInVisitOrder()
    {
        DeviceSchema schema = DeviceSchema.For(Uart16550.DeviceType, 3);
        Assert.Equal(
            ["divider", "rbr", "ier", "iir", "lcr", "mcr", "lsr", "msr", "scr", "tx_count", "fifo_trigger_level", "fifo_timeout"],
            schema.Fields.Select(f => f.Name));
        FieldSchema group = schema.Fields[^1];
        Assert.Equal(FieldKind.Optional, group.Kind);
        Assert.Equal("deadline_ns", Assert.Single(group.Fields).Name);
    }

    [Fact]
    public void For_UartV1_OmitsFieldsIntroducedLater()
    {
        DeviceSchema schema = DeviceSchema.For(Uart16550.DeviceType, 1);
        Assert.DoesNotContain(schema.Fields, f => f.Since > 1);
        Assert.Equal(9, schema.Fields.Count);
    }

    [Fact]
    public void ToUtf8ThenParse_RoundTripsEveryMember()
    {
        DeviceSchema original = DeviceSchema.For(Uart16550.DeviceType, 3);
        DeviceSchema parsed = SchemaDocument.Parse(SchemaDocument.ToUtf8(original));
        Assert.Equal(SchemaDocument.ToUtf8(original), SchemaDocument.ToUtf8(parsed));
        Assert.Equal(original.ModelId, parsed.ModelId);
        Assert.True(parsed.Fields.Single(f => f.Name == "tx_count").Skippable);
    }

    [Fact]
    public void Parse_NotJson_ThrowsMigrationFormatException()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => SchemaDocument.Parse("{not json"u8.ToArray()));
        Assert.Equal(MigrationErrorKind.InvalidEncoding, ex.Kind);
    }

    [Fact]
    public void Parse_FieldWithoutTag_NamesThePath()
    {
        byte[] json = """{"format":"migfmt-schema/1","device":"x","version":1,"fields":[{"name":"a","type":"uint8"}]}"""u8.ToArray();
        var ex = Assert.Throws<MigrationFormatException>(() => SchemaDocument.Parse(json));
        Assert.Equal("$.fields[0].tag", ex.FieldPath);
    }

    [Fact]
    public void Parse_DuplicateTag_IsRejected()
    {
        byte[] json = (
            """{"format":"migfmt-schema/1","device":"x","version":1,"fields":"""u8
            + """[{"name":"a","tag":1,"type":"uint8"},{"name":"b","tag":1,"type":"uint8"}]}"""u8).ToArray();
        Assert.Throws<MigrationFormatException>(() => SchemaDocument.Parse(json));
    }
}
