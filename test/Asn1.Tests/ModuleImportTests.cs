using System.Globalization;
using System.Text;
using MigrationFormat.Samples;
using MigrationFormat.Samples.Qemu;
using MigrationFormat.Schema;
using MigrationFormat.Schema.Asn1;
using MigrationFormat.Visitors;

namespace MigrationFormat.Asn1.Tests;

/// <summary>
/// A device version's ASN.1 module carries its schema: <see cref="Asn1ModuleImporter"/> reads back from the module
/// exactly what the checker compares (tags, classes, kinds, sizes, versions, nesting), so <c>migfmt check</c> takes modules.
/// </summary>
public class ModuleImportTests
{
    public static TheoryData<string, int> EveryDeviceVersion()
    {
        var data = new TheoryData<string, int>();
        foreach (DeviceType type in SessionSamples.DeviceTypes.Concat(QemuDeviceCatalog.DeviceTypes))
        {
            for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
            {
                data.Add(type.Id, version);
            }
        }

        return data;
    }

    private static DeviceType Find(string id) =>
        SessionSamples.DeviceTypes.Concat(QemuDeviceCatalog.DeviceTypes).First(t => t.Id == id);

    /// <summary>Every property the checker reads, one line per field, nested fields indented.</summary>
    private static string Shape(DeviceSchema schema)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{schema.Id} v{schema.Version} from v{schema.MinimumVersion} model {schema.ModelId}\n");
        Append(text, schema.Fields, 1);
        return text.ToString();

        static void Append(StringBuilder text, IList<FieldSchema> fields, int depth)
        {
            foreach (FieldSchema field in fields)
            {
                text.Append(' ', depth * 2).Append(CultureInfo.InvariantCulture,
                    $"{field.Name} [{field.Tag}] {field.Kind} size {field.Size} skippable {field.Skippable} since {field.Since} removed {field.RemovedIn}\n");
                Append(text, field.Fields, depth + 1);
            }
        }
    }

    [Theory]
    [MemberData(nameof(EveryDeviceVersion))]
    public void Import_ModuleOfADeviceVersion_GivesBackItsSchema(string id, int version)
    {
        DeviceSchema schema = DeviceSchema.For(Find(id), version);

        DeviceSchema imported = Asn1ModuleImporter.Import(Asn1DeviceModule.Create(schema).Text);

        Assert.Equal(Shape(schema), Shape(imported));
    }

    [Fact]
    public void Import_NewerAndOlderModules_CheckLikeTheirSchemas()
    {
        DeviceSchema older = DeviceSchema.For(Uart16550.DeviceType, 1);
        DeviceSchema newer = DeviceSchema.For(Uart16550.DeviceType, 3);

        CompatibilityReport fromModules = CompatibilityChecker.Check(
            [Asn1ModuleImporter.Import(Asn1DeviceModule.Create(newer).Text)],
            [Asn1ModuleImporter.Import(Asn1DeviceModule.Create(older).Text)]);
        CompatibilityReport fromSchemas = CompatibilityChecker.Check([newer], [older]);

        Assert.Equal(fromSchemas.IsCompatible, fromModules.IsCompatible);
        Assert.Equal(fromSchemas.Issues.Select(i => i.ToString()), fromModules.Issues.Select(i => i.ToString()));
        Assert.Equal(fromSchemas.Skipped, fromModules.Skipped);
    }

    [Fact]
    public void IsDeviceModule_TheFramingModule_IsFalse()
    {
        Assert.False(Asn1ModuleImporter.IsDeviceModule(Encoding.UTF8.GetBytes(Asn1FramingModule.Text)));
    }

    [Fact]
    public void Import_ComponentOfAnUnassignedType_FailsNamingTheFieldAndLine()
    {
        string text = Asn1DeviceModule.Create(DeviceSchema.For(Uart16550.DeviceType, 3)).Text
            .Replace("fifo-timeout [11] Serial-V3-Fifo-timeout", "fifo-timeout [11] No-Such-Type", StringComparison.Ordinal);

        var ex = Assert.Throws<MigrationFormatException>(() => Asn1ModuleImporter.Import(text));

        Assert.Contains("'fifo_timeout'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line ", ex.Message, StringComparison.Ordinal);
    }
}
