namespace MigrationFormat.Configuration.Tests;

/// <summary>
/// Instantiation from <c>version=N</c>, <c>version=N,param=value</c> or parameters alone, and the one clear error per
/// fault naming the model and the parameter (docs/catalog.md §2).
/// </summary>
public class ResolutionTests
{
    private const string NetModel = "urn:migfmt:sample:virtio-net";

    private static DeviceType Net => VirtioNet.DeviceType;

    private static IReadOnlyList<ConfigurationIssue> Issues(DeviceType type, string configuration)
    {
        Assert.False(type.TryResolve(ConfigurationString.Parse(configuration), out _, out IReadOnlyList<ConfigurationIssue> issues));
        return issues;
    }

    [Fact]
    public void Resolve_Version_TakesTheValuesItImpliesAndDefaultsForTheRest()
    {
        DeviceConfiguration configuration = Net.Resolve("version=1");

        Assert.Equal((1, true), (configuration.Version, configuration.NamesVersion));
        Assert.Equal(0, configuration.Get(VirtioNet.Parameters.RxFilterSize));
        Assert.False(configuration.Get(VirtioNet.Parameters.Rss));
        Assert.Equal(256, configuration.Get(VirtioNet.Parameters.QueueSize));
    }

    [Fact]
    public void Resolve_VersionWithAParameterItDoesNotFix_OverridesThatParameter()
    {
        DeviceConfiguration configuration = Net.Resolve("version=2,rx-filter-size=64");

        Assert.Equal(2, configuration.Version);
        Assert.Equal(64, configuration.Get(VirtioNet.Parameters.RxFilterSize));
        Assert.False(configuration.Get(VirtioNet.Parameters.Rss));
    }

    [Fact]
    public void Resolve_ParametersAlone_RunAsTheCurrentVersionWithDefaults()
    {
        DeviceConfiguration configuration = Net.Resolve("rx-filter-size=0,rss=off");

        Assert.Equal((3, false), (configuration.Version, configuration.NamesVersion));
        Assert.False(configuration.Get(VirtioNet.Parameters.Rss));
        Assert.Equal("rx-filter-size=0,rss=off,queue-size=256,ifname=", configuration.ToString());
    }

    [Fact]
    public void Resolve_UnsupportedVersion_NamesTheModelAndTheVersion()
    {
        ConfigurationIssue issue = Assert.Single(Issues(Net, "version=4"));

        Assert.Equal((ConfigurationIssueKind.VersionUnsupported, NetModel, "version"), (issue.Kind, issue.Model, issue.Parameter));
        Assert.Equal($"Device model {NetModel} supports versions 1 to 3; version 4 was requested.", issue.Message);
    }

    [Fact]
    public void Resolve_UnknownParameter_NamesTheModelAndTheParameterAndListsTheKnownOnes()
    {
        ConfigurationIssue issue = Assert.Single(Issues(Net, "version=3,mtu=9000"));

        Assert.Equal((ConfigurationIssueKind.ParameterUnknown, "mtu"), (issue.Kind, issue.Parameter));
        Assert.Equal($"Device model {NetModel} has no parameter 'mtu' (known: rx-filter-size, rss, queue-size, ifname).", issue.Message);
    }

    [Fact]
    public void Resolve_BadType_NamesTheParameterAndWhatItTakes()
    {
        ConfigurationIssue issue = Assert.Single(Issues(Net, "rss=maybe"));

        Assert.Equal((ConfigurationIssueKind.ValueInvalid, "rss"), (issue.Kind, issue.Parameter));
        Assert.Equal($"Parameter 'rss' of device model {NetModel} takes on or off; 'maybe' was given.", issue.Message);
    }

