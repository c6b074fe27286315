using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary>migfmt on the virtio fixtures of QEMU 7.2 and 10.0.</summary>
public class CurrentQemuStreamTests
{
    public static TheoryData<string> Fixtures => new()
    {
        "pc-virtio.mig", "q35-virtio.mig", "q10-pc-i440fx-7.2-virtio.mig", "q10-pc-q35-7.2-virtio.mig",
        "q10-pc-i440fx-10.0-virtio.mig", "q10-pc-q35-10.0-virtio.mig",
    };

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void DumpJson_QemuStream_PrintsExactlyWhatTheAnalyzerOfItsQemuPrints(string fixture)
    {
        ToolResult result = ToolRunner.Run("dump", "--json", Fixture(fixture));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(File.ReadAllText(Fixture(fixture + ".dump-state.json")), result.Stdout);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Convert_ToBerThenToLegacy_ReproducesFixtureBytes(string fixture)
    {
        using var dir = new TempDir();

        ToolResult toBer = ToolRunner.Run("convert", "--to", "ber", Fixture(fixture), dir.File("x.ber"));
        ToolResult toLegacy = ToolRunner.Run("convert", "--to", "legacy", dir.File("x.ber"), dir.File("x.mig"));

        Assert.Equal((0, 0), (toBer.ExitCode, toLegacy.ExitCode));
        Assert.Equal(File.ReadAllBytes(Fixture(fixture)), File.ReadAllBytes(dir.File("x.mig")));
    }

    [Fact]
    public void DumpJsonTyped_VirtioStream_NamesTheVirtqueueFields()
    {
        ToolResult result = ToolRunner.Run("dump", "--json", "--typed", Fixture("q10-pc-i440fx-10.0-virtio.mig"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"last_avail_idx\": \"0x0002\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"virtio-net-device\": {", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_ConvertedVirtioStream_NamesVirtioFieldsFromEmbeddedSchemas()
    {
        using var dir = new TempDir();
        Assert.Equal(0, ToolRunner.Run("convert", "--to", "ber", Fixture("pc-virtio.mig"), dir.File("x.ber")).ExitCode);

        ToolResult dump = ToolRunner.Run("dump", dir.File("x.ber"));

        Assert.Equal(0, dump.ExitCode);
        Assert.Contains("last_avail_idx = 2", dump.Stdout, StringComparison.Ordinal);
        Assert.Contains("bootp_clients", dump.Stdout, StringComparison.Ordinal);
        Assert.Contains("msix_table", dump.Stdout, StringComparison.Ordinal);
    }
}
