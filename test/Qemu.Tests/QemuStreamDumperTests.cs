namespace MigrationFormat.Qemu.Tests;

public class QemuStreamDumperTests
{
    private static readonly Lazy<string> PausedDump = new(() => QemuStreamDumper.DumpToString(new MemoryStream(Fixtures.Stream("pc-serial-paused"))));

    [Fact]
    public void Dump_PausedFixture_ShowsHeaderAndConfiguration()
    {
        Assert.Contains("version 3", PausedDump.Value.Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains("0x00000008  CONFIGURATION machine \"pc-i440fx-7.2\" (18 bytes)", PausedDump.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_PausedFixture_ShowsEachSectionHeader()
    {
        Assert.Contains(
            "0x0003b647  SECTION_FULL section 22 \"serial\" instance 0 version 3, payload 11 bytes (31 with the header)",
            PausedDump.Value,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_PausedFixture_ShowsDecodedFields()
    {
        Assert.Contains("divider: uint16 = 0x000c (12)", PausedDump.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_PausedFixture_ShowsTimersAsPendingOrNot()
    {
        Assert.Contains("periodic_timer: timer = not pending", PausedDump.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_PausedFixture_SummarisesDeviceStateAndTrailer()
    {
        Assert.Contains("device sections: 31, 12062 payload bytes, 12893 bytes on the wire", PausedDump.Value, StringComparison.Ordinal);
        Assert.Contains("vmdesc: 99314 bytes", PausedDump.Value, StringComparison.Ordinal);
        Assert.Contains("total: 351213 bytes", PausedDump.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_PausedFixture_SummarisesRamPerBlock()
    {
        Assert.Contains("RAM: 6 blocks, 17309696 bytes (0x1082000) declared, page size 4096", PausedDump.Value, StringComparison.Ordinal);
        Assert.Matches(@"pc\.bios\s+0x0000000000040000\s+18\s+46", PausedDump.Value);
    }

    [Fact]
    public void Dump_PausedFixture_SummarisesRamRecordsPerSection()
    {
        Assert.Contains(
            "RAM records: 4227 (4177 zero pages, 49 whole pages, 0 compressed or xbzrle), 238791 bytes",
            PausedDump.Value,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_NonSeekableStream_PrintsFieldsAfterTheTrailer()
    {
        string text = QemuStreamDumper.DumpToString(new NonSeekableStream(new MemoryStream(SyntheticStreams.Build())));

        Assert.Matches(
            @"Device fields \(decoded with the trailing VM description\):\n\s+section 22 ""serial"" instance 0\n\s+divider: uint16 = 0x000c \(12\)",
            text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Dump_WithoutFields_OmitsThem()
    {
        string text = QemuStreamDumper.DumpToString(new MemoryStream(SyntheticStreams.Build()), new QemuDumpOptions { ShowFields = false });

        Assert.DoesNotContain("divider", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_LongBuffer_IsCutShort()
    {
        string text = QemuStreamDumper.DumpToString(new MemoryStream(SyntheticStreams.Build()), new QemuDumpOptions { MaxBytesShown = 2 });

        Assert.Contains("data: buffer = de ad ... (4 bytes)", text, StringComparison.Ordinal);
    }
}
