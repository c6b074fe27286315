using System.Text;
using Xunit;

namespace MigrationFormat.Schema.Tests;

/// <summary><see cref="JsonSchemaImporter"/> reads back what <see cref="JsonSchemaExporter"/> writes.</summary>
public class JsonSchemaImporterTests
{
    public static TheoryData<string, int> Versions() => SampleDevices.Versions();

    [Theory]
    [MemberData(nameof(Versions))]
    public void Import_ExportOfEverySampleVersion_GivesItsSchemaBack(string modelId, int version)
    {
        DeviceSchema schema = SampleDevices.Schema(modelId, version);
        RemoveFieldsNotIn(schema.Fields, version);

        DeviceSchema imported = JsonSchemaImporter.Import(JsonSchemaExporter.ToUtf8(schema));

        Assert.Equal(Encoding.UTF8.GetString(SchemaDocument.ToUtf8(schema)), Encoding.UTF8.GetString(SchemaDocument.ToUtf8(imported)));
    }

    [Fact]
    public void IsExportedJsonSchema_SchemaDocument_IsFalse()
    {
        byte[] document = SchemaDocument.ToUtf8(SampleDevices.Schema("urn:migfmt:sample:uart16550a", 3));

        Assert.False(JsonSchemaImporter.IsExportedJsonSchema(document));
    }

    [Fact]
    public void IsExportedJsonSchema_Export_IsTrue()
    {
        Assert.True(JsonSchemaImporter.IsExportedJsonSchema(JsonSchemaExporter.ToUtf8(SampleDevices.Schema("urn:migfmt:sample:uart16550a", 3))));
    }

    [Fact]
    public void Import_JsonSchemaWithoutTheAnnotations_ThrowsNamingTheJsonPath()
    {
        byte[] plain = """{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}"""u8.ToArray();

        var ex = Assert.Throws<MigrationFormatException>(() => JsonSchemaImporter.Import(plain));

        Assert.Equal("$.$comment", ex.FieldPath);
    }

    [Fact]
    public void Import_FieldCommentWithAMalformedTag_ThrowsNamingTheField()
    {
        string export = Encoding.UTF8.GetString(JsonSchemaExporter.ToUtf8(SampleDevices.Schema("urn:migfmt:sample:uart16550a", 1)));
        byte[] broken = Encoding.UTF8.GetBytes(export.Replace("tag=[0]", "tag=[zero]", StringComparison.Ordinal));

        var ex = Assert.Throws<MigrationFormatException>(() => JsonSchemaImporter.Import(broken));

        Assert.Equal("$.properties.divider.$comment", ex.FieldPath);
    }

    private static void RemoveFieldsNotIn(IList<FieldSchema> fields, int version)
    {
        for (int i = fields.Count - 1; i >= 0; i--)
        {
            if (!fields[i].ExistsIn(version))
            {
                fields.RemoveAt(i);
            }
            else
            {
                RemoveFieldsNotIn(fields[i].Fields, version);
            }
        }
    }
}
