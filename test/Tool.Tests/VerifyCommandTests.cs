using System.Buffers;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary><c>migfmt verify</c>: structure, checksums and every section against its schema; exit 0, or 1 with every problem listed.</summary>
public class VerifyCommandTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    private static string[] Problems(ToolResult result) =>
        [.. result.Stdout.Split('\n').Where(line => line.StartsWith("problem: ", StringComparison.Ordinal))];

    [Fact]
    public void Verify_GoodStream_Exits0AndSaysOk()
    {
        using var dir = new TempDir();
        string file = StreamFiles.Write(
            dir,
            "s.ber",
            Program.SaveStream([SampleCatalog.CreateBusy(VirtioNet.DeviceType, 3), SampleCatalog.CreateBusy(VhostUserBackend.DeviceType, 2)]));

        ToolResult result = ToolRunner.Run("verify", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            $"{file}: BER migration stream, 2 section(s), 2 embedded schema(s), no checksums (the stream does not announce crc32c): OK",
            result.Stdout.TrimEnd());
    }

    [Fact]
    public void Verify_StreamWithChecksums_CountsThemVerified()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("verify", StreamFiles.Write(dir, "i.ber", StreamFiles.WithIntegrity()));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("2 checksum(s) verified: OK", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_BitFlippedValue_Exits1ListingTheSectionAndStreamChecksums()
    {
        using var dir = new TempDir();
        byte[] stream = StreamFiles.WithIntegrity();

        ToolResult result = ToolRunner.Run("verify", StreamFiles.Write(dir, "f.ber", StreamFiles.Flip(stream, StreamFiles.DividerValue(stream))));

        Assert.Equal(1, result.ExitCode);
        string[] problems = Problems(result);
        Assert.Equal(2, problems.Length);
        Assert.StartsWith("problem: section serial#0 v3 crc32c: Expected the CRC-32C of the section, ", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("problem: trailer crc32c: Expected the CRC-32C of the stream, ", problems[1], StringComparison.Ordinal);
        Assert.EndsWith(": 2 problem(s)", result.Stdout.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SectionDisagreeingWithItsSchema_ListsEveryDisagreement()
    {
        using var dir = new TempDir();
        DeviceSchema schema = DeviceSchema.For(Uart16550.DeviceType, 3);
        schema.Fields[0] = new FieldSchema("divider", 0, FieldKind.UInt8);
        schema.Fields.Remove(schema.Fields.Single(f => f.Name == "rbr"));
        schema.Fields.Single(f => f.Name == "tx_count").Skippable = false;
        schema.Fields.Add(new FieldSchema("extra", 20, FieldKind.UInt8));

        ToolResult result = ToolRunner.Run("verify", StreamFiles.Write(dir, "s.ber", StreamFiles.WithSchema(schema)));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [
                "problem: section serial#0 v3 field divider: Expected uint8; found 4660, more than 255.",
                "problem: section serial#0 v3 field [1]: Expected only fields of the schema serial/v3; found [1], which it does not describe.",
                "problem: section serial#0 v3 field tx_count: Expected must-parse [n] as the schema says; found [PRIVATE 9].",
                "problem: section serial#0 v3 field extra: Expected the must-parse field 'extra' [20] of version 3; found the end of the state without it.",
            ],
            Problems(result).Select(p => p[..p.IndexOf(" (at byte offset", StringComparison.Ordinal)]));
    }

    [Fact]
    public void Verify_FieldsInAnotherOrderThanTheSchema_IsAProblem()
    {
        using var dir = new TempDir();
        DeviceSchema schema = DeviceSchema.For(Uart16550.DeviceType, 3);
        (schema.Fields[1], schema.Fields[2]) = (schema.Fields[2], schema.Fields[1]);

        ToolResult result = ToolRunner.Run("verify", StreamFiles.Write(dir, "s.ber", StreamFiles.WithSchema(schema)));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith(
            "problem: section serial#0 v3 field ier: Expected the fields in the schema's order; found 'ier' after 'rbr'.",
            Assert.Single(Problems(result)),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_EmbeddedSchemaThatIsNotJson_IsAProblem()
    {
        using var dir = new TempDir();
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            writer.WriteSchemas([new("serial/v3", "not json"u8.ToArray())]);
            writer.WriteDevice(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
            writer.Complete();
        }

        ToolResult result = ToolRunner.Run("verify", StreamFiles.Write(dir, "s.ber", output.WrittenSpan.ToArray()));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            "Expected the embedded schema 'serial/v3' as a schema document; The schema document is not valid JSON",
            Assert.Single(Problems(result)),
            StringComparison.Ordinal);
        Assert.Contains("note: section serial#0 v3 has no schema (none embedded); only its framing was checked.", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AbandonedStream_Exits1()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("verify", StreamFiles.Write(dir, "a.ber", StreamFiles.Abandoned()));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("of a writer disposed before it completed the stream", Assert.Single(Problems(result)), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_CutStream_Exits1SayingNothingAfterCanBeRead()
    {
        using var dir = new TempDir();
        byte[] stream = StreamFiles.WithIntegrity();

        ToolResult result = ToolRunner.Run("verify", StreamFiles.Write(dir, "c.ber", stream.AsSpan(0, stream.Length - 20).ToArray()));

        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith("Nothing after this point can be read.", Assert.Single(Problems(result)).TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("(unreadable past the first problem)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_StreamWithoutSchemas_Exits0NotingTheUncheckedSection()
    {
        using var dir = new TempDir();
        string file = StreamFiles.Write(dir, "n.ber", Program.SaveStream([SampleCatalog.CreateBusy(Uart16550.DeviceType, 3)], embedSchemas: false));

        ToolResult result = ToolRunner.Run("verify", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("note: section serial#0 v3 has no schema (none embedded); only its framing was checked.", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pc-serial.mig")]
    [InlineData("q35-basic.mig")]
    public void Verify_RealQemuStream_Exits0CheckingEverySectionAgainstItsDescription(string fixture)
    {
        ToolResult result = ToolRunner.Run("verify", Fixture(fixture));

        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith("VM description present: OK", result.Stdout.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_CutQemuStream_Exits1()
    {
        using var dir = new TempDir();
        byte[] whole = File.ReadAllBytes(Fixture("pc-serial.mig"));

        ToolResult result = ToolRunner.Run("verify", StreamFiles.Write(dir, "c.mig", whole.AsSpan(0, whole.Length / 3).ToArray()));

        Assert.Equal(1, result.ExitCode);
        Assert.Single(Problems(result));
    }

    [Fact]
    public void Verify_TextFile_Exits1NamingWhatItFound()
    {
        using var dir = new TempDir();
        string file = dir.File("t.txt");
        File.WriteAllText(file, "hello world\n");

        ToolResult result = ToolRunner.Run("verify", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("found bytes 68 65 6c 6c 6f 20 77 6f (\"hello wo\")", Assert.Single(Problems(result)), StringComparison.Ordinal);
    }
}
