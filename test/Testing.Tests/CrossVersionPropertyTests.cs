using FsCheck;
using FsCheck.Xunit;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Testing.Tests;

public class CrossVersionPropertyTests
{
    [Property(MaxTest = 40)]
    public Property Uart16550_EveryVersionPair_FollowsTheCrossVersionRules() => CrossVersionProperties.EveryVersionPair(Uart16550.DeviceType);

    [Property(MaxTest = 40)]
    public Property Mc146818Rtc_EveryVersionPair_FollowsTheCrossVersionRules() => CrossVersionProperties.EveryVersionPair(Mc146818Rtc.DeviceType);

    [Property(MaxTest = 40)]
    public Property VirtioNet_EveryVersionPair_FollowsTheCrossVersionRules() => CrossVersionProperties.EveryVersionPair(VirtioNet.DeviceType);

    [Property(MaxTest = 40)]
    public Property VhostUserBackend_EveryVersionPair_FollowsTheCrossVersionRules() => CrossVersionProperties.EveryVersionPair(VhostUserBackend.DeviceType);

    [Fact]
    public void AllPairs_UartOverManySeeds_BothLoadsAndPredictedRefusalsOccur()
    {
        int loaded = 0, refused = 0;
        for (int seed = 0; seed < 50; seed++)
        {
            CrossVersionResult result = CrossVersionCheck.AllPairs(Uart16550.DeviceType, seed);
            Assert.True(result.Passed, result.ToString());
            loaded += result.Loaded;
            refused += result.RefusedAsPredicted;
        }

        Assert.True(loaded > 0);
        Assert.True(refused > 0);
    }

    [Fact]
    public void Run_DeviceThatLosesAFieldOnLoad_IsReportedWithTheField()
    {
        CrossVersionResult result = CrossVersionCheck.Run(LossyDevice.DeviceType, 1, 1, seed: 7);

        Assert.False(result.Passed);
        Assert.Contains(result.Violations, v => v.Contains("counter", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_SkippableFieldMarkedMustParseInNewerVersionOnly_IsStillConsistent()
    {
        CrossVersionResult result = CrossVersionCheck.Run(Uart16550.DeviceType, 3, 1, seed: 3);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(1, result.RefusedAsPredicted);
    }

    [Fact]
    public void RandomStateVisitor_SameSeed_GivesTheSameState()
    {
        var first = new VirtioNet(3);
        var second = new VirtioNet(3);
        RandomStateVisitor.Randomize(first, 42);
        RandomStateVisitor.Randomize(second, 42);

        Assert.Equal(StateFingerprint.Of(first).ToString(), StateFingerprint.Of(second).ToString());
    }

    /// <summary>A device with a bug: its Visit method saves the counter but forgets to read it back.</summary>
    private sealed class LossyDevice : IDeviceState
    {
        public static readonly DeviceType DeviceType = new("lossy", "urn:test:lossy", 1, 1, _ => new LossyDevice());
        private static readonly FieldSpec<uint> Counter = new FieldSet("lossy").UInt32("counter", 0);

        private uint _counter = 5;

        public DeviceType Type => DeviceType;

        public int Version => 1;

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct
        {
            if (visitor.Direction != VisitDirection.Load)
            {
                visitor.Field(Counter, ref _counter);
            }
        }
    }
}
