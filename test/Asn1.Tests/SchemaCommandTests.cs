using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Schema.Asn1;
using MigrationFormat.Tool;

namespace MigrationFormat.Asn1.Tests;

/// <summary><c>migfmt schema --format asn1</c>: the framing module, a device version's module, a stream's module.</summary>
public class SchemaCommandTests
{
    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Schema_Asn1WithoutDevice_PrintsTheFramingModule()
    {
        (int code, string stdout, _) = Run("schema", "--format", "asn1");

        Assert.Equal(0, code);
        Assert.Equal(Asn1FramingModule.Text, stdout);
    }

    [Fact]
    public void Schema_Asn1WithDevice_PrintsThatVersionsModule()
    {
        (int code, string stdout, _) = Run("schema", "--format", "asn1", "--device", "virtio-net", "--version", "2");

        Assert.Equal(0, code);
        Assert.Equal(Asn1DeviceModule.Create(DeviceSchema.For(VirtioNet.DeviceType, 2)).Text, stdout);
        Assert.StartsWith("-- The state of device \"virtio-net\" version 2", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_Asn1WithSections_PrintsTheStreamModuleImportingEachDeviceModuleOnce()
    {
        (int code, string stdout, _) = Run(
            "schema", "--format", "asn1", "--name", "Pc", "--section", "serial/v3", "--section", "serial/v3", "--section", "mc146818rtc/v1");

        Assert.Equal(0, code);
        Assert.Contains("MigrationFormat-Pc DEFINITIONS IMPLICIT TAGS ::= BEGIN", stdout, StringComparison.Ordinal);
        Assert.Single(stdout.Split('\n'), line => line.Trim() == "FROM MigrationFormat-Serial-V3");
        Assert.Contains(
            "    serial  Serial-V3-Section,\n    serial-2  Serial-V3-Section,\n    mc146818rtc  Mc146818rtc-V1-Section\n", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("schema", "--format", "asn1", "--section", "serial")]
    [InlineData("schema", "--format", "asn1", "--section", "serial/v9")]
    [InlineData("schema", "--format", "asn1", "--section", "serial/v3", "--device", "serial")]
    [InlineData("schema", "--format", "json-schema", "--section", "serial/v3")]
    [InlineData("schema", "--format", "vmstate")]
    [InlineData("schema", "--format", "asn1", "--device", "serial")]
    public void Schema_BadArguments_ExitsWithUsageError(params string[] args)
    {
        (int code, _, string stderr) = Run(args);

        Assert.Equal(Program.ExitUsage, code);
        Assert.StartsWith("migfmt: ", stderr, StringComparison.Ordinal);
    }
}
