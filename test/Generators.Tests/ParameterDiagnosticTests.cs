using static MigrationFormat.Generators.Tests.GeneratorHarness;

namespace MigrationFormat.Generators.Tests;

/// <summary>MIGFMT040–048: parameters, versions' parameter sets and When conditions, each reported on the argument at fault.</summary>
public class ParameterDiagnosticTests
{
    [Fact]
    public void Generate_ParameterNamedVersion_ReportsMigfmt040OnTheName()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("version", ParameterType.Bool)]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT040", 4, 21, 30));
    }

    [Fact]
    public void Generate_ParameterNameWithASpace_ReportsMigfmt040OnTheName()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("fi fo", ParameterType.Bool)]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT040", 4, 21, 28));
    }

    [Fact]
    public void Generate_ParameterDeclaredTwice_ReportsMigfmt041OnTheSecondName()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("fifo", ParameterType.Bool)]
            [MigrationParameter("fifo", ParameterType.Integer)]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT041", 5, 21, 27));
    }

    [Fact]
    public void Generate_RangeOnABoolParameter_ReportsMigfmt042OnTheSetting()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("fifo", ParameterType.Bool, Minimum = 1)]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT042", 4, 49, 60));
    }

    [Fact]
    public void Generate_EnumParameterWithoutValues_ReportsMigfmt042OnTheAttribute()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("mode", ParameterType.Enum)]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT042", 4, 2, 48));
    }

    [Fact]
    public void Generate_EnumValueListedTwice_ReportsMigfmt042OnValues()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("mode", ParameterType.Enum, Values = new[] { "a", "a" })]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT042", 4, 49, 76));
    }

    [Fact]
    public void Generate_StringParameterThatChangesTheLayout_ReportsMigfmt042OnChangesLayout()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("name", ParameterType.String, ChangesLayout = true)]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT042", 4, 51, 71));
    }

    [Fact]
    public void Generate_DefaultNotAValueOfTheParameter_ReportsMigfmt043OnDefault()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("fifo", ParameterType.Bool, Default = "maybe")]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT043", 4, 49, 66));
    }

    [Fact]
    public void Generate_LayoutParameterWithAWideRange_ReportsMigfmt044OnChangesLayout()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("queues", ParameterType.Integer, Minimum = 1, Maximum = 1000, ChangesLayout = true)]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT044", 4, 83, 103));
    }

    [Fact]
    public void Generate_VersionBeyondCurrentVersion_ReportsMigfmt045OnTheVersion()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("fifo", ParameterType.Bool)]
            [MigrationVersion(4, "fifo=off")]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT045", 5, 19, 20));
    }

    [Fact]
    public void Generate_VersionImplyingAnInvalidValue_ReportsMigfmt045OnTheParameters()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("fifo", ParameterType.Bool)]
            [MigrationVersion(1, "fifo=maybe")]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT045", 5, 22, 34));
    }

    [Fact]
    public void Generate_VersionImplyingAnUnknownParameter_ReportsMigfmt045OnTheParameters()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("fifo", ParameterType.Bool)]
            [MigrationVersion(1, "irq=4")]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT045", 5, 22, 29));
    }

    [Fact]
    public void Generate_VersionDeclaredTwice_ReportsMigfmt045OnTheSecondVersion()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("fifo", ParameterType.Bool)]
            [MigrationVersion(1, "fifo=off")]
            [MigrationVersion(1, "fifo=on")]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT045", 6, 19, 20));
    }

    [Fact]
    public void Generate_WhenNamingNoParameter_ReportsMigfmt046OnWhen()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("fifo", ParameterType.Bool, ChangesLayout = true)]
            internal sealed partial class Uart
            {
                [MigrationField(0, When = "fifa")] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT046", 7, 24, 37));
    }

    [Fact]
    public void Generate_WhenNamingAnEnumWithoutAValue_ReportsMigfmt046OnWhen()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("mode", ParameterType.Enum, Values = new[] { "a", "b" }, ChangesLayout = true)]
            internal sealed partial class Uart
            {
                [MigrationField(0, When = "mode")] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT046", 7, 24, 37));
    }

    [Fact]
    public void Generate_WhenWithAValueTheParameterDoesNotTake_ReportsMigfmt046OnWhen()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("mode", ParameterType.Enum, Values = new[] { "a", "b" }, ChangesLayout = true)]
            internal sealed partial class Uart
            {
                [MigrationField(0, When = "mode=c")] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT046", 7, 24, 39));
    }

    [Fact]
    public void Generate_WhenNamingAParameterThatDoesNotChangeTheLayout_ReportsMigfmt047OnWhen()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("fifo", ParameterType.Bool)]
            internal sealed partial class Uart
            {
                [MigrationField(0, When = "fifo")] private byte _a;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT047", 7, 24, 37));
    }

    [Fact]
    public void Generate_GroupWhenNamingAParameterThatDoesNotChangeTheLayout_ReportsMigfmt047OnWhen()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("fifo", ParameterType.Bool)]
            [MigrationOptionalGroup("timer", 1, PresentFlag = nameof(_armed), When = "fifo")]
            internal sealed partial class Uart
            {
                [MigrationField(0, Group = "timer")] private long _deadline;
                private bool _armed;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT047", 5, 67, 80));
    }

    [Fact]
    public void Generate_DeviceWithParametersDeclaringVersion_ReportsMigfmt048OnTheClass()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationParameter("fifo", ParameterType.Bool)]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _a;
                public int Version => 1;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT048", 5, 31, 35));
    }
}
