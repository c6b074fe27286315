using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.Schema.Tests;

public class VmStateJsonTests
{
    private static readonly Lazy<byte[]> Pc72 = new(() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "vmstate-pc-7.2.json")));

    private static IReadOnlyList<DeviceSchema> ImportPc() => VmStateJson.Import(Pc72.Value);

    private static DeviceSchema Device(IReadOnlyList<DeviceSchema> schemas, string qomType) =>
        schemas.Single(s => s.ModelId == VmStateJson.QemuModelPrefix + qomType);

    private static byte[] Edit(Action<JsonObject> change)
    {
        JsonObject root = JsonNode.Parse(Pc72.Value)!.AsObject();
        change(root);
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static JsonObject Rtc(JsonObject root) => root["mc146818rtc"]!.AsObject();

    private static JsonArray RtcFields(JsonObject root) => Rtc(root)["Description"]!["Fields"]!.AsArray();

    [Fact]
    public void Import_Pc72_ReadsEveryEntryWithADescription()
    {
        IReadOnlyList<DeviceSchema> schemas = ImportPc();
        Assert.Equal(214, schemas.Count);
        Assert.DoesNotContain(schemas, s => s.ModelId == VmStateJson.QemuModelPrefix + "vmschkmachine");
    }

    [Fact]
    public void Import_Pc72_RtcHasItsFieldsSizesAndVersions()
    {
        DeviceSchema rtc = Device(ImportPc(), "mc146818rtc");
        Assert.Equal(("mc146818rtc", 3, 1), (rtc.Id, rtc.Version, rtc.MinimumVersion));
        Assert.Equal(
            [
                "cmos_data",
                "cmos_index",
                "unused",
                "periodic_timer",
                "next_periodic_time",
                "unused",
                "irq_coalesced",
                "period",
                "base_rtc",
                "last_update",
                "offset",
                "update_timer",
                "next_alarm_time",
                "mc146818rtc/irq_reinject_on_ack_count"],
            rtc.Fields.Select(f => f.Name));
        Assert.Equal((FieldKind.FixedBytes, 128), (rtc.Fields[0].Kind, rtc.Fields[0].Size));
        Assert.Equal(FieldKind.UInt8, rtc.Fields[1].Kind);
        Assert.Equal((FieldKind.UInt32, 2), (rtc.Fields[6].Kind, rtc.Fields[6].Since));
        Assert.Equal((FieldKind.UInt64, 3), (rtc.Fields[8].Kind, rtc.Fields[8].Since));
    }

    [Fact]
    public void Import_Pc72_SubsectionBecomesMustParseOptionalGroupAfterTheFields()
    {
        FieldSchema group = Device(ImportPc(), "mc146818rtc").Fields[^1];
        Assert.Equal((FieldKind.Optional, 13, false), (group.Kind, group.Tag, group.Skippable));
        FieldSchema inner = Assert.Single(group.Fields);
        Assert.Equal(("irq_reinject_on_ack_count", FieldKind.UInt16, 0), (inner.Name, inner.Kind, inner.Tag));
    }

    [Fact]
    public void Import_Pc72_TagsAreFieldPositions()
    {
        DeviceSchema rtc = Device(ImportPc(), "mc146818rtc");
        Assert.Equal(Enumerable.Range(0, rtc.Fields.Count), rtc.Fields.Select(f => f.Tag));
    }

    [Fact]
    public void Import_Pc72_SerialIsANestedStructWithSubsections()
    {
        DeviceSchema serial = Device(ImportPc(), "isa-serial");
        Assert.Equal(("serial", 3, 2), (serial.Id, serial.Version, serial.MinimumVersion));
        FieldSchema state = Assert.Single(serial.Fields);
        Assert.Equal((FieldKind.Struct, 656), (state.Kind, state.Size));
        Assert.Equal(
            ["divider", "rbr", "ier", "iir", "lcr", "mcr", "lsr", "msr", "scr", "fcr_vmstate"],
            state.Fields.Where(f => f.Kind != FieldKind.Optional).Select(f => f.Name));
        Assert.Equal((FieldKind.UInt16, 2), (state.Fields[0].Kind, state.Fields[0].Since));
        Assert.Equal(3, state.Fields[9].Since);
        Assert.Contains(state.Fields, f => f.Kind == FieldKind.Optional && f.Name == "serial/fifo_timeout_timer");
    }

    [Fact]
    public void Import_Pc72_PitChannelsAreAVersionedStruct()
    {
        DeviceSchema pit = Device(ImportPc(), "isa-pit");
        Assert.Equal("i8254", pit.Id);
        FieldSchema channels = pit.Fields.Single(f => f.Name == "channels");
        Assert.Equal((FieldKind.Struct, 2, 56, 1), (channels.Kind, channels.Since, channels.Size, channels.Tag));
        Assert.Equal("count", channels.Fields[0].Name);
        Assert.Equal(FieldKind.UInt32, channels.Fields[0].Kind);
    }

    [Fact]
    public void Import_FieldExists_IsMarkedConditional()
    {
        FieldSchema parent = Device(ImportPc(), "pcie-pci-bridge").Fields[0];
        Assert.Equal(VmStateJson.ConditionalDescription, parent.Fields[1].Description);
        Assert.Null(parent.Fields[0].Description);
    }

    [Fact]
    public void Check_Pc72DumpAgainstItself_IsCompatible()
    {
        CompatibilityReport report = VmStateJson.Check(ImportPc(), ImportPc());
        Assert.True(report.IsCompatible, string.Join("\n", report.Issues));
    }

    [Fact]
    public void Check_DestinationLacksTheRtcSubsection_ReportsUnknownMustParseField()
    {
        IReadOnlyList<DeviceSchema> destination = VmStateJson.Import(Edit(root => Rtc(root)["Description"]!.AsObject().Remove("Subsections")));
        CompatibilityReport report = VmStateJson.Check(ImportPc(), destination);
        CompatibilityIssue issue = Assert.Single(report.Issues);
        Assert.Equal(
            (CompatibilityIssueKind.UnknownMustParseField, "mc146818rtc", "mc146818rtc/irq_reinject_on_ack_count"),
            (issue.Kind, issue.Device, issue.Path));
    }

    [Fact]
    public void Check_DestinationLacksTheLastRtcField_ReportsThePositionalShift()
    {
        // Positional tags: without next_alarm_time (tag 12) the subsection moves to tag 12 at the destination.
        IReadOnlyList<DeviceSchema> destination = VmStateJson.Import(Edit(root => RtcFields(root).RemoveAt(12)));
        CompatibilityReport report = VmStateJson.Check(ImportPc(), destination);
        Assert.Contains(report.Issues, i => i.Kind == CompatibilityIssueKind.TypeChanged && i.Path == "next_alarm_time");
        Assert.All(report.Issues, i => Assert.Equal("mc146818rtc", i.Device));
    }

    [Fact]
    public void Check_DestinationWithoutADevice_ReportsDeviceMismatch()
    {
        IReadOnlyList<DeviceSchema> destination = VmStateJson.Import(Edit(root => root.Remove("isa-pit")));
        CompatibilityIssue issue = Assert.Single(VmStateJson.Check(ImportPc(), destination).Issues);
        Assert.Equal((CompatibilityIssueKind.DeviceMismatch, "i8254"), (issue.Kind, issue.Device));
    }

    [Fact]
    public void Check_DestinationMinimumVersionBumped_ReportsVersionOutOfRange()
    {
        IReadOnlyList<DeviceSchema> destination = VmStateJson.Import(Edit(root =>
        {
            Rtc(root)["version_id"] = 4;
            Rtc(root)["minimum_version_id"] = 4;
        }));
        CompatibilityReport report = VmStateJson.Check(ImportPc(), destination);
        Assert.Equal(CompatibilityIssueKind.VersionOutOfRange, Assert.Single(report.Issues).Kind);
    }

    [Fact]
    public void Check_SourceFieldWiderThanDestination_ReportsIntegerNarrowed()
    {
        IReadOnlyList<DeviceSchema> source = VmStateJson.Import(Edit(root => RtcFields(root)[1]!["size"] = 2));
        CompatibilityReport report = VmStateJson.Check(source, ImportPc());
        CompatibilityIssue issue = Assert.Single(report.Issues);
        Assert.Equal((CompatibilityIssueKind.IntegerNarrowed, "cmos_index"), (issue.Kind, issue.Path));
    }

    [Fact]
    public void ExportImport_Rtc_ReproducesTheQemuEntry()
    {
        DeviceSchema rtc = Device(ImportPc(), "mc146818rtc");
        JsonNode exported = JsonNode.Parse(VmStateJson.Export(rtc))!["mc146818rtc"]!;
        JsonNode original = JsonNode.Parse(Pc72.Value)!["mc146818rtc"]!;
        Assert.True(JsonNode.DeepEquals(original, exported), exported.ToJsonString());
    }

    [Fact]
    public void ExportImport_Serial_PreservesFieldNamesVersionsAndSizes()
    {
        DeviceSchema serial = Device(ImportPc(), "isa-serial");
        JsonNode exported = JsonNode.Parse(VmStateJson.Export(serial))!["isa-serial"]!;
        JsonNode original = JsonNode.Parse(Pc72.Value)!["isa-serial"]!;
        Assert.Equal(Leaves(original), Leaves(exported));
        Assert.Equal((3, 2), ((int)exported["version_id"]!, (int)exported["minimum_version_id"]!));
    }

    [Fact]
    public void Export_UartV3_HasQemuShape()
    {
        JsonNode uart = JsonNode.Parse(VmStateJson.Export(DeviceSchema.For(Uart16550.DeviceType, 3)))!["serial"]!;
        Assert.Equal(("serial", 3, 1), ((string)uart["Name"]!, (int)uart["version_id"]!, (int)uart["minimum_version_id"]!));
        JsonArray fields = uart["Description"]!["Fields"]!.AsArray();
        Assert.Equal(
            ["divider:1:2", "rbr:1:1", "ier:1:1", "iir:1:1", "lcr:1:1", "mcr:1:1", "lsr:1:1", "msr:1:1", "scr:1:1", "tx_count:2:8", "fifo_trigger_level:3:1"],
            fields.Select(f => $"{f!["field"]}:{f["version_id"]}:{f["size"]}"));
        JsonNode subsection = Assert.Single(uart["Description"]!["Subsections"]!.AsArray())!;
        Assert.Equal("serial/fifo_timeout", (string)subsection["name"]!);
        Assert.Equal(8, (int)subsection["Fields"]![0]!["size"]!);
    }

    [Fact]
    public void Export_ArraysAndStructs_GiveTheirLegacyByteSize()
    {
        var schema = new DeviceSchema("d", 1);
        schema.Fields.Add(new FieldSchema("regs", 0, FieldKind.UInt32Array) { Size = 4 });
        var inner = new FieldSchema("inner", 1, FieldKind.Struct);
        inner.Fields.Add(new FieldSchema("a", 0, FieldKind.UInt16));
        inner.Fields.Add(new FieldSchema("b", 1, FieldKind.FixedBytes) { Size = 6 });
        schema.Fields.Add(inner);
        JsonArray fields = JsonNode.Parse(VmStateJson.Export(schema))!["d"]!["Description"]!["Fields"]!.AsArray();
        Assert.Equal([16, 8], fields.Select(f => (int)f!["size"]!));
        Assert.Equal("inner", (string)fields[1]!["Description"]!["name"]!);
    }

    [Fact]
    public void ExportImport_List_ComesBackAsAList()
    {
        var schema = new DeviceSchema("d", 1);
        var queues = new FieldSchema("queues", 0, FieldKind.List);
        queues.Fields.Add(new FieldSchema("avail", 0, FieldKind.UInt64));
        schema.Fields.Add(queues);
        FieldSchema imported = Assert.Single(Assert.Single(VmStateJson.Import(VmStateJson.Export(schema))).Fields);
        Assert.Equal(FieldKind.List, imported.Kind);
        Assert.Equal("avail", Assert.Single(imported.Fields).Name);
    }

    [Fact]
    public void SchemaDocument_ImportedVersionZeroDevice_RoundTrips()
    {
        DeviceSchema bridge = Device(ImportPc(), "pcie-pci-bridge");
        DeviceSchema parsed = SchemaDocument.Parse(SchemaDocument.ToUtf8(bridge));
        Assert.Equal((0, 0), (parsed.Version, parsed.Fields[0].Fields[0].Since));
        Assert.Equal(SchemaDocument.ToUtf8(bridge), SchemaDocument.ToUtf8(parsed));
    }

    [Fact]
    public void Import_NotJson_ThrowsInvalidEncoding()
    {
        MigrationFormatException ex = Assert.Throws<MigrationFormatException>(() => VmStateJson.Import("{\"a\":"u8.ToArray()));
        Assert.Equal(MigrationErrorKind.InvalidEncoding, ex.Kind);
    }

    [Fact]
    public void Import_FieldWithoutSize_ThrowsWithJsonPath()
    {
        byte[] json = (
            """{"dev":{"Name":"dev","version_id":1,"minimum_version_id":1,"Description":"""u8
            + """{"name":"dev","version_id":1,"minimum_version_id":1,"Fields":[{"field":"a","version_id":0,"field_exists":false}]}}}"""u8).ToArray();
        MigrationFormatException ex = Assert.Throws<MigrationFormatException>(() => VmStateJson.Import(json));
        Assert.Equal((MigrationErrorKind.UnexpectedValue, "$.dev.Description.Fields[0].size", -1L), (ex.Kind, ex.FieldPath, ex.Offset));
    }

    [Fact]
    public void Import_KeyWithPunctuation_QuotesItInThePath()
    {
        byte[] json = """{"isa-serial":{"Name":"isa-serial","Description":{"name":"serial"}}}"""u8.ToArray();
        MigrationFormatException ex = Assert.Throws<MigrationFormatException>(() => VmStateJson.Import(json));
        Assert.Equal("$['isa-serial'].version_id", ex.FieldPath);
    }

    /// <summary>Every leaf field as path:version:size:exists, and every subsection name, ignoring nested description names.</summary>
    private static List<string> Leaves(JsonNode device)
    {
        var result = new List<string>();
        Walk(device["Description"]!, string.Empty, result);
        return result;
    }

    private static void Walk(JsonNode description, string path, List<string> result)
    {
        foreach (JsonNode? field in description["Fields"]?.AsArray() ?? [])
        {
            string here = path + "/" + (string)field!["field"]!;
            result.Add($"{here}:{field["version_id"]}:{field["size"]}:{field["field_exists"]}");
            if (field["Description"] is { } nested)
            {
                Walk(nested, here, result);
            }
        }

        foreach (JsonNode? subsection in description["Subsections"]?.AsArray() ?? [])
        {
            result.Add(path + "/" + (string)subsection!["name"]! + ":" + subsection["version_id"]);
            Walk(subsection, path + "/" + (string)subsection["name"]!, result);
        }
    }
}
