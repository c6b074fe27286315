using MigrationFormat.Schema;
using MigrationFormat.Visitors;
using Microsoft.CodeAnalysis;
using static MigrationFormat.Generators.Tests.GeneratorHarness;

namespace MigrationFormat.Generators.Tests;

/// <summary>MIGFMT030–039: the declared fields checked against committed schema documents of released versions.</summary>
public class BaselineTests
{
    private const string DeviceAttribute = "[MigrationDevice(\"serial\", \"urn:test:serial\", CurrentVersion = 3)]";
    private const string Divider = "    [MigrationField(0)] private ushort _divider;";
    private const string Lcr = "    [MigrationField(1)] private byte _lcr;";
    private const string TxCount = "    [MigrationField(9, Skippable = true, Since = 2)] private ulong _txCount;";
    private const string Trigger = "    [MigrationField(10, Since = 3)] private byte _trigger;";
    private const string Deadline = "    [MigrationField(0, Group = \"timer\")] private long _deadline;";

    /// <summary>Version 2 as released: divider, lcr and the skippable tx_count.</summary>
    private const string ReleasedV2 = """
        {
          "format": "migfmt-schema/1",
          "device": "serial",
          "model": "urn:test:serial",
          "version": 2,
          "minimumVersion": 1,
          "currentVersion": 2,
          "fields": [
            { "name": "divider", "tag": 0, "type": "uint16" },
            { "name": "lcr", "tag": 1, "type": "uint8" },
            { "name": "tx_count", "tag": 9, "type": "uint64", "skippable": true, "since": 2 }
          ]
        }
        """;

    /// <summary>Version 3 as released: v2 plus the must-parse trigger and the timer group.</summary>
    private const string ReleasedV3 = """
        {
          "format": "migfmt-schema/1",
          "device": "serial",
          "version": 3,
          "minimumVersion": 1,
          "currentVersion": 3,
          "fields": [
            { "name": "divider", "tag": 0, "type": "uint16" },
            { "name": "lcr", "tag": 1, "type": "uint8" },
            { "name": "tx_count", "tag": 9, "type": "uint64", "skippable": true, "since": 2 },
            { "name": "trigger", "tag": 10, "type": "uint8", "since": 3 },
            { "name": "timer", "tag": 11, "type": "optional", "since": 3, "fields": [
              { "name": "deadline", "tag": 0, "type": "int64", "since": 3 }
            ] }
          ]
        }
        """;

    /// <summary>The device, one member per line so that each test changes one line and every other location stays put.</summary>
    private static string Device(
        string device = DeviceAttribute,
        string divider = Divider,
        string lcr = Lcr,
        string txCount = TxCount,
        string trigger = Trigger,
        string deadline = Deadline) => $$"""
        using MigrationFormat.Visitors;

        {{device}}
        [MigrationOptionalGroup("timer", 11, Since = 3, PresentFlag = nameof(_armed))]
        internal sealed partial class Uart
        {
        {{divider}}
        {{lcr}}
        {{txCount}}
        {{trigger}}
        {{deadline}}
            private bool _armed;
        }
        """;

    private static InMemoryAdditionalText Baseline(string json, string name = "serial.v2.schema.json") => new("/repo/schemas/" + name, json);

    [Fact]
    public void Check_DeclarationMatchingEveryReleasedVersion_ReportsNothing()
    {
        GeneratorRun run = Run(Device(), Baseline(ReleasedV2), Baseline(ReleasedV3, "serial.v3.schema.json"));

        AssertDiagnostics(run);
    }

    [Fact]
    public void Check_BaselinesTheLibraryWroteForGeneratedDevices_ReportNothing()
    {
        // RuntimeDevices.cs is compiled into this assembly by the generator; its schemas, written by SchemaDocument,
        // are the baselines a user would commit.
        var baselines = new List<AdditionalText>();
        foreach (DeviceType type in new[] { GeneratedUart16550.DeviceType, Gadget.DeviceType, Clock.DeviceType })
        {
            foreach (DeviceSchema schema in DeviceSchema.AllVersions(type))
            {
                string json = System.Text.Encoding.UTF8.GetString(SchemaDocument.ToUtf8(schema, indented: true));
                baselines.Add(Baseline(json, $"{schema.Id}.v{schema.Version}.schema.json"));
            }
        }

        GeneratorRun run = Run(File.ReadAllText(GeneratedUart16550.SourcePath()), [.. baselines]);

        AssertDiagnostics(run);
    }

