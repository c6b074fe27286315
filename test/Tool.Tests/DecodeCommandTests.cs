using System.Text.Json.Nodes;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary><c>migfmt decode</c>: a stream's state as <c>{section: {field: value}}</c> JSON from its embedded schemas alone.</summary>
public class DecodeCommandTests
{
    public static TheoryData<string, int> AllDeviceVersions() => SampleCommandTests.AllDeviceVersions();

    [Theory]
    [MemberData(nameof(AllDeviceVersions))]
    public void Decode_SampleDevice_GivesWhatLoadPrintsForIt(string device, int version)
    {
        using var dir = new TempDir();
        IDeviceState state = ToolSamples.CreateBusy(ToolSamples.Find(device)!, version);
        string file = StreamFiles.Write(dir, "s.ber", Program.SaveStream([state]));

        ToolResult result = ToolRunner.Run("decode", file);

        Assert.Equal(0, result.ExitCode);
        JsonNode decoded = JsonNode.Parse(result.Stdout)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Program.StateJson(state)), decoded[device + "#0"]), result.Stdout);
    }

    [Fact]
    public void Decode_TwoInstancesOfOneDevice_KeysEachByIdAndInstance()
    {
        using var dir = new TempDir();
        string file = StreamFiles.Write(dir, "s.ber", Program.SaveStream([ToolSamples.CreateBusy(Uart16550.DeviceType, 3), Uart16550.DeviceType.Create(3)]));

        JsonNode decoded = JsonNode.Parse(ToolRunner.Run("decode", file).Stdout)!;

        Assert.Equal(4660, (int)decoded["serial#0"]!["divider"]!);
        Assert.Equal(12, (int)decoded["serial#1"]!["divider"]!);
    }

    [Fact]
    public void Decode_StreamWithoutSchemas_GivesEveryFieldAsATaggedTlv()
    {
        using var dir = new TempDir();
        string file = StreamFiles.Write(dir, "n.ber", Program.SaveStream([ToolSamples.CreateBusy(Uart16550.DeviceType, 3)], embedSchemas: false));

        ToolResult result = ToolRunner.Run("decode", file);

        Assert.Equal(0, result.ExitCode);
        JsonNode section = JsonNode.Parse(result.Stdout)!["serial#0"]!;
        Assert.Equal("1234", (string?)section["[0]"]!["hex"]);
        Assert.Equal("0f4240", (string?)section["[PRIVATE 9]"]!["hex"]);
        Assert.Equal("[0]", (string?)section["[11]"]!["items"]![0]!["tag"]);
        Assert.Equal("075bcd15", (string?)section["[11]"]!["items"]![0]!["hex"]);
    }

    [Fact]
    public void Decode_FieldTheSchemaDoesNotDescribe_IsATaggedTlvUnderItsTag()
    {
        using var dir = new TempDir();
        DeviceSchema schema = DeviceSchema.For(Uart16550.DeviceType, 3);
        schema.Fields.Remove(schema.Fields.Single(f => f.Name == "tx_count"));

        ToolResult result = ToolRunner.Run("decode", StreamFiles.Write(dir, "s.ber", StreamFiles.WithSchema(schema)));

        JsonNode section = JsonNode.Parse(result.Stdout)!["serial#0"]!;
        Assert.Equal("0f4240", (string?)section["[PRIVATE 9]"]!["hex"]);
        Assert.Equal(4660, (int)section["divider"]!);
    }

    [Fact]
    public void Decode_ValueTooWideForItsKind_IsATaggedTlvUnderItsName()
    {
        using var dir = new TempDir();
        DeviceSchema schema = DeviceSchema.For(Uart16550.DeviceType, 3);
        int index = schema.Fields.IndexOf(schema.Fields.Single(f => f.Name == "divider"));
        schema.Fields[index] = new FieldSchema("divider", 0, FieldKind.UInt8);

        ToolResult result = ToolRunner.Run("decode", StreamFiles.Write(dir, "s.ber", StreamFiles.WithSchema(schema)));

        Assert.Equal(0, result.ExitCode);
        JsonNode divider = JsonNode.Parse(result.Stdout)!["serial#0"]!["divider"]!;
        Assert.Equal("[0]", (string?)divider["tag"]);
        Assert.Equal("1234", (string?)divider["hex"]);
    }

    [Fact]
    public void Decode_BlobSegmentThatIsNotAnOctetString_CountsItsBytesAndSaysSo()
    {
        using var dir = new TempDir();
        byte[] stream = Program.SaveStream([ToolSamples.CreateBusy(VhostUserBackend.DeviceType, 2)]);
        int segment = stream.AsSpan().IndexOf(new byte[] { 0xA2, 0x80, 0x04 }) + 2;
        stream[segment] = 0x0C;

        ToolResult result = ToolRunner.Run("decode", StreamFiles.Write(dir, "b.ber", stream));

        Assert.Equal(0, result.ExitCode);
        JsonNode blob = JsonNode.Parse(result.Stdout)!["vhost-user-backend#0"]!["backend_state"]!;
        Assert.StartsWith("a segment is not an OCTET STRING", (string?)blob["problem"], StringComparison.Ordinal);
        Assert.Equal(((VhostUserBackend)ToolSamples.CreateBusy(VhostUserBackend.DeviceType, 2)).BackendState.Length, (int)blob["length"]!);
    }

    [Fact]
    public void Decode_QemuStream_GivesTheAnalyzersDocument()
    {
        string fixture = Path.Combine(AppContext.BaseDirectory, "fixtures", "q35-basic.mig");

        ToolResult result = ToolRunner.Run("decode", fixture);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(File.ReadAllText(fixture + ".dump-state.json"), result.Stdout);
    }

    [Fact]
    public void Decode_BitFlippedStream_Exits1WithTheChecksumError()
    {
        using var dir = new TempDir();
        byte[] stream = StreamFiles.WithIntegrity();

        ToolResult result = ToolRunner.Run("decode", StreamFiles.Write(dir, "f.ber", StreamFiles.Flip(stream, StreamFiles.DividerValue(stream))));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("crc32c: Expected the CRC-32C of the section", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TextFile_Exits1NamingWhatItExpectedAndFound()
    {
        using var dir = new TempDir();
        string file = dir.File("notes.txt");
        File.WriteAllText(file, "# notes\nnot a stream\n");

        ToolResult result = ToolRunner.Run("decode", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "migfmt: error: decode: expected a BER migration stream (7F CD 46 80) or a QEMU savevm stream (51 45 56 4D, \"QEVM\"); "
            + $"found bytes 23 20 6e 6f 74 65 73 0a (\"# notes.\") in {file}. At byte offset 0.",
            result.Stderr.TrimEnd());
    }
}
