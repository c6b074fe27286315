using Xunit;

namespace MigrationFormat.Tool.Tests;

public class QemuDumpCommandTests
{
    public static TheoryData<string> Fixtures => new() { "pc-serial-paused.mig", "pc-serial.mig", "q35-basic.mig", "pc-devices.mig" };

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void DumpJson_QemuStream_PrintsExactlyWhatQemusAnalyzerPrints(string fixture)
    {
        ToolResult result = ToolRunner.Run("dump", "--json", Fixture(fixture));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(File.ReadAllText(Fixture(fixture + ".dump-state.json")), result.Stdout);
    }

    [Fact]
    public void Dump_QemuStream_ShowsSectionsDevicesFieldsAndRamSummary()
    {
        ToolResult result = ToolRunner.Run("dump", Fixture("pc-serial-paused.mig"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("serial", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("ram", result.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("divider", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_TruncatedQemuStream_Exits1WithTheError()
    {
        using var dir = new TempDir();
        string cut = dir.File("cut.mig");
        byte[] whole = File.ReadAllBytes(Fixture("pc-serial-paused.mig"));
        File.WriteAllBytes(cut, whole.AsSpan(0, whole.Length / 2).ToArray());

        ToolResult result = ToolRunner.Run("dump", cut);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("migfmt: error:", result.Stderr, StringComparison.Ordinal);
    }
}
