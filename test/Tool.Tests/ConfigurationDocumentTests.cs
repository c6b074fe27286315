using System.Text.Json.Nodes;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary>
/// The documents <c>describe</c> writes, read by <c>check</c> and <c>select</c>, for the samples and for a user's
/// devices given with <c>--assembly</c> (docs/catalog.md §6).
/// </summary>
public class ConfigurationDocumentTests
{
    private static string UserDevices => Path.Combine(AppContext.BaseDirectory, "user-devices", "Example.UserDevices.dll");

    private static string Write(TempDir dir, string name, params string[] describe)
    {
        ToolResult result = ToolRunner.Run(describe);
        Assert.True(result.ExitCode == 0, result.Stderr);
        string file = dir.File(name);
        File.WriteAllText(file, result.Stdout);
        return file;
    }

    public static TheoryData<string[]> CatalogsDescribeWrites() => new()
    {
        { new[] { "describe" } },
        { new[] { "describe", "--schemas" } },
        { new[] { "describe", "--model", "urn:migfmt:sample:virtio-net" } },
        { new[] { "describe", "--model", "serial", "--schemas" } },
        { new[] { "describe", "--assembly", UserDevices } },
        { new[] { "describe", "--assembly", UserDevices, "--schemas" } },
    };

    [Theory]
    [MemberData(nameof(CatalogsDescribeWrites))]
    public void Check_CatalogDescribeWrites_AgainstItselfIsCompatible(string[] describe)
    {
        using var dir = new TempDir();
        string catalog = Write(dir, "catalog.json", describe);

        ToolResult result = ToolRunner.Run("check", catalog, catalog);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("compatible", result.Stdout.TrimEnd());
    }

    [Fact]
    public void Check_VmDocumentAgainstItsHostsCatalog_IsCompatible()
    {
        using var dir = new TempDir();
        string vm = Write(dir, "vm.json", "describe", "--vm", "--device", "virtio-net,version=2,rx-filter-size=64");
        string host = Write(dir, "host.json", "describe", "--schemas");

        ToolResult result = ToolRunner.Run("check", vm, host);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("compatible", result.Stdout.TrimEnd());
    }

    [Fact]
    public void Check_VmDocumentAgainstAHostWithoutItsModel_Exits3WithTheReason()
    {
        using var dir = new TempDir();
        string vm = Write(dir, "vm.json", "describe", "--vm", "--device", "serial,version=3");
        string host = Write(dir, "host.json", "describe", "--schemas", "--model", "virtio-net");

        ToolResult result = ToolRunner.Run("check", vm, host);

        Assert.Equal(Program.ExitIncompatible, result.ExitCode);
        Assert.Contains(
            "incompatible: model missing: serial#0: Device model urn:migfmt:sample:uart16550a is not in the host's catalog.",
            result.Stdout,
            StringComparison.Ordinal);
        Assert.EndsWith("not compatible: 1 reason(s)", result.Stdout.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CatalogAgainstVmDocument_Exits2SayingWhichWayRoundTheyGo()
    {
        using var dir = new TempDir();
        string vm = Write(dir, "vm.json", "describe", "--vm", "--device", "serial");
        string host = Write(dir, "host.json", "describe");

        ToolResult result = ToolRunner.Run("check", host, vm);

        Assert.Equal(Program.ExitUsage, result.ExitCode);
        Assert.Contains("check: expected a VM document as SRC with a host's catalog as DST; found a catalog in ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_WithAssembly_CarriesTheUserDevicesVersionsAsConfigurations()
    {
        ToolResult result = ToolRunner.Run("describe", "--assembly", UserDevices, "--model", "watchdog", "--latest");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("version=2", result.Stdout.TrimEnd());
    }

    [Fact]
    public void Select_UserDeviceVmOnTheHostOfItsAssembly_Fits()
    {
        using var dir = new TempDir();
        string vm = Write(dir, "vm.json", "describe", "--assembly", UserDevices, "--vm", "--device", "watchdog,version=1");
        string users = Write(dir, "users.json", "describe", "--assembly", UserDevices, "--schemas");
        string samples = Write(dir, "samples.json", "describe", "--schemas");

        ToolResult result = ToolRunner.Run("select", "--vm", vm, users, samples);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("users.json: fits", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("samples.json: does not fit, 1 reason(s)", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("1 of 2 host(s) fit", result.Stdout.ReplaceLineEndings("\n").TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public void Describe_VmWithAssembly_NamesTheUserDevicesModel()
    {
        ToolResult result = ToolRunner.Run("describe", "--assembly", UserDevices, "--vm", "--device", "watchdog,version=2");

        Assert.Equal(0, result.ExitCode);
        JsonNode device = JsonNode.Parse(result.Stdout)!["devices"]![0]!;
        Assert.Equal(("watchdog", "version=2"), ((string?)device["device"], (string?)device["configuration"]));
    }

    [Fact]
    public void Select_TwoDocumentsOnStandardInput_Exits2()
    {
        ToolResult result = ToolRunner.Run("select", "--vm", "-", "-");

        Assert.Equal(Program.ExitUsage, result.ExitCode);
        Assert.Contains("select: expected at most one document from standard input (-); found 2.", result.Stderr, StringComparison.Ordinal);
    }
}
