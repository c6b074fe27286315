using static MigrationFormat.Generators.Tests.GeneratorHarness;

namespace MigrationFormat.Generators.Tests;

/// <summary>MIGFMT020–022, and the version checks on a group's own attribute.</summary>
public class GroupDiagnosticTests
{
    [Fact]
    public void Generate_FieldInUndeclaredGroup_ReportsMigfmt020OnGroupArgument()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            internal sealed partial class Uart
            {
                [MigrationField(0, Group = "timer")] private long _deadline;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT020", 6, 24, 39));
    }

    [Fact]
    public void Generate_GroupWithoutPresentFlag_ReportsMigfmt021OnAttribute()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationOptionalGroup("timer", 11)]
            internal sealed partial class Uart
            {
                [MigrationField(0, Group = "timer")] private long _deadline;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT021", 4, 2, 37));
    }

    [Fact]
    public void Generate_PresentFlagNamesNoField_ReportsMigfmt021OnPresentFlag()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationOptionalGroup("timer", 11, PresentFlag = "_armed")]
            internal sealed partial class Uart
            {
                [MigrationField(0, Group = "timer")] private long _deadline;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT021", 4, 38, 60));
    }

    [Fact]
    public void Generate_PresentFlagNotBool_ReportsMigfmt021OnPresentFlag()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationOptionalGroup("timer", 11, PresentFlag = nameof(_armed))]
            internal sealed partial class Uart
            {
                [MigrationField(0, Group = "timer")] private long _deadline;
                private int _armed;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT021", 4, 38, 66));
    }

    [Fact]
    public void Generate_PresentFlagReadonly_ReportsMigfmt021OnPresentFlag()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationOptionalGroup("timer", 11, PresentFlag = nameof(_armed))]
            internal sealed partial class Uart
            {
                [MigrationField(0, Group = "timer")] private long _deadline;
                private readonly bool _armed;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT021", 4, 38, 66));
    }

    [Fact]
    public void Generate_GroupDeclaredTwice_ReportsMigfmt022OnSecondName()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationOptionalGroup("timer", 11, PresentFlag = nameof(_armed))]
            [MigrationOptionalGroup("timer", 12, PresentFlag = nameof(_armed))]
            internal sealed partial class Uart
            {
                [MigrationField(0, Group = "timer")] private long _deadline;
                private bool _armed;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT022", 5, 25, 32));
    }

    [Fact]
    public void Generate_GroupSinceAboveCurrentVersion_ReportsMigfmt015OnGroupSinceOnly()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationOptionalGroup("timer", 11, Since = 4, PresentFlag = nameof(_armed))]
            internal sealed partial class Uart
            {
                [MigrationField(0, Group = "timer")] private long _deadline;
                private bool _armed;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT015", 4, 38, 47));
    }

    [Fact]
    public void Generate_GroupMemberWithoutSince_TakesTheGroupsSince()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationOptionalGroup("timer", 11, Since = 3, PresentFlag = nameof(_armed))]
            internal sealed partial class Uart
            {
                [MigrationField(0, Group = "timer")] private long _deadline;
                private bool _armed;
            }
            """);

        AssertDiagnostics(run);
        Assert.Contains("Timer.Members.Int64(\"deadline\", 0, since: 3)", run.Source, StringComparison.Ordinal);
    }
}
