using MigrationFormat.DeviceState.Vfio;
using MigrationFormat.Tool;
using Xunit;

namespace MigrationFormat.DeviceState.Tests;

/// <summary><c>migfmt vfio path</c>.</summary>
public sealed class VfioCommandTests
{
    [Fact]
    public void VfioPath_ExampleFromTheIssue_PrintsOneLineOfUapiNames()
    {
        (int code, string stdout, string stderr) = Run("vfio", "path", "--from", "RUNNING", "--to", "STOP_COPY");
        Assert.Equal(0, code);
        Assert.Equal("RUNNING -> RUNNING_P2P -> STOP -> STOP_COPY" + Environment.NewLine, stdout);
        Assert.Empty(stderr);
    }

    [Fact]
    public void VfioPath_EveryPairAndFeatureSet_PrintsThePlannersAnswer()
    {
        string[] lists = ["stop-copy", "stop-copy,p2p", "stop-copy,pre-copy", "stop-copy,p2p,pre-copy", "p2p,pre-copy"];
        foreach (string list in lists)
        {
            Assert.True(VfioStates.TryParseFeatures(list, out VfioMigrationFeatures features, out _));
            foreach (VfioDeviceState from in VfioStates.All)
            {
                foreach (VfioDeviceState to in VfioStates.All)
                {
                    VfioTransitionPlan plan = VfioTransitionPlanner.Plan(from, to, features);
                    (int code, string stdout, string stderr) =
                        Run("vfio", "path", "--from", VfioStates.UapiName(from), "--to", VfioStates.UapiName(to), "--features", list);
                    if (plan.IsPossible)
                    {
                        Assert.Equal(0, code);
                        Assert.Equal(plan + Environment.NewLine, stdout);
                        Assert.Empty(stderr);
                    }
                    else
                    {
                        Assert.Equal(1, code);
                        Assert.Empty(stdout);
                        Assert.Contains(plan.Reason!, stderr, StringComparison.Ordinal);
                    }
                }
            }
        }
    }

    [Fact]
    public void VfioPath_BlockedRequest_ExitsOneWithTheReason()
    {
        (int code, string stdout, string stderr) = Run("vfio", "path", "--from", "STOP_COPY", "--to", "PRE_COPY");
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Contains("blocks", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--from", "PAUSED", "--to", "STOP")]
    [InlineData("--from", "RUNNING", "--to", "STOP", "--features", "stop-copy,turbo")]
    [InlineData("--from", "RUNNING")]
    public void VfioPath_BadArguments_AreUsageErrors(params string[] args)
    {
        (int code, string stdout, _) = Run(["vfio", "path", .. args]);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
