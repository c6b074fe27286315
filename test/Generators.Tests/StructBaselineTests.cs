using static MigrationFormat.Generators.Tests.GeneratorHarness;

namespace MigrationFormat.Generators.Tests;

/// <summary>MIGFMT032–038 inside a nested structure: a released structure's members are checked like the device's own fields.</summary>
public class StructBaselineTests
{
    private const string Struct = "[MigrationStruct(\"timer\", 5)]";
    private const string Time = "    [MigrationField(0)] private long _time;";
    private const string Period = "    [MigrationField(0, Group = \"timer\")] private long _periodNs;";
    private const string Enabled = "    [MigrationField(1, Group = \"timer\")] private bool _enabled;";

    /// <summary>Version 2 as released: the time and the timer structure with two members.</summary>
    private const string ReleasedV2 = """
        {
          "format": "migfmt-schema/1",
          "device": "rtc",
          "version": 2,
          "fields": [
            { "name": "time", "tag": 0, "type": "int64" },
            { "name": "timer", "tag": 5, "type": "struct", "fields": [
              { "name": "period_ns", "tag": 0, "type": "int64" },
              { "name": "enabled", "tag": 1, "type": "bool" }
            ] }
          ]
        }
        """;

    /// <summary>The device, one member per line so that each test changes one line and every other location stays put.</summary>
    private static string Device(
        string structure = Struct,
        string time = Time,
        string period = Period,
        string enabled = Enabled,
        string extra = "") => $$"""
        using MigrationFormat.Visitors;

        [MigrationDevice("rtc", "urn:test:rtc", CurrentVersion = 3)]
        {{structure}}
        internal sealed partial class Rtc
        {
        {{time}}
        {{period}}
        {{enabled}}
        {{extra}}
        }
        """;

    private static InMemoryAdditionalText Baseline() => new("/repo/schemas/rtc.v2.schema.json", ReleasedV2);

    [Fact]
    public void Check_StructMatchingReleasedVersion_ReportsNothing()
    {
        GeneratorRun run = Run(Device(), Baseline());

        AssertDiagnostics(run);
    }

    [Fact]
    public void Check_StructMemberAddedInNewVersion_ReportsNothing()
    {
        GeneratorRun run = Run(Device(extra: "    [MigrationField(2, Group = \"timer\", Since = 3)] private uint _overruns;"), Baseline());

        AssertDiagnostics(run);
    }

    [Fact]
    public void Check_MustParseStructMemberAddedToReleasedVersion_ReportsMigfmt032OnMemberAttribute()
    {
        GeneratorRun run = Run(Device(extra: "    [MigrationField(2, Group = \"timer\")] private uint _overruns;"), Baseline());

        AssertDiagnostics(run, Expect("MIGFMT032", 10, 6, 40));
    }

    [Fact]
    public void Check_SkippableStructMemberAddedToReleasedVersion_ReportsNothing()
    {
        GeneratorRun run = Run(Device(extra: "    [MigrationField(2, Group = \"timer\", Skippable = true)] private uint _overruns;"), Baseline());

        AssertDiagnostics(run);
    }

    [Fact]
    public void Check_StructMemberWithAnotherType_ReportsMigfmt033OnMemberAttribute()
    {
        GeneratorRun run = Run(Device(enabled: "    [MigrationField(1, Group = \"timer\")] private byte _enabled;"), Baseline());

        AssertDiagnostics(run, Expect("MIGFMT033", 9, 6, 40));
    }

    [Fact]
    public void Check_ReleasedStructDeclaredAsOptionalGroup_ReportsMigfmt033OnGroupAttribute()
    {
        GeneratorRun run = Run(
            Device(
                structure: "[MigrationOptionalGroup(\"timer\", 5, PresentFlag = nameof(_armed))]",
                extra: "    private bool _armed;"),
            Baseline());

        AssertDiagnostics(run, Expect("MIGFMT033", 4, 2, 66));
    }

    [Fact]
    public void Check_ReleasedStructNoLongerDeclared_ReportsMigfmt035OnDeviceAttribute()
    {
        GeneratorRun run = Run(
            Device(structure: string.Empty, period: "    private long _periodNs;", enabled: "    private bool _enabled;"),
            Baseline());

        AssertDiagnostics(run, Expect("MIGFMT035", 3, 2, 60));
    }

    [Fact]
    public void Check_ReleasedStructMemberNoLongerDeclared_ReportsMigfmt035OnStructAttribute()
    {
        GeneratorRun run = Run(Device(enabled: "    private bool _enabled;"), Baseline());

        AssertDiagnostics(run, Expect("MIGFMT035", 4, 2, 29));
    }

    [Fact]
    public void Check_StructMadeSkippable_ReportsMigfmt037OnStructAttribute()
    {
        GeneratorRun run = Run(Device(structure: "[MigrationStruct(\"timer\", 5, Skippable = true)]"), Baseline());

        AssertDiagnostics(run, Expect("MIGFMT037", 4, 2, 47));
    }

    [Fact]
    public void Check_StructMembersReordered_ReportsMigfmt038OnTheMemberThatMovedBack()
    {
        GeneratorRun run = Run(
            Device(
                period: "    [MigrationField(1, Group = \"timer\")] private bool _enabled;",
                enabled: "    [MigrationField(0, Group = \"timer\")] private long _periodNs;"),
            Baseline());

        AssertDiagnostics(run, Expect("MIGFMT038", 9, 6, 40));
    }
}
