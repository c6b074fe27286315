using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using MigrationFormat.Ber;
using MigrationFormat.Visitors;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace MigrationFormat.Generators.Tests;

/// <summary>A diagnostic as the tests expect it: id and 1-based line/column span, as compilers print them.</summary>
public sealed record ExpectedDiagnostic(string Id, int Line, int Column, int EndLine, int EndColumn)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Id} ({Line},{Column})-({EndLine},{EndColumn})");

    public static string Format(Diagnostic diagnostic)
    {
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        (LinePosition start, LinePosition end) = (span.StartLinePosition, span.EndLinePosition);
        return string.Create(CultureInfo.InvariantCulture, $"{diagnostic.Id} ({start.Line + 1},{start.Character + 1})-({end.Line + 1},{end.Character + 1})");
    }
}

/// <summary>An additional file handed to the generator, as a project's AdditionalFiles item would be.</summary>
public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text, Encoding.UTF8);
}

/// <summary>What one generator run produced.</summary>
public sealed record GeneratorRun(Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, ImmutableArray<string> GeneratedSources)
{
    /// <summary>Gets the compiler's diagnostics over the user's code and the generated code together.</summary>
    public ImmutableArray<Diagnostic> CompilerDiagnostics => Output.GetDiagnostics();

    /// <summary>Gets the single generated source.</summary>
    public string Source => Assert.Single(GeneratedSources);
}

/// <summary>
/// Runs <see cref="MigrationDeviceGenerator"/> over source text compiled against the real library assemblies,
/// with nullable enabled and documentation comments checked, as the library's own projects build.
/// </summary>
public static class GeneratorHarness
{
    public const string DevicePath = "Device.cs";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "UserDevices",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: i == 0 ? DevicePath : $"Device{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorRun Run(string source, params AdditionalText[] additionalTexts) => Run([source], additionalTexts);

    public static GeneratorRun Run(string[] sources, params AdditionalText[] additionalTexts)
    {
        CSharpCompilation compilation = Compile(sources);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new MigrationDeviceGenerator().AsSourceGenerator()],
            additionalTexts,
            ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorDriverRunResult result = driver.GetRunResult();
        ImmutableArray<string> generated = result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.SourceText.ToString()).ToImmutableArray();
        return new GeneratorRun(output, diagnostics, generated);
    }

    /// <summary>Asserts the generator reported exactly these diagnostics (in location order).</summary>
    public static void AssertDiagnostics(GeneratorRun run, params ExpectedDiagnostic[] expected) =>
        AssertDiagnostics(run.GeneratorDiagnostics, expected);

    public static void AssertDiagnostics(IEnumerable<Diagnostic> actual, params ExpectedDiagnostic[] expected)
    {
        string[] actualText = actual
            .OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .Select(d => ExpectedDiagnostic.Format(d) + ": '" + SpannedText(d) + "' " + d.GetMessage(CultureInfo.InvariantCulture))
            .ToArray();
        string[] expectedText = expected.Select(e => e.ToString()).ToArray();

        // Spanned text and messages are shown on failure but not compared: tests on a message assert its words separately.
        string[] actualIdsAndSpans = actualText.Select(a => a[..a.IndexOf(": ", StringComparison.Ordinal)]).ToArray();
        Assert.True(
            expectedText.SequenceEqual(actualIdsAndSpans, StringComparer.Ordinal),
            "Expected:" + Environment.NewLine + string.Join(Environment.NewLine, expectedText) + Environment.NewLine
                + "Actual:" + Environment.NewLine + string.Join(Environment.NewLine, actualText));
    }

    private static string SpannedText(Diagnostic diagnostic) =>
        diagnostic.Location.SourceTree?.GetText().ToString(diagnostic.Location.SourceSpan) ?? "(additional file)";

    /// <summary>Asserts the code compiles with no error and no warning (nullable and documentation included).</summary>
    public static void AssertCompilesCleanly(GeneratorRun run)
    {
        Diagnostic[] problems = run.CompilerDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(
            problems.Length == 0,
            string.Join(Environment.NewLine, problems.Select(p => p.ToString()))
                + Environment.NewLine
                + string.Join(Environment.NewLine, run.GeneratedSources));
    }

    /// <summary>Creates a diagnostic expectation.</summary>
    public static ExpectedDiagnostic Expect(string id, int line, int column, int endLine, int endColumn) => new(id, line, column, endLine, endColumn);

    /// <summary>Creates a diagnostic expectation for a span on one line.</summary>
    public static ExpectedDiagnostic Expect(string id, int line, int column, int endColumn) => new(id, line, column, line, endColumn);

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The runtime's own assemblies, then the library the user's devices are written against.
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        IEnumerable<string> framework = platform.Where(path =>
        {
            string name = Path.GetFileNameWithoutExtension(path);
            return name is "netstandard" or "mscorlib" || name.StartsWith("System.", StringComparison.Ordinal) || name == "System";
        });
        string[] library = [
            typeof(FieldSet).Assembly.Location,
            typeof(BerTag).Assembly.Location,
            typeof(MigrationFormat.Schema.SchemaDocument).Assembly.Location];
        return framework
            .Concat(library)
            .Distinct(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
