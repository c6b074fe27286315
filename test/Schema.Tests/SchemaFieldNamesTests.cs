using System.Buffers;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Schema.Tests;

/// <summary>A destination that does not know a field names it from the schema the stream embeds, or by its tag when there is none.</summary>
public class SchemaFieldNamesTests
{
    [Fact]
    public void LoadSection_SkippedFieldAndStreamEmbedsSchema_ReportsItsName()
    {
        LoadReport report = LoadIntoV1(Save(version: 2, embedSchemas: true));

        Assert.Equal(["serial.tx_count [PRIVATE 9]"], report.SkippedFields);
    }

    [Fact]
    public void LoadSection_SkippedFieldAndStreamEmbedsNoSchema_ReportsItsTag()
    {
        LoadReport report = LoadIntoV1(Save(version: 2, embedSchemas: false));

        Assert.Equal(["serial.[PRIVATE 9]"], report.SkippedFields);
    }

    [Fact]
    public void LoadSection_UnknownMustParseFieldAndStreamEmbedsSchema_NamesItInTheError()
    {
        using var reader = new MigrationStreamReader(Save(version: 3, embedSchemas: true));
        reader.TryReadSection(out _);
        reader.FieldNames = SchemaFieldNames.FromEmbedded(reader.Schemas);

        var ex = Assert.Throws<MigrationFormatException>(() => reader.LoadSection(new Uart16550(2)));

        Assert.Equal((MigrationErrorKind.UnknownRequiredField, "serial.fifo_trigger_level [10]"), (ex.Kind, ex.FieldPath));
    }

    [Fact]
    public void GetFieldName_FieldInsideOptionalGroup_ReturnsItsName()
    {
        var names = new SchemaFieldNames(new Dictionary<string, DeviceSchema> { ["serial/v3"] = DeviceSchema.For(Uart16550.DeviceType, 3) });

        Assert.Equal("deadline_ns", names.GetFieldName("serial", 3, [11], 0));
    }

    [Fact]
    public void GetFieldName_VersionWithoutSchema_ReturnsNull()
    {
        var names = new SchemaFieldNames(new Dictionary<string, DeviceSchema> { ["serial/v3"] = DeviceSchema.For(Uart16550.DeviceType, 3) });

        Assert.Null(names.GetFieldName("serial", 2, [], 9));
    }

    private static byte[] Save(int version, bool embedSchemas)
    {
        IDeviceState device = SampleCatalog.CreateBusy(Uart16550.DeviceType, version);
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            if (embedSchemas)
            {
                SchemaEmbedding.WriteSchemas(writer, [device]);
            }

            writer.WriteDevice(device);
            writer.Complete();
        }

        return output.WrittenSpan.ToArray();
    }

    private static LoadReport LoadIntoV1(byte[] stream)
    {
        using var reader = new MigrationStreamReader(stream);
        reader.TryReadSection(out _);
        reader.FieldNames = SchemaFieldNames.FromEmbedded(reader.Schemas);
        return reader.LoadSection(new Uart16550(1));
    }
}
