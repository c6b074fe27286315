using System.Text.Json;
using Xunit;

namespace MigrationFormat.Packaging.Tests;

/// <summary>
/// A user's project built against the packages, and the installed migfmt reading the stream it saved: the fan
/// controller of UserApp/, saved at 2400 rpm (a.mig) and 2500 rpm (b.mig).
/// </summary>
[Collection(InstalledPackagesGroup.Name)]
public sealed class UserWorkflowTests(InstalledPackages packages)
{
    [Fact]
    public void ConsoleApp_LoadIntoVersionTwo_GetsEveryValue()
    {
        Assert.Contains("v2: duty=75 rpm=2400 boost=31 skipped=[]", packages.AppRun.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ConsoleApp_LoadIntoVersionOne_SkipsTheNewerSkippableField()
    {
        string line = packages.AppRun.Stdout.Split('\n').Single(l => l.StartsWith("v1:", StringComparison.Ordinal));

        Assert.StartsWith("v1: duty=75 rpm=2400 boost=0 skipped=[", line, StringComparison.Ordinal);
        Assert.Contains("boost_seconds", line, StringComparison.Ordinal);
    }

    [Fact]
    public void InstalledTool_Dump_NamesEveryFieldFromTheEmbeddedSchema()
    {
        CommandResult dump = packages.Migfmt("dump", "a.mig");

        Assert.True(dump.ExitCode == 0, dump.Transcript);
        Assert.Contains("section fan#0 v2", dump.Stdout, StringComparison.Ordinal);
        Assert.Contains("duty = 75", dump.Stdout, StringComparison.Ordinal);
        Assert.Contains("rpm = 2400", dump.Stdout, StringComparison.Ordinal);
        Assert.Contains("boost_seconds = 31", dump.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void InstalledTool_Decode_GivesTheStateAsJsonWithoutDeviceCode()
    {
        CommandResult decode = packages.Migfmt("decode", "a.mig");

        Assert.True(decode.ExitCode == 0, decode.Transcript);
        using JsonDocument json = JsonDocument.Parse(decode.Stdout);
        JsonElement fan = json.RootElement.GetProperty("fan#0");
        Assert.Equal(75, fan.GetProperty("duty").GetInt32());
        Assert.Equal(2400, fan.GetProperty("rpm").GetInt32());
        Assert.Equal(31, fan.GetProperty("boost_seconds").GetInt32());
    }

    [Fact]
    public void InstalledTool_Verify_WholeStream_ExitsZero()
    {
        CommandResult verify = packages.Migfmt("verify", "a.mig");

        Assert.True(verify.ExitCode == 0, verify.Transcript);
        Assert.Contains("OK", verify.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void InstalledTool_Verify_CutStream_ExitsOneAndSaysWhere()
    {
        byte[] whole = File.ReadAllBytes(Path.Combine(packages.StreamFolder, "a.mig"));
        File.WriteAllBytes(Path.Combine(packages.StreamFolder, "cut.mig"), whole[..(whole.Length - 4)]);

        CommandResult verify = packages.Migfmt("verify", "cut.mig");

        Assert.True(verify.ExitCode == 1, verify.Transcript);
        Assert.Contains("offset", verify.Stdout + verify.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void InstalledTool_Diff_OtherSpeed_ExitsFourWithBothValues()
    {
        CommandResult diff = packages.Migfmt("diff", "a.mig", "b.mig");

        Assert.True(diff.ExitCode == 4, diff.Transcript);
        string rpm = diff.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith("rpm ", StringComparison.Ordinal));
        Assert.Matches(@"^\s*rpm\s+2400\s+\|\s+2500$", rpm);
        Assert.Contains("1 difference(s)", diff.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void InstalledTool_Diff_SameStream_ExitsZero()
    {
        CommandResult diff = packages.Migfmt("diff", "a.mig", "a.mig");

        Assert.True(diff.ExitCode == 0, diff.Transcript);
    }

    [Fact]
    public void InstalledTool_LoadWithTheUsersAssembly_LoadsIntoTheUsersDevice()
    {
        CommandResult load = packages.Migfmt("load", "--assembly", packages.AppAssembly, "--device", "fan", "--version", "1", "a.mig");

        Assert.True(load.ExitCode == 0, load.Transcript);
        using JsonDocument json = JsonDocument.Parse(load.Stdout);
        Assert.Contains("2400", load.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("boost_seconds", load.Stdout, StringComparison.Ordinal);
        Assert.Contains("boost_seconds", load.Stderr, StringComparison.Ordinal);
    }
}
