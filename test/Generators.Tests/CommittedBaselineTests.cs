using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Generators.Tests;

/// <summary>
/// The committed baselines of this project's generated devices (Baselines/, an AdditionalFiles item that the generator
/// checks on every build) are the documents the library writes for them: the workflow the docs describe, end to end.
/// </summary>
public class CommittedBaselineTests
{
    public static TheoryData<string, string, int> Versions()
    {
        var data = new TheoryData<string, string, int>();
        foreach ((DeviceType type, string directory) in Committed)
        {
            for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
            {
                data.Add(directory, type.Id, version);
            }
        }

        return data;
    }

    /// <summary>Each generated device and where its baselines are committed (copied beside the tests by the project file).</summary>
    private static (DeviceType Type, string Directory)[] Committed =>
    [
        (GeneratedUart16550.DeviceType, "Baselines"),
        (Gadget.DeviceType, "Baselines"),
        (Clock.DeviceType, "Baselines"),
        (Ps2Keyboard.DeviceType, "SampleBaselines"),
        (Uart16550.DeviceType, "SampleBaselines"),
        (Mc146818Rtc.DeviceType, "SampleBaselines"),
    ];

    [Theory]
    [MemberData(nameof(Versions))]
    public void Baseline_CommittedForVersion_IsTheDocumentTheLibraryWrites(string directory, string id, int version)
    {
        // Section ids repeat across directories (the generated UART of the tests and the sample are both 'serial').
        DeviceType type = Committed.Single(c => c.Directory == directory && c.Type.Id == id).Type;
        string expected = System.Text.Encoding.UTF8.GetString(SchemaDocument.ToUtf8(DeviceSchema.For(type, version), indented: true));
        string path = Path.Combine(AppContext.BaseDirectory, directory, $"{id}.v{version}.schema.json");

        Assert.True(File.Exists(path), $"{path} is missing: every released version's schema is committed beside its device.");
        Assert.Equal(expected, File.ReadAllText(path).ReplaceLineEndings("\n").TrimEnd('\n'));
    }
}