    [Fact]
    public void Check_BaselineOfAnotherDevice_IsIgnored()
    {
        GeneratorRun run = Run(
            Device(lcr: "    [MigrationField(1)] private ushort _lcr;"),
            Baseline(ReleasedV2.Replace("\"serial\"", "\"rtc\"", StringComparison.Ordinal)));

        AssertDiagnostics(run);
    }

    [Fact]
    public void Check_BaselineOfAnotherModelWithTheSameSectionId_IsIgnored()
    {
        GeneratorRun run = Run(
            Device(lcr: "    [MigrationField(1)] private ushort _lcr;"),
            Baseline(ReleasedV2.Replace("urn:test:serial", "urn:qemu:type:isa-serial", StringComparison.Ordinal)));

        AssertDiagnostics(run);
    }

    [Fact]
    public void Check_FileNotEndingInSchemaJson_IsNotABaseline()
    {
        GeneratorRun run = Run(Device(), Baseline("not json", "notes.json"));

        AssertDiagnostics(run);
    }

    [Fact]
    public void Check_MalformedJson_ReportsMigfmt030AtTheFault()
    {
        GeneratorRun run = Run(Device(), Baseline("{\n  \"format\": \"migfmt-schema/1\",\n  \"device\": \"serial\",,\n}"));

        AssertDiagnostics(run, Expect("MIGFMT030", 3, 22, 23));
        Assert.Equal("/repo/schemas/serial.v2.schema.json", Assert.Single(run.GeneratorDiagnostics).Location.GetLineSpan().Path);
    }

    [Fact]
    public void Check_TruncatedJson_ReportsMigfmt030AtTheLastCharacter()
    {
        GeneratorRun run = Run(Device(), Baseline("{\"format\": \"migfmt-sch"));

        AssertDiagnostics(run, Expect("MIGFMT030", 1, 22, 23));
    }

    [Fact]
    public void Check_EmptyFile_ReportsMigfmt030()
    {
        GeneratorRun run = Run(Device(), Baseline(string.Empty));

        AssertDiagnostics(run, Expect("MIGFMT030", 1, 1, 1));
    }

    [Fact]
    public void Check_JsonThatIsNotASchemaDocument_ReportsMigfmt030OnTheFormatMember()
    {
        GeneratorRun run = Run(Device(), Baseline("{\"format\": \"openapi/3\", \"device\": \"serial\", \"version\": 2}"));

        AssertDiagnostics(run, Expect("MIGFMT030", 1, 12, 13));
    }

    [Fact]
    public void Check_UnknownFieldType_ReportsMigfmt030OnTheType()
    {
        GeneratorRun run = Run(Device(), Baseline(ReleasedV2.Replace("\"uint8\"", "\"float32\"", StringComparison.Ordinal)));

        AssertDiagnostics(run, Expect("MIGFMT030", 10, 40, 41));
    }

    [Fact]
    public void Check_DuplicateTagInBaseline_ReportsMigfmt030OnTheSecondTag()
    {
        GeneratorRun run = Run(Device(), Baseline(ReleasedV2.Replace("\"tag\": 1,", "\"tag\": 0,", StringComparison.Ordinal)));

        AssertDiagnostics(run, Expect("MIGFMT030", 10, 29, 30));
    }

    [Fact]
    public void Check_BaselineVersionAboveCurrentVersion_ReportsMigfmt031OnCurrentVersion()
    {
        GeneratorRun run = Run(Device(), Baseline(ReleasedV3.Replace("\"version\": 3", "\"version\": 4", StringComparison.Ordinal), "serial.v4.schema.json"));

        AssertDiagnostics(run, Expect("MIGFMT031", 3, 47, 65));
    }

