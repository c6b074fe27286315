using Microsoft.CodeAnalysis;
using static MigrationFormat.Generators.Tests.GeneratorHarness;

namespace MigrationFormat.Generators.Tests;

/// <summary>What the generator writes, and that it compiles cleanly (nullable, documentation, warnings) against the library.</summary>
public class GeneratedCodeTests
{
    private const string EveryKind = """
        using MigrationFormat.Visitors;

        namespace Sample.Devices;

        /// <summary>A device with every supported field kind.</summary>
        [MigrationDevice("gadget", "urn:test:gadget", CurrentVersion = 3, Description = "Every kind")]
        [MigrationOptionalGroup("dma", 20, Since = 2, Skippable = true, PresentFlag = nameof(_dmaActive), Description = "DMA in flight")]
        public sealed partial class Gadget
        {
            [MigrationField(0)] private byte _u8;
            [MigrationField(1)] private sbyte _i8;
            [MigrationField(2)] private ushort _u16;
            [MigrationField(3)] private short _i16;
            [MigrationField(4)] private uint _u32;
            [MigrationField(5)] private int _i32;
            [MigrationField(6)] private ulong _u64;
            [MigrationField(7)] private long _i64;
            [MigrationField(8)] private bool _enabled;
            [MigrationField(9, MaxLength = 32, Description = "Shown \"as is\" <in> dumps & schemas")] private string _label = "";
            [MigrationField(10)] private byte[] _firmware = [];
            [MigrationField(11, Length = 6)] private readonly byte[] _mac = new byte[6];
            [MigrationField(12, Length = 3)] private readonly ushort[] _ports = new ushort[3];
            [MigrationField(13, Length = 2)] private readonly uint[] _masks = new uint[2];
            [MigrationField(14, Length = 2)] private readonly ulong[] _counters = new ulong[2];
            [MigrationField(15, Skippable = true, Since = 2, RemovedIn = 3)] private uint _statistic;
            [MigrationField(0, Group = "dma")] private ulong _dmaAddress;
            private bool _dmaActive;
        }
        """;

    [Fact]
    public void Generate_DeviceWithEveryFieldKind_CompilesWithoutAnyWarning()
    {
        GeneratorRun run = Run(EveryKind);

        AssertDiagnostics(run);
        AssertCompilesCleanly(run);
    }

