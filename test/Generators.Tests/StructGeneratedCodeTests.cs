using static MigrationFormat.Generators.Tests.GeneratorHarness;

namespace MigrationFormat.Generators.Tests;

/// <summary>What the generator writes for [MigrationStruct]: a StructSpec with its members, visited between BeginStruct and EndStruct.</summary>
public class StructGeneratedCodeTests
{
    private const string Rtc = """
        using MigrationFormat.Visitors;

        [MigrationDevice("rtc", "urn:test:rtc", CurrentVersion = 3)]
        [MigrationStruct("periodic_timer", 5, Since = 2, Skippable = true, Description = "The periodic timer")]
        [MigrationStruct("spare", 6, RemovedIn = 3)]
        internal sealed partial class Rtc
        {
            [MigrationField(0)] private byte _index;
            [MigrationField(0, Group = "periodic_timer")] private long _periodNs;
            [MigrationField(1)] private byte _control;
            [MigrationField(1, Group = "periodic_timer", Since = 3)] private bool _enabled;
        }
        """;

    [Fact]
    public void Generate_Struct_DeclaresStructSpecAndMembersThroughItsSet()
    {
        GeneratorRun run = Run(Rtc);

        AssertDiagnostics(run);
        AssertCompilesCleanly(run);
        Assert.Contains(
            "StructSpec PeriodicTimer = Root.Struct(\"periodic_timer\", 5, skippable: true, since: 2, description: \"The periodic timer\");",
            run.Source,
            StringComparison.Ordinal);
        Assert.Contains("FieldSpec<long> PeriodNs = PeriodicTimer.Members.Int64(\"period_ns\", 0, since: 2);", run.Source, StringComparison.Ordinal);
        Assert.Contains("FieldSpec<bool> Enabled = PeriodicTimer.Members.Bool(\"enabled\", 1, since: 3);", run.Source, StringComparison.Ordinal);
        Assert.Contains("StructSpec Spare = Root.Struct(\"spare\", 6, removedIn: 3);", run.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_Struct_VisitedWhereItsFirstMemberIsDeclaredAndMemberlessOnesLast()
    {
        string[] visits = VisitLines(Run(Rtc).Source);

        Assert.Equal(
            [
                "visitor.Field(Fields.Index, ref this._index);",
                "if (visitor.BeginStruct(Fields.PeriodicTimer))",
                "visitor.Field(Fields.PeriodNs, ref this._periodNs);",
                "visitor.Field(Fields.Enabled, ref this._enabled);",
                "visitor.EndStruct();",
                "visitor.Field(Fields.Control, ref this._control);",
                "if (visitor.BeginStruct(Fields.Spare))",
                "visitor.EndStruct();",
            ],
            visits);
    }

    [Fact]
    public void Generate_StructBesideOptionalGroup_VisitsEachWithItsOwnCalls()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc", CurrentVersion = 3)]
            [MigrationStruct("timer", 5)]
            [MigrationOptionalGroup("alarm", 8, Since = 3, PresentFlag = nameof(_alarmArmed))]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Group = "timer")] private long _periodNs;
                [MigrationField(0, Group = "alarm")] private long _alarmNs;
                private bool _alarmArmed;
            }
            """);

        AssertDiagnostics(run);
        AssertCompilesCleanly(run);
        Assert.Equal(
            [
                "if (visitor.BeginStruct(Fields.Timer))",
                "visitor.Field(Fields.PeriodNs, ref this._periodNs);",
                "visitor.EndStruct();",
                "if (visitor.BeginOptional(Fields.Alarm, this._alarmArmed).Track(ref this._alarmArmed))",
                "visitor.Field(Fields.AlarmNs, ref this._alarmNs);",
                "visitor.EndOptional();",
            ],
            VisitLines(run.Source));
    }

    [Fact]
    public void Generate_StructNamedLikeAField_TakesStructSuffix()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("rtc", "urn:test:rtc")]
            [MigrationStruct("timer_state", 5)]
            internal sealed partial class Rtc
            {
                [MigrationField(0, Name = "timer")] private long _timerState;
                [MigrationField(0, Group = "timer_state")] private long _periodNs;
            }
            """);

        AssertDiagnostics(run);
        AssertCompilesCleanly(run);
        Assert.Contains("StructSpec TimerStateStruct = Root.Struct(\"timer_state\", 5);", run.Source, StringComparison.Ordinal);
    }

    private static string[] VisitLines(string source) =>
        source
            .Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("visitor.", StringComparison.Ordinal) || line.StartsWith("if (visitor.", StringComparison.Ordinal))
            .ToArray();
}
