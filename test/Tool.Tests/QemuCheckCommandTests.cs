using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary><c>migfmt check</c> on QEMU -dump-vmstate files: the legacy wire's rules, exit codes 0, 3 and 4, and <c>--json</c>.</summary>
public sealed class QemuCheckCommandTests
{
    private static readonly string Dump = Path.Combine(AppContext.BaseDirectory, "fixtures", "vmstate-pc-7.2.json");

    [Fact]
    public void Check_DestinationLacksASubsection_Exits4AndNamesTheCondition()
    {
        using var dir = new TempDir();
        string edited = Edit(dir, root => root["isa-serial"]!["Description"]!["Fields"]![0]!["Description"]!.AsObject().Remove("Subsections"));

        ToolResult result = ToolRunner.Run("check", Dump, edited);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("conditional: isa-serial [serial:state.serial/tsr] subsection 'serial/tsr' is unknown to the destination", result.Stdout);
        Assert.Contains("(when the source sends subsection 'serial/tsr')", result.Stdout);
    }

    [Fact]
    public void Check_FieldRenamedOnly_Exits0WithAWarning()
    {
        using var dir = new TempDir();
        string edited = Edit(dir, root => root["hpet"]!["Description"]!["Fields"]![0]!["field"] = "config_renamed");

        ToolResult result = ToolRunner.Run("check", Dump, edited);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("warning: hpet [hpet:config] field 'config' is called 'config_renamed' on the destination (names are not on the wire)", result.Stdout);
    }

    [Fact]
    public void Check_Json_PrintsTheVerdictAndOneFindingPerRootCause()
    {
        using var dir = new TempDir();
        string edited = Edit(dir, root => root["mc146818rtc"]!["Description"]!["Fields"]![1]!["size"] = 8);

        ToolResult result = ToolRunner.Run("check", Dump, edited, "--json");

        Assert.Equal(3, result.ExitCode);
        using JsonDocument report = JsonDocument.Parse(result.Stdout);
        Assert.Equal("incompatible", report.RootElement.GetProperty("verdict").GetString());
        JsonElement finding = Assert.Single(report.RootElement.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("severity").GetString() != "warning");
        Assert.Equal("FieldResized", finding.GetProperty("kind").GetString());
        Assert.Equal("mc146818rtc", finding.GetProperty("qomType").GetString());
        Assert.Equal("refused", finding.GetProperty("severity").GetString());
        Assert.Contains("out of step from here", finding.GetProperty("consequence").GetString(), StringComparison.Ordinal);
    }

    private static string Edit(TempDir dir, Action<JsonObject> edit)
    {
        JsonObject root = JsonNode.Parse(File.ReadAllText(Dump))!.AsObject();
        edit(root);
        string path = dir.File("edited.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }
}