    [Fact]
    public void Generate_DeviceWithEveryFieldKind_DeclaresEachSpecThroughItsStructuresSet()
    {
        string source = Run(EveryKind).Source;

        Assert.Contains("private static readonly global::MigrationFormat.Visitors.FieldSet Root = new(\"gadget\");", source, StringComparison.Ordinal);
        Assert.Contains("FieldSpec<byte> U8 = Root.UInt8(\"u8\", 0);", source, StringComparison.Ordinal);
        Assert.Contains("FieldSpec<sbyte> I8 = Root.Int8(\"i8\", 1);", source, StringComparison.Ordinal);
        Assert.Contains(
            "FieldSpec<string> Label = Root.String(\"label\", 9, maxLength: 32, description: \"Shown \\\"as is\\\" <in> dumps & schemas\");",
            source,
            StringComparison.Ordinal);
        Assert.Contains("FieldSpec<byte[]> Firmware = Root.Bytes(\"firmware\", 10);", source, StringComparison.Ordinal);
        Assert.Contains("ArrayFieldSpec<byte> Mac = Root.FixedBytes(\"mac\", 11, size: 6);", source, StringComparison.Ordinal);
        Assert.Contains("ArrayFieldSpec<ushort> Ports = Root.Array<ushort>(\"ports\", 12, count: 3);", source, StringComparison.Ordinal);
        Assert.Contains(
            "FieldSpec<uint> Statistic = Root.UInt32(\"statistic\", 15, skippable: true, since: 2, removedIn: 3);",
            source,
            StringComparison.Ordinal);
        Assert.Contains(
            "OptionalSpec Dma = Root.Optional(\"dma\", 20, skippable: true, since: 2, description: \"DMA in flight\");",
            source,
            StringComparison.Ordinal);
        Assert.Contains("FieldSpec<ulong> DmaAddress = Dma.Members.UInt64(\"dma_address\", 0, since: 2);", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_Visit_PassesScalarsByReferenceAndArraysAsSpans()
    {
        string source = Run(EveryKind).Source;

        Assert.Contains("visitor.Field(Fields.U16, ref this._u16);", source, StringComparison.Ordinal);
        Assert.Contains("visitor.Field(Fields.Label, ref this._label);", source, StringComparison.Ordinal);
        Assert.Contains("visitor.Field(Fields.Mac, new global::System.Span<byte>(this._mac));", source, StringComparison.Ordinal);
        Assert.Contains("visitor.Field(Fields.Counters, new global::System.Span<ulong>(this._counters));", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_OptionalGroup_VisitsMembersInsideTrackedGroup()
    {
        string source = Run(EveryKind).Source;

        string[] lines = source.Split('\n').Select(line => line.Trim()).ToArray();
        int open = Array.IndexOf(lines, "if (visitor.BeginOptional(Fields.Dma, this._dmaActive).Track(ref this._dmaActive))");
        Assert.True(open > 0, source);
        Assert.Equal(["{", "visitor.Field(Fields.DmaAddress, ref this._dmaAddress);", "visitor.EndOptional();", "}"], lines[(open + 1)..(open + 5)]);
    }

    [Fact]
    public void Generate_GroupMembersDeclaredApart_VisitsGroupWhereItsFirstMemberIsDeclared()
    {
        string source = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial")]
            [MigrationOptionalGroup("timer", 11, PresentFlag = nameof(_armed))]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;
                [MigrationField(0, Group = "timer")] private long _deadline;
                [MigrationField(1)] private byte _mcr;
                [MigrationField(1, Group = "timer")] private long _period;
                private bool _armed;
            }
            """).Source;

        string[] visits = source
            .Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("visitor.", StringComparison.Ordinal) || line.StartsWith("if (visitor.", StringComparison.Ordinal))
            .ToArray();
        Assert.Equal(
            [
                "visitor.Field(Fields.Lcr, ref this._lcr);",
                "if (visitor.BeginOptional(Fields.Timer, this._armed).Track(ref this._armed))",
                "visitor.Field(Fields.Deadline, ref this._deadline);",
                "visitor.Field(Fields.Period, ref this._period);",
                "visitor.EndOptional();",
                "visitor.Field(Fields.Mcr, ref this._mcr);",
            ],
            visits);
    }

    [Theory]
    [InlineData("_txCount", "tx_count")]
    [InlineData("txCount", "tx_count")]
    [InlineData("__scratch", "scratch")]
    [InlineData("IIRValue", "iir_value")]
    [InlineData("_fifo2Level", "fifo2_level")]
    [InlineData("_mac48", "mac48")]
    [InlineData("Lcr", "lcr")]
    public void Generate_FieldWithoutName_IsNamedInSnakeCaseWithoutLeadingUnderscores(string field, string expected)
    {
        string source = Run($$"""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial")]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte {{field}};
            }
            """).Source;

        Assert.Contains($"UInt8(\"{expected}\", 0)", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_ExplicitName_IsUsedInsteadOfTheDerivedOne()
    {
        string source = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial")]
            internal sealed partial class Uart
            {
                [MigrationField(0, Name = "line_control")] private byte _lcr;
            }
            """).Source;

        Assert.Contains("FieldSpec<byte> Lcr = Root.UInt8(\"line_control\", 0);", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_MembersTheUserWrote_AreNotGeneratedAgain()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            internal sealed partial class Uart
            {
                public static readonly DeviceType DeviceType = new("serial", "urn:test:serial", 1, 1, v => new Uart(v));

                public Uart(int version) => Version = version;

                public DeviceType Type => DeviceType;

                public int Version { get; }
            }

            [MigrationDevice("serial", "urn:test:serial")]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;
            }
            """);

        AssertDiagnostics(run);
        AssertCompilesCleanly(run);
        Assert.DoesNotContain("DeviceType DeviceType", run.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("public Uart(", run.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("Type =>", run.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("Version {", run.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_UserConstructorWithOtherParameters_StillGetsTheVersionConstructor()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 2)]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;

                public Uart(byte lcr, int version)
                    : this(version) => _lcr = lcr;
            }
            """);

        AssertCompilesCleanly(run);
        Assert.Contains("public Uart(int version = 2) => this.Version = version;", run.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_DeviceNestedInPartialClasses_CompilesWithoutAnyWarning()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            namespace Sample;

            internal static partial class Machine
            {
                internal partial record Board
                {
                    [MigrationDevice("serial", "urn:test:serial")]
                    internal sealed partial class Uart
                    {
                        [MigrationField(0)] private byte _lcr;
                    }
                }
            }
            """);

        AssertDiagnostics(run);
        AssertCompilesCleanly(run);
    }

    [Fact]
    public void Generate_DeviceInGlobalNamespace_CompilesWithoutAnyWarning()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial")]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;
            }
            """);

        AssertCompilesCleanly(run);
        Assert.DoesNotContain("namespace", run.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_RecordDevice_CompilesWithoutAnyWarning()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial")]
            internal sealed partial record Uart
            {
                [MigrationField(0)] private byte _lcr;
            }
            """);

        AssertCompilesCleanly(run);
    }

    [Fact]
    public void Generate_SpecNamesThatCollide_AreMadeUniqueAndCompile()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial")]
            [MigrationOptionalGroup("timer", 11, PresentFlag = nameof(_armed))]
            internal sealed partial class Uart
            {
                [MigrationField(0, Name = "timer_register")] private byte _timer;
                [MigrationField(1)] private byte _root;
                [MigrationField(2)] private byte _fields;
                [MigrationField(3)] private byte _equals;
                [MigrationField(0, Group = "timer")] private long _deadline;
                private bool _armed;
            }
            """);

        AssertDiagnostics(run);
        AssertCompilesCleanly(run);
        Assert.Contains("OptionalSpec TimerGroup = ", run.Source, StringComparison.Ordinal);
        Assert.Contains("FieldSet RootSet = ", run.Source, StringComparison.Ordinal);
        Assert.Contains("FieldSpec<byte> FieldsField = ", run.Source, StringComparison.Ordinal);
        Assert.Contains("FieldSpec<byte> EqualsField = ", run.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_FieldNamedWithKeyword_CompilesWithoutAnyWarning()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial")]
            [MigrationOptionalGroup("timer", 11, PresentFlag = nameof(@checked))]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte @event;
                [MigrationField(0, Group = "timer")] private long @fixed;
                private bool @checked;
            }
            """);

        AssertCompilesCleanly(run);
        Assert.Contains("UInt8(\"event\", 0)", run.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_DeviceSplitOverTwoFiles_VisitsFieldsInDeclarationOrder()
    {
        GeneratorRun run = Run(
            [
                """
                using MigrationFormat.Visitors;

                [MigrationDevice("serial", "urn:test:serial")]
                internal sealed partial class Uart
                {
                    [MigrationField(0)] private byte _lcr;
                }
                """,
                """
                using MigrationFormat.Visitors;

                internal sealed partial class Uart
                {
                    [MigrationField(1)] private byte _mcr;
                }
                """,
            ]);

        AssertCompilesCleanly(run);
        Assert.True(run.Source.IndexOf("Fields.Lcr, ref", StringComparison.Ordinal) < run.Source.IndexOf("Fields.Mcr, ref", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_UnrelatedEdit_ReusesTheGeneratedSource()
    {
        const string Device = """
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial")]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;
            }
            """;
        Microsoft.CodeAnalysis.CSharp.CSharpCompilation compilation = Compile(Device, "internal static class Other { }");
        GeneratorDriver driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(
            [new MigrationDeviceGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);

        SyntaxTree other = compilation.SyntaxTrees[1];
        compilation = compilation.ReplaceSyntaxTree(
            other,
            other.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("internal static class Other { public const int X = 1; }")));
        GeneratorRunResult result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        Assert.All(
            result.TrackedSteps[MigrationDeviceGenerator.DeviceModelStep].SelectMany(step => step.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.All(
            result.TrackedOutputSteps["SourceOutput"].SelectMany(step => step.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }
}