    [Fact]
    public void Check_MustParseFieldAddedToReleasedVersion_ReportsMigfmt032OnSince()
    {
        GeneratorRun run = Run(Device(trigger: "    [MigrationField(10, Since = 2)] private byte _trigger;"), Baseline(ReleasedV2));

        AssertDiagnostics(run, Expect("MIGFMT032", 10, 25, 34));
    }

    [Fact]
    public void Check_MustParseFieldAddedWithoutSince_ReportsMigfmt032OnAttribute()
    {
        GeneratorRun run = Run(Device(trigger: "    [MigrationField(10)] private byte _trigger;"), Baseline(ReleasedV2));

        AssertDiagnostics(run, Expect("MIGFMT032", 10, 6, 24));
    }

    [Fact]
    public void Check_SkippableFieldAddedToReleasedVersion_ReportsNothing()
    {
        GeneratorRun run = Run(Device(trigger: "    [MigrationField(10, Skippable = true)] private byte _trigger;"), Baseline(ReleasedV2));

        AssertDiagnostics(run);
    }

    [Fact]
    public void Check_TagReusedWithAnotherType_ReportsMigfmt033OnAttribute()
    {
        GeneratorRun run = Run(Device(lcr: "    [MigrationField(1)] private ushort _lcr;"), Baseline(ReleasedV2));

        AssertDiagnostics(run, Expect("MIGFMT033", 8, 6, 23));
    }

    [Fact]
    public void Check_GroupMemberWithAnotherType_ReportsMigfmt033OnMemberAttribute()
    {
        GeneratorRun run = Run(
            Device(deadline: "    [MigrationField(0, Group = \"timer\")] private ulong _deadline;"),
            Baseline(ReleasedV3, "serial.v3.schema.json"));

        AssertDiagnostics(run, Expect("MIGFMT033", 11, 6, 40));
    }

    [Fact]
    public void Check_FixedBufferOfAnotherSize_ReportsMigfmt033()
    {
        string released = ReleasedV2.Replace(
            "{ \"name\": \"lcr\", \"tag\": 1, \"type\": \"uint8\" }",
            "{ \"name\": \"lcr\", \"tag\": 1, \"type\": \"fixed-bytes\", \"size\": 4 }",
            StringComparison.Ordinal);

        GeneratorRun run = Run(Device(lcr: "    [MigrationField(1, Length = 8)] private byte[] _lcr = new byte[8];"), Baseline(released));

        AssertDiagnostics(run, Expect("MIGFMT033", 8, 6, 35));
    }

    [Fact]
    public void Check_TagReusedWithAnotherName_ReportsMigfmt034OnAttribute()
    {
        GeneratorRun run = Run(Device(lcr: "    [MigrationField(1, Name = \"line_control\")] private byte _lcr;"), Baseline(ReleasedV2));

        AssertDiagnostics(run, Expect("MIGFMT034", 8, 6, 46));
    }

