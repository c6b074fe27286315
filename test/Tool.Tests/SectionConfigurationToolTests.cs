using System.Text;
using System.Text.Json.Nodes;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary>
/// A section's configuration (<c>[APPLICATION 8]</c>, docs/catalog.md §3) in the verbs that walk a stream: dump shows
/// it, verify and decode read the state in the layout it names, diff compares it, and a malformed one is one error.
/// </summary>
public class SectionConfigurationToolTests
{
    private static IDeviceState Net(string configuration) => SampleCatalog.CreateBusy(VirtioNet.DeviceType.Resolve(configuration));

    private static string Save(TempDir dir, string name, IDeviceState device, bool embedSchemas = true) =>
        StreamFiles.Write(dir, name, Program.SaveStream([device], embedSchemas));

    /// <summary>The saved bytes with one run of ASCII text replaced by another of the same length.</summary>
    private static byte[] Replace(byte[] stream, string text, string replacement)
    {
        byte[] copy = (byte[])stream.Clone();
        int at = copy.AsSpan().IndexOf(Encoding.ASCII.GetBytes(text));
        Assert.True(at >= 0, $"'{text}' is not in the stream");
        Encoding.ASCII.GetBytes(replacement).CopyTo(copy, at);
        return copy;
    }

    [Fact]
    public void Dump_SectionWithConfiguration_ShowsTheModelAndEachItemWithItsFlag()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("dump", Save(dir, "n.ber", Net("version=2,rx-filter-size=16")));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("[APPLICATION 8] constructed, len indefinite  configuration", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("model = \"urn:migfmt:sample:virtio-net\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("[0] must-parse, len 17  parameter = \"rx-filter-size=16\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("[PRIVATE 0] skippable, len 7  parameter = \"rss=off\"", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfigInTheSectionsLayout_LoadsIt()
    {
        using var dir = new TempDir();
        string file = Save(dir, "n.ber", Net("version=2,rx-filter-size=64"));

        ToolResult result = ToolRunner.Run("load", "--device", "virtio-net", "--config", "rx-filter-size=64", "--version", "2", file);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.NotNull(JsonNode.Parse(result.Stdout));
    }

    [Fact]
    public void Load_VersionDefaultLayoutForASectionInAnother_FailsNamingTheParameter()
    {
        using var dir = new TempDir();
        string file = Save(dir, "n.ber", Net("version=2,rx-filter-size=64"));

        ToolResult result = ToolRunner.Run("load", "--device", "virtio-net", "--version", "2", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("rx-filter-size", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfigWithAnUnknownParameter_IsAUsageErrorNamingIt()
    {
        using var dir = new TempDir();
        string file = Save(dir, "n.ber", Net("version=2"));

        ToolResult result = ToolRunner.Run("load", "--device", "virtio-net", "--config", "version=2,no-such-thing=1", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no-such-thing", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NeitherVersionNorConfig_IsAUsageError()
    {
        using var dir = new TempDir();
        string file = Save(dir, "n.ber", Net("version=2"));

        ToolResult result = ToolRunner.Run("load", "--device", "virtio-net", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--version N or --config CONFIG", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SectionInANonDefaultLayout_ChecksItAgainstThatLayoutsEmbeddedSchema()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("verify", Save(dir, "n.ber", Net("version=2,rx-filter-size=64")));

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.EndsWith(": OK", result.Stdout.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SectionInANonDefaultLayoutWithTheDefaultLayoutsSchema_ListsTheFieldItDoesNotDescribe()
    {
        using var dir = new TempDir();
        DeviceSchema defaultLayout = DeviceSchema.For(VirtioNet.DeviceType, 2);
        byte[] stream = StreamFiles.WithSchema(defaultLayout, Net("version=2,rx-filter-size=64"));

        ToolResult result = ToolRunner.Run("verify", StreamFiles.Write(dir, "n.ber", stream));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("which it does not describe", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_NonDefaultLayoutWithoutEmbeddedSchema_NamesItsFieldsFromTheKnownDeviceInThatLayout()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("dump", Save(dir, "n.ber", Net("version=2,rx-filter-size=16"), embedSchemas: false));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("must-parse, len 96  rx_filter = ", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NonDefaultLayout_GivesTheSavedState()
    {
        using var dir = new TempDir();
        IDeviceState device = Net("version=2,rx-filter-size=32");

        ToolResult result = ToolRunner.Run("decode", Save(dir, "n.ber", device));

        Assert.Equal(0, result.ExitCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Program.StateJson(device)), JsonNode.Parse(result.Stdout)!["virtio-net#0"]), result.Stdout);
    }

    [Fact]
    public void Diff_SectionsInTwoConfigurations_ListsEachDifferingItem()
    {
        using var dir = new TempDir();
        string a = Save(dir, "a.ber", Net("version=3,queue-size=256"));
        string b = Save(dir, "b.ber", Net("version=3,queue-size=1024"));

        ToolResult result = ToolRunner.Run("diff", a, b);

        Assert.Equal(Program.ExitDifferent, result.ExitCode);
        Assert.Matches(@"\(configuration\) queue-size\s+256 \(skippable\) \| 1024 \(skippable\)", result.Stdout);
    }

    [Fact]
    public void Diff_SameConfiguration_ShowsNoConfigurationRow()
    {
        using var dir = new TempDir();
        string a = Save(dir, "a.ber", Net("version=3,queue-size=512"));

        ToolResult result = ToolRunner.Run("diff", a, a);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("(configuration)", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dump")]
    [InlineData("verify")]
    [InlineData("decode")]
    public void Walk_ConfigurationItemWithoutEquals_Exits1NamingTheItem(string verb)
    {
        using var dir = new TempDir();
        byte[] stream = Program.SaveStream([Net("version=2")]);

        ToolResult result = ToolRunner.Run(verb, StreamFiles.Write(dir, "n.ber", Replace(stream, "rss=off", "rss_off")));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Expected a configuration parameter as name=value; found 'rss_off'.", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_ConfigurationItemUnderAForeignTag_Exits1NamingBothTags()
    {
        using var dir = new TempDir();
        byte[] stream = Program.SaveStream([Net("version=2")]);
        int item = stream.AsSpan().IndexOf(Encoding.ASCII.GetBytes("rss=off")) - 2;
        stream[item] = 0x0C;

        ToolResult result = ToolRunner.Run("dump", StreamFiles.Write(dir, "n.ber", stream));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Expected a configuration parameter [0] or [PRIVATE 0]; found [UNIVERSAL 12].", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_ConfigurationRepeatingAParameter_Exits1SayingItIsMalformed()
    {
        using var dir = new TempDir();
        byte[] stream = Program.SaveStream([Net("version=2")]);

        ToolResult result = ToolRunner.Run("dump", StreamFiles.Write(dir, "n.ber", Replace(stream, "ifname=", "rss=off")));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("The section's configuration is malformed: ", result.Stderr, StringComparison.Ordinal);
    }
}
