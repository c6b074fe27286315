using System.Buffers;
using System.Text.Json;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary>
/// <c>migfmt select</c> on three hosts (this one, one a version older, one whose virtio-net lacks a filter size),
/// held to real loads: each host's devices are created from the VM document's configurations and load the VM's
/// stream exactly when select says the host fits, and fail with the reason select printed first otherwise.
/// </summary>
public class SelectCommandTests
{
    private const string NetModel = "urn:migfmt:sample:virtio-net";

    private static readonly string[] LatestVm =
        ["--device", "serial,version=3", "--device", "mc146818rtc,version=3", "--device", "virtio-net,version=3,rx-filter-size=64", "--device",
            "vhost-user-backend,version=3"];

    private static readonly string[] Version2Vm =
        ["--device", "serial,version=2", "--device", "mc146818rtc,version=2", "--device", "virtio-net,version=2,rx-filter-size=32", "--device",
            "vhost-user-backend,version=2"];

    /// <summary>A sample model as another host registers it: its versions up to <paramref name="current"/>, with its parameters, some altered.</summary>
    private static DeviceType Rehost(DeviceType sample, int current, Func<DeviceConfiguration, IDeviceState> factory, Func<DeviceParameter,
        DeviceParameter>? alter = null)
    {
        var versions = new Dictionary<int, string>();
        for (int version = sample.MinimumVersion; version <= current; version++)
        {
            versions[version] = new ConfigurationString(null, sample.ImpliedBy(version)).ToString();
        }

        DeviceParameter[] parameters = [.. sample.Parameters.Select(p => alter?.Invoke(p) ?? p)];
        return new DeviceType(sample.Id, sample.ModelId, current, sample.MinimumVersion, factory, new DeviceParameterSet(parameters, versions),
            sample.Description);
    }

    private static DeviceCatalog Host(int current, bool withoutLargestFilter = false) => new DeviceCatalog()
        .Add(Rehost(Uart16550.DeviceType, current, c => new Uart16550(c)))
        .Add(Rehost(Mc146818Rtc.DeviceType, current, c => new Mc146818Rtc(c)))
        .Add(Rehost(
            VirtioNet.DeviceType,
            current,
            c => new VirtioNet(c),
            p => withoutLargestFilter && p.Name == "rx-filter-size"
                ? DeviceParameter.Integer(p.Name, [0, 16, 32], 0, p.Description, changesLayout: true)
                : p))
        .Add(Rehost(VhostUserBackend.DeviceType, current, c => new VhostUserBackend(c.Version)));

    private static DeviceCatalog Current() => new DeviceCatalog()
        .Add(Uart16550.DeviceType).Add(Mc146818Rtc.DeviceType).Add(VirtioNet.DeviceType).Add(VhostUserBackend.DeviceType);

    /// <summary>Writes the VM document (with migfmt), this host's catalog (with migfmt) and the two others' catalogs.</summary>
    private static (string Vm, string Current, string Older, string Narrow) Files(TempDir dir, string[] devices)
    {
        ToolResult vm = ToolRunner.Run(["describe", "--vm", .. devices]);
        Assert.Equal(0, vm.ExitCode);
        File.WriteAllText(dir.File("vm.json"), vm.Stdout);
        ToolResult current = ToolRunner.Run("describe", "--schemas");
        Assert.Equal(0, current.ExitCode);
        File.WriteAllText(dir.File("current.json"), current.Stdout);
        File.WriteAllBytes(dir.File("older.json"), Host(2).Describe(indented: true, includeSchemas: true));
        File.WriteAllBytes(dir.File("narrow.json"), Host(3, withoutLargestFilter: true).Describe(indented: true, includeSchemas: true));
        return (dir.File("vm.json"), dir.File("current.json"), dir.File("older.json"), dir.File("narrow.json"));
    }

