using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace MigrationFormat.Generators;

/// <summary>
/// Where a diagnostic points, kept as plain values: a <see cref="Location"/> holds its syntax tree, which would keep
/// every compilation alive in the incremental cache and never compare equal across edits.
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location)
    {
        if (location is null || location == Location.None)
        {
            return null;
        }

        FileLinePositionSpan lineSpan = location.GetLineSpan();
        return new LocationInfo(lineSpan.Path, location.SourceSpan, lineSpan.Span);
    }

    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

    /// <summary>Gets the location in <paramref name="compilation"/>'s syntax tree of the file, or one by path outside any tree (additional files).</summary>
    public Location ToLocation(Compilation? compilation)
    {
        if (compilation is not null)
        {
            foreach (SyntaxTree tree in compilation.SyntaxTrees)
            {
                if (tree.FilePath == FilePath && Span.End <= tree.Length)
                {
                    return Location.Create(tree, Span);
                }
            }
        }

        return Location.Create(FilePath, Span, LineSpan);
    }
}

/// <summary>A diagnostic to report, kept as plain values for the incremental cache.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments)
    {
        var texts = new string[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            texts[i] = Convert.ToString(arguments[i], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        }

        return new DiagnosticInfo(descriptor, location, texts.ToEquatableArray());
    }

    public Diagnostic ToDiagnostic(Compilation? compilation = null)
    {
        object[] arguments = new object[Arguments.Count];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = Arguments[i];
        }

        return Diagnostic.Create(Descriptor, Location?.ToLocation(compilation) ?? Microsoft.CodeAnalysis.Location.None, arguments);
    }
}

/// <summary>The kinds of field the generator declares; their names and schema names match the library's <c>FieldKind</c>.</summary>
internal enum SpecKind
{
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Int8,
    Int16,
    Int32,
    Int64,
    Bool,
    FixedBytes,
    Bytes,
    String,
    UInt16Array,
    UInt32Array,
    UInt64Array,
    Optional,
    Struct,
}

/// <summary>One declared field, optional group or nested structure of a device, as the generator emits and checks it.</summary>
/// <param name="SpecName">The identifier of its static spec in the generated <c>Fields</c> class.</param>
/// <param name="Name">The name in schemas and dumps.</param>
/// <param name="Tag">The BER tag number.</param>
/// <param name="Kind">The field's kind.</param>
/// <param name="Size">The exact count of a fixed-size kind, or the bound of a string or byte string (0: none).</param>
/// <param name="Skippable">Whether a destination that does not know it may skip it.</param>
/// <param name="Since">The version that introduced it.</param>
/// <param name="RemovedIn">The version that removed it, or 0.</param>
/// <param name="Description">The schema description, or <see langword="null"/>.</param>
/// <param name="MemberName">The C# field visited (for an optional group: its presence flag; for a structure: empty), escaped for source.</param>
/// <param name="Members">A group's or structure's members, in visit order.</param>
/// <param name="Location">The attribute that declares it.</param>
/// <param name="SinceLocation">The <c>Since</c> argument, or the attribute.</param>
/// <param name="Condition">The generated bool field that holds its <c>When</c> condition, or <see langword="null"/> when it always exists.</param>
internal sealed record SpecModel(
    string SpecName,
    string Name,
    int Tag,
    SpecKind Kind,
    int Size,
    bool Skippable,
    int Since,
    int RemovedIn,
    string? Description,
    string MemberName,
    EquatableArray<SpecModel> Members,
    LocationInfo? Location,
    LocationInfo? SinceLocation,
    string? Condition = null)
{
    public bool ExistsIn(int version) => Since <= version && (RemovedIn == 0 || version < RemovedIn);

    /// <summary>Gets a value indicating whether this is an optional group or a structure, whose members are <see cref="Members"/>.</summary>
    public bool IsGroup => Kind is SpecKind.Optional or SpecKind.Struct;
}

/// <summary>A type enclosing the device class, re-declared around the generated part.</summary>
internal sealed record ContainingType(string Keyword, string Name);

/// <summary>Everything the generator needs from one <c>[MigrationDevice]</c> class, with the diagnostics its declaration earns.</summary>
internal sealed record DeviceModel(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingType> ContainingTypes,
    string Keyword,
    string ClassName,
    string Id,
    string ModelId,
    int CurrentVersion,
    int MinimumVersion,
    string? Description,
    bool CanGenerate,
    bool GenerateDeviceType,
    bool GenerateTypeProperty,
    bool GenerateVersion,
    bool GenerateConstructor,
    string RootName,
    EquatableArray<SpecModel> Items,
    EquatableArray<DiagnosticInfo> Diagnostics,
    LocationInfo? AttributeLocation,
    LocationInfo? CurrentVersionLocation,
    EquatableArray<ParameterModel> Parameters = default,
    EquatableArray<VersionModel> Versions = default,
    EquatableArray<ConditionModel> Conditions = default)
{
    /// <summary>Gets a value indicating whether the device declares configuration parameters, so that its constructors take a configuration.</summary>
    public bool HasParameters => Parameters.Count > 0;
}

/// <summary>The type of a declared parameter; the names match the library's <c>ParameterType</c>.</summary>
internal enum ParameterKind
{
    Bool,
    Integer,
    Enum,
    String,
}

/// <summary>One <c>[MigrationParameter]</c>, checked, with the canonical text of its default.</summary>
internal sealed record ParameterModel(
    string Name,
    string SpecName,
    ParameterKind Type,
    string Default,
    long Minimum,
    long Maximum,
    EquatableArray<string> Values,
    int MaxLength,
    bool ChangesLayout,
    bool Overridable,
    string? Description);

/// <summary>One <c>[MigrationVersion]</c>: a version and the configuration string of the values it implies.</summary>
internal sealed record VersionModel(int Version, string Parameters);

/// <summary>A <c>When</c> condition: the bool field the constructor sets, and the expression over the configuration it holds.</summary>
internal sealed record ConditionModel(string FieldName, string Expression);

/// <summary>Adds diagnostics to a list as they are found.</summary>
internal static class DiagnosticListExtensions
{
    public static void Report(
        this System.Collections.Generic.List<DiagnosticInfo> diagnostics,
        DiagnosticDescriptor descriptor,
        LocationInfo? location,
        params object[] arguments) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));
}
