using static MigrationFormat.Generators.Tests.GeneratorHarness;

namespace MigrationFormat.Generators.Tests;

/// <summary>MIGFMT010–018: what a migrated field must be, each reported on the field or on the attribute argument at fault.</summary>
public class FieldDiagnosticTests
{
    private const string FieldPrefix = "    [MigrationField(0)] private ";

    private static string Device(string members) => $$"""
        using System;
        using System.Collections.Generic;
        using MigrationFormat.Visitors;

        [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3, MinimumVersion = 2)]
        internal sealed partial class Uart
        {
        {{members}}
        }
        """;

    [Theory]
    [InlineData("float")]
    [InlineData("double")]
    [InlineData("decimal")]
    [InlineData("char")]
    [InlineData("DateTime")]
    [InlineData("List<int>")]
    [InlineData("int[]")]
    [InlineData("byte[,]")]
    [InlineData("DayOfWeek")]
    [InlineData("object")]
    public void Generate_TypeTheFormatCannotCarry_ReportsMigfmt010OnFieldName(string type)
    {
        GeneratorRun run = Run(Device(FieldPrefix + type + " _value = default!;"));

        int column = FieldPrefix.Length + type.Length + 2;
        AssertDiagnostics(run, Expect("MIGFMT010", 8, column, column + "_value".Length));
    }

    [Theory]
    [InlineData("ushort[]")]
    [InlineData("uint[]")]
    [InlineData("ulong[]")]
    public void Generate_IntegerArrayWithoutLength_ReportsMigfmt010OnFieldName(string type)
    {
        GeneratorRun run = Run(Device(FieldPrefix + type + " _values = [];"));

        int column = FieldPrefix.Length + type.Length + 2;
        AssertDiagnostics(run, Expect("MIGFMT010", 8, column, column + "_values".Length));
    }

    [Theory]
    [InlineData("string?")]
    [InlineData("byte[]?")]
    public void Generate_NullableStringOrBytes_ReportsMigfmt010OnFieldName(string type)
    {
        GeneratorRun run = Run(Device(FieldPrefix + type + " _value;"));

        int column = FieldPrefix.Length + type.Length + 2;
        AssertDiagnostics(run, Expect("MIGFMT010", 8, column, column + "_value".Length));
    }

