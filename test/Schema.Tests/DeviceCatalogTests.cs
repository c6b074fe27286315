using System.Text.Json;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Schema.Tests;

public class DeviceCatalogTests
{
    private static readonly IReadOnlyDictionary<string, string> FifoOff = new Dictionary<string, string> { ["fifo"] = "off" };
    private static readonly IReadOnlyDictionary<string, string> FifoOn = new Dictionary<string, string> { ["fifo"] = "on" };

    private static DeviceCatalog Catalog() => new DeviceCatalog().Add(
        Uart16550.DeviceType,
        new Dictionary<int, IReadOnlyDictionary<string, string>>
        {
            [1] = FifoOff,
            [2] = FifoOff,
            [3] = new Dictionary<string, string> { ["fifo"] = "on", ["baud_base"] = "115200" },
        });

    private static Dictionary<string, string> Parameters(params (string Name, string Value)[] pairs) => pairs.ToDictionary(p => p.Name, p => p.Value);

    [Fact]
    public void Describe_Uart_ListsModelDeviceVersionsParametersAndSchemaKeys()
    {
        using JsonDocument document = JsonDocument.Parse(Catalog().Describe());
        JsonElement root = document.RootElement;
        Assert.Equal("migfmt-catalog/1", root.GetProperty("format").GetString());
        JsonElement device = Assert.Single(root.GetProperty("devices").EnumerateArray());
        Assert.Equal("urn:migfmt:sample:uart16550a", device.GetProperty("model").GetString());
        Assert.Equal("serial", device.GetProperty("device").GetString());
        Assert.Equal((1, 3), (device.GetProperty("minimumVersion").GetInt32(), device.GetProperty("currentVersion").GetInt32()));
        Assert.Equal(["baud_base", "fifo"], device.GetProperty("parameterNames").EnumerateArray().Select(e => e.GetString()));
        JsonElement[] versions = device.GetProperty("versions").EnumerateArray().ToArray();
        Assert.Equal(["serial/v1", "serial/v2", "serial/v3"], versions.Select(v => v.GetProperty("schema").GetString()));
        Assert.Equal("off", versions[0].GetProperty("parameters").GetProperty("fifo").GetString());
        Assert.Equal(["baud_base=115200", "fifo=on"], versions[2].GetProperty("parameters").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}"));
    }

    [Fact]
    public void Describe_VersionWithoutParameters_WritesAnEmptyObject()
    {
        using JsonDocument document = JsonDocument.Parse(new DeviceCatalog().Add(Uart16550.DeviceType).Describe(indented: false));
        JsonElement version = document.RootElement.GetProperty("devices")[0].GetProperty("versions")[0];
        Assert.Empty(version.GetProperty("parameters").EnumerateObject());
    }

    [Fact]
    public void CanInstantiate_MatchingConfiguration_IsTrueWithoutReasons()
    {
        Assert.True(Catalog().CanInstantiate("serial", 1, FifoOff, out IReadOnlyList<string> reasons));
        Assert.Empty(reasons);
    }

    [Fact]
    public void CanInstantiate_NoParameters_IsTrue()
    {
        Assert.True(Catalog().CanInstantiate("serial", 3, null, out _));
    }

    [Fact]
    public void CanInstantiate_UnknownDevice_IsFalseAndNamesIt()
    {
        Assert.False(Catalog().CanInstantiate("virtio-net", 1, null, out IReadOnlyList<string> reasons));
        Assert.Contains("'virtio-net' is not in the catalog", Assert.Single(reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void CanInstantiate_VersionNewerThanDestination_IsFalseAndGivesTheRange()
    {
        Assert.False(Catalog().CanInstantiate("serial", 4, null, out IReadOnlyList<string> reasons));
        Assert.Contains("versions 1 to 3", Assert.Single(reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void CanInstantiate_ParameterContradictingTheVersion_IsFalse()
    {
        Assert.False(Catalog().CanInstantiate("serial", 1, FifoOn, out IReadOnlyList<string> reasons));
        Assert.Contains("version 1 implies fifo=off", Assert.Single(reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void CanInstantiate_UnknownParameterName_IsFalseAndListsTheKnownNames()
    {
        Assert.False(Catalog().CanInstantiate("serial", 3, Parameters(("fifo", "on"), ("irq", "4")), out IReadOnlyList<string> reasons));
        Assert.Contains("no parameter 'irq' (known: baud_base, fifo)", Assert.Single(reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void CanInstantiate_KnownParameterTheVersionDoesNotFix_IsTrue()
    {
        Assert.True(Catalog().CanInstantiate("serial", 1, Parameters(("fifo", "off"), ("baud_base", "9600")), out _));
    }

    [Fact]
    public void CanInstantiate_SeveralProblems_ReportsEach()
    {
        Assert.False(Catalog().CanInstantiate("serial", 2, Parameters(("fifo", "on"), ("irq", "4")), out IReadOnlyList<string> reasons));
        Assert.Equal(2, reasons.Count);
    }

    [Fact]
    public void Create_SupportedVersion_ReturnsThatVersion()
    {
        IDeviceState device = Catalog().Create("serial", 2);
        Assert.Equal((typeof(Uart16550), 2), (device.GetType(), device.Version));
    }

    [Fact]
    public void Create_UnknownDevice_ThrowsArgumentException()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => Catalog().Create("nic", 1));
        Assert.Equal("deviceId", ex.ParamName);
    }

    [Fact]
    public void Create_UnsupportedVersion_ThrowsArgumentOutOfRange()
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => Catalog().Create("serial", 0));
        Assert.Equal("version", ex.ParamName);
    }

    [Fact]
    public void Create_OverrideContradictingTheVersion_ThrowsArgumentException()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => Catalog().Create("serial", 3, FifoOff));
        Assert.Equal("overrides", ex.ParamName);
        Assert.Contains("implies fifo=on", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveParameters_WithOverride_MergesImpliedAndOverridden()
    {
        IReadOnlyDictionary<string, string> parameters = Catalog().ResolveParameters("serial", 2, Parameters(("baud_base", "9600")));
        Assert.Equal(["baud_base=9600", "fifo=off"], parameters.Select(p => $"{p.Key}={p.Value}"));
    }

    [Fact]
    public void Add_SameDeviceTwice_Throws()
    {
        DeviceCatalog catalog = Catalog();
        Assert.Throws<ArgumentException>(() => catalog.Add(Uart16550.DeviceType));
    }

    [Fact]
    public void Add_ParametersForUnsupportedVersion_Throws()
    {
        var parameters = new Dictionary<int, IReadOnlyDictionary<string, string>> { [7] = FifoOn };
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceCatalog().Add(Uart16550.DeviceType, parameters));
    }

    [Fact]
    public void AllSchemas_Uart_GivesEveryVersionOldestFirst()
    {
        Assert.Equal([1, 2, 3], Catalog().AllSchemas().Select(s => s.Version));
    }

    [Fact]
    public void SchemaKey_MatchesTheDescribedKey()
    {
        Assert.Equal("serial/v3", DeviceCatalog.SchemaKey("serial", 3));
    }
}
