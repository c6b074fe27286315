using MigrationFormat.Samples;
using Xunit;

namespace MigrationFormat.Schema.Tests;

public class CompatibilityCheckerTests
{
    private static DeviceSchema Uart(int version) => DeviceSchema.For(Uart16550.DeviceType, version);

    [Fact]
    public void Check_UartV2ToV1_IsCompatibleAndSkipsTheCounter()
    {
        CompatibilityReport report = CompatibilityChecker.Check(Uart(2), Uart(1));
        Assert.True(report.IsCompatible);
        Assert.Equal(["serial: tx_count"], report.Skipped);
    }

    [Fact]
    public void Check_UartV3ToV2_NamesTheMustParseFieldAndTheMustParseGroup()
    {
        CompatibilityReport report = CompatibilityChecker.Check(Uart(3), Uart(2));
        Assert.All(report.Issues, i => Assert.Equal(CompatibilityIssueKind.UnknownMustParseField, i.Kind));
        Assert.Equal(["fifo_trigger_level", "fifo_timeout"], report.Issues.Select(i => i.Path));
    }

    [Fact]
    public void Check_UartV1ToV3_DefaultsTheNewerFields()
    {
        CompatibilityReport report = CompatibilityChecker.Check(Uart(1), Uart(3));
        Assert.True(report.IsCompatible);
        Assert.Contains("serial: fifo_trigger_level", report.Defaulted);
    }

    [Fact]
    public void Check_SourceOlderThanDestinationMinimum_IsVersionOutOfRange()
    {
        DeviceSchema destination = Uart(3);
        destination.MinimumVersion = 2;
        CompatibilityReport report = CompatibilityChecker.Check(Uart(1), destination);
        Assert.Contains(report.Issues, i => i.Kind == CompatibilityIssueKind.VersionOutOfRange);
    }

    [Fact]
    public void Check_NarrowedInteger_IsABreak()
    {
        var source = new DeviceSchema("d", 1);
        source.Fields.Add(new FieldSchema("x", 0, Visitors.FieldKind.UInt32));
        var destination = new DeviceSchema("d", 1);
        destination.Fields.Add(new FieldSchema("x", 0, Visitors.FieldKind.UInt16));
        Assert.Equal(CompatibilityIssueKind.IntegerNarrowed, Assert.Single(CompatibilityChecker.Check(source, destination).Issues).Kind);
        Assert.True(CompatibilityChecker.Check(destination, source).IsCompatible);
    }

    [Fact]
    public void Check_TagReusedWithAnotherType_IsTypeChanged()
    {
        var source = new DeviceSchema("d", 1);
        source.Fields.Add(new FieldSchema("x", 0, Visitors.FieldKind.UInt32));
        var destination = new DeviceSchema("d", 1);
        destination.Fields.Add(new FieldSchema("x", 0, Visitors.FieldKind.String));
        Assert.Equal(CompatibilityIssueKind.TypeChanged, Assert.Single(CompatibilityChecker.Check(source, destination).Issues).Kind);
    }

    [Fact]
    public void CheckChain_UartTransitive_BreaksOnlyForwardFromVersion3()
    {
        IReadOnlyList<DeviceSchema> chain = DeviceSchema.AllVersions(Uart16550.DeviceType);
        Assert.True(CompatibilityChecker.CheckChain(chain, CompatibilityMode.Backward, transitive: true).IsCompatible);
        CompatibilityReport forward = CompatibilityChecker.CheckChain(chain, CompatibilityMode.Forward, transitive: true);
        Assert.Equal(4, forward.Issues.Count);
        Assert.All(forward.Issues, i => Assert.Contains(i.Path, new[] { "fifo_trigger_level", "fifo_timeout" }));
    }
}
