using System.Text.Json.Nodes;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary><c>dump --json --typed</c>: the analyzer's document with what the VM description leaves opaque named by the typed models.</summary>
public class DumpTypedTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    [Theory]
    [InlineData("pc-virtio.mig")]
    [InlineData("q10-pc-q35-10.0-virtio.mig")]
    public void DumpJsonTyped_VirtioStream_ReplacesEachVirtioBlobByNamedFields(string fixture)
    {
        JsonObject plain = DumpJson(fixture);
        JsonObject typed = DumpJson(fixture, "--typed");

        string[] virtio = [.. plain.Select(section => section.Key).Where(key => key.Contains("virtio", StringComparison.Ordinal))];
        Assert.NotEmpty(virtio);
        foreach (string key in virtio)
        {
            JsonNode? opaque = FindMember(plain[key], "virtio");
            JsonNode? named = FindMember(typed[key], "virtio");
            Assert.IsAssignableFrom<JsonValue>(opaque);
            JsonObject fields = Assert.IsType<JsonObject>(named);
            Assert.True(fields.Count > 1, $"{key}: the typed virtio state has {fields.Count} field(s)");
        }
    }

    [Theory]
    [InlineData("pc-devices.mig")]
    [InlineData("q10-pc-i440fx-10.0-virtio.mig")]
    public void DumpJsonTyped_SectionsWithoutOpaqueState_AreTheAnalyzersDocument(string fixture)
    {
        JsonObject plain = DumpJson(fixture);
        JsonObject typed = DumpJson(fixture, "--typed");

        Assert.Equal(plain.Select(section => section.Key), typed.Select(section => section.Key));
        int compared = 0;
        foreach ((string key, JsonNode? section) in plain)
        {
            if (!key.Contains("virtio", StringComparison.Ordinal) && !key.StartsWith("slirp", StringComparison.Ordinal))
            {
                Assert.True(JsonNode.DeepEquals(section, typed[key]), $"section {key} differs");
                compared++;
            }
        }

        Assert.True(compared > 10, $"only {compared} sections compared");
    }

    [Fact]
    public void DumpJsonTyped_SlirpSection_NamesItsState()
    {
        JsonObject plain = DumpJson("pc-devices.mig");
        JsonObject typed = DumpJson("pc-devices.mig", "--typed");

        string slirp = plain.Select(section => section.Key).First(key => key.StartsWith("slirp", StringComparison.Ordinal));
        Assert.False(JsonNode.DeepEquals(plain[slirp], typed[slirp]));
        Assert.Contains("bootp_clients", typed[slirp]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("bootp_clients", plain[slirp]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DumpTyped_WithoutJson_ExitsWithUsageError()
    {
        ToolResult result = ToolRunner.Run("dump", "--typed", Fixture("pc-virtio.mig"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--typed goes with --json", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public void DumpJsonTyped_BerStream_Exit1NamingTheInputItExpects()
    {
        using var dir = new TempDir();
        Assert.Equal(0, ToolRunner.Run("sample", "--device", "serial", "--version", "3", "-o", dir.File("s.ber")).ExitCode);

        ToolResult result = ToolRunner.Run("dump", "--json", "--typed", dir.File("s.ber"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("expected a QEMU savevm stream", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    private static JsonObject DumpJson(string fixture, params string[] options)
    {
        ToolResult result = ToolRunner.Run(["dump", "--json", .. options, Fixture(fixture)]);
        Assert.Equal(0, result.ExitCode);
        return Assert.IsType<JsonObject>(JsonNode.Parse(result.Stdout));
    }

    /// <summary>The first member named <paramref name="name"/> anywhere under <paramref name="node"/>, depth first.</summary>
    private static JsonNode? FindMember(JsonNode? node, string name)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach ((string key, JsonNode? child) in obj)
                {
                    if (key == name)
                    {
                        return child;
                    }

                    if (FindMember(child, name) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonArray array:
                return array.Select(child => FindMember(child, name)).FirstOrDefault(found => found is not null);
            default:
                return null;
        }
    }
}