    [Fact]
    public void Check_ReleasedFieldNoLongerDeclared_ReportsMigfmt035OnDeviceAttribute()
    {
        GeneratorRun run = Run(Device(lcr: string.Empty), Baseline(ReleasedV2));

        AssertDiagnostics(run, Expect("MIGFMT035", 3, 2, 66));
        Assert.Contains(
            "'serial.lcr' (tag 1) is in released version 2",
            Assert.Single(run.GeneratorDiagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ReleasedFieldRemovedInItsOwnVersion_ReportsMigfmt035OnAttribute()
    {
        GeneratorRun run = Run(
            Device(txCount: "    [MigrationField(9, Skippable = true, Since = 2, RemovedIn = 3)] private ulong _txCount;"),
            Baseline(ReleasedV3, "serial.v3.schema.json"));

        AssertDiagnostics(run, Expect("MIGFMT035", 9, 6, 67));
    }

    [Fact]
    public void Check_ReleasedFieldMovedToALaterVersion_ReportsMigfmt035OnAttribute()
    {
        GeneratorRun run = Run(Device(txCount: "    [MigrationField(9, Skippable = true, Since = 3)] private ulong _txCount;"), Baseline(ReleasedV2));

        AssertDiagnostics(run, Expect("MIGFMT035", 9, 6, 52));
    }

    [Fact]
    public void Check_MustParseFieldRemovedWhileItsVersionIsLoaded_ReportsMigfmt036OnAttribute()
    {
        GeneratorRun run = Run(Device(lcr: "    [MigrationField(1, RemovedIn = 3)] private byte _lcr;"), Baseline(ReleasedV2));

        AssertDiagnostics(run, Expect("MIGFMT036", 8, 6, 38));
    }

    [Fact]
    public void Check_SkippableFieldRemovedInANewerVersion_ReportsNothing()
    {
        GeneratorRun run = Run(
            Device(txCount: "    [MigrationField(9, Skippable = true, Since = 2, RemovedIn = 3)] private ulong _txCount;"),
            Baseline(ReleasedV2));

        AssertDiagnostics(run);
    }

    [Fact]
    public void Check_MustParseFieldRemovedAfterItsVersionIsRetired_ReportsNothing()
    {
        GeneratorRun run = Run(
            Device(
                device: "[MigrationDevice(\"serial\", \"urn:test:serial\", CurrentVersion = 4, MinimumVersion = 3)]",
                lcr: "    [MigrationField(1, RemovedIn = 4)] private byte _lcr;"),
            Baseline(ReleasedV2));

        AssertDiagnostics(run);
    }

    [Fact]
    public void Check_SkippableFlagChanged_ReportsMigfmt037OnAttribute()
    {
        GeneratorRun run = Run(Device(txCount: "    [MigrationField(9, Since = 2)] private ulong _txCount;"), Baseline(ReleasedV2));

        AssertDiagnostics(run, Expect("MIGFMT037", 9, 6, 34));
    }

    [Fact]
    public void Check_ReleasedFieldsReordered_ReportsMigfmt038OnTheFieldThatMovedBack()
    {
        GeneratorRun run = Run(Device(divider: Lcr, lcr: Divider), Baseline(ReleasedV2));

        AssertDiagnostics(run, Expect("MIGFMT038", 8, 6, 23));
    }

    [Fact]
    public void Check_SinceOfReleasedFieldChanged_ReportsMigfmt039OnSince()
    {
        GeneratorRun run = Run(Device(txCount: "    [MigrationField(9, Skippable = true)] private ulong _txCount;"), Baseline(ReleasedV2));

        AssertDiagnostics(run, Expect("MIGFMT039", 9, 6, 41));
    }

    [Fact]
    public void Check_BaselineBelowMinimumVersion_IsNoLongerChecked()
    {
        GeneratorRun run = Run(
            Device(
                device: "[MigrationDevice(\"serial\", \"urn:test:serial\", CurrentVersion = 3, MinimumVersion = 3)]",
                lcr: "    [MigrationField(1)] private ushort _lcr;"),
            Baseline(ReleasedV2));

        AssertDiagnostics(run);
    }

    [Fact]
    public void Check_CatalogDocument_ChecksEveryDeviceItHolds()
    {
        string catalog = "{ \"devices\": [" + ReleasedV2 + ", " + ReleasedV3 + "] }";

        GeneratorRun run = Run(Device(lcr: "    [MigrationField(1)] private ushort _lcr;"), Baseline(catalog, "catalog.schema.json"));

        AssertDiagnostics(run, Expect("MIGFMT033", 8, 6, 23), Expect("MIGFMT033", 8, 6, 23));
    }

    [Fact]
    public void Check_MessageNamesFieldRuleAndBaseline()
    {
        GeneratorRun run = Run(Device(lcr: "    [MigrationField(1)] private ushort _lcr;"), Baseline(ReleasedV2));

        Assert.Equal(
            "'serial.lcr' takes tag 1, which had type uint8 in released version 2 (baseline 'serial.v2.schema.json'); it is declared as uint16 now",
            Assert.Single(run.GeneratorDiagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