    [Fact]
    public void Resolve_OutOfRange_NamesTheParameterAndItsRange()
    {
        ConfigurationIssue issue = Assert.Single(Issues(Net, "version=2,queue-size=2048"));

        Assert.Equal((ConfigurationIssueKind.ValueInvalid, "queue-size"), (issue.Kind, issue.Parameter));
        Assert.Contains("takes an integer from 64 to 1024; '2048' was given", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_OverridingAValueTheVersionFixes_IsAnError()
    {
        ConfigurationIssue issue = Assert.Single(Issues(Net, "version=1,rx-filter-size=16"));

        Assert.Equal((ConfigurationIssueKind.ValueFixedByVersion, "rx-filter-size"), (issue.Kind, issue.Parameter));
        Assert.Equal(
            $"Version 1 of device model {NetModel} implies rx-filter-size=0; the configuration has rx-filter-size=16, and 'rx-filter-size' is not overridable.",
            issue.Message);
    }

    [Fact]
    public void Resolve_OverridingAnOverridableParameter_TakesTheOverride()
    {
        DeviceConfiguration configuration = Mc146818Rtc.DeviceType.Resolve("version=2,lost-tick-policy=delay");

        Assert.Equal("delay", configuration.Get(Mc146818Rtc.Parameters.LostTickPolicy));
    }

    [Fact]
    public void Resolve_RepeatingTheValueTheVersionFixes_IsAccepted()
    {
        Assert.Equal(Net.DefaultConfiguration(1), Net.Resolve("version=1,rx-filter-size=0,rss=off"));
    }

    [Fact]
    public void Resolve_SeveralFaults_ListsEachInItemOrder()
    {
        IReadOnlyList<ConfigurationIssue> issues = Issues(Net, "version=1,rss=on,color=red,queue-size=1");

        Assert.Equal(["rss", "color", "queue-size"], issues.Select(i => i.Parameter));
    }

    [Fact]
    public void Create_FaultyConfiguration_ThrowsOneExceptionWhoseMessageNamesModelAndParameter()
    {
        DeviceConfigurationException error = Assert.Throws<DeviceConfigurationException>(() => Net.Create("version=2,rx-filter-size=48"));

        Assert.Contains(NetModel, error.Message, StringComparison.Ordinal);
        Assert.Contains("'rx-filter-size'", error.Message, StringComparison.Ordinal);
        Assert.Equal(ConfigurationIssueKind.ValueInvalid, error.Issue!.Kind);
    }

    [Fact]
    public void Create_BrokenSyntax_ThrowsASyntaxIssueNamingTheModel()
    {
        DeviceConfigurationException error = Assert.Throws<DeviceConfigurationException>(() => Net.Create("version=2,rss"));

        Assert.Equal((ConfigurationIssueKind.Syntax, NetModel), (error.Issue!.Kind, error.Issue.Model));
    }

    [Fact]
    public void Create_Configuration_GivesTheDeviceItsConfiguration()
    {
        IDeviceState device = Net.Create("version=2,rx-filter-size=32,queue-size=512,ifname=wan0");

        var net = Assert.IsType<VirtioNet>(device);
        Assert.Equal("version=2,rx-filter-size=32,queue-size=512,ifname=wan0", net.Configuration.ToString());
        Assert.Equal((32 * 6, (ushort)512, "wan0"), (net.RxFilter.Length, net.QueueSize, net.Name));
    }

    [Fact]
    public void Create_GeneratedDeviceWithOnConfigured_SetsItsResetStateFromAParameter()
    {
        var rtc = Assert.IsType<Mc146818Rtc>(Mc146818Rtc.DeviceType.Create("version=3,base-year=1980"));

        Assert.Equal(1980, rtc.BaseYear);
    }

    [Fact]
    public void ToString_OfAResolvedConfiguration_ResolvesBackToIt()
    {
        DeviceConfiguration configuration = Net.Resolve("version=2,rx-filter-size=16,ifname=a,,b");

        Assert.Equal(configuration, Net.Resolve(configuration.ToString()));
        Assert.Equal("version=2,rx-filter-size=16,queue-size=256,ifname=a,,b", configuration.ToString());
    }

    [Fact]
    public void LatestConfiguration_IsTheCurrentVersionsDefault()
    {
        Assert.Equal("version=3,rx-filter-size=0,queue-size=256,ifname=", Net.LatestConfiguration.ToString());
        Assert.Equal("version=3", Uart16550.DeviceType.LatestConfiguration.ToString());
    }

    [Fact]
    public void ToRecord_LayoutParameterTheVersionImplies_IsSkippable()
    {
        ConfigurationRecord record = Net.Resolve("version=2,rx-filter-size=64").ToRecord();

        Assert.Equal(
            ["version=2 must", "rx-filter-size=64 must", "rss=off skip", "queue-size=256 skip", "ifname= skip"],
            record.Items.Select(i => $"{i} {(i.MustParse ? "must" : "skip")}"));
    }

    [Fact]
    public void ToRecord_ParametersAlone_LayoutParametersAreMustParse()
    {
        ConfigurationRecord record = Net.Resolve("rss=on").ToRecord();

        Assert.Null(record.Version);
        Assert.True(record.Find("rss")!.Value.MustParse);
    }

    [Fact]
    public void LayoutVariants_VirtioNet_OnePerReachableLayout()
    {
        Assert.Single(Net.LayoutVariants(1));
        Assert.Equal(4, Net.LayoutVariants(2).Count);
        Assert.Equal(8, Net.LayoutVariants(3).Count);
        Assert.Equal(Net.DefaultConfiguration(2), Net.LayoutVariants(2)[0]);
    }

    [Fact]
    public void Constructor_VersionImpliesAnUnknownParameter_Throws()
    {
        var parameters = new DeviceParameterSet([DeviceParameter.Bool("a", false)], new Dictionary<int, string> { [1] = "b=on" });

        ArgumentException error = Assert.Throws<ArgumentException>(() => new DeviceType("d", "urn:test:d", 1, 1, null, parameters));

        Assert.Contains("implies 'b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TooManyLayoutCombinations_Throws()
    {
        DeviceParameter[] wide = [.. Enumerable.Range(0, 9).Select(i => (DeviceParameter)DeviceParameter.Bool($"p{i}", false, changesLayout: true))];

        Assert.Throws<ArgumentException>(() => new DeviceType("d", "urn:test:d", 1, 1, null, new DeviceParameterSet(wide)));
    }

    [Fact]
    public void Create_TypeKnownFromADocument_Throws()
    {
        var type = new DeviceType("d", "urn:test:d", 1, 1, null, DeviceParameterSet.Empty);

        Assert.Throws<InvalidOperationException>(() => type.Create(1));
    }
}
