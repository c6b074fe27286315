using static MigrationFormat.Generators.Tests.GeneratorHarness;

namespace MigrationFormat.Generators.Tests;

/// <summary>
/// [MigrationStruct]: the checks fields and optional groups have (MIGFMT005, 012–017, 020, 022) applied to nested
/// structures and their members, and MIGFMT023 on members whose versions reach outside their group's.
/// </summary>
public class StructDiagnosticTests
{
    [Fact]
    public void Generate_WellFormedStruct_ReportsNothingAndCompilesCleanly()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc", CurrentVersion = 3)]
            [MigrationStruct("periodic_timer", 5, Since = 2, Skippable = true, Description = "The periodic timer")]
            internal sealed partial class Rtc
            {
                [MigrationField(0)] private long _time;
                [MigrationField(0, Group = "periodic_timer")] private long _periodNs;
                [MigrationField(1, Group = "periodic_timer", Since = 3)] private bool _enabled;
            }
            """);

        AssertDiagnostics(run);
        AssertCompilesCleanly(run);
    }

    [Fact]
    public void Generate_TagUsedTwiceInsideStruct_ReportsMigfmt012OnSecondMembersTag()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc")]
            [MigrationStruct("timer", 5)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer")] private long _periodNs;
                [MigrationField(0, Group = "timer")] private long _nextNs;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT012", 8, 21, 22));
    }

    [Fact]
    public void Generate_MemberTagEqualToTopLevelTag_ReportsNothing()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc")]
            [MigrationStruct("timer", 5)]
            internal sealed partial class Rtc
            {
                [MigrationField(0)] private long _time;
                [MigrationField(0, Group = "timer")] private long _periodNs;
            }
            """);

        AssertDiagnostics(run);
    }

    [Fact]
    public void Generate_StructTagTakenByTopLevelField_ReportsMigfmt012OnStructTag()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc")]
            [MigrationStruct("timer", 5)]
            internal sealed partial class Rtc
            {
                [MigrationField(5)] private long _time;
                [MigrationField(0, Group = "timer")] private long _periodNs;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT012", 4, 27, 28));
    }

    [Fact]
    public void Generate_StructTagTakenByOptionalGroup_ReportsMigfmt012OnLaterVisitedTag()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc")]
            [MigrationStruct("timer", 5)]
            [MigrationOptionalGroup("alarm", 5, PresentFlag = nameof(_armed))]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer")] private long _periodNs;
                [MigrationField(0, Group = "alarm")] private long _alarmNs;
                private bool _armed;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT012", 5, 34, 35));
    }

    [Fact]
    public void Generate_MemberNamesMisspelledStruct_ReportsMigfmt020OnGroupArgument()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc")]
            [MigrationStruct("timer", 5)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer")] private long _periodNs;
                [MigrationField(1, Group = "timr")] private long _nextNs;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT020", 8, 24, 38));
    }

    [Fact]
    public void Generate_StructDeclaredTwice_ReportsMigfmt022OnSecondName()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc")]
            [MigrationStruct("timer", 5)]
            [MigrationStruct("timer", 6)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer")] private long _periodNs;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT022", 5, 18, 25));
    }

    [Fact]
    public void Generate_StructNamedLikeOptionalGroup_ReportsMigfmt022OnLaterDeclaredName()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc")]
            [MigrationOptionalGroup("timer", 6, PresentFlag = nameof(_armed))]
            [MigrationStruct("timer", 5)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer")] private long _periodNs;
                private bool _armed;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT022", 5, 18, 25));
    }

    [Fact]
    public void Generate_StructWithNegativeTag_ReportsMigfmt013OnTag()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc")]
            [MigrationStruct("timer", -5)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer")] private long _periodNs;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT013", 4, 27, 29));
    }

    [Fact]
    public void Generate_StructWithEmptyName_ReportsMigfmt014OnName()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc")]
            [MigrationStruct("", 5)]
            internal sealed partial class Rtc
            {
                [MigrationField(0)] private long _time;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT014", 4, 18, 20));
    }

    [Fact]
    public void Generate_StructNamedLikeTopLevelField_ReportsMigfmt014OnLaterVisitedOne()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc")]
            [MigrationStruct("timer", 5)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer")] private long _periodNs;
                [MigrationField(1)] private long _timer;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT014", 8, 6, 23));
    }

    [Fact]
    public void Generate_TwoStructMembersWithOneName_ReportsMigfmt014OnSecondName()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc")]
            [MigrationStruct("timer", 5)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer", Name = "period")] private long _periodNs;
                [MigrationField(1, Group = "timer", Name = "period")] private long _periodUs;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT014", 8, 41, 56));
    }

    [Fact]
    public void Generate_StructSinceAboveCurrentVersion_ReportsMigfmt015OnStructSinceOnly()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc", CurrentVersion = 3)]
            [MigrationStruct("timer", 5, Since = 4)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer")] private long _periodNs;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT015", 4, 30, 39));
    }

    [Fact]
    public void Generate_StructRemovedBeforeItsSince_ReportsMigfmt016OnRemovedIn()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc", CurrentVersion = 3)]
            [MigrationStruct("timer", 5, Since = 2, RemovedIn = 2)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer")] private long _periodNs;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT016", 4, 41, 54));
    }

    [Fact]
    public void Generate_StructRemovedAtMinimumVersion_ReportsMigfmt017OnRemovedIn()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc", CurrentVersion = 3, MinimumVersion = 2)]
            [MigrationStruct("timer", 5, RemovedIn = 2)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer")] private long _periodNs;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT017", 4, 30, 43));
    }

    [Fact]
    public void Generate_StructMemberSinceBeforeStructs_ReportsMigfmt023OnMemberSince()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc", CurrentVersion = 3)]
            [MigrationStruct("timer", 5, Since = 2)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer", Since = 1)] private long _periodNs;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT023", 7, 41, 50));
        Assert.Contains(
            "its structure 'timer' has Since = 2",
            run.GeneratorDiagnostics.Single().GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_StructMemberRemovedAfterStruct_ReportsMigfmt023OnMemberRemovedIn()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc", CurrentVersion = 3)]
            [MigrationStruct("timer", 5, RemovedIn = 2)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer", RemovedIn = 3)] private long _periodNs;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT023", 7, 41, 54));
    }

    [Fact]
    public void Generate_StructMemberRemovedBeforeStruct_ReportsNothing()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc", CurrentVersion = 3)]
            [MigrationStruct("timer", 5, RemovedIn = 3)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer")] private long _periodNs;
                [MigrationField(1, Group = "timer", Skippable = true, RemovedIn = 2)] private long _scratch;
            }
            """);

        AssertDiagnostics(run);
    }

    [Fact]
    public void Generate_OptionalGroupMemberSinceBeforeGroups_ReportsMigfmt023OnMemberSince()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc", CurrentVersion = 3)]
            [MigrationOptionalGroup("alarm", 8, Since = 3, PresentFlag = nameof(_armed))]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "alarm", Since = 2)] private long _alarmNs;
                private bool _armed;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT023", 7, 41, 50));
    }

    [Fact]
    public void Generate_MemberOfStructWithInvalidSince_IsNotAlsoReportedAsOutsideIt()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc", CurrentVersion = 3)]
            [MigrationStruct("timer", 5, Since = 9)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer", Since = 2)] private long _periodNs;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT015", 4, 30, 39));
    }

    [Fact]
    public void Generate_StructAttributeOnClassWithoutDeviceAttribute_ReportsMigfmt005OnIt()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationStruct("timer", 5)]
            internal sealed partial class Rtc
            {
                private long _periodNs;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT005", 3, 2, 29));
        Assert.Empty(run.GeneratedSources);
    }
}
