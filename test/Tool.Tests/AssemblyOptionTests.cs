using System.Text.Json.Nodes;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary>
/// <c>--assembly PATH</c>: the verbs that run device code use the device types of a user's compiled assembly
/// (<c>test/UserDevices</c>, built separately and never referenced) in place of the samples.
/// </summary>
public class AssemblyOptionTests
{
    private static string UserDevices => Path.Combine(AppContext.BaseDirectory, "user-devices", "Example.UserDevices.dll");

    private static string Watchdog(TempDir dir, int version, params string[] extra)
    {
        string file = dir.File($"w{version}.ber");
        string v = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ToolResult result = ToolRunner.Run(["sample", "--assembly", UserDevices, "--device", "watchdog", "--version", v, "-o", file, .. extra]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return file;
    }

    [Fact]
    public void SampleList_WithAssembly_ListsItsDevicesInsteadOfTheSamples()
    {
        ToolResult result = ToolRunner.Run("sample", "--list", "--assembly", UserDevices);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            ["scratchpad\tv1..v1\t", "watchdog\tv1..v2\tA watchdog timer"],
            result.Stdout.ReplaceLineEndings("\n").TrimEnd().Split('\n').Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SampleThenLoad_UserDevice_PrintsTheStateItsFactoryMakes()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("load", "--assembly", UserDevices, "--device", "watchdog", "--version", "2", Watchdog(dir, 2));

        Assert.Equal(0, result.ExitCode);
        JsonNode state = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(30000, (int)state["timeout_ms"]!);
        Assert.Equal("wdt0", (string?)state["label"]);
        Assert.Equal(7UL, (ulong)state["expirations"]!);
    }

    [Fact]
    public void Load_UserDeviceNewerStreamIntoOlderVersion_SkipsTheSkippableFieldByName()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("load", "--assembly", UserDevices, "--device", "watchdog", "--version", "1", Watchdog(dir, 2));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("  watchdog.expirations [PRIVATE 3]", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_UserDevice_PrintsItsSchemaDocument()
    {
        ToolResult result = ToolRunner.Run("schema", "--assembly", UserDevices, "--device", "watchdog", "--version", "2");

        Assert.Equal(0, result.ExitCode);
        JsonNode schema = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("urn:example:watchdog", (string?)schema["model"]);
        Assert.Equal(["timeout_ms", "armed", "label", "expirations"], schema["fields"]!.AsArray().Select(f => (string?)f!["name"]));
    }

    [Fact]
    public void Describe_WithAssembly_CatalogsItsDevices()
    {
        ToolResult result = ToolRunner.Run("describe", "--assembly", UserDevices);

        Assert.Equal(0, result.ExitCode);
        JsonNode catalog = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(["scratchpad", "watchdog"], catalog["devices"]!.AsArray().Select(d => (string?)d!["device"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Convert_UserDeviceStreamToLegacyAndBack_KeepsItsState()
    {
        using var dir = new TempDir();
        string ber = Watchdog(dir, 2);

        Assert.Equal(0, ToolRunner.Run("convert", "--assembly", UserDevices, "--to", "legacy", ber, dir.File("w.mig")).ExitCode);
        Assert.Equal(0, ToolRunner.Run("convert", "--assembly", UserDevices, "--to", "ber", dir.File("w.mig"), dir.File("back.ber")).ExitCode);

        Assert.Equal(ToolRunner.Run("decode", ber).Stdout, ToolRunner.Run("decode", dir.File("back.ber")).Stdout);
    }

    [Fact]
    public void ConvertToLegacy_UserDeviceStreamWithoutAssembly_AsksForItsDeviceCode()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("convert", "--to", "legacy", Watchdog(dir, 1), dir.File("w.mig"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("found 'watchdog'. Give its device code with --assembly.", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("w.mig")));
    }

    [Fact]
    public void Dump_StreamWithoutSchemaAndWithAssembly_NamesItsFields()
    {
        using var dir = new TempDir();
        string file = Watchdog(dir, 2, "--no-schema");

        ToolResult named = ToolRunner.Run("dump", "--assembly", UserDevices, file);
        ToolResult unnamed = ToolRunner.Run("dump", file);

        Assert.Contains("[0] must-parse, len 2  timeout_ms = 30000", named.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("timeout_ms", unnamed.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_StreamWithoutSchemaAndWithAssembly_ChecksItAgainstTheDevicesSchema()
    {
        using var dir = new TempDir();
        string file = Watchdog(dir, 2, "--no-schema");

        ToolResult result = ToolRunner.Run("verify", "--assembly", UserDevices, file);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("note:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_UserDeviceStream_NeedsNoDeviceCode()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("decode", Watchdog(dir, 2));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("wdt0", (string?)JsonNode.Parse(result.Stdout)!["watchdog#0"]!["label"]);
    }

    [Fact]
    public void Assembly_WithRegistryAttribute_GivesExactlyTheDevicesItLists()
    {
        // The samples assembly also holds QEMU models with the same ids; only its registry keeps them apart.
        ToolResult result = ToolRunner.Run("sample", "--list", "--assembly", Path.Combine(AppContext.BaseDirectory, "MigrationFormat.Samples.dll"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            ["serial", "mc146818rtc", "virtio-net", "vhost-user-backend"],
            result.Stdout.ReplaceLineEndings("\n").TrimEnd().Split('\n').Select(l => l.Split('\t')[0]));
    }

    [Fact]
    public void Assembly_MissingFile_Exits1SayingWhatWasExpected()
    {
        ToolResult result = ToolRunner.Run("describe", "--assembly", "no/such/devices.dll");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("migfmt: error: --assembly: expected a compiled .NET assembly (a .dll); found no file at 'no/such/devices.dll'.", result.Stderr.TrimEnd());
    }

    [Fact]
    public void Assembly_NotAnAssembly_Exits1()
    {
        using var dir = new TempDir();
        string file = dir.File("devices.dll");
        File.WriteAllText(file, "not an assembly");

        ToolResult result = ToolRunner.Run("describe", "--assembly", file);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"migfmt: error: --assembly: expected a compiled .NET assembly; '{file}' is not one", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Assembly_WithoutDevices_Exits1SayingHowDevicesAreFound()
    {
        string ber = Path.Combine(AppContext.BaseDirectory, "MigrationFormat.Ber.dll");

        ToolResult result = ToolRunner.Run("describe", "--assembly", ber);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            "found no [assembly: MigrationDeviceRegistry(...)] and no public static DeviceType field or property on a public type "
            + "that implements IDeviceState.",
            result.Stderr,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Assembly_Repeated_JoinsTheDevicesOfEach()
    {
        ToolResult result = ToolRunner.Run(
            "sample",
            "--list",
            "--assembly",
            UserDevices,
            "--assembly",
            Path.Combine(AppContext.BaseDirectory, "MigrationFormat.Samples.dll"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(6, result.Stdout.ReplaceLineEndings("\n").TrimEnd().Split('\n').Length);
    }

    [Fact]
    public void Assembly_ThroughAProcess_LoadsBesideTheTool()
    {
        using var dir = new TempDir();
        string file = Watchdog(dir, 1);

        ProcessResult result = ToolProcess.Run(File.ReadAllBytes(file), "load", "--assembly", UserDevices, "--device", "watchdog", "--version", "1", "-");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("wdt0", (string?)JsonNode.Parse(result.Text)!["label"]);
    }
}
