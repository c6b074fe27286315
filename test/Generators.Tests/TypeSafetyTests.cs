using Microsoft.CodeAnalysis;
using static MigrationFormat.Generators.Tests.GeneratorHarness;

namespace MigrationFormat.Generators.Tests;

/// <summary>The typed specs make a visit with a value of another type a compile error, not a runtime surprise.</summary>
public class TypeSafetyTests
{
    private static string Device(string valueType, string spec) => $$"""
        using MigrationFormat.Visitors;

        internal sealed class Dev : IDeviceState
        {
            public static readonly DeviceType DeviceType = new("d", "urn:test:d", 1, 1, v => new Dev());
            public DeviceType Type => DeviceType;
            public int Version => 1;
            private {{valueType}} _value = default!;
            public void Visit<TVisitor>(ref TVisitor visitor) where TVisitor : IStateVisitor, allows ref struct
            {
                visitor.Field(Fields.Status, ref _value);
            }

            internal static class Fields
            {
                private static readonly FieldSet Root = new("d");
                public static readonly {{spec}} Status = Root.{{spec[10..^1] switch { "byte" => "UInt8", "int" => "Int32", _ => "Bool" }}}("status", 0);
            }
        }
        """;

    [Fact]
    public void Compile_ByteSpecVisitedWithInt_FailsWithCs1503OnBothArguments()
    {
        Diagnostic[] errors = Compile(Device("int", "FieldSpec<byte>")).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();

        AssertDiagnostics(errors, Expect("CS1503", 11, 23, 36), Expect("CS1503", 11, 42, 48));
    }

    [Fact]
    public void Compile_IntSpecVisitedWithByte_FailsWithCs1503OnBothArguments()
    {
        Diagnostic[] errors = Compile(Device("byte", "FieldSpec<int>")).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();

        AssertDiagnostics(errors, Expect("CS1503", 11, 23, 36), Expect("CS1503", 11, 42, 48));
    }

    [Fact]
    public void Compile_ByteSpecVisitedWithByte_Compiles()
    {
        Diagnostic[] errors = Compile(Device("byte", "FieldSpec<byte>")).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();

        Assert.Empty(errors);
    }

    [Fact]
    public void Compile_GeneratedByteSpecVisitedWithIntByUserCode_FailsWithCs1503()
    {
        GeneratorRun run = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial")]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;

                public static void Peek<TVisitor>(ref TVisitor visitor, ref int value)
                    where TVisitor : IStateVisitor, allows ref struct => visitor.Field(Fields.Lcr, ref value);
            }
            """);

        AssertDiagnostics(run.CompilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error), Expect("CS1503", 9, 76, 86), Expect("CS1503", 9, 92, 97));
    }
}
