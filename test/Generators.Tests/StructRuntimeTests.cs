using System.Buffers;
using MigrationFormat.Schema;
using MigrationFormat.Testing;
using MigrationFormat.Visitors;

namespace MigrationFormat.Generators.Tests;

/// <summary>The generated <see cref="Clock"/>, whose nested structures come and go across versions, saved and loaded through the library.</summary>
public class StructRuntimeTests
{
    public static TheoryData<int> Versions => [1, 2, 3];

    public static TheoryData<int, int> VersionPairs()
    {
        var pairs = new TheoryData<int, int>();
        for (int source = 1; source <= 3; source++)
        {
            for (int destination = 1; destination <= 3; destination++)
            {
                pairs.Add(source, destination);
            }
        }

        return pairs;
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void BerRoundTrip_ClockAtItsVersion_RestoresEveryFieldOfEveryStruct(int version)
    {
        Clock source = Clock.Busy(version);
        var destination = new Clock(version);

        LoadReport report = new BerDeviceSerializer().Load(destination, SaveBer(source), version);

        Assert.True(report.IsExact);
        Assert.Equal(StateFingerprint.Of(source).ToString(), StateFingerprint.Of(destination).ToString());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void LegacyRoundTrip_ClockAtItsVersion_RestoresEveryFieldOfEveryStruct(int version)
    {
        Clock source = Clock.Busy(version);
        var destination = new Clock(version);

        LegacyDeviceSerializer.Load(destination, LegacyDeviceSerializer.Save(source), version);

        Assert.Equal(StateFingerprint.Of(source).ToString(), StateFingerprint.Of(destination).ToString());
    }

    [Fact]
    public void BerSave_StructOfTheVersion_IsAConstructedFieldHoldingItsMembers()
    {
        var clock = new Clock(1) { PeriodNs = 5, Running = true };

        byte[] bytes = SaveBer(clock);

        // timer [1] constructed, indefinite length: period_ns [0] = 5, running [1] = true, end of contents.
        Assert.Contains("A1808001058101FF0000", Convert.ToHexString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void BerLoad_V2StreamIntoV3_ReadsOldStructsSkipsRemovedOneAndLeavesNewMemberAtItsValue()
    {
        var destination = new Clock(3) { Overruns = 77 };

        LoadReport report = new BerDeviceSerializer().Load(destination, SaveBer(Clock.Busy(2)), 2);

        Assert.Equal((976_562L, (short)-42, 77u), (destination.PeriodNs, destination.Ppm, destination.Overruns));
        Assert.Equal(["clock.[PRIVATE 3]"], report.SkippedFields);
    }

    [Fact]
    public void BerLoad_V2StreamIntoV1_SkipsTheSkippableStructV1DoesNotKnow()
    {
        var destination = new Clock(1);

        LoadReport report = new BerDeviceSerializer().Load(destination, SaveBer(Clock.Busy(2)), 2);

        Assert.Equal((976_562L, (short)0), (destination.PeriodNs, destination.Ppm));
        Assert.False(report.IsExact);
    }

    [Fact]
    public void BerLoad_V3StreamIntoV2_FailsOnTheNewMustParseStructMemberAndLeavesDeviceUnchanged()
    {
        var destination = new Clock(2) { PeriodNs = 1 };
        string before = StateFingerprint.Of(destination).ToString();

        var error = Assert.Throws<MigrationFormatException>(() => new BerDeviceSerializer().Load(destination, SaveBer(Clock.Busy(3)), 3));

        Assert.Equal(MigrationErrorKind.UnknownRequiredField, error.Kind);
        Assert.StartsWith("clock.timer", error.FieldPath, StringComparison.Ordinal);
        Assert.Equal(before, StateFingerprint.Of(destination).ToString());
    }

    [Theory]
    [MemberData(nameof(VersionPairs))]
    public void BerLoad_ClockAcrossVersions_SucceedsExactlyWhenTheCheckerSaysCompatible(int sourceVersion, int destinationVersion)
    {
        byte[] stream = SaveBer(Clock.Busy(sourceVersion));
        CompatibilityReport predicted = CompatibilityChecker.Check(
            DeviceSchema.For(Clock.DeviceType, sourceVersion),
            DeviceSchema.For(Clock.DeviceType, destinationVersion));

        Exception? error = Record.Exception(() => new BerDeviceSerializer().Load(new Clock(destinationVersion), stream, sourceVersion));

        Assert.Equal(predicted.IsCompatible, error is null);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void CrossVersionCheck_ClockRandomStates_FollowsTheRulesForEveryPair(int seed)
    {
        CrossVersionResult result = CrossVersionCheck.AllPairs(Clock.DeviceType, seed);

        Assert.True(result.Passed, result.ToString());
        Assert.True(result.Loaded > 0 && result.RefusedAsPredicted > 0, result.ToString());
    }

    [Fact]
    public void Visit_ClockSteadyState_AllocatesNothing()
    {
        Clock device = Clock.Busy(3);
        var visitor = new CountingVisitor(3);
        device.Visit(ref visitor);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            device.Visit(ref visitor);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(707, visitor.Count);
    }

    private static byte[] SaveBer(IDeviceState device)
    {
        var output = new ArrayBufferWriter<byte>();
        BerDeviceSerializer.Save(device, output);
        return output.WrittenSpan.ToArray();
    }
}
