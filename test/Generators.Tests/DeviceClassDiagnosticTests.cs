using static MigrationFormat.Generators.Tests.GeneratorHarness;

namespace MigrationFormat.Generators.Tests;

/// <summary>MIGFMT001–004: what the device class itself must be for the generator to add to it.</summary>
public class DeviceClassDiagnosticTests
{
    [Fact]
    public void Generate_ClassNotPartial_ReportsMigfmt001OnClassNameAndGeneratesNothing()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial")]
            internal sealed class Uart
            {
                [MigrationField(0)] private byte _lcr;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT001", 4, 23, 27));
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Generate_ContainingClassNotPartial_ReportsMigfmt001OnContainingClassName()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            internal static class Devices
            {
                [MigrationDevice("serial", "urn:test:serial")]
                internal sealed partial class Uart
                {
                    [MigrationField(0)] private byte _lcr;
                }
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT001", 3, 23, 30));
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Generate_GenericClass_ReportsMigfmt002OnClassName()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial")]
            internal sealed partial class Uart<T>
            {
                [MigrationField(0)] private byte _lcr;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT002", 4, 31, 35));
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Generate_AbstractClass_ReportsMigfmt002OnClassName()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial")]
            internal abstract partial class Uart
            {
                [MigrationField(0)] private byte _lcr;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT002", 4, 33, 37));
    }

    [Fact]
    public void Generate_EmptyId_ReportsMigfmt003OnIdArgument()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("", "urn:test:serial")]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT003", 3, 18, 20));
    }

    [Fact]
    public void Generate_EmptyModelId_ReportsMigfmt003OnModelIdArgument()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "")]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT003", 3, 28, 30));
    }

    [Fact]
    public void Generate_CurrentVersionBelowMinimumVersion_ReportsMigfmt003OnCurrentVersion()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 2, MinimumVersion = 3)]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT003", 3, 47, 65));
    }

    [Fact]
    public void Generate_MinimumVersionZero_ReportsMigfmt003OnMinimumVersion()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", MinimumVersion = 0)]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT003", 3, 47, 65));
    }

    [Fact]
    public void Generate_OwnVersionWithoutVersionConstructor_ReportsMigfmt004OnClassName()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial")]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;

                public int Version => 1;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT004", 4, 31, 35));
    }

    [Fact]
    public void Generate_OwnVersionAndVersionConstructor_ReportsNothing()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial")]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;

                public Uart(int version) => Version = version;

                public int Version { get; }
            }
            """);

        AssertDiagnostics(run);
        AssertCompilesCleanly(run);
    }

    [Fact]
    public void Generate_FieldAttributeOnClassWithoutDeviceAttribute_ReportsMigfmt005OnAttribute()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT005", 5, 6, 23));
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Generate_GroupAttributeOnClassWithoutDeviceAttribute_ReportsMigfmt005OnFirstGroupAttribute()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationOptionalGroup("timer", 11, PresentFlag = nameof(_armed))]
            [MigrationOptionalGroup("fifo", 12, PresentFlag = nameof(_armed))]
            internal sealed partial class Uart
            {
                private bool _armed;
            }
            """);

        AssertDiagnostics(run, Expect("MIGFMT005", 3, 2, 67));
    }
}
