using System.Globalization;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary>
/// <c>load</c>, <c>dump</c> and <c>convert</c> on what <c>sample --format legacy</c> writes (a QEMU stream of FULL sections
/// without a VM description), for every version of every sample device.
/// </summary>
public class SampleLegacyStreamTests
{
    public static TheoryData<string, int> AllDeviceVersions()
    {
        var data = new TheoryData<string, int>();
        foreach (DeviceType type in ToolSamples.Types)
        {
            for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
            {
                data.Add(type.Id, version);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllDeviceVersions))]
    public void Load_SampleLegacyStream_PrintsTheBusyState(string device, int version)
    {
        using var dir = new TempDir();
        string legacy = WriteLegacySample(dir, device, version);

        ToolResult result = ToolRunner.Run("load", "--device", device, "--version", Text(version), legacy);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(BusyStateJson(device, version), result.Stdout.Trim());
    }

    [Theory]
    [MemberData(nameof(AllDeviceVersions))]
    public void Dump_SampleLegacyStream_PrintsTheSectionAndTheStateItsDeviceLoads(string device, int version)
    {
        using var dir = new TempDir();
        string legacy = WriteLegacySample(dir, device, version);

        ToolResult result = ToolRunner.Run("dump", legacy);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"SECTION_FULL section 0 \"{device}\" instance 0 version {version}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{device} v{version} (", result.Stdout, StringComparison.Ordinal);
        string indentedState = string.Join('\n', BusyStateJson(device, version).Split('\n').Select(line => "        " + line));
        Assert.Contains(indentedState, result.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllDeviceVersions))]
    public void ConvertToBer_SampleLegacyStream_LoadsAsTheBusyState(string device, int version)
    {
        using var dir = new TempDir();
        string legacy = WriteLegacySample(dir, device, version);

        ToolResult converted = ToolRunner.Run("convert", "--to", "ber", legacy, dir.File("s.ber"));
        ToolResult loaded = ToolRunner.Run("load", "--device", device, "--version", Text(version), dir.File("s.ber"));

        Assert.Equal((0, 0), (converted.ExitCode, loaded.ExitCode));
        Assert.Equal(BusyStateJson(device, version), loaded.Stdout.Trim());
        Assert.Contains("skipped fields: none", loaded.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllDeviceVersions))]
    public void ConvertToBerThenToLegacy_SampleLegacyStream_ReproducesItsBytes(string device, int version)
    {
        using var dir = new TempDir();
        string legacy = WriteLegacySample(dir, device, version);

        ToolResult toBer = ToolRunner.Run("convert", "--to", "ber", legacy, dir.File("s.ber"));
        ToolResult toLegacy = ToolRunner.Run("convert", "--to", "legacy", dir.File("s.ber"), dir.File("back.mig"));

        Assert.Equal((0, 0), (toBer.ExitCode, toLegacy.ExitCode));
        Assert.Equal(File.ReadAllBytes(legacy), File.ReadAllBytes(dir.File("back.mig")));
    }

    [Fact]
    public void Dump_LegacyStreamOfAnUnknownDevice_SaysNoDeviceCodeKnowsIt()
    {
        using var dir = new TempDir();
        string legacy = WriteLegacySample(dir, "serial", 3);
        byte[] bytes = File.ReadAllBytes(legacy);
        // The section's id string "serial" becomes "serjal": the same length, a name no sample device has.
        int at = bytes.AsSpan().IndexOf("serial"u8);
        bytes[at + 3] = (byte)'j';
        File.WriteAllBytes(legacy, bytes);

        ToolResult result = ToolRunner.Run("dump", legacy);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("(no VM description, and no device code knows this section)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_LegacySectionItsDeviceCannotLoad_Exit1()
    {
        using var dir = new TempDir();
        string legacy = WriteLegacySample(dir, "serial", 3);
        byte[] bytes = File.ReadAllBytes(legacy);
        // The section's version (after the id string and the be32 instance id) goes from 3 to 1: a version the serial
        // sample has, whose shorter layout leaves bytes of the version-3 payload unread.
        int versionAt = bytes.AsSpan().IndexOf("serial"u8) + "serial".Length + 4 + 3;
        bytes[versionAt] = 1;
        File.WriteAllBytes(legacy, bytes);

        ToolResult result = ToolRunner.Run("dump", legacy);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("migfmt: error: ", result.Stderr, StringComparison.Ordinal);
    }

    private static string WriteLegacySample(TempDir dir, string device, int version)
    {
        string file = dir.File($"{device}-v{version}.mig");
        ToolResult result = ToolRunner.Run("sample", "--device", device, "--version", Text(version), "--format", "legacy", "-o", file);
        Assert.Equal(0, result.ExitCode);
        return file;
    }

    private static string BusyStateJson(string device, int version) =>
        Program.StateJson(ToolSamples.CreateBusy(ToolSamples.Find(device)!, version)).Trim().ReplaceLineEndings("\n");

    private static string Text(int version) => version.ToString(CultureInfo.InvariantCulture);
}
