using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using static MigrationFormat.Generators.Tests.GeneratorHarness;

namespace MigrationFormat.Generators.Tests;

/// <summary>The README's tour is code that compiles against the library as it is, not a sketch of an older API.</summary>
public partial class ReadmeTourTests
{
    [Fact]
    public void Tour_CompilesAgainstTheLibraryWithoutWarnings()
    {
        string tour = CSharpBlocks().Single(block => block.Contains("IDeviceState", StringComparison.Ordinal));

        Diagnostic[] problems = Compile(tour).GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS1591").ToArray();

        Assert.True(problems.Length == 0, string.Join(Environment.NewLine, problems.Select(p => p.ToString())));
    }

    [Fact]
    public void Tour_VisitingTheTourDeviceWithTheWrongType_DoesNotCompile()
    {
        string tour = CSharpBlocks().Single(block => block.Contains("IDeviceState", StringComparison.Ordinal));
        string broken = tour.Replace("v.Field(Fields.Divider, ref _divider);", "int wide = 0; v.Field(Fields.Divider, ref wide);", StringComparison.Ordinal);

        Assert.NotEqual(tour, broken);
        Assert.Contains(Compile(broken).GetDiagnostics(), d => d.Id == "CS1503");
    }

    [Fact]
    public void GeneratedDeviceExample_GeneratesAndCompilesCleanly()
    {
        string example = CSharpBlocks().Single(block => block.Contains("[MigrationDevice(", StringComparison.Ordinal));

        GeneratorRun run = Run(example);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.CompilerDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains("Fields.Divider", run.Source, StringComparison.Ordinal);
    }

    private static IEnumerable<string> CSharpBlocks()
    {
        string readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "README.md"));
        return CodeBlock().Matches(readme).Select(m => m.Groups["code"].Value);
    }

    [GeneratedRegex("```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