    [Fact]
    public void Generate_FixedSizeByteArrayWithLength_ReportsNothing()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0, Length = 4)] private readonly byte[] _fifo = new byte[4];"));

        AssertDiagnostics(run);
    }

    [Fact]
    public void Generate_ReadonlyScalar_ReportsMigfmt011OnFieldName()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0)] private readonly byte _lcr;"));

        AssertDiagnostics(run, Expect("MIGFMT011", 8, 47, 51));
    }

    [Fact]
    public void Generate_StaticField_ReportsMigfmt011OnFieldName()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0)] private static byte _lcr;"));

        AssertDiagnostics(run, Expect("MIGFMT011", 8, 45, 49));
    }

    [Fact]
    public void Generate_ConstField_ReportsMigfmt011OnFieldName()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0)] private const byte Lcr = 3;"));

        AssertDiagnostics(run, Expect("MIGFMT011", 8, 44, 47));
    }

    [Fact]
    public void Generate_PropertyBackingField_ReportsMigfmt011OnPropertyName()
    {
        GeneratorRun run = Run(Device("    [field: MigrationField(0)] public byte Lcr { get; set; }"));

        AssertDiagnostics(run, Expect("MIGFMT011", 8, 44, 47));
    }

    [Fact]
    public void Generate_DuplicateTopLevelTag_ReportsMigfmt012OnSecondTag()
    {
        GeneratorRun run = Run(Device("""
                [MigrationField(4)] private byte _lcr;
                [MigrationField(4)] private byte _mcr;
            """));

        AssertDiagnostics(run, Expect("MIGFMT012", 9, 21, 22));
    }

    [Fact]
    public void Generate_FieldTakesGroupTag_ReportsMigfmt012OnTheLaterOfTheTwo()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationOptionalGroup("timer", 4, PresentFlag = nameof(_armed))]
            internal sealed partial class Uart
            {
                [MigrationField(0, Group = "timer")] private long _deadline;
                [MigrationField(4)] private byte _lcr;
                private bool _armed;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT012", 8, 21, 22));
    }

    [Fact]
    public void Generate_DuplicateTagInsideGroup_ReportsMigfmt012OnSecondTag()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationOptionalGroup("timer", 11, PresentFlag = nameof(_armed))]
            internal sealed partial class Uart
            {
                [MigrationField(0, Group = "timer")] private long _deadline;
                [MigrationField(0, Group = "timer")] private long _period;
                private bool _armed;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT012", 8, 21, 22));
    }

    [Fact]
    public void Generate_SameTagInDeviceAndGroup_ReportsNothing()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 3)]
            [MigrationOptionalGroup("timer", 11, PresentFlag = nameof(_armed))]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;
                [MigrationField(0, Group = "timer")] private long _deadline;
                private bool _armed;
            }
            """);

        AssertDiagnostics(run);
    }

    [Fact]
    public void Generate_NegativeTag_ReportsMigfmt013OnTag()
    {
        GeneratorRun run = Run(Device("    [MigrationField(-1)] private byte _lcr;"));

        AssertDiagnostics(run, Expect("MIGFMT013", 8, 21, 23));
    }

    [Fact]
    public void Generate_ExplicitNameTakenByAnotherField_ReportsMigfmt014OnNameArgument()
    {
        GeneratorRun run = Run(Device("""
                [MigrationField(0)] private byte _lcr;
                [MigrationField(1, Name = "lcr")] private byte _lineControl;
            """));

        AssertDiagnostics(run, Expect("MIGFMT014", 9, 24, 36));
    }

    [Fact]
    public void Generate_EmptyName_ReportsMigfmt014OnNameArgument()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0, Name = \"\")] private byte _lcr;"));

        AssertDiagnostics(run, Expect("MIGFMT014", 8, 24, 33));
    }

    [Fact]
    public void Generate_SinceAboveCurrentVersion_ReportsMigfmt015OnSince()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0, Since = 4)] private byte _lcr;"));

        AssertDiagnostics(run, Expect("MIGFMT015", 8, 24, 33));
    }

    [Fact]
    public void Generate_SinceZero_ReportsMigfmt015OnSince()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0, Since = 0)] private byte _lcr;"));

        AssertDiagnostics(run, Expect("MIGFMT015", 8, 24, 33));
    }

    [Fact]
    public void Generate_RemovedInNotAfterSince_ReportsMigfmt016OnRemovedIn()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0, Since = 3, RemovedIn = 3)] private byte _lcr;"));

        AssertDiagnostics(run, Expect("MIGFMT016", 8, 35, 48));
    }

    [Fact]
    public void Generate_RemovedInAboveCurrentVersion_ReportsMigfmt016OnRemovedIn()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0, RemovedIn = 4)] private byte _lcr;"));

        AssertDiagnostics(run, Expect("MIGFMT016", 8, 24, 37));
    }

    [Fact]
    public void Generate_RemovedAtMinimumVersion_WarnsMigfmt017OnRemovedIn()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0, RemovedIn = 2)] private byte _lcr;"));

        AssertDiagnostics(run, Expect("MIGFMT017", 8, 24, 37));
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, Assert.Single(run.GeneratorDiagnostics).Severity);
    }

    [Fact]
    public void Generate_RemovedAfterMinimumVersion_ReportsNothing()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0, RemovedIn = 3)] private byte _lcr;"));

        AssertDiagnostics(run);
    }

    [Fact]
    public void Generate_LengthOnScalar_ReportsMigfmt018OnLength()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0, Length = 4)] private uint _lcr;"));

        AssertDiagnostics(run, Expect("MIGFMT018", 8, 24, 34));
    }

    [Fact]
    public void Generate_MaxLengthOnFixedSizeBuffer_ReportsMigfmt018OnMaxLength()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0, Length = 4, MaxLength = 8)] private byte[] _fifo = new byte[4];"));

        AssertDiagnostics(run, Expect("MIGFMT018", 8, 36, 49));
    }

    [Fact]
    public void Generate_NegativeLength_ReportsMigfmt018OnLength()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0, Length = -1)] private ushort[] _values = [];"));

        AssertDiagnostics(run, Expect("MIGFMT018", 8, 24, 35));
    }

    [Fact]
    public void Generate_MaxLengthOnString_ReportsNothing()
    {
        GeneratorRun run = Run(Device("    [MigrationField(0, MaxLength = 64)] private string _name = \"\";"));

        AssertDiagnostics(run);
    }
}
