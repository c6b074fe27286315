using System.Text.Json;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Tool.Tests;

public class SampleCommandTests
{
    [Fact]
    public void SampleList_ListsUartFirstOnItsLine()
    {
        ToolResult result = ToolRunner.Run("sample", "--list");

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, line => line.StartsWith("serial\t", StringComparison.Ordinal) && line.Contains("v1..v3"));
        Assert.Equal(ToolSamples.Types.Count, lines.Length);
    }

    public static TheoryData<string, int> AllDeviceVersions()
    {
        var data = new TheoryData<string, int>();
        foreach (DeviceType type in ToolSamples.Types)
        {
            for (int v = type.MinimumVersion; v <= type.CurrentVersion; v++)
            {
                data.Add(type.Id, v);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllDeviceVersions))]
    public void SampleThenLoad_SameVersion_PrintsBusyStateJson(string device, int version)
    {
        using var dir = new TempDir();
        string file = dir.File("s.ber");
        string v = version.ToString(System.Globalization.CultureInfo.InvariantCulture);

        ToolResult saved = ToolRunner.Run("sample", "--device", device, "--version", v, "--format", "ber", "-o", file);
        ToolResult loaded = ToolRunner.Run("load", "--device", device, "--version", v, file);

        Assert.Equal(0, saved.ExitCode);
        Assert.Equal(0, loaded.ExitCode);
        string expected = Program.StateJson(ToolSamples.CreateBusy(ToolSamples.Find(device)!, version));
        Assert.Equal(expected.Trim(), loaded.Stdout.Trim());
        Assert.Contains("skipped fields: none", loaded.Stderr);
    }

    [Fact]
    public void Sample_IsDeterministic()
    {
        using var dir = new TempDir();
        Assert.Equal(0, ToolRunner.Run("sample", "--device", "serial", "--version", "3", "-o", dir.File("a")).ExitCode);
        Assert.Equal(0, ToolRunner.Run("sample", "--device", "serial", "--version", "3", "-o", dir.File("b")).ExitCode);
        Assert.Equal(File.ReadAllBytes(dir.File("a")), File.ReadAllBytes(dir.File("b")));
    }

    [Fact]
    public void Sample_LegacyFormat_WritesQemuStreamThatLoadsBack()
    {
        using var dir = new TempDir();
        ToolResult result = ToolRunner.Run("sample", "--device", "serial", "--version", "3", "--format", "legacy", "-o", dir.File("x"));

        Assert.Equal(0, result.ExitCode);
        using var input = File.OpenRead(dir.File("x"));
        using var reader = new MigrationFormat.Qemu.QemuStreamReader(input);
        var section = Assert.Single(reader.ReadAll().OfType<MigrationFormat.Qemu.QemuSectionRecord>());
        Assert.Equal("serial", section.IdStr);
        Assert.Equal(3u, section.VersionId);
        var loaded = new Uart16550(3);
        LegacyDeviceSerializer.Load(loaded, section.Payload.Span, 3);
        Assert.Equal(Program.StateJson(ToolSamples.CreateBusy(Uart16550.DeviceType, 3)), Program.StateJson(loaded));
    }

    [Theory]
    [InlineData("sample", "--device", "nosuch", "--version", "1", "-o", "x")]
    [InlineData("sample", "--device", "serial", "--version", "99", "-o", "x")]
    [InlineData("sample", "--device", "serial", "--version", "0", "-o", "x")]
    [InlineData("sample", "--device", "serial", "--version", "three", "-o", "x")]
    [InlineData("sample", "--device", "serial", "--version", "3")]
    [InlineData("sample", "--device", "serial", "--version", "3", "--format", "xml", "-o", "x")]
    [InlineData("sample")]
    [InlineData("load", "--version", "3", "file")]
    [InlineData("load", "--device", "serial", "file")]
    [InlineData("load", "--device", "serial", "--version", "3")]
    [InlineData("load", "--device", "nosuch", "--version", "3", "file")]
    [InlineData("load", "--device", "serial", "--version", "4", "file")]
    [InlineData("dump")]
    [InlineData("nosuchverb")]
    public void UsageErrors_Exit2_WithMessageOnStderr(params string[] args)
    {
        ToolResult result = ToolRunner.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.NotEqual(string.Empty, result.Stderr.Trim());
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public void Help_Exits0()
    {
        ToolResult result = ToolRunner.Run("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("dump", result.Stdout);
    }
}

public class LoadCommandTests
{
    private static string Sample(TempDir dir, int version)
    {
        string file = dir.File($"serial-v{version}.ber");
        Assert.Equal(
            0,
            ToolRunner.Run(
                "sample",
                "--device",
                "serial",
                "--version",
                version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-o",
                file).ExitCode);
        return file;
    }

    [Fact]
    public void Load_V3StreamIntoV2_Exits1_NamingDeviceFieldAndVersions()
    {
        using var dir = new TempDir();
        ToolResult result = ToolRunner.Run("load", "--device", "serial", "--version", "2", Sample(dir, 3));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains("'serial'", result.Stderr);
        Assert.Contains("[10]", result.Stderr);
        Assert.Contains("stream version 3", result.Stderr);
        Assert.Contains("destination version 2", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public void Load_V2StreamIntoV1_ReportsSkippedFieldOnStderr()
    {
        using var dir = new TempDir();
        ToolResult result = ToolRunner.Run("load", "--device", "serial", "--version", "1", Sample(dir, 2));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("skipped fields:", result.Stderr);
        Assert.Contains("[PRIVATE 9]", result.Stderr);
        using JsonDocument json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(0x1234, json.RootElement.GetProperty("divider").GetInt32());
        Assert.False(json.RootElement.TryGetProperty("tx_count", out _));
    }

    [Fact]
    public void Load_V1StreamIntoV3_ReportsDefaultedFieldsAndKeepsDefaults()
    {
        using var dir = new TempDir();
        ToolResult result = ToolRunner.Run("load", "--device", "serial", "--version", "3", Sample(dir, 1));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("defaulted fields:", result.Stderr);
        using JsonDocument json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(0x1234, json.RootElement.GetProperty("divider").GetInt32());
        Assert.Equal(0UL, json.RootElement.GetProperty("tx_count").GetUInt64());
        Assert.Equal(1, json.RootElement.GetProperty("fifo_trigger_level").GetInt32());
        Assert.False(json.RootElement.TryGetProperty("fifo_timeout", out _));
    }

    [Fact]
    public void Load_BusyV3_JsonHasNumbersAndOptionalGroup()
    {
        using var dir = new TempDir();
        ToolResult result = ToolRunner.Run("load", "--device", "serial", "--version", "3", Sample(dir, 3));

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("tx_count").ValueKind);
        Assert.Equal(1_000_000UL, json.RootElement.GetProperty("tx_count").GetUInt64());
        Assert.Equal(123_456_789L, json.RootElement.GetProperty("fifo_timeout").GetProperty("deadline_ns").GetInt64());
    }

    [Fact]
    public void Load_MissingFile_Exits1()
    {
        using var dir = new TempDir();
        ToolResult result = ToolRunner.Run("load", "--device", "serial", "--version", "3", dir.File("missing.ber"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("missing.ber", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public void Load_NotAStream_Exits1()
    {
        using var dir = new TempDir();
        string file = dir.File("junk");
        File.WriteAllBytes(file, "QEVM\0\0\0\u0003"u8.ToArray());
        ToolResult result = ToolRunner.Run("load", "--device", "serial", "--version", "3", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public void Load_TruncatedStream_Exits1()
    {
        using var dir = new TempDir();
        string file = Sample(dir, 3);
        byte[] bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes.AsSpan(0, bytes.Length - 3).ToArray());

        ToolResult result = ToolRunner.Run("load", "--device", "serial", "--version", "3", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
    }
}

public class DumpCommandTests
{
    private static string Sample(TempDir dir, int version = 3)
    {
        string file = dir.File("s.ber");
        Assert.Equal(
            0,
            ToolRunner.Run(
                "sample",
                "--device",
                "serial",
                "--version",
                version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-o",
                file).ExitCode);
        return file;
    }

    [Fact]
    public void Dump_ShowsSectionsTagsFlagsLengthsNamesAndValues()
    {
        using var dir = new TempDir();
        ToolResult result = ToolRunner.Run("dump", Sample(dir));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Stderr);
        Assert.Contains("section serial#0 v3", result.Stdout);
        Assert.Contains("[APPLICATION 9926] constructed, len indefinite", result.Stdout);
        Assert.Contains("[0] must-parse, len 2  divider = 4660", result.Stdout);
        Assert.Contains("[PRIVATE 9] skippable, len 3  tx_count = 1000000", result.Stdout);
        Assert.Contains("fifo_timeout", result.Stdout);
        Assert.Contains("deadline_ns = 123456789", result.Stdout);
        Assert.Contains("device_id = \"serial\"", result.Stdout);
        Assert.StartsWith("000000  ", result.Stdout);
    }

    [Fact]
    public void Dump_Json_HasSameTree()
    {
        using var dir = new TempDir();
        string file = Sample(dir);
        ToolResult result = ToolRunner.Run("dump", file, "--json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Stdout);
        JsonElement stream = json.RootElement[0];
        Assert.Equal("application", stream.GetProperty("class").GetString());
        Assert.Equal(9926, stream.GetProperty("number").GetInt32());
        Assert.Equal("indefinite", stream.GetProperty("length").GetString());
        Assert.Equal("schemas", stream.GetProperty("children")[1].GetProperty("name").GetString());
        JsonElement sections = stream.GetProperty("children")[2];
        Assert.Equal("sections", sections.GetProperty("name").GetString());
        JsonElement section = sections.GetProperty("children")[0];
        Assert.Equal("section serial#0 v3", section.GetProperty("name").GetString());
        Assert.Equal("configuration", section.GetProperty("children")[3].GetProperty("name").GetString());
        JsonElement state = section.GetProperty("children")[4];
        Assert.Equal("state", state.GetProperty("name").GetString());
        JsonElement divider = state.GetProperty("children")[0];
        Assert.Equal("divider", divider.GetProperty("name").GetString());
        Assert.Equal("must-parse", divider.GetProperty("flag").GetString());
        Assert.Equal(4660, divider.GetProperty("value").GetInt32());
        JsonElement txCount = state.GetProperty("children")[9];
        Assert.Equal("skippable", txCount.GetProperty("flag").GetString());
        Assert.Equal("private", txCount.GetProperty("class").GetString());
    }

    [Fact]
    public void Dump_EveryTruncation_Exits1_WithTheErrorOnStderr()
    {
        using var dir = new TempDir();
        byte[] bytes = File.ReadAllBytes(Sample(dir));
        string cut = dir.File("cut.ber");
        for (int length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(cut, bytes.AsSpan(0, length).ToArray());
            ToolResult result = ToolRunner.Run("dump", cut);

            Assert.True(result.ExitCode == 1, $"cut at {length}: exit {result.ExitCode}\n{result.Stdout}");
            Assert.StartsWith("migfmt: error: ", result.Stderr);
            Assert.DoesNotContain("   at ", result.Stderr);
        }
    }

    [Fact]
    public void Dump_MissingFile_Exits1()
    {
        using var dir = new TempDir();
        ToolResult result = ToolRunner.Run("dump", dir.File("nope.ber"));

        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public void Dump_LongOctetString_IsTruncated()
    {
        using var dir = new TempDir();
        string file = dir.File("octets.ber");
        byte[] bytes = new byte[2 + 100];
        bytes[0] = 0x04;
        bytes[1] = 100;
        for (int i = 0; i < 100; i++)
        {
            bytes[2 + i] = (byte)i;
        }

        File.WriteAllBytes(file, bytes);
        ToolResult result = ToolRunner.Run("dump", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("[UNIVERSAL 4], len 100  000102", result.Stdout);
        Assert.Contains("... (100 bytes)", result.Stdout);
    }

    [Fact]
    public void Dump_ValueLongerThanTheInput_Exits1()
    {
        using var dir = new TempDir();
        string file = dir.File("bad.ber");
        File.WriteAllBytes(file, [0x02, 0x05, 0x01]);

        ToolResult result = ToolRunner.Run("dump", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
    }
}

public class DemoCommandTests
{
    [Fact]
    public void Demo_Exits0_ShowsSizesDumpSkippedFieldAndFailure()
    {
        ToolResult result = ToolRunner.Run("demo");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("stream size: ", result.Stdout);
        Assert.Contains("section serial#0 v3: ", result.Stdout);
        Assert.Contains("tx_count = 1000000", result.Stdout);
        Assert.Contains("skipped fields:", result.Stdout);
        Assert.Contains("  serial.tx_count [PRIVATE 9]", result.Stdout);
        Assert.Contains("load failed", result.Stdout);
        Assert.Contains("must-parse field [10]", result.Stdout);
        Assert.Contains("Field 'serial.fifo_trigger_level [10]'", result.Stdout);
    }

    [Fact]
    public void Demo_IsDeterministic()
    {
        Assert.Equal(ToolRunner.Run("demo").Stdout, ToolRunner.Run("demo").Stdout);
    }
}

public class ExternalBerToolTests
{
    private static string SampleAll(TempDir dir)
    {
        // One stream carrying every sample device at every version.
        var devices = new List<IDeviceState>();
        foreach (DeviceType type in ToolSamples.Types)
        {
            for (int v = type.MinimumVersion; v <= type.CurrentVersion; v++)
            {
                devices.Add(ToolSamples.CreateBusy(type, v));
            }
        }

        string file = dir.File("all.ber");
        File.WriteAllBytes(file, Program.SaveStream(devices));
        return file;
    }

    [Fact]
    public void OpensslAsn1parse_WalksWholeStream()
    {
        using var dir = new TempDir();
        string file = SampleAll(dir);

        ToolResult result = ToolRunner.RunExternal("openssl", "asn1parse", "-inform", "DER", "-in", file);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.DoesNotContain("error", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Error in encoding", result.Stdout, StringComparison.Ordinal);
        long lastEndOfContents = new FileInfo(file).Length - 2;
        Assert.Matches($@"(?m)^ *{lastEndOfContents}:d=1 +hl=2 l= +0 prim: +EOC", result.Stdout);
        Assert.Contains("appl [ 9926 ]", result.Stdout);
        Assert.Contains("priv [ 9 ]", result.Stdout);
    }

    [Fact]
    public void Dumpasn1_WalksWholeStream()
    {
        using var dir = new TempDir();
        string file = SampleAll(dir);

        ToolResult result = ToolRunner.RunExternal("dumpasn1", file);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.DoesNotContain("Error", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Contains("[APPLICATION 9926]", result.Stdout);
        Assert.Contains("0 warnings, 0 errors", result.Stdout + result.Stderr);
    }
}
