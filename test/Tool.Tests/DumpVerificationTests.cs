using System.Text.Json;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary>
/// <c>migfmt dump</c> verifies checksums and labels them, reports an abandoned stream, prints embedded schemas, and
/// formats any value in linear time.
/// </summary>
public class DumpVerificationTests
{
    [Fact]
    public void Dump_StreamWithChecksums_LabelsEachVerified()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("dump", StreamFiles.Write(dir, "i.ber", StreamFiles.WithIntegrity()));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            2,
            result.Stdout.Split('\n').Count(line => line.Contains("[APPLICATION 5], len 4  crc32c = ", StringComparison.Ordinal) && line.EndsWith(
                "(verified)",
                StringComparison.Ordinal)));
    }

    [Fact]
    public void Dump_BitFlippedValue_LabelsTheMismatchAndExits1()
    {
        using var dir = new TempDir();
        byte[] stream = StreamFiles.WithIntegrity();

        ToolResult result = ToolRunner.Run("dump", StreamFiles.Write(dir, "f.ber", StreamFiles.Flip(stream, StreamFiles.DividerValue(stream))));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("divider = 4916", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("(MISMATCH: the bytes it covers sum to ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("migfmt: error: section serial#0 v3 crc32c: Expected the CRC-32C of the section, ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void DumpJson_BitFlippedValue_MarksTheChecksumMismatch()
    {
        using var dir = new TempDir();
        byte[] stream = StreamFiles.WithIntegrity();

        ToolResult result = ToolRunner.Run("dump", "--json", StreamFiles.Write(dir, "f.ber", StreamFiles.Flip(stream, StreamFiles.DividerValue(stream))));

        Assert.Equal(1, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Stdout);
        JsonElement sections = json.RootElement[0].GetProperty("children").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "sections");
        JsonElement section = sections.GetProperty("children")[0];
        JsonElement checksum = section.GetProperty("children").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "crc32c");
        Assert.Equal("mismatch", checksum.GetProperty("checksum").GetString());
    }

    [Fact]
    public void Dump_AbandonedStream_ShowsTheMarkAndExits1()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("dump", StreamFiles.Write(dir, "a.ber", StreamFiles.Abandoned()));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("[APPLICATION 7] constructed, len indefinite  abandoned", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("the mark [APPLICATION 7] constructed of a writer disposed before it completed the stream", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void DumpSchemas_PrintsEveryEmbeddedSchemaAsOneDocument()
    {
        using var dir = new TempDir();
        byte[] stream = Program.SaveStream([SampleCatalog.CreateBusy(Uart16550.DeviceType, 3), SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType, 2)]);

        ToolResult result = ToolRunner.Run("dump", "--schemas", StreamFiles.Write(dir, "s.ber", stream));

        Assert.Equal(0, result.ExitCode);
        IReadOnlyList<DeviceSchema> schemas = SchemaDocument.ParseMany(System.Text.Encoding.UTF8.GetBytes(result.Stdout));
        Assert.Equal(
            [SchemaDocument.ToUtf8(DeviceSchema.For(Uart16550.DeviceType, 3)), SchemaDocument.ToUtf8(DeviceSchema.For(Mc146818Rtc.DeviceType, 2))],
            schemas.Select(s => SchemaDocument.ToUtf8(s)));
    }

    [Fact]
    public void DumpSchemas_QemuStream_Exits1SayingItEmbedsNone()
    {
        ToolResult result = ToolRunner.Run("dump", "--schemas", Path.Combine(AppContext.BaseDirectory, "fixtures", "pc-serial.mig"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("expected a BER migration stream, which embeds schema documents; found a QEMU savevm stream", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_IntegerOfAMegabyte_PrintsItShortenedInHex()
    {
        using var dir = new TempDir();
        byte[] contents = new byte[1 << 20];
        contents[0] = 0x7F;
        byte[] value = [0x02, 0x83, 0x10, 0x00, 0x00, .. contents];

        ToolResult result = ToolRunner.Run("dump", StreamFiles.Write(dir, "big.ber", value));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("[UNIVERSAL 2], len 1048576  0x7f00", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("... (1048576 bytes)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_StreamWithoutEmbeddedSchema_NamesFieldsFromTheKnownDevices()
    {
        using var dir = new TempDir();
        byte[] stream = Program.SaveStream([SampleCatalog.CreateBusy(Uart16550.DeviceType, 3)], embedSchemas: false);

        ToolResult result = ToolRunner.Run("dump", StreamFiles.Write(dir, "n.ber", stream));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("[0] must-parse, len 2  divider = 4660", result.Stdout, StringComparison.Ordinal);
    }
}
