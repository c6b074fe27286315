using System.Text;
using System.Text.Json.Nodes;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Schema.Tests;

/// <summary>
/// <see cref="CatalogDocument"/>: two hosts' catalog documents, every layout of every version the source runs checked
/// against the destination's configurations and, when both carry them, its schemas.
/// </summary>
public class CatalogDocumentTests
{
    private static DeviceCatalog Host() => new DeviceCatalog().Add(Uart16550.DeviceType).Add(VirtioNet.DeviceType);

    private static byte[] Described(bool schemas = true) => Host().Describe(indented: false, includeSchemas: schemas);

    private static byte[] Edit(byte[] document, Action<JsonNode> edit)
    {
        JsonNode root = JsonNode.Parse(document)!;
        edit(root);
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static JsonNode Device(JsonNode root, string id) => root["devices"]!.AsArray().Single(d => (string?)d!["device"] == id)!;

    [Fact]
    public void Check_SameCatalog_IsCompatible()
    {
        byte[] catalog = Described();

        Assert.True(CatalogDocument.Check(catalog, catalog).IsCompatible);
    }

    [Fact]
    public void Check_DestinationWithoutAModel_IsOneDeviceMismatch()
    {
        byte[] source = Described();
        byte[] destination = Edit(source, root => root["devices"]!.AsArray().Remove(Device(root, "virtio-net")));

        CompatibilityIssue issue = Assert.Single(CatalogDocument.Check(source, destination).Issues);

        Assert.Equal((CompatibilityIssueKind.DeviceMismatch, "virtio-net"), (issue.Kind, issue.Device));
    }

    [Fact]
    public void Check_DestinationModelUnderAnotherSectionId_IsDeviceMismatch()
    {
        byte[] source = Described(schemas: false);
        byte[] destination = Edit(source, root => Device(root, "serial")["device"] = "uart");

        CompatibilityIssue issue = Assert.Single(CatalogDocument.Check(source, destination).Issues);

        Assert.Equal(CompatibilityIssueKind.DeviceMismatch, issue.Kind);
        Assert.Contains("section id 'uart'", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DestinationStartingAtALaterVersion_IsVersionOutOfRangeForEachEarlierOne()
    {
        byte[] source = Described(schemas: false);
        byte[] destination = Edit(source, root =>
        {
            JsonNode serial = Device(root, "serial");
            serial["minimumVersion"] = 3;
            serial["versions"]!.AsArray().RemoveAt(0);
            serial["versions"]!.AsArray().RemoveAt(0);
        });

        IReadOnlyList<CompatibilityIssue> issues = CatalogDocument.Check(source, destination).Issues;

        Assert.Equal(["v1", "v2"], issues.Select(i => i.Path));
        Assert.All(issues, i => Assert.Equal((CompatibilityIssueKind.VersionOutOfRange, "serial"), (i.Kind, i.Device)));
    }

    [Fact]
    public void Check_DestinationAVersionOlder_IsOneVersionOutOfRangeForTheVersionNotOnePerLayout()
    {
        byte[] source = Described(schemas: false);
        byte[] destination = Edit(source, root =>
        {
            JsonNode net = Device(root, "virtio-net");
            net["currentVersion"] = 2;
            net["versions"]!.AsArray().RemoveAt(2);
        });

        CompatibilityIssue issue = Assert.Single(CatalogDocument.Check(source, destination).Issues);

        Assert.Equal((CompatibilityIssueKind.VersionOutOfRange, "virtio-net", "v3"), (issue.Kind, issue.Device, issue.Path));
    }

    [Fact]
    public void Check_DestinationWithoutALayoutValue_IsParameterMismatchInEveryLayoutThatUsesIt()
    {
        byte[] source = Described(schemas: false);
        byte[] destination = Edit(source, root =>
        {
            JsonNode filter = Device(root, "virtio-net")["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "rx-filter-size")!;
            filter["values"] = new JsonArray(0, 16, 32);
        });

        IReadOnlyList<CompatibilityIssue> issues = CatalogDocument.Check(source, destination).Issues;

        Assert.NotEmpty(issues);
        Assert.All(issues, i => Assert.Equal(CompatibilityIssueKind.ParameterMismatch, i.Kind));
        Assert.All(issues, i => Assert.Contains("rx-filter-size=64", i.Path, StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Path == "v2?rx-filter-size=64,rss=off");
    }

    [Fact]
    public void Check_DestinationVersionImplyingAnotherLayoutValue_IsParameterMismatchNamingBothValues()
    {
        byte[] source = Described(schemas: false);
        byte[] destination = Edit(source, root => Device(root, "serial")["versions"]![2]!["parameters"]!["fifo"] = "off");

        IReadOnlyList<CompatibilityIssue> issues = CatalogDocument.Check(source, destination).Issues;

        CompatibilityIssue issue = Assert.Single(issues, i => i.Path == "v3");
        Assert.Equal(CompatibilityIssueKind.ParameterMismatch, issue.Kind);
        Assert.Contains("fifo=off on the destination and fifo=on on the source", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DestinationSchemaMissingAMustParseField_IsThatFieldInThatLayout()
    {
        byte[] source = Described();
        byte[] destination = Edit(source, root =>
        {
            JsonArray fields = root["schemas"]!["serial/v1"]!["fields"]!.AsArray();
            fields.Remove(fields.Single(f => (string?)f!["name"] == "divider"));
        });

        CompatibilityIssue issue = Assert.Single(CatalogDocument.Check(source, destination).Issues);

        Assert.Equal((CompatibilityIssueKind.UnknownMustParseField, "serial", "v1: divider"), (issue.Kind, issue.Device, issue.Path));
    }

    [Fact]
    public void Check_DestinationWithoutSchemas_ChecksConfigurationsOnly()
    {
        Assert.True(CatalogDocument.Check(Described(), Described(schemas: false)).IsCompatible);
    }

    [Fact]
    public void Check_NotACatalog_ThrowsNamingTheJsonPath()
    {
        byte[] schema = SchemaDocument.ToUtf8(DeviceSchema.For(Uart16550.DeviceType, 1));

        var ex = Assert.Throws<MigrationFormatException>(() => CatalogDocument.Check(Described(), schema));

        Assert.Equal("$.format", ex.FieldPath);
    }

    [Fact]
    public void Check_DeviceIdLongerThanAnIdMayBe_ThrowsMigrationFormatException()
    {
        byte[] catalog = Described(schemas: false);
        byte[] hostile = Edit(catalog, root => root["devices"]![0]!["device"] = new string('x', 300));

        var ex = Assert.Throws<MigrationFormatException>(() => CatalogDocument.Check(hostile, catalog));

        Assert.Equal((MigrationErrorKind.UnexpectedValue, "$.devices[0]"), (ex.Kind, ex.FieldPath));
    }

    [Fact]
    public void IsCatalog_DescribeOutput_IsTrueAndSchemaDocumentIsFalse()
    {
        Assert.True(CatalogDocument.IsCatalog(Host().Describe(indented: true)));
        Assert.False(CatalogDocument.IsCatalog(SchemaDocument.ToUtf8(DeviceSchema.For(Uart16550.DeviceType, 1))));
    }
}
