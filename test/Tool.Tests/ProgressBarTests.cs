using MigrationFormat.Tool.IO;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary>The progress line: on a terminal only, after a second of work, at most ten times a second, erased at the end.</summary>
public class ProgressBarTests
{
    [Fact]
    public void Report_FirstSecond_DrawsNothing()
    {
        var time = new ManualTime();
        using var error = new StringWriter();
        using var bar = new ProgressBar(error, enabled: true, total: 100, "dump x", time);

        time.Advance(TimeSpan.FromMilliseconds(999));
        bar.Report(50);

        Assert.Equal(string.Empty, error.ToString());
    }

    [Fact]
    public void Report_AfterASecondWithAKnownTotal_DrawsTheBarAndThePercentage()
    {
        var time = new ManualTime();
        using var error = new StringWriter();
        using var bar = new ProgressBar(error, enabled: true, total: 4 << 20, "dump x", time);

        time.Advance(TimeSpan.FromSeconds(1));
        bar.Report(1 << 20);

        Assert.Equal("\rdump x [#######.......................]  25% 1.0 MiB of 4.0 MiB", error.ToString());
    }

    [Fact]
    public void Report_AfterASecondOnAPipe_DrawsTheBytesRead()
    {
        var time = new ManualTime();
        using var error = new StringWriter();
        using var bar = new ProgressBar(error, enabled: true, total: null, "decode standard input", time);

        time.Advance(TimeSpan.FromSeconds(2));
        bar.Report(3 << 20);

        Assert.Equal("\rdecode standard input: 3.0 MiB read", error.ToString());
    }

    [Fact]
    public void Report_NotATerminal_DrawsNothingEver()
    {
        var time = new ManualTime();
        using var error = new StringWriter();
        using (var bar = new ProgressBar(error, enabled: false, total: 100, "dump x", time))
        {
            time.Advance(TimeSpan.FromMinutes(5));
            bar.Report(50);
        }

        Assert.Equal(string.Empty, error.ToString());
    }

    [Fact]
    public void Report_TwiceWithinATenthOfASecond_DrawsOnce()
    {
        var time = new ManualTime();
        using var error = new StringWriter();
        using var bar = new ProgressBar(error, enabled: true, total: null, "dump x", time);
        time.Advance(TimeSpan.FromSeconds(1));
        bar.Report(1);
        string first = error.ToString();

        time.Advance(TimeSpan.FromMilliseconds(50));
        bar.Report(2);

        Assert.Equal(first, error.ToString());
    }

    [Fact]
    public void Dispose_AfterDrawing_ErasesTheLine()
    {
        var time = new ManualTime();
        using var error = new StringWriter();
        var bar = new ProgressBar(error, enabled: true, total: null, "dump x", time);
        time.Advance(TimeSpan.FromSeconds(1));
        bar.Report(0);
        int drawn = error.ToString().Length - 1;

        bar.Dispose();

        Assert.EndsWith("\r" + new string(' ', drawn) + "\r", error.ToString(), StringComparison.Ordinal);
        Assert.False(bar.IsShown);
    }

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
