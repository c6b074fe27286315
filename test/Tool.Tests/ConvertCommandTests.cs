using MigrationFormat.Qemu;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Tool.Tests;

public class ConvertCommandTests
{
    public static TheoryData<string> Fixtures => new() { "pc-serial-paused.mig", "pc-serial.mig", "q35-basic.mig", "pc-devices.mig" };

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Convert_ToBerThenToLegacy_ReproducesFixtureBytes(string fixture)
    {
        using var dir = new TempDir();

        ToolResult toBer = ToolRunner.Run("convert", "--to", "ber", Fixture(fixture), dir.File("x.ber"));
        ToolResult toLegacy = ToolRunner.Run("convert", "--to", "legacy", dir.File("x.ber"), dir.File("x.mig"));

        Assert.Equal(0, toBer.ExitCode);
        Assert.Equal(0, toLegacy.ExitCode);
        Assert.Equal(File.ReadAllBytes(Fixture(fixture)), File.ReadAllBytes(dir.File("x.mig")));
    }

    [Fact]
    public void Dump_ConvertedFixture_NamesQemuFieldsFromEmbeddedSchemas()
    {
        using var dir = new TempDir();
        Assert.Equal(0, ToolRunner.Run("convert", "--to", "ber", Fixture("pc-serial.mig"), dir.File("x.ber")).ExitCode);

        ToolResult dump = ToolRunner.Run("dump", dir.File("x.ber"));

        Assert.Equal(0, dump.ExitCode);
        Assert.Contains("next_transition_time", dump.Stdout);
        Assert.Contains("cmos_data", dump.Stdout);
        Assert.Contains("fcr_vmstate", dump.Stdout);
    }

    [Fact]
    public void Convert_ToLegacyOfSampleBerStream_WritesFullSectionsThatLoad()
    {
        using var dir = new TempDir();
        IDeviceState rtc = ToolSamples.CreateBusy(Mc146818Rtc.DeviceType, 3);
        IDeviceState uart = ToolSamples.CreateBusy(Uart16550.DeviceType, 2);
        File.WriteAllBytes(dir.File("s.ber"), Program.SaveStream([rtc, uart]));

        ToolResult result = ToolRunner.Run("convert", "--to", "legacy", dir.File("s.ber"), dir.File("s.mig"));

        Assert.Equal(0, result.ExitCode);
        using var input = File.OpenRead(dir.File("s.mig"));
        using var reader = new QemuStreamReader(input);
        List<QemuSectionRecord> sections = reader.ReadAll().OfType<QemuSectionRecord>().ToList();
        Assert.Equal(["mc146818rtc", "serial"], sections.Select(s => s.IdStr));
        Assert.Equal(LegacyDeviceSerializer.Save(rtc), sections[0].Payload.ToArray());
        Assert.Equal(LegacyDeviceSerializer.Save(uart), sections[1].Payload.ToArray());
        Assert.Equal(2u, sections[1].VersionId);
    }

    [Theory]
    [InlineData("ber")]
    [InlineData("legacy")]
    public void Convert_TruncatedInput_Exit1WithoutOutput(string to)
    {
        using var dir = new TempDir();
        byte[] whole = File.ReadAllBytes(Fixture("pc-serial.mig"));
        if (to == "legacy")
        {
            Assert.Equal(0, ToolRunner.Run("convert", "--to", "ber", Fixture("pc-serial.mig"), dir.File("whole")).ExitCode);
            whole = File.ReadAllBytes(dir.File("whole"));
        }

        File.WriteAllBytes(dir.File("cut"), whole.AsSpan(0, whole.Length / 2).ToArray());

        ToolResult result = ToolRunner.Run("convert", "--to", to, dir.File("cut"), dir.File("out"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error", result.Stderr);
        Assert.False(File.Exists(dir.File("out")));
    }

    [Fact]
    public void Convert_ToBerOfBerStream_Exit1()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("s.ber"), Program.SaveStream([ToolSamples.CreateBusy(Uart16550.DeviceType, 3)]));

        ToolResult result = ToolRunner.Run("convert", "--to", "ber", dir.File("s.ber"), dir.File("out"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("convert --to ber: expected a QEMU savevm stream (51 45 56 4D, \"QEVM\"); found bytes 7f cd 46 80", result.Stderr);
    }

    [Fact]
    public void Convert_UnknownTarget_Exit2()
    {
        ToolResult result = ToolRunner.Run("convert", "--to", "xml", Fixture("pc-serial.mig"), "out");

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void Demo_PrintsLegacyAndBerSizesOfSamples()
    {
        ToolResult result = ToolRunner.Run("demo");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Legacy vs BER", result.Stdout);
        Assert.Matches(@"serial v3: legacy \d+ bytes, BER \d+ bytes", result.Stdout);
        Assert.Matches(@"vhost-user-backend v3: legacy \d+ bytes, BER \d+ bytes", result.Stdout);
    }
}
