using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace MigrationFormat.DeviceState.Tests.Processes;

/// <summary>Reads the figures migfmt's vhost-user verbs print on stderr.</summary>
internal static partial class ToolLog
{
    /// <summary>The peak resident set a verb reports at its end, in KiB.</summary>
    public static long PeakRssKiB(string stderr)
    {
        Match match = PeakRss().Match(stderr);
        Assert.True(match.Success, "no peak RSS line in:\n" + stderr);
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The seconds the front-end reports for its transfer.</summary>
    public static double TransferSeconds(string stderr)
    {
        Match match = Seconds().Match(stderr);
        Assert.True(match.Success, "no transfer line in:\n" + stderr);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"peak RSS (\d+) KiB")]
    private static partial Regex PeakRss();

    [GeneratedRegex(@"back-end state \(\w+\) in ([0-9.]+) s")]
    private static partial Regex Seconds();
}