    /// <summary>The VM's stream, saved by its devices created on this host from the document's configurations, in a busy state.</summary>
    private static byte[] SaveVm(VmConfiguration vm)
    {
        DeviceCatalog source = Current();
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            foreach (VmDevice device in vm.Devices)
            {
                DeviceConfiguration configuration = source.FindModel(device.Model)!.Type.Resolve(device.Configuration);
                writer.WriteDevice(SampleCatalog.CreateBusy(configuration), device.InstanceId);
            }

            writer.Complete();
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>What the destination does: creates the devices from the configurations, then loads the stream, all or nothing.</summary>
    private static Exception? LoadOn(DeviceCatalog host, VmConfiguration vm, byte[] stream)
    {
        try
        {
            var devices = vm.Devices.ToDictionary(d => (d.Id, d.InstanceId), d => host.Create(d.Model, d.Configuration));
            using var reader = new MigrationStreamReader(stream);
            reader.LoadAll(section => devices[(section.Id, section.InstanceId)]);
            return null;
        }
        catch (Exception ex) when (ex is DeviceConfigurationException or MigrationFormatException)
        {
            return ex;
        }
    }

    private static JsonElement Verdict(JsonDocument document, string host) =>
        document.RootElement.GetProperty("hosts").EnumerateArray().Single(h => h.GetProperty("host").GetString() == host);

    [Fact]
    public void Select_ThreeHosts_AcceptsTheCurrentAndGivesEveryReasonForTheOthers()
    {
        using var dir = new TempDir();
        (string vm, string current, string older, string narrow) = Files(dir, LatestVm);

        ToolResult result = ToolRunner.Run("select", "--vm", vm, current, older, narrow);

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("current.json: fits", lines[0]);
        Assert.Equal("older.json: does not fit, 4 reason(s)", lines[1]);
        Assert.Equal(
            "  virtio-net#0: version unsupported: Device model urn:migfmt:sample:virtio-net supports versions 1 to 2; version 3 was requested.",
            lines[4]);
        Assert.Equal("narrow.json: does not fit, 1 reason(s)", lines[6]);
        Assert.Equal(
            $"  virtio-net#0: value unsupported: Parameter 'rx-filter-size' of device model {NetModel} takes one of 0, 16, 32; '64' was given.",
            lines[7]);
        Assert.Equal("1 of 3 host(s) fit", lines[^1]);
    }

    [Fact]
    public void Select_ThreeHosts_EachVerdictIsWhatARealLoadOnThatHostDoes()
    {
        using var dir = new TempDir();
        (string vmFile, string current, string older, string narrow) = Files(dir, LatestVm);
        VmConfiguration vm = VmConfiguration.Parse(File.ReadAllBytes(vmFile));
        byte[] stream = SaveVm(vm);

        ToolResult result = ToolRunner.Run("select", "--vm", vmFile, current, older, narrow, "--json");
        using JsonDocument verdicts = JsonDocument.Parse(result.Stdout);

        Assert.True(Verdict(verdicts, "current.json").GetProperty("fits").GetBoolean());
        Assert.Null(LoadOn(Current(), vm, stream));
        foreach ((string name, DeviceCatalog host) in new[] { ("older.json", Host(2)), ("narrow.json", Host(3, withoutLargestFilter: true)) })
        {
            JsonElement verdict = Verdict(verdicts, name);
            Assert.False(verdict.GetProperty("fits").GetBoolean());
            JsonElement first = verdict.GetProperty("reasons")[0];
            var failure = Assert.IsType<DeviceConfigurationException>(LoadOn(host, vm, stream));
            Assert.Equal(first.GetProperty("message").GetString(), failure.Issue!.Message);
            Assert.Equal(first.GetProperty("subject").GetString(), failure.Issue.Parameter);
        }
    }

    [Fact]
    public void Select_VersionTwoVm_TheOlderHostFitsAndLoadsIt()
    {
        using var dir = new TempDir();
        (string vmFile, string current, string older, string narrow) = Files(dir, Version2Vm);
        VmConfiguration vm = VmConfiguration.Parse(File.ReadAllBytes(vmFile));

        ToolResult result = ToolRunner.Run("select", "--vm", vmFile, current, older, narrow);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("older.json: fits", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("narrow.json: fits", result.Stdout, StringComparison.Ordinal);
        Assert.Null(LoadOn(Host(2), vm, SaveVm(vm)));
    }

    [Fact]
    public void Select_NoHostFits_ExitsThree()
    {
        using var dir = new TempDir();
        (string vm, _, string older, string narrow) = Files(dir, LatestVm);

        ToolResult result = ToolRunner.Run("select", "--vm", vm, older, narrow);

        Assert.Equal(3, result.ExitCode);
        Assert.EndsWith("0 of 2 host(s) fit\n", result.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Select_HostCatalogWithoutSchemas_CannotBeCheckedAndSaysHow()
    {
        using var dir = new TempDir();
        (string vm, _, _, _) = Files(dir, LatestVm);
        File.WriteAllText(dir.File("bare.json"), ToolRunner.Run("describe").Stdout);

        ToolResult result = ToolRunner.Run("select", "--vm", vm, dir.File("bare.json"));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("schema unavailable:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("describe the host with --schemas", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_NotAVmDocument_ExitsOneNamingThePath()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("vm.json"), """{"format":"migfmt-vm/1","devices":[{"device":"serial"}]}""");
        File.WriteAllText(dir.File("host.json"), ToolRunner.Run("describe").Stdout);

        ToolResult result = ToolRunner.Run("select", "--vm", dir.File("vm.json"), dir.File("host.json"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("$.devices[0].instance", result.Stderr, StringComparison.Ordinal);
    }
}
