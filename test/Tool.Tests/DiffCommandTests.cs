using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary><c>migfmt diff A B</c>: field-level differences by section and path, values side by side; exit 0 same, 4 different.</summary>
public class DiffCommandTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    private static string Save(TempDir dir, string name, params IDeviceState[] devices) => StreamFiles.Write(dir, name, Program.SaveStream(devices));

    [Fact]
    public void Diff_SameState_Exits0WithNoDifferences()
    {
        using var dir = new TempDir();
        string a = Save(dir, "a.ber", SampleCatalog.CreateBusy(VirtioNet.DeviceType, 3));
        string b = Save(dir, "b.ber", SampleCatalog.CreateBusy(VirtioNet.DeviceType, 3));

        ToolResult result = ToolRunner.Run("diff", a, b);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"--- A: {a}\n+++ B: {b}\nno differences", result.Stdout.ReplaceLineEndings("\n").TrimEnd());
    }

    [Fact]
    public void Diff_ChangedFields_Exits4WithBothValuesSideBySide()
    {
        using var dir = new TempDir();
        string a = Save(dir, "a.ber", SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
        string b = Save(dir, "b.ber", Uart16550.DeviceType.Create(3));

        ToolResult result = ToolRunner.Run("diff", a, b);

        Assert.Equal(4, result.ExitCode);
        string[] lines = result.Stdout.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("serial#0", lines[2]);
        Assert.Matches(@"^  divider +4660 +\| 12$", lines[3]);
        Assert.Contains(lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^  fifo_timeout\.deadline_ns +123456789 +\| \(absent\)$"));
        Assert.EndsWith("difference(s)", result.Stdout.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_DifferentVersions_ShowsTheVersionsAndTheFieldsOnlyOneHas()
    {
        using var dir = new TempDir();
        string a = Save(dir, "a.ber", SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
        string b = Save(dir, "b.ber", SampleCatalog.CreateBusy(Uart16550.DeviceType, 2));

        ToolResult result = ToolRunner.Run("diff", a, b);

        Assert.Equal(4, result.ExitCode);
        Assert.Matches(@"(?m)^  \(version\) +v3 +\| v2\r?$", result.Stdout);
        Assert.Matches(@"(?m)^  fifo_trigger_level +14 +\| \(absent\)\r?$", result.Stdout);
    }

    [Fact]
    public void Diff_StreamsWithoutSchemas_ComparesFieldsByTheirTags()
    {
        using var dir = new TempDir();
        string a = StreamFiles.Write(dir, "a.ber", Program.SaveStream([SampleCatalog.CreateBusy(Uart16550.DeviceType, 3)], embedSchemas: false));
        string b = StreamFiles.Write(dir, "b.ber", Program.SaveStream([Uart16550.DeviceType.Create(3)], embedSchemas: false));

        ToolResult result = ToolRunner.Run("diff", a, b);

        Assert.Equal(4, result.ExitCode);
        Assert.Matches(@"(?m)^  \[0\]\.hex +1234 +\| 0c\r?$", result.Stdout);
        Assert.Matches(@"(?m)^  \[11\]\.items\[0\]\.hex +075bcd15 +\| \(absent\)\r?$", result.Stdout);
    }

    [Fact]
    public void Diff_SectionOnlyInOneStream_ListsIt()
    {
        using var dir = new TempDir();
        string a = Save(dir, "a.ber", SampleCatalog.CreateBusy(Uart16550.DeviceType, 3), SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType, 3));
        string b = Save(dir, "b.ber", SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));

        ToolResult result = ToolRunner.Run("diff", a, b);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("mc146818rtc#0: only in A", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 difference(s)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_SameSectionsInAnotherOrder_PairsThemByIdAndInstance()
    {
        using var dir = new TempDir();
        string a = Save(dir, "a.ber", SampleCatalog.CreateBusy(Uart16550.DeviceType, 3), SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType, 3));
        string b = Save(dir, "b.ber", SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType, 3), SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));

        Assert.Equal(0, ToolRunner.Run("diff", a, b).ExitCode);
    }

    [Fact]
    public void Diff_TwoQemuStreams_ListsTheirDeviceFieldDifferences()
    {
        ToolResult result = ToolRunner.Run("diff", Fixture("pc-serial.mig"), Fixture("pc-serial-paused.mig"));

        Assert.Equal(4, result.ExitCode);
        Assert.Matches(@"(?m)^timer#0\r?\n  cpu_ticks_offset +3152159262 +\| 0\r?$", result.Stdout);
    }

    [Fact]
    public void Diff_QemuStreamAgainstABerStream_ComparesValuesAcrossFormats()
    {
        using var dir = new TempDir();
        Assert.Equal(0, ToolRunner.Run("convert", "--to", "ber", Fixture("pc-serial-paused.mig"), dir.File("p.ber")).ExitCode);

        ToolResult result = ToolRunner.Run("diff", Fixture("pc-serial.mig"), dir.File("p.ber"));

        Assert.Equal(4, result.ExitCode);
        Assert.Matches(@"(?m)^  cpu_ticks_offset +3152159262 +\| 0\r?$", result.Stdout);
    }

    [Fact]
    public void Diff_QemuStreamAgainstItself_Exits0()
    {
        ToolResult result = ToolRunner.Run("diff", Fixture("q35-basic.mig"), Fixture("q35-basic.mig"));

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Diff_ChecksumFailureInOneStream_Exits1()
    {
        using var dir = new TempDir();
        byte[] stream = StreamFiles.WithIntegrity();
        string good = StreamFiles.Write(dir, "g.ber", stream);
        string bad = StreamFiles.Write(dir, "f.ber", StreamFiles.Flip(stream, StreamFiles.DividerValue(stream)));

        ToolResult result = ToolRunner.Run("diff", good, bad);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Expected the CRC-32C of the section", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_BothOnStandardInput_Exits2()
    {
        ToolResult result = ToolRunner.Run("diff", "-", "-");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("diff: expected at most one of A and B to be standard input (-); found both.", result.Stderr, StringComparison.Ordinal);
    }
}
