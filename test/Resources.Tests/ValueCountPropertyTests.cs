using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MigrationFormat.Tests.Shared;

namespace MigrationFormat.Resources.Tests;

/// <summary>
/// For random valid streams, <c>dump</c>, <c>decode</c> and <c>verify</c> use memory that does not grow with the number of
/// values: the same stream with 16 times as many values peaks within a constant of the smaller one (a verb that kept
/// something per value, at 100 bytes each, would add over 70 MiB at the largest count).
/// </summary>
public sealed class ValueCountPropertyTests : IDisposable
{
    private const long Slack = 16L * 1024 * 1024;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Property(MaxTest = 4)]
    public Property DumpDecodeVerify_SixteenTimesTheValues_PeakWithinAConstant() =>
        Prop.ForAll(
            Gen.Choose(10_000, 50_000).ToArbitrary(),
            Gen.Choose(0, 127).ToArbitrary(),
            Gen.Elements("dump", "decode", "verify").ToArbitrary(),
            (count, value, verb) =>
            {
                long few = Peak(verb, HostileInputs.SkippableValues(count, (byte)value));
                long many = Peak(verb, HostileInputs.SkippableValues(count * 16, (byte)value));
                return (many <= few + Slack).Label($"{verb}: {few} bytes at {count} values, {many} at {count * 16}");
            });

    private long Peak(string verb, byte[] stream)
    {
        string file = _folder.Write(Guid.NewGuid().ToString("N"), stream);
        MeasuredRun run = MeasuredRun.Of(1L << 30, Timeout, verb, file);
        if (run.ExitCode != 0 || run.PeakBytes == 0)
        {
            throw new InvalidOperationException($"{verb} on a valid stream: exit {run.ExitCode}, peak {run.PeakBytes}: {run.Stderr}");
        }

        return run.PeakBytes;
    }
}
