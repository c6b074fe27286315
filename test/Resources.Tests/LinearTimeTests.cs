using MigrationFormat.Tests.Shared;
using Xunit;

namespace MigrationFormat.Resources.Tests;

/// <summary>
/// Time is linear in the input: for inputs built to be slow, 8 times the input takes at most 16 times as long (a wide
/// margin; a quadratic verb takes 64 times as long). Each size is timed as a whole run of the tool, best of two.
/// </summary>
public sealed class LinearTimeTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("many-sections", "dump")]
    [InlineData("many-sections", "load")]
    [InlineData("large-integer", "dump")]
    [InlineData("large-integer", "decode")]
    [InlineData("empty-values", "dump --json")]
    [InlineData("empty-values", "diff")]
    public void Verb_EightTimesTheInput_TakesAtMostSixteenTimesAsLong(string input, string verb)
    {
        TimeSpan small = Best(input, verb, 1);
        TimeSpan large = Best(input, verb, 8);

        Assert.True(large <= small * 16, $"{verb} on {input}: {small.TotalMilliseconds:F0} ms for n, {large.TotalMilliseconds:F0} ms for 8n");
    }

    private TimeSpan Best(string input, string verb, int scale)
    {
        byte[] bytes = input switch
        {
            "many-sections" => HostileInputs.ManySections(4_000 * scale),
            "large-integer" => HostileInputs.LargeInteger(256 * 1024 * scale),
            _ => HostileInputs.EmptyValues(128_000 * scale),
        };
        string file = _folder.Write($"{input}-{scale}", bytes);
        string[] args = verb switch
        {
            "load" => ["load", "--device", "serial", "--version", "3", file],
            "diff" => ["diff", file, file],
            _ => [.. verb.Split(' '), file],
        };
        TimeSpan best = TimeSpan.MaxValue;
        for (int i = 0; i < 2; i++)
        {
            MeasuredRun run = MeasuredRun.Of(1L << 30, Timeout, args);
            Assert.True(run.ExitCode is 0 or 1, $"exit {run.ExitCode}: {run.Stderr}");
            best = run.Elapsed < best ? run.Elapsed : best;
        }

        return best;
    }
}
