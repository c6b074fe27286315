using System.Text.Json;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Schema.Tests;

public class DeviceCatalogTests
{
    private static DeviceCatalog Catalog() => new DeviceCatalog().Add(Uart16550.DeviceType).Add(VirtioNet.DeviceType);

    private static Dictionary<string, string> Parameters(params (string Name, string Value)[] pairs) => pairs.ToDictionary(p => p.Name, p => p.Value);

    private static JsonElement Device(JsonDocument document, string id) =>
        document.RootElement.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("device").GetString() == id);

    [Fact]
    public void Describe_Model_ListsVersionsLatestAndTypedParameters()
    {
        using JsonDocument document = JsonDocument.Parse(Catalog().Describe());
        Assert.Equal("migfmt-catalog/2", document.RootElement.GetProperty("format").GetString());
        JsonElement net = Device(document, "virtio-net");

        Assert.Equal("urn:migfmt:sample:virtio-net", net.GetProperty("model").GetString());
        Assert.Equal((1, 3), (net.GetProperty("minimumVersion").GetInt32(), net.GetProperty("currentVersion").GetInt32()));
        Assert.Equal("version=3,rx-filter-size=0,queue-size=256,ifname=", net.GetProperty("latest").GetString());
        JsonElement[] parameters = [.. net.GetProperty("parameters").EnumerateArray()];
        Assert.Equal(["rx-filter-size", "rss", "queue-size", "ifname"], parameters.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(["integer", "bool", "integer", "string"], parameters.Select(p => p.GetProperty("type").GetString()));
        Assert.Equal([0L, 16, 32, 64], parameters[0].GetProperty("values").EnumerateArray().Select(v => v.GetInt64()));
        Assert.True(parameters[0].GetProperty("changesLayout").GetBoolean());
        Assert.Equal((64, 1024), (parameters[2].GetProperty("minimum").GetInt64(), parameters[2].GetProperty("maximum").GetInt64()));
        Assert.Equal(15, parameters[3].GetProperty("maxLength").GetInt32());
    }

    [Fact]
    public void Describe_Versions_GiveTheValuesEachImpliesAndItsLayouts()
    {
        using JsonDocument document = JsonDocument.Parse(Catalog().Describe());
        JsonElement[] versions = [.. Device(document, "virtio-net").GetProperty("versions").EnumerateArray()];

        Assert.Equal(["rx-filter-size=0", "rss=off"], versions[0].GetProperty("parameters").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}"));
        Assert.Equal("virtio-net/v2", versions[1].GetProperty("schema").GetString());
        Assert.Equal(
            ["virtio-net/v2", "virtio-net/v2?rx-filter-size=16,rss=off", "virtio-net/v2?rx-filter-size=32,rss=off", "virtio-net/v2?rx-filter-size=64,rss=off"],
            versions[1].GetProperty("layouts").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public void Describe_WithSchemas_CarriesTheSchemaOfEveryLayout()
    {
        using JsonDocument document = JsonDocument.Parse(Catalog().Describe(indented: false, includeSchemas: true));
        JsonElement schemas = document.RootElement.GetProperty("schemas");

        JsonElement table = schemas.GetProperty("virtio-net/v2?rx-filter-size=64,rss=off").GetProperty("fields").EnumerateArray()
            .Single(f => f.GetProperty("name").GetString() == "rx_filter");
        Assert.Equal(384, table.GetProperty("size").GetInt32());
        // serial: v1, v2, v3 with and without FIFOs; virtio-net: v1, four filter sizes in v2, and with or without RSS in v3.
        Assert.Equal(4 + 13, schemas.EnumerateObject().Count());
    }

    [Fact]
    public void Parse_DescribedCatalog_ResolvesAsTheLiveOneAndGivesItsSchemas()
    {
        DeviceCatalog live = Catalog();
        DeviceCatalog read = DeviceCatalog.Parse(live.Describe(indented: false, includeSchemas: true));
        DeviceType type = read.FindModel("urn:migfmt:sample:virtio-net")!.Type;

        DeviceConfiguration configuration = type.Resolve("version=2,rx-filter-size=32");

        Assert.False(type.CanCreate);
        Assert.Equal(VirtioNet.DeviceType.Resolve("version=2,rx-filter-size=32").ToRecord().ToString(), configuration.ToRecord().ToString());
        Assert.Equal(
            SchemaDocument.ToUtf8(DeviceSchema.For(VirtioNet.DeviceType.Resolve("version=2,rx-filter-size=32"))),
            SchemaDocument.ToUtf8(read.SchemaFor(configuration)!));
    }

    [Fact]
    public void Parse_CatalogWithoutSchemas_GivesNoSchema()
    {
        DeviceCatalog read = DeviceCatalog.Parse(Catalog().Describe());

        Assert.Null(read.SchemaFor(read.Find("serial")!.Type.LatestConfiguration));
    }

    [Theory]
    [InlineData("""{"format":"migfmt-catalog/1","devices":[]}""", "$.format")]
    [InlineData("""{"parameters":[{"name":"p","type":"integer","minimum":0,"maximum":4,"default":"9"}]}""", "$.devices[0].parameters[0].default")]
    [InlineData("""{"parameters":[{"name":"p","type":"real","default":"1"}]}""", "$.devices[0].parameters[0].type")]
    [InlineData("""{"versions":[{"version":1,"parameters":{"q":"1"}}]}""", "$.devices[0]")]
    [InlineData("""{"minimumVersion":2}""", "$.devices[0].currentVersion")]
    public void Parse_InvalidDocument_ThrowsNamingThePath(string json, string path)
    {
        // A fragment is merged into an otherwise valid one-device document.
        if (!json.Contains("\"format\"", StringComparison.Ordinal))
        {
            var device = System.Text.Json.Nodes.JsonNode.Parse("""{"device":"d","model":"m","minimumVersion":1,"currentVersion":1}""")!.AsObject();
            foreach (KeyValuePair<string, System.Text.Json.Nodes.JsonNode?> member in System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject().ToList())
            {
                device[member.Key] = member.Value?.DeepClone();
            }

            var document = new System.Text.Json.Nodes.JsonObject
            {
                ["format"] = "migfmt-catalog/2",
                ["devices"] = new System.Text.Json.Nodes.JsonArray(device),
            };
            json = document.ToJsonString();
        }

        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() => DeviceCatalog.Parse(System.Text.Encoding.UTF8.GetBytes(json)));

        Assert.Equal(path, error.FieldPath);
    }

    [Fact]
    public void Create_ModelAndConfigurationString_CreatesThatDevice()
    {
        IDeviceState device = Catalog().Create("urn:migfmt:sample:virtio-net", "version=2,rx-filter-size=16");

        Assert.Equal((2, "16"), (device.Version, device.Configuration.GetText("rx-filter-size")));
    }

    [Fact]
    public void Create_UnknownModel_ThrowsAModelMissingIssue()
    {
        DeviceConfigurationException error = Assert.Throws<DeviceConfigurationException>(() => Catalog().Create("urn:test:nic", "version=1"));

        Assert.Equal((ConfigurationIssueKind.ModelMissing, "urn:test:nic"), (error.Issue!.Kind, error.Issue.Model));
    }

    [Fact]
    public void CanInstantiate_VersionAndItsOwnValues_IsTrueWithoutReasons()
    {
        Assert.True(Catalog().CanInstantiate("serial", 1, Parameters(("fifo", "off")), out IReadOnlyList<string> reasons));
        Assert.Empty(reasons);
    }

    [Fact]
    public void CanInstantiate_UnknownDevice_IsFalseAndNamesIt()
    {
        Assert.False(Catalog().CanInstantiate("mc146818rtc", 1, null, out IReadOnlyList<string> reasons));
        Assert.Contains("'mc146818rtc' is not in the catalog", Assert.Single(reasons), StringComparison.Ordinal);
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
        Assert.False(Catalog().CanInstantiate("serial", 1, Parameters(("fifo", "on")), out IReadOnlyList<string> reasons));
        Assert.Contains("implies fifo=off", Assert.Single(reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void CanInstantiate_UnknownParameterName_IsFalseAndListsTheKnownNames()
    {
        Assert.False(Catalog().CanInstantiate("serial", 3, Parameters(("irq", "4")), out IReadOnlyList<string> reasons));
        Assert.Contains("no parameter 'irq' (known: fifo)", Assert.Single(reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnsupportedVersion_ThrowsArgumentOutOfRange()
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => Catalog().Create("serial", 0));
        Assert.Equal("version", ex.ParamName);
    }

    [Fact]
    public void Create_OverrideContradictingTheVersion_ThrowsNamingTheOverrides()
    {
        ArgumentException ex = Assert.Throws<DeviceConfigurationException>(() => Catalog().Create("serial", 3, Parameters(("fifo", "off"))));
        Assert.Equal("overrides", ex.ParamName);
        Assert.Contains("implies fifo=on", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveParameters_WithOverride_GivesEveryParameter()
    {
        IReadOnlyDictionary<string, string> parameters = Catalog().ResolveParameters("virtio-net", 2, Parameters(("queue-size", "512")));
        Assert.Equal(["ifname=", "queue-size=512", "rss=off", "rx-filter-size=0"], parameters.Select(p => $"{p.Key}={p.Value}"));
    }

    [Fact]
    public void Add_SameDeviceTwice_Throws()
    {
        DeviceCatalog catalog = Catalog();
        Assert.Throws<ArgumentException>(() => catalog.Add(Uart16550.DeviceType));
    }

    [Fact]
    public void AllSchemas_Uart_GivesEveryVersionOldestFirst()
    {
        Assert.Equal([1, 2, 3], new DeviceCatalog().Add(Uart16550.DeviceType).AllSchemas().Select(s => s.Version));
    }

    [Fact]
    public void SchemaKey_MatchesTheDescribedKey()
    {
        Assert.Equal("serial/v3", DeviceCatalog.SchemaKey("serial", 3));
    }
}
