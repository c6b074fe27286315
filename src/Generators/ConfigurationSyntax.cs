using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace MigrationFormat.Generators;

/// <summary>
/// The configuration string's syntax and the parameter values' rules, as the library applies them at run time
/// (<c>ConfigurationString</c>, <c>DeviceParameter</c>; docs/catalog.md §2), so that a declaration the generator
/// accepts is one the library accepts when the device type is created.
/// </summary>
internal static class ConfigurationSyntax
{
    public const string VersionName = "version";
    public const int MaxNameLength = 64;
    public const int MaxLayoutValues = 256;

    public static bool IsValidName(string? name)
    {
        if (name is null || name.Length == 0 || name.Length > MaxNameLength || name == VersionName || !IsAsciiLetterOrDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!IsAsciiLetterOrDigit(c) && c != '-' && c != '_' && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsValidEnumValue(string? value)
    {
        if (value is null || value.Length == 0)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!IsAsciiLetterOrDigit(c) && c != '-' && c != '_' && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Splits a configuration string into items (<c>,,</c> is a comma in a value); <paramref name="error"/> says what is wrong otherwise.</summary>
    public static List<KeyValuePair<string, string>>? TryParse(string text, out string? error)
    {
        error = null;
        var items = new List<KeyValuePair<string, string>>();
        if (text.Length == 0)
        {
            return items;
        }

        var names = new HashSet<string>(System.StringComparer.Ordinal);
        var item = new StringBuilder();
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != ',')
            {
                item.Append(text[i]);
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == ',')
            {
                item.Append(',');
                i++;
                continue;
            }

            string entry = item.ToString();
            item.Clear();
            int equals = entry.IndexOf('=');
            if (entry.Length == 0 || equals < 0)
            {
                error = entry.Length == 0 ? "an item is empty" : $"item '{entry}' has no '='";
                return null;
            }

            string name = entry.Substring(0, equals);
            if (!names.Add(name))
            {
                error = $"'{name}' is given twice";
                return null;
            }

            items.Add(new KeyValuePair<string, string>(name, entry.Substring(equals + 1)));
        }

        return items;
    }

    /// <summary>Checks a value's text for a parameter and gives its canonical form, or <see langword="null"/>.</summary>
    public static string? Normalize(ParameterModel parameter, string text)
    {
        switch (parameter.Type)
        {
            case ParameterKind.Bool:
                return text switch
                {
                    "on" or "true" or "yes" => "on",
                    "off" or "false" or "no" => "off",
                    _ => null,
                };
            case ParameterKind.Integer:
                if (!TryParseInteger(text, out long number) || number < parameter.Minimum || number > parameter.Maximum)
                {
                    return null;
                }

                string canonical = number.ToString(CultureInfo.InvariantCulture);
                return parameter.Values.Count == 0 || parameter.Values.Contains(canonical) ? canonical : null;
            case ParameterKind.Enum:
                return parameter.Values.Contains(text) ? text : null;
            default:
                return IsText(text) && (parameter.MaxLength == 0 || Encoding.UTF8.GetByteCount(text) <= parameter.MaxLength) ? text : null;
        }
    }

    /// <summary>Reads <c>-?[0-9]+</c> or <c>0x[0-9a-fA-F]+</c>, as the library does.</summary>
    public static bool TryParseInteger(string text, out long number)
    {
        number = 0;
        if (text.Length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        {
            bool parsed = ulong.TryParse(text.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hex)
                && hex <= long.MaxValue;
            number = parsed ? (long)hex : 0;
            return parsed;
        }

        int start = text.Length > 0 && text[0] == '-' ? 1 : 0;
        if (text.Length == start)
        {
            return false;
        }

        for (int i = start; i < text.Length; i++)
        {
            if (text[i] < '0' || text[i] > '9')
            {
                return false;
            }
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number);
    }

    private static bool IsText(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsControl(c) || char.IsLowSurrogate(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }

    private static bool IsAsciiLetterOrDigit(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
