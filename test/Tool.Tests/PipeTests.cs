using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary>
/// Every verb that reads a file reads standard input for <c>-</c>, through a real pipe (migfmt runs as a process),
/// once and forward only, and gives what it gives for the file; streams written to <c>-</c> go to standard output.
/// </summary>
public class PipeTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    private static string Sample(TempDir dir, string name = "s.ber", int version = 3, params string[] extra)
    {
        string file = dir.File(name);
        string v = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, ToolRunner.Run(["sample", "--device", "serial", "--version", v, "-o", file, .. extra]).ExitCode);
        return file;
    }

    [Fact]
    public void Dump_StandardInput_PrintsWhatTheFileGives()
    {
        using var dir = new TempDir();
        string file = Sample(dir);

        ProcessResult piped = ToolProcess.Run(File.ReadAllBytes(file), "dump", "-");

        Assert.Equal(0, piped.ExitCode);
        Assert.Equal(ToolRunner.Run("dump", file).Stdout, piped.Text);
    }

    [Fact]
    public void DumpJson_QemuStreamOnStandardInput_PrintsTheAnalyzersDocument()
    {
        ProcessResult piped = ToolProcess.Run(File.ReadAllBytes(Fixture("pc-serial.mig")), "dump", "--json", "-");

        Assert.Equal(0, piped.ExitCode);
        Assert.Equal(File.ReadAllText(Fixture("pc-serial.mig.dump-state.json")), piped.Text);
    }

    [Fact]
    public void Decode_StandardInput_PrintsWhatTheFileGives()
    {
        using var dir = new TempDir();
        string file = Sample(dir);

        ProcessResult piped = ToolProcess.Run(File.ReadAllBytes(file), "decode", "-");

        Assert.Equal(0, piped.ExitCode);
        Assert.Equal(ToolRunner.Run("decode", file).Stdout, piped.Text);
    }

    [Fact]
    public void Verify_StandardInput_ChecksTheStreamAndNamesStandardInput()
    {
        using var dir = new TempDir();

        ProcessResult piped = ToolProcess.Run(File.ReadAllBytes(Sample(dir, extra: "--integrity")), "verify", "-");

        Assert.Equal(0, piped.ExitCode);
        Assert.StartsWith("standard input: BER migration stream, 1 section(s), 1 embedded schema(s), 2 checksum(s) verified: OK", piped.Text);
    }

    [Fact]
    public void Load_StandardInput_PrintsWhatTheFileGives()
    {
        using var dir = new TempDir();
        string file = Sample(dir);

        ProcessResult piped = ToolProcess.Run(File.ReadAllBytes(file), "load", "--device", "serial", "--version", "3", "-");

        Assert.Equal(0, piped.ExitCode);
        Assert.Equal(ToolRunner.Run("load", "--device", "serial", "--version", "3", file).Stdout, piped.Text);
    }

    [Fact]
    public void Diff_StandardInputAgainstTheSameFile_Exits0()
    {
        using var dir = new TempDir();
        string file = Sample(dir);

        ProcessResult piped = ToolProcess.Run(File.ReadAllBytes(file), "diff", "-", file);

        Assert.Equal(0, piped.ExitCode);
        Assert.Contains("no differences", piped.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SourceOnStandardInput_ReadsIt()
    {
        using var dir = new TempDir();
        string v1 = dir.File("v1.json");
        File.WriteAllText(v1, ToolRunner.Run("schema", "--device", "serial", "--version", "1").Stdout);
        byte[] v2 = System.Text.Encoding.UTF8.GetBytes(ToolRunner.Run("schema", "--device", "serial", "--version", "2").Stdout);

        ProcessResult piped = ToolProcess.Run(v2, "check", "-", v1);

        Assert.Equal(0, piped.ExitCode);
        Assert.Contains("skipped: serial: tx_count", piped.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_PipeToPipeBothWays_ReproducesTheQemuFixture()
    {
        byte[] fixture = File.ReadAllBytes(Fixture("pc-serial-paused.mig"));

        ProcessResult toBer = ToolProcess.Run(fixture, "convert", "--to", "ber", "-", "-");
        ProcessResult back = ToolProcess.Run(toBer.Stdout, "convert", "--to", "legacy", "-", "-");

        Assert.Equal(0, toBer.ExitCode);
        Assert.Equal(0, back.ExitCode);
        Assert.Equal(fixture, back.Stdout);
    }

    [Fact]
    public void Sample_OutputDash_WritesTheStreamToStandardOutput()
    {
        using var dir = new TempDir();
        string file = Sample(dir);

        ProcessResult piped = ToolProcess.Run(null, "sample", "--device", "serial", "--version", "3", "-o", "-");

        Assert.Equal(0, piped.ExitCode);
        Assert.Equal(File.ReadAllBytes(file), piped.Stdout);
    }

    [Fact]
    public void Dump_CutStreamOnStandardInput_Exits1NamingTheOffset()
    {
        using var dir = new TempDir();
        byte[] whole = File.ReadAllBytes(Sample(dir));

        ProcessResult piped = ToolProcess.Run(whole.AsSpan(0, whole.Length - 5).ToArray(), "dump", "-");

        Assert.Equal(1, piped.ExitCode);
        Assert.StartsWith("migfmt: error: ", piped.Stderr, StringComparison.Ordinal);
        Assert.Contains("At byte offset", piped.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_RedirectedStandardError_DrawsNoProgress()
    {
        byte[] fixture = File.ReadAllBytes(Fixture("pc-devices.mig"));

        ProcessResult piped = ToolProcess.Run(fixture, "dump", "-");

        Assert.Equal(0, piped.ExitCode);
        Assert.Equal(string.Empty, piped.Stderr);
    }
}
