using MigrationFormat.Samples;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary>Each error message says what was expected, what was found, and where; and is printed once.</summary>
public class MessageTests
{
    [Fact]
    public void Version_NotANumber_SaysAWholeNumberWasExpectedAndWhatWasFound()
    {
        ToolResult result = ToolRunner.Run("sample", "--device", "serial", "--version", "abc", "-o", "x");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            "migfmt: --version: expected a device version, a whole number such as 3; found 'abc'.\nRun 'migfmt --help' for usage.",
            result.Stderr.ReplaceLineEndings("\n").TrimEnd());
    }

    [Fact]
    public void Check_NoArguments_PrintsOneErrorNamingBothArguments()
    {
        ToolResult result = ToolRunner.Run("check");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            "migfmt: check: expected the argument(s) SRC DST; found none.\nRun 'migfmt --help' for usage.",
            result.Stderr.ReplaceLineEndings("\n").TrimEnd());
    }

    [Fact]
    public void Check_OneArgument_SaysWhichWasFound()
    {
        ToolResult result = ToolRunner.Run("check", "a.json");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("migfmt: check: expected the argument(s) SRC DST; found only 'a.json'.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_TextFile_SaysItIsNoStreamAndNotBerWithTheBytesFoundAndTheOffset()
    {
        using var dir = new TempDir();
        string file = dir.File("notes.txt");
        File.WriteAllText(file, "# a text file, not a stream\n");

        ToolResult result = ToolRunner.Run("dump", file);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith(
            "migfmt: error: dump: expected a BER migration stream (7F CD 46 80), a QEMU savevm stream (51 45 56 4D, \"QEVM\") or other BER; "
            + $"found bytes 23 20 61 20 74 65 78 74 (\"# a text\") in {file}, which is not BER: ",
            result.Stderr,
            StringComparison.Ordinal);
        Assert.Contains("At byte offset ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_MissingOutput_SaysWhatIsMissing()
    {
        ToolResult result = ToolRunner.Run("sample", "--device", "serial", "--version", "3");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("migfmt: sample: expected --list, or --device NAME --version N -o FILE; found no -o FILE.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_UnknownDevice_ListsTheKnownOnes()
    {
        ToolResult result = ToolRunner.Run("sample", "--device", "uart", "--version", "3", "-o", "x");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(
            "migfmt: --device: expected one of serial, mc146818rtc, virtio-net, vhost-user-backend (the sample devices); found 'uart'.",
            result.Stderr,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhatSampleLegacyWrites_LoadsTheSameState()
    {
        using var dir = new TempDir();
        string file = dir.File("s.mig");
        Assert.Equal(0, ToolRunner.Run("sample", "--device", "serial", "--version", "3", "--format", "legacy", "-o", file).ExitCode);

        ToolResult result = ToolRunner.Run("load", "--device", "serial", "--version", "3", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Program.StateJson(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3)).Trim(), result.Stdout.Trim());
        Assert.Contains("loaded QEMU section 0 'serial' instance 0 version 3", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_QemuStreamWithoutTheDevice_SaysWhichSectionsItHas()
    {
        using var dir = new TempDir();
        string file = dir.File("s.mig");
        Assert.Equal(0, ToolRunner.Run("sample", "--device", "serial", "--version", "3", "--format", "legacy", "-o", file).ExitCode);

        ToolResult result = ToolRunner.Run("load", "--device", "mc146818rtc", "--version", "3", file);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith(
            "migfmt: error: Expected a section for device 'mc146818rtc' in the QEMU stream; found sections serial.",
            result.Stderr,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NewerQemuSectionIntoOlderDevice_NamesBothVersions()
    {
        using var dir = new TempDir();
        string file = dir.File("s.mig");
        Assert.Equal(0, ToolRunner.Run("sample", "--device", "serial", "--version", "3", "--format", "legacy", "-o", file).ExitCode);

        ToolResult result = ToolRunner.Run("load", "--device", "serial", "--version", "2", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("A legacy section of version 3 cannot load into version 2", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public void ConvertToBer_LegacyStreamOfKnownDevices_GivesTypedSectionsThatDecode()
    {
        using var dir = new TempDir();
        Assert.Equal(0, ToolRunner.Run("sample", "--device", "mc146818rtc", "--version", "2", "--format", "legacy", "-o", dir.File("s.mig")).ExitCode);

        Assert.Equal(0, ToolRunner.Run("convert", "--to", "ber", dir.File("s.mig"), dir.File("s.ber")).ExitCode);
        ToolResult decoded = ToolRunner.Run("decode", dir.File("s.ber"));

        Assert.Contains("\"base_year\": 1980", decoded.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ConvertToLegacy_TypedStreamMadeFromALegacyOne_GivesBackItsBytes()
    {
        using var dir = new TempDir();
        Assert.Equal(0, ToolRunner.Run("sample", "--device", "mc146818rtc", "--version", "2", "--format", "legacy", "-o", dir.File("s.mig")).ExitCode);
        Assert.Equal(0, ToolRunner.Run("convert", "--to", "ber", dir.File("s.mig"), dir.File("s.ber")).ExitCode);

        Assert.Equal(0, ToolRunner.Run("convert", "--to", "legacy", dir.File("s.ber"), dir.File("back.mig")).ExitCode);

        Assert.Equal(File.ReadAllBytes(dir.File("s.mig")), File.ReadAllBytes(dir.File("back.mig")));
    }
}
