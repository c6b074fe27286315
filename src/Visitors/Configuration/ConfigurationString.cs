using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;
using System.Text;

namespace MigrationFormat.Visitors;

/// <summary>
/// A device configuration as written: an optional <c>version=N</c> and <c>name=value</c> items, comma-separated, as
/// the API, the command line and the stream spell it (<c>version=2,rx-filter-size=64</c>; docs/catalog.md §2). Only
/// the syntax is checked here; <see cref="DeviceType.Resolve(ConfigurationString)"/> checks it against a device.
/// </summary>
/// <remarks>
/// Items are <c>name=value</c>; the value is everything after the first <c>=</c>, and a comma inside a value is
/// written twice (<c>,,</c>), as in QEMU's option strings. Names are unique; <c>version</c> takes a positive decimal
/// integer. The empty string is the configuration with no items.
/// </remarks>
public sealed class ConfigurationString : IEquatable<ConfigurationString>
{
    /// <summary>The reserved item name that selects a version, and with it the parameter values the version implies.</summary>
    public const string VersionName = "version";

    /// <summary>The longest configuration string <see cref="Parse"/> reads, in characters.</summary>
    public const int MaxLength = 65536;

    /// <summary>Gets the configuration with no items: no version, every parameter at its default.</summary>
    public static ConfigurationString Empty { get; } = new(null, []);

    private readonly KeyValuePair<string, string>[] _parameters;

    /// <summary>Creates a configuration from its parts.</summary>
    /// <param name="version">The version, or <see langword="null"/> for a configuration of parameters alone.</param>
    /// <param name="parameters">The items other than the version, in order; names unique and valid.</param>
    /// <exception cref="ArgumentException">A name is invalid or given twice, or the version is not positive.</exception>
    public ConfigurationString(int? version, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (version is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "A version is 1 or more.");
        }

        _parameters = [.. parameters];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> item in _parameters)
        {
            ArgumentNullException.ThrowIfNull(item.Value, nameof(parameters));
            if (!DeviceParameter.IsValidName(item.Key))
            {
                throw new ArgumentException($"'{item.Key}' is not a parameter name.", nameof(parameters));
            }

            if (!names.Add(item.Key))
            {
                throw new ArgumentException($"Parameter '{item.Key}' is given twice.", nameof(parameters));
            }
        }

        Version = version;
    }

    /// <summary>Gets the version the configuration names, or <see langword="null"/>.</summary>
    public int? Version { get; }

    /// <summary>Gets the items other than the version, in the order written.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters => _parameters;

    /// <summary>Parses a configuration string.</summary>
    /// <param name="text">The text, e.g. <c>version=2,rx-filter-size=64</c>.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="FormatException">The text breaks the syntax; the message says where and how.</exception>
    public static ConfigurationString Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out ConfigurationString? result, out string? error) ? result : throw new FormatException(error);
    }

    /// <summary>Parses a configuration string without throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="result">The configuration, when the text is valid.</param>
    /// <param name="error">Where and how the text breaks the syntax, when it does.</param>
    /// <returns><see langword="true"/> when the text is valid.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out ConfigurationString? result, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        result = null;
        if (text.Length > MaxLength)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"A configuration string is at most {MaxLength} characters; this one has {text.Length}.");
            return false;
        }

        if (text.Length == 0)
        {
            result = Empty;
            error = null;
            return true;
        }

        int? version = null;
        var parameters = new List<KeyValuePair<string, string>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var item = new StringBuilder();
        int start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != ',')
            {
                item.Append(text[i]);
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == ',')
            {
                // ",," is a comma inside a value.
                item.Append(',');
                i++;
                continue;
            }

            if (!TryItem(item.ToString(), start, ref version, parameters, names, out error))
            {
                return false;
            }

            item.Clear();
            start = i + 1;
        }

        result = new ConfigurationString(version, parameters);
        error = null;
        return true;
    }

    /// <summary>Finds the value of a parameter item.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The value, or <see langword="null"/> when the configuration does not give it.</returns>
    public string? Find(string name)
    {
        foreach (KeyValuePair<string, string> item in _parameters)
        {
            if (string.Equals(item.Key, name, StringComparison.Ordinal))
            {
                return item.Value;
            }
        }

        return null;
    }

    /// <summary>Writes the configuration: <c>version=N</c> first when named, then the items in order, commas in values doubled.</summary>
    /// <returns>The configuration string.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        if (Version is int version)
        {
            text.Append(VersionName).Append('=').Append(version.ToString(CultureInfo.InvariantCulture));
        }

        foreach (KeyValuePair<string, string> item in _parameters)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            AppendItem(text, item.Key, item.Value);
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(ConfigurationString? other) =>
        other is not null && Version == other.Version && _parameters.SequenceEqual(other._parameters);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ConfigurationString);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    /// <summary>Appends <c>name=value</c> with the value's commas doubled.</summary>
    internal static void AppendItem(StringBuilder text, string name, string value) =>
        text.Append(name).Append('=').Append(value.Replace(",", ",,", StringComparison.Ordinal));

    private static bool TryItem(
        string item, int start, ref int? version, List<KeyValuePair<string, string>> parameters, HashSet<string> names, [NotNullWhen(false)] out string? error)
    {
        error = null;
        int equals = item.IndexOf('=', StringComparison.Ordinal);
        if (item.Length == 0)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"Empty item at character {start + 1}: items are name=value, separated by one comma.");
            return false;
        }

        if (equals < 0)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"Item '{item}' at character {start + 1} has no '=': items are name=value.");
            return false;
        }

        string name = item[..equals];
        string value = item[(equals + 1)..];
        if (!names.Add(name))
        {
            error = $"'{name}' is given twice.";
            return false;
        }

        if (name == VersionName)
        {
            if (value.Length == 0 || value.Length > 10 || value.AsSpan().ContainsAnyExceptInRange('0', '9')
                || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 1)
            {
                error = $"'{VersionName}' takes a positive decimal integer; '{value}' was given.";
                return false;
            }

            version = number;
            return true;
        }

        if (!DeviceParameter.IsValidName(name))
        {
            error = string.Create(
                CultureInfo.InvariantCulture,
                $"'{name}' at character {start + 1} is not a parameter name: 1 to {DeviceParameter.MaxNameLength} ASCII letters, digits, '-', '_' or '.'.");
            return false;
        }

        parameters.Add(new(name, value));
        return true;
    }
}
