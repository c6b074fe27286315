using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Generators.Tests;

/// <summary>
/// The committed baselines of this project's generated devices (Baselines/, an AdditionalFiles item that the generator
/// checks on every build) are the documents the library writes for them: the workflow the docs describe, end to end.
/// </summary>
public class CommittedBaselineTests
{
    public static TheoryData<string, int> Versions()
    {
        var data = new TheoryData<string, int>();
        foreach (DeviceType type in Types)
        {
            for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
            {
                data.Add(type.Id, version);
            }
        }

        return data;
    }

    private static DeviceType[] Types => [GeneratedUart16550.DeviceType, Gadget.DeviceType];

    [Theory]
    [MemberData(nameof(Versions))]
    public void Baseline_CommittedForVersion_IsTheDocumentTheLibraryWrites(string id, int version)
    {
        DeviceType type = Types.Single(t => t.Id == id);
        string expected = System.Text.Encoding.UTF8.GetString(SchemaDocument.ToUtf8(DeviceSchema.For(type, version), indented: true));
        string path = Path.Combine(AppContext.BaseDirectory, "Baselines", $"{id}.v{version}.schema.json");

        Assert.True(File.Exists(path), $"{path} is missing: a released version's schema is committed under test/Generators.Tests/Baselines.");
        Assert.Equal(expected, File.ReadAllText(path).ReplaceLineEndings("\n").TrimEnd('\n'));
    }
}
