using MigrationFormat.Tests.Shared;
using Xunit;

namespace MigrationFormat.Resources.Tests;

/// <summary>
/// Every verb that reads a stream, on an input of each hostile class (docs/security.md, "Seven classes"), run as a child
/// process under a GC heap limit of 64 MiB plus 4 times the input: it ends with exit 0 or 1 (never a crash, a stack
/// overflow or running out of memory), within 30 s, and its peak resident memory stays within 64 MiB plus 4 times the input.
/// </summary>
public sealed class VerbResourceTests : IDisposable
{
    private const long Constant = 64L * 1024 * 1024;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TempFolder _folder = new();

    /// <summary>The verbs that read a BER stream, with <c>{0}</c> for the file.</summary>
    private static readonly string[][] BerVerbs =
    [
        ["dump", "{0}"],
        ["dump", "--json", "{0}"],
        ["dump", "--schemas", "{0}"],
        ["decode", "{0}"],
        ["verify", "{0}"],
        ["diff", "{0}", "{0}"],
        ["load", "--device", "serial", "--version", "3", "{0}"],
        ["convert", "--to", "legacy", "{0}", "{0}.out"],
    ];

    /// <summary>The verbs that read a QEMU stream.</summary>
    private static readonly string[][] QemuVerbs =
    [
        ["dump", "{0}"],
        ["dump", "--json", "{0}"],
        ["decode", "{0}"],
        ["verify", "{0}"],
        ["diff", "{0}", "{0}"],
        ["load", "--device", "serial", "--version", "3", "{0}"],
        ["convert", "--to", "ber", "{0}", "{0}.out"],
    ];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string input in new[] { "1-many-sections", "2-large-integer", "3-inflating-schemas", "5-empty-values" })
        {
            foreach (string[] verb in BerVerbs)
            {
                data.Add(input, string.Join('|', verb));
            }
        }

        foreach (string input in new[] { "4-expanding-description", "4-described-elements", "4-many-described-devices" })
        {
            foreach (string[] verb in QemuVerbs)
            {
                data.Add(input, string.Join('|', verb));
            }
        }

        return data;
    }

    public void Dispose() => _folder.Dispose();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verb_HostileInput_EndsWithinMemoryAndTime(string input, string verb)
    {
        byte[] bytes = Generate(input);
        string file = _folder.Write(input, bytes);
        string[] args = [.. verb.Split('|').Select(a => string.Format(System.Globalization.CultureInfo.InvariantCulture, a, file))];
        long limit = Constant + (4L * bytes.Length);

        MeasuredRun run = MeasuredRun.Of(limit, Timeout, args);

        Assert.True(run.ExitCode is 0 or 1, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.DoesNotContain("Unhandled exception", run.Stderr, StringComparison.Ordinal);
        Assert.True(run.PeakBytes > 0, "no reading of the peak was taken");
        Assert.True(run.PeakBytes <= limit, $"peak {run.PeakBytes} bytes for {bytes.Length} input bytes, more than {limit}");
    }

    [Theory]
    [InlineData("dump")]
    [InlineData("decode")]
    [InlineData("verify")]
    [InlineData("load")]
    public void Verb_HostileInputOnAPipe_EndsWithinMemoryAndTime(string verb)
    {
        // Class 6: every verb reads standard input once, forward only; here with the class 5 input.
        byte[] bytes = HostileInputs.EmptyValues(500_000);
        string file = _folder.Write("6-pipe", bytes);
        string[] args = verb == "load" ? ["load", "--device", "serial", "--version", "3", "-"] : [verb, "-"];
        long limit = Constant + (4L * bytes.Length);

        MeasuredRun run = MeasuredRun.Piped(limit, Timeout, file, args);

        Assert.True(run.ExitCode is 0 or 1, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.True(run.PeakBytes > 0 && run.PeakBytes <= limit, $"peak {run.PeakBytes} bytes for {bytes.Length} input bytes, more than {limit}");
    }

    [Theory]
    [InlineData("7-transcoded-garbage")]
    [InlineData("7-transcoded-deep")]
    public void ConvertToLegacy_InvalidTranscodedStream_Exits1WritingNothing(string input)
    {
        byte[] bytes = input == "7-transcoded-deep" ? HostileInputs.TranscodedDeep(100_000) : HostileInputs.TranscodedGarbage(1000);
        string file = _folder.Write(input, bytes);
        string output = file + ".qemu";
        long limit = Constant + (4L * bytes.Length);

        MeasuredRun run = MeasuredRun.Of(limit, Timeout, "convert", "--to", "legacy", file, output);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("migfmt: error: ", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output), "convert wrote a file for an input it should refuse");
        Assert.True(run.PeakBytes > 0 && run.PeakBytes <= limit, $"peak {run.PeakBytes} bytes, more than {limit}");
    }

    [Fact]
    public void Check_DeeplyNestedDocuments_EndsWithinMemoryAndTime()
    {
        byte[] nested = [.. Enumerable.Repeat((byte)'[', 500_000), .. Enumerable.Repeat((byte)']', 500_000)];
        string file = _folder.Write("nested.json", nested);
        long limit = Constant + (8L * nested.Length);

        MeasuredRun run = MeasuredRun.Of(limit, Timeout, "check", file, file);

        Assert.Equal(1, run.ExitCode);
        Assert.True(run.PeakBytes > 0 && run.PeakBytes <= limit, $"peak {run.PeakBytes} bytes, more than {limit}");
    }

    private static byte[] Generate(string input) => input switch
    {
        "1-many-sections" => HostileInputs.ManySections(15_000),
        "2-large-integer" => HostileInputs.LargeInteger(1024 * 1024),
        "3-inflating-schemas" => HostileInputs.InflatingSchemas(64),
        "5-empty-values" => HostileInputs.EmptyValues(500_000),
        "4-expanding-description" => HostileInputs.ExpandingDescription(50_000_000),
        "4-described-elements" => HostileInputs.DescribedElements(1_000_000),
        "4-many-described-devices" => HostileInputs.ManyDescribedDevices(6_000),
        _ => throw new ArgumentOutOfRangeException(nameof(input), input, "no such input"),
    };
}
