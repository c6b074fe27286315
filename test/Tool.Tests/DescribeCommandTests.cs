using System.Text.Json;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary><c>migfmt describe</c>: the catalog, one model, its latest configuration, and VM documents from configuration strings.</summary>
public class DescribeCommandTests
{
    [Fact]
    public void Describe_NoOptions_PrintsEverySampleModelWithItsTypedParameters()
    {
        ToolResult result = ToolRunner.Run("describe");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        Assert.Equal("migfmt-catalog/2", document.RootElement.GetProperty("format").GetString());
        JsonElement[] devices = [.. document.RootElement.GetProperty("devices").EnumerateArray()];
        Assert.Equal(["serial", "mc146818rtc", "virtio-net", "vhost-user-backend"], devices.Select(d => d.GetProperty("device").GetString()));
        JsonElement policy = devices[1].GetProperty("parameters")[0];
        Assert.Equal("lost-tick-policy", policy.GetProperty("name").GetString());
        Assert.Equal(["discard", "delay", "slew"], policy.GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        Assert.True(policy.GetProperty("overridable").GetBoolean());
        Assert.False(document.RootElement.TryGetProperty("schemas", out _));
    }

    [Fact]
    public void Describe_ModelLatest_PrintsItsLatestConfigurationString()
    {
        ToolResult result = ToolRunner.Run("describe", "--model", "urn:migfmt:sample:virtio-net", "--latest");

        Assert.Equal((0, "version=3,rx-filter-size=0,queue-size=256,ifname=\n"), (result.ExitCode, result.Stdout.ReplaceLineEndings("\n")));
    }

    [Fact]
    public void Describe_ModelById_PrintsThatModelAlone()
    {
        ToolResult result = ToolRunner.Run("describe", "--model", "serial");

        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        JsonElement device = Assert.Single(document.RootElement.GetProperty("devices").EnumerateArray());
        Assert.Equal("urn:migfmt:sample:uart16550a", device.GetProperty("model").GetString());
    }

    [Fact]
    public void Describe_Vm_PrintsEachDevicesConfigurationFlagsAndSchema()
    {
        ToolResult result = ToolRunner.Run("describe", "--vm", "--device", "virtio-net,version=2,rx-filter-size=64", "--device", "virtio-net,rss=off");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        JsonElement[] devices = [.. document.RootElement.GetProperty("devices").EnumerateArray()];
        Assert.Equal([0, 1], devices.Select(d => d.GetProperty("instance").GetInt32()));
        Assert.Equal("version=2,rx-filter-size=64,queue-size=256,ifname=", devices[0].GetProperty("configuration").GetString());
        Assert.Equal("rx-filter-size=0,rss=off,queue-size=256,ifname=", devices[1].GetProperty("configuration").GetString());
        JsonElement filter = devices[0].GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "rx-filter-size");
        Assert.True(filter.GetProperty("mustParse").GetBoolean());
        Assert.Contains(devices[0].GetProperty("schema").GetProperty("fields").EnumerateArray(), f => f.GetProperty("name").GetString() == "rx_filter");
    }

    [Fact]
    public void Describe_VmWithoutDevices_DescribesEverySampleAtItsLatestConfiguration()
    {
        using JsonDocument document = JsonDocument.Parse(ToolRunner.Run("describe", "--vm").Stdout);

        Assert.Equal(4, document.RootElement.GetProperty("devices").GetArrayLength());
    }

    [Theory]
    [InlineData("virtio-net,version=2,rx-filter-size=48",
        "Parameter 'rx-filter-size' of device model urn:migfmt:sample:virtio-net takes one of 0, 16, 32, 64; '48' was given.")]
    [InlineData("virtio-net,version=4", "Device model urn:migfmt:sample:virtio-net supports versions 1 to 3; version 4 was requested.")]
    [InlineData("serial,version=3,irq=4", "Device model urn:migfmt:sample:uart16550a has no parameter 'irq' (known: fifo).")]
    [InlineData("serial,version=1,fifo=on",
        "Version 1 of device model urn:migfmt:sample:uart16550a implies fifo=off; the configuration has fifo=on, and 'fifo' is not overridable.")]
    [InlineData("nic,version=1", "Device model nic is not in the catalog.")]
    public void Describe_VmWithAFaultyConfiguration_ExitsOneWithOneErrorNamingModelAndParameter(string device, string message)
    {
        ToolResult result = ToolRunner.Run("describe", "--vm", "--device", device);

        Assert.Equal((1, string.Empty), (result.ExitCode, result.Stdout));
        Assert.Equal("migfmt: error: " + message + "\n", result.Stderr.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("--latest")]
    [InlineData("--device", "serial")]
    [InlineData("--vm", "--model", "serial")]
    [InlineData("--model", "nic")]
    public void Describe_OptionsThatDoNotGoTogether_ExitTwo(params string[] options)
    {
        Assert.Equal(2, ToolRunner.Run(["describe", .. options]).ExitCode);
    }
}
