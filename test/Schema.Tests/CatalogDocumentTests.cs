using System.Text;
using System.Text.Json.Nodes;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Schema.Tests;

/// <summary><see cref="CatalogDocument"/>: two hosts' catalog documents checked by the rules of <see cref="DeviceCatalog.CanInstantiate"/>.</summary>
public class CatalogDocumentTests
{
    private static DeviceCatalog Host() => new DeviceCatalog()
        .Add(Uart16550.DeviceType, new Dictionary<int, IReadOnlyDictionary<string, string>>
        {
            [1] = new Dictionary<string, string> { ["fifo"] = "off" },
            [2] = new Dictionary<string, string> { ["fifo"] = "off" },
            [3] = new Dictionary<string, string> { ["fifo"] = "on" },
        })
        .Add(Mc146818Rtc.DeviceType);

    private static byte[] Edit(byte[] document, Action<JsonNode> edit)
    {
        JsonNode root = JsonNode.Parse(document)!;
        edit(root);
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    [Fact]
    public void Check_SameCatalog_IsCompatible()
    {
        byte[] catalog = Host().Describe(indented: false);

        Assert.True(CatalogDocument.Check(catalog, catalog).IsCompatible);
    }

    [Fact]
    public void Check_DestinationWithoutADevice_IsDeviceMismatch()
    {
        byte[] source = Host().Describe(indented: false);
        byte[] destination = Edit(source, root => root["devices"]!.AsArray().RemoveAt(1));

        CompatibilityIssue issue = Assert.Single(CatalogDocument.Check(source, destination).Issues);

        Assert.Equal((CompatibilityIssueKind.DeviceMismatch, "mc146818rtc"), (issue.Kind, issue.Device));
    }

    [Fact]
    public void Check_DestinationStartingAtALaterVersion_IsVersionOutOfRangeForEachEarlierOne()
    {
        byte[] source = Host().Describe(indented: false);
        byte[] destination = Edit(source, root =>
        {
            root["devices"]![1]!["minimumVersion"] = 3;
            root["devices"]![1]!["versions"]!.AsArray().RemoveAt(0);
            root["devices"]![1]!["versions"]!.AsArray().RemoveAt(0);
        });

        IReadOnlyList<CompatibilityIssue> issues = CatalogDocument.Check(source, destination).Issues;

        Assert.Equal(["v1", "v2"], issues.Select(i => i.Path));
        Assert.All(issues, i => Assert.Equal(CompatibilityIssueKind.VersionOutOfRange, i.Kind));
    }

    [Fact]
    public void Check_DestinationImplyingAnotherValue_IsParameterMismatch()
    {
        byte[] source = Host().Describe(indented: false);
        byte[] destination = Edit(source, root => root["devices"]![0]!["versions"]![0]!["parameters"]!["fifo"] = "on");

        CompatibilityIssue issue = Assert.Single(CatalogDocument.Check(source, destination).Issues);

        Assert.Equal((CompatibilityIssueKind.ParameterMismatch, "v1"), (issue.Kind, issue.Path));
        Assert.Equal("Device 'serial' version 1 implies fifo=on; the configuration has fifo=off.", issue.Message);
    }

    [Fact]
    public void Check_DestinationNotKnowingAParameter_IsParameterMismatch()
    {
        byte[] source = Host().Describe(indented: false);
        byte[] destination = Edit(source, root =>
        {
            foreach (JsonNode? version in root["devices"]![0]!["versions"]!.AsArray())
            {
                version!["parameters"]!.AsObject().Remove("fifo");
            }

            root["devices"]![0]!["parameterNames"]!.AsArray().Clear();
        });

        IReadOnlyList<CompatibilityIssue> issues = CatalogDocument.Check(source, destination).Issues;

        Assert.Equal(3, issues.Count);
        Assert.All(issues, i => Assert.StartsWith("Device 'serial' has no parameter 'fifo'", i.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Check_NotACatalog_ThrowsNamingTheJsonPath()
    {
        byte[] catalog = Host().Describe(indented: false);
        byte[] schema = SchemaDocument.ToUtf8(DeviceSchema.For(Uart16550.DeviceType, 1));

        var ex = Assert.Throws<MigrationFormatException>(() => CatalogDocument.Check(catalog, schema));

        Assert.Equal("$.format", ex.FieldPath);
    }

    [Fact]
    public void Check_DeviceIdLongerThanAnIdMayBe_ThrowsMigrationFormatException()
    {
        byte[] catalog = Host().Describe(indented: false);
        byte[] hostile = Edit(catalog, root => root["devices"]![0]!["device"] = new string('x', 300));

        var ex = Assert.Throws<MigrationFormatException>(() => CatalogDocument.Check(hostile, catalog));

        Assert.Equal(MigrationErrorKind.UnexpectedValue, ex.Kind);
    }

    [Fact]
    public void IsCatalog_DescribeOutput_IsTrueAndSchemaDocumentIsFalse()
    {
        Assert.True(CatalogDocument.IsCatalog(Host().Describe(indented: true)));
        Assert.False(CatalogDocument.IsCatalog(SchemaDocument.ToUtf8(DeviceSchema.For(Uart16550.DeviceType, 1))));
    }
}
