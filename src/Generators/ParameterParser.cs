using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MigrationFormat.Generators;

/// <summary>
/// Reads a device's <c>[MigrationParameter]</c> and <c>[MigrationVersion]</c> attributes into models, and its fields'
/// <c>When</c> conditions into the bool fields the generated constructor sets, with every configuration diagnostic.
/// </summary>
internal sealed class ParameterParser
{
    public const string ParameterAttributeName = "MigrationFormat.Visitors.MigrationParameterAttribute";
    public const string VersionAttributeName = "MigrationFormat.Visitors.MigrationVersionAttribute";

    private readonly string _device;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly Dictionary<string, ParameterModel> _byName = new(System.StringComparer.Ordinal);
    private readonly Dictionary<string, ConditionModel> _conditions = new(System.StringComparer.Ordinal);
    private readonly Dictionary<string, LocationInfo?> _layoutLocations = new(System.StringComparer.Ordinal);

    private ParameterParser(string device, List<DiagnosticInfo> diagnostics)
    {
        _device = device;
        _diagnostics = diagnostics;
    }

    public List<ParameterModel> Parameters { get; } = [];

    public List<VersionModel> Versions { get; } = [];

    public IReadOnlyList<ConditionModel> Conditions => [.. _conditions.Values];

    public static ParameterParser Read(
        INamedTypeSymbol type,
        Compilation compilation,
        string device,
        int currentVersion,
        int minimumVersion,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken)
    {
        var parser = new ParameterParser(device, diagnostics);
        INamedTypeSymbol? parameterType = compilation.GetTypeByMetadataName(ParameterAttributeName);
        INamedTypeSymbol? versionType = compilation.GetTypeByMetadataName(VersionAttributeName);
        var names = new Naming.UniqueNames();
        var versionAttributes = new List<AttributeData>();
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, parameterType) && attribute.ConstructorArguments.Length == 2)
            {
                parser.ReadParameter(new AttributeReader(attribute, cancellationToken), names);
            }
            else if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, versionType) && attribute.ConstructorArguments.Length == 2)
            {
                versionAttributes.Add(attribute);
            }
        }

        parser.CheckLayoutCombinations();
        var seen = new HashSet<int>();
        foreach (AttributeData attribute in versionAttributes)
        {
            parser.ReadVersion(new AttributeReader(attribute, cancellationToken), currentVersion, minimumVersion, seen);
        }

        return parser;
    }

    /// <summary>
    /// Resolves a <c>When</c> condition to the bool field that holds it, reporting what is wrong with it; returns
    /// <see langword="null"/> when there is none or it is invalid.
    /// </summary>
    public string? ResolveCondition(AttributeReader reader, string display)
    {
        string? when = reader.Named<string?>("When", null);
        if (when is null)
        {
            return null;
        }

        LocationInfo? location = reader.NamedLocation("When") ?? reader.Location;
        int equals = when.IndexOf('=');
        string name = equals < 0 ? when : when.Substring(0, equals);
        if (!_byName.TryGetValue(name, out ParameterModel? parameter))
        {
            string known = Parameters.Count == 0 ? "it declares none" : "it declares " + string.Join(", ", Parameters.Select(p => p.Name));
            _diagnostics.Report(DiagnosticDescriptors.ConditionInvalid, location, display, when,
                $"'{name}' is not a parameter of device '{_device}' ({known})");
            return null;
        }

        string? value = null;
        if (equals >= 0)
        {
            value = ConfigurationSyntax.Normalize(parameter, when.Substring(equals + 1));
            if (value is null)
            {
                _diagnostics.Report(
                    DiagnosticDescriptors.ConditionInvalid,
                    location,
                    display,
                    when,
                    $"'{when.Substring(equals + 1)}' is not a value of '{name}', which takes {Domain(parameter)}");
                return null;
            }
        }
        else if (parameter.Type != ParameterKind.Bool)
        {
            _diagnostics.Report(DiagnosticDescriptors.ConditionInvalid, location, display, when, $"'{name}' is not a bool parameter; write {name}=value");
            return null;
        }

        if (!parameter.ChangesLayout)
        {
            _diagnostics.Report(DiagnosticDescriptors.ConditionNotLayout, location, display, when, name);
            return null;
        }

        string get = $"configuration.Get(Parameters.{parameter.SpecName})";
        string expression = parameter.Type switch
        {
            ParameterKind.Bool => value is null or "on" ? get : "!" + get,
            ParameterKind.Integer => $"{get} == {value}L",
            _ => $"{get} == {SymbolDisplay.FormatLiteral(value!, quote: true)}",
        };
        if (!_conditions.TryGetValue(expression, out ConditionModel? condition))
        {
            condition = new ConditionModel("MigrationWhen" + _conditions.Count.ToString(CultureInfo.InvariantCulture), expression);
            _conditions.Add(expression, condition);
        }

        return condition.FieldName;
    }

    private static string Domain(ParameterModel parameter) => parameter.Type switch
    {
        ParameterKind.Bool => "on or off",
        ParameterKind.Integer when parameter.Values.Count > 0 => "one of " + string.Join(", ", parameter.Values),
        ParameterKind.Integer => System.FormattableString.Invariant($"an integer from {parameter.Minimum} to {parameter.Maximum}"),
        ParameterKind.Enum => "one of " + string.Join(", ", parameter.Values),
        _ => parameter.MaxLength == 0
            ? "text without control characters"
            : System.FormattableString.Invariant($"text of at most {parameter.MaxLength} UTF-8 bytes without control characters"),
    };

    private static int DomainSize(ParameterModel parameter)
    {
        if (parameter.Type == ParameterKind.Bool)
        {
            return 2;
        }

        if (parameter.Values.Count > 0)
        {
            return parameter.Values.Count;
        }

        if (parameter.Type == ParameterKind.Integer)
        {
            decimal span = (decimal)parameter.Maximum - parameter.Minimum + 1;
            return span > ConfigurationSyntax.MaxLayoutValues ? int.MaxValue : (int)span;
        }

        return int.MaxValue;
    }

    private void ReadParameter(AttributeReader reader, Naming.UniqueNames names)
    {
        string name = reader.Positional<string>(0) ?? string.Empty;
        var type = (ParameterKind)reader.Positional(1, 0);
        if (!ConfigurationSyntax.IsValidName(name))
        {
            _diagnostics.Report(DiagnosticDescriptors.InvalidParameterName, reader.PositionalLocation(0), _device, name);
            return;
        }

        if (_byName.ContainsKey(name))
        {
            _diagnostics.Report(DiagnosticDescriptors.DuplicateParameter, reader.PositionalLocation(0), _device, name);
            return;
        }

        long minimum = reader.Named("Minimum", long.MinValue);
        long maximum = reader.Named("Maximum", long.MaxValue);
        string?[]? values = reader.NamedStrings("Values");
        int maxLength = reader.Named("MaxLength", 0);
        bool changesLayout = reader.Named("ChangesLayout", false);
        if (CheckSettings(reader, name, type, minimum, maximum, values, maxLength, changesLayout) is not { } listed)
        {
            return;
        }

        var draft = new ParameterModel(
            name,
            names.Take(Naming.ToPascalCase(name), "Parameter"),
            type,
            string.Empty,
            minimum,
            maximum,
            listed.ToEquatableArray(),
            maxLength,
            changesLayout,
            reader.Named("Overridable", false),
            reader.Named<string?>("Description", null));

        string? text = reader.Named<string?>("Default", null);
        string? canonical = text is null ? NaturalDefault(draft) : ConfigurationSyntax.Normalize(draft, text);
        if (canonical is null)
        {
            _diagnostics.Report(DiagnosticDescriptors.DefaultInvalid, reader.NamedLocation("Default") ?? reader.Location, name, text ?? string.Empty,
                Domain(draft));
            return;
        }

        if (changesLayout && DomainSize(draft) > ConfigurationSyntax.MaxLayoutValues)
        {
            _diagnostics.Report(
                DiagnosticDescriptors.LayoutDomainTooLarge,
                reader.NamedLocation("ChangesLayout") ?? reader.Location,
                name,
                $"it takes {Domain(draft)}; list its values with Values");
            return;
        }

        ParameterModel parameter = draft with { Default = canonical };
        Parameters.Add(parameter);
        _byName.Add(name, parameter);
        _layoutLocations[name] = reader.NamedLocation("ChangesLayout") ?? reader.Location;
    }

    /// <summary>The layout variants of a version are the combinations of the layout parameters' values; the library caps them at 256.</summary>
    private void CheckLayoutCombinations()
    {
        long combinations = 1;
        foreach (ParameterModel parameter in Parameters.Where(p => p.ChangesLayout))
        {
            combinations *= DomainSize(parameter);
            if (combinations > ConfigurationSyntax.MaxLayoutValues)
            {
                _diagnostics.Report(
                    DiagnosticDescriptors.LayoutDomainTooLarge,
                    _layoutLocations[parameter.Name],
                    parameter.Name,
                    System.FormattableString.Invariant($"with the parameters declared before it, it makes {combinations} or more"));
                return;
            }
        }
    }

    /// <summary>Checks the settings that depend on the type; returns the listed values (canonical), or <see langword="null"/> after a diagnostic.</summary>
    private List<string>? CheckSettings(
        AttributeReader reader, string name, ParameterKind type, long minimum, long maximum, string?[]? values, int maxLength, bool changesLayout)
    {
        string? problem = null;
        string? argument = null;
        bool hasRange = reader.HasNamed("Minimum") || reader.HasNamed("Maximum");
        var listed = new List<string>();
        if (type is not (ParameterKind.Bool or ParameterKind.Integer or ParameterKind.Enum or ParameterKind.String))
        {
            (problem, argument) = ("the type is not a ParameterType", null);
        }
        else if (hasRange && type != ParameterKind.Integer)
        {
            (problem, argument) = ("Minimum and Maximum apply to integer parameters only", reader.HasNamed("Minimum") ? "Minimum" : "Maximum");
        }
        else if (minimum > maximum)
        {
            (problem, argument) = (System.FormattableString.Invariant($"Minimum ({minimum}) is above Maximum ({maximum})"), "Minimum");
        }
        else if (maxLength != 0 && type != ParameterKind.String)
        {
            (problem, argument) = ("MaxLength applies to string parameters only", "MaxLength");
        }
        else if (maxLength < 0)
        {
            (problem, argument) = (System.FormattableString.Invariant($"MaxLength is {maxLength}; a bound is 0 (none) or more"), "MaxLength");
        }
        else if (changesLayout && type == ParameterKind.String)
        {
            (problem, argument) = ("a string parameter cannot change the state layout: its values are not a small set", "ChangesLayout");
        }
        else if (values is not null && type is ParameterKind.Bool or ParameterKind.String)
        {
            (problem, argument) = ("Values applies to enum and integer parameters only", "Values");
        }
        else if (values is null && type == ParameterKind.Enum)
        {
            (problem, argument) = ("an enum parameter lists its values: set Values", null);
        }
        else if (values is not null && values.Length == 0)
        {
            (problem, argument) = ("Values lists no value", "Values");
        }
        else if (values is not null)
        {
            foreach (string? value in values)
            {
                string? canonical = type == ParameterKind.Enum
                    ? (ConfigurationSyntax.IsValidEnumValue(value) ? value : null)
                    : ConfigurationSyntax.TryParseInteger(value ?? string.Empty, out long number) && number >= minimum && number <= maximum
                        ? number.ToString(CultureInfo.InvariantCulture)
                        : null;
                if (canonical is null)
                {
                    problem = type == ParameterKind.Enum
                        ? $"'{value}' is not an enum value: ASCII letters, digits, '-', '_' or '.'"
                        : System.FormattableString.Invariant($"'{value}' is not an integer from {minimum} to {maximum}");
                    argument = "Values";
                    break;
                }

                if (listed.Contains(canonical))
                {
                    (problem, argument) = ($"'{value}' is listed twice", "Values");
                    break;
                }

                listed.Add(canonical);
            }
        }

        if (problem is null)
        {
            return listed;
        }

        _diagnostics.Report(DiagnosticDescriptors.ParameterSettingInvalid, (argument is null ? null : reader.NamedLocation(argument)) ?? reader.Location, name,
            problem);
        return null;
    }

    private static string? NaturalDefault(ParameterModel parameter) => parameter.Type switch
    {
        ParameterKind.Bool => "off",
        ParameterKind.Enum => parameter.Values[0],
        ParameterKind.Integer when parameter.Values.Count > 0 => parameter.Values[0],
        ParameterKind.Integer => (parameter.Minimum <= 0 && parameter.Maximum >= 0 ? 0 : parameter.Minimum).ToString(CultureInfo.InvariantCulture),
        _ => ConfigurationSyntax.Normalize(parameter, string.Empty),
    };

    private void ReadVersion(AttributeReader reader, int currentVersion, int minimumVersion, HashSet<int> seen)
    {
        int version = reader.Positional(0, 0);
        string text = reader.Positional<string>(1) ?? string.Empty;
        string? problem = null;
        LocationInfo? location = reader.PositionalLocation(1);
        if (version < minimumVersion || version > currentVersion)
        {
            problem = System.FormattableString.Invariant($"the device's versions are {minimumVersion} to {currentVersion}");
            location = reader.PositionalLocation(0);
        }
        else if (!seen.Add(version))
        {
            problem = "the version's parameters are declared more than once";
            location = reader.PositionalLocation(0);
        }
        else if (ConfigurationSyntax.TryParse(text, out string? error) is not { } items)
        {
            problem = $"\"{text}\" is not a configuration string: {error}";
        }
        else
        {
            foreach (KeyValuePair<string, string> item in items)
            {
                if (!_byName.TryGetValue(item.Key, out ParameterModel? parameter))
                {
                    problem = item.Key == ConfigurationSyntax.VersionName
                        ? "a version's parameters do not name a version"
                        : $"'{item.Key}' is not a parameter of the device";
                    break;
                }

                if (ConfigurationSyntax.Normalize(parameter, item.Value) is null)
                {
                    problem = $"'{item.Value}' is not a value of '{item.Key}', which takes {Domain(parameter)}";
                    break;
                }
            }
        }

        if (problem is not null)
        {
            _diagnostics.Report(DiagnosticDescriptors.VersionParametersInvalid, location ?? reader.Location, _device, version, problem);
            return;
        }

        Versions.Add(new VersionModel(version, text));
    }
}
