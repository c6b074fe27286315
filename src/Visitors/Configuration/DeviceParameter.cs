using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;
using System.Text;

namespace MigrationFormat.Visitors;

/// <summary>
/// A typed configuration parameter of a device type: its name, the type and range of its values, its default, and
/// whether its value changes the device's state layout (docs/catalog.md §1). Declared once, as a static field beside
/// the device's field specs, and given to the <see cref="DeviceType"/> in a <see cref="DeviceParameterSet"/>.
/// </summary>
public abstract class DeviceParameter
{
    /// <summary>The longest parameter name, in characters.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The most values a parameter that changes the state layout may take (its domain must be this small).</summary>
    public const int MaxLayoutValues = 256;

    private protected DeviceParameter(string name, ParameterType type, string? description, bool changesLayout, bool overridable)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a parameter name: 1 to {MaxNameLength} ASCII letters, digits, '-', '_' or '.', starting with a letter or digit, "
                    + $"and not '{ConfigurationString.VersionName}'.",
                nameof(name));
        }

        Name = name;
        Type = type;
        Description = description;
        ChangesLayout = changesLayout;
        Overridable = overridable;
    }

    /// <summary>Gets the name, as configuration strings spell it (e.g. <c>rx-filter-size</c>).</summary>
    public string Name { get; }

    /// <summary>Gets the type of the values.</summary>
    public ParameterType Type { get; }

    /// <summary>Gets the description for catalogs, or <see langword="null"/>.</summary>
    public string? Description { get; }

    /// <summary>
    /// Gets a value indicating whether the value changes the device's state layout (adds or removes fields, sizes an
    /// array, selects an optional group). Such a parameter is must-parse in a stream section unless its value is the one
    /// the section's version implies, and its domain is at most <see cref="MaxLayoutValues"/> values.
    /// </summary>
    public bool ChangesLayout { get; }

    /// <summary>Gets a value indicating whether a configuration may override the value a version implies; otherwise the version fixes it.</summary>
    public bool Overridable { get; }

    /// <summary>Gets the default value as its canonical text: the value when neither the configuration nor its version gives one.</summary>
    public abstract string DefaultText { get; }

    /// <summary>Gets the smallest value of an integer parameter, or <see langword="null"/>.</summary>
    public virtual long? Minimum => null;

    /// <summary>Gets the largest value of an integer parameter, or <see langword="null"/>.</summary>
    public virtual long? Maximum => null;

    /// <summary>Gets the allowed values, as canonical texts: an enum's names, or an integer's listed values; empty otherwise.</summary>
    public virtual IReadOnlyList<string> Values => [];

    /// <summary>Gets the largest length of a string value in UTF-8 bytes, or 0 for no bound.</summary>
    public virtual int MaxLength => 0;

    /// <summary>Gets the values the parameter takes, in words (<c>an integer from 64 to 1024</c>), for messages.</summary>
    public abstract string Domain { get; }

    /// <summary>Tells whether <paramref name="name"/> is a valid parameter name.</summary>
    /// <param name="name">A name.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name == ConfigurationString.VersionName || !char.IsAsciiLetterOrDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks a value's text and gives its canonical form (<c>true</c> becomes <c>on</c>, <c>0x10</c> becomes <c>16</c>).</summary>
    /// <param name="text">The value as a configuration string writes it.</param>
    /// <param name="canonical">The canonical text, when valid.</param>
    /// <returns><see langword="true"/> when the value is one the parameter takes.</returns>
    public bool TryNormalize(string text, [NotNullWhen(true)] out string? canonical)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParseValue(text, out _, out string value))
        {
            canonical = value;
            return true;
        }

        canonical = null;
        return false;
    }

    /// <summary>Declares a boolean parameter (<c>on</c>/<c>off</c>).</summary>
    /// <param name="name">The name.</param>
    /// <param name="defaultValue">The default.</param>
    /// <param name="description">The description for catalogs.</param>
    /// <param name="changesLayout">Whether the value changes the state layout.</param>
    /// <param name="overridable">Whether a configuration may override the value a version implies.</param>
    /// <returns>The parameter.</returns>
    public static DeviceParameter<bool> Bool(string name, bool defaultValue, string? description = null, bool changesLayout = false,
        bool overridable = false) =>
        new BoolParameter(name, defaultValue, description, changesLayout, overridable);

    /// <summary>Declares an integer parameter with a range.</summary>
    /// <param name="name">The name.</param>
    /// <param name="minimum">The smallest value.</param>
    /// <param name="maximum">The largest value.</param>
    /// <param name="defaultValue">The default, within the range.</param>
    /// <param name="description">The description for catalogs.</param>
    /// <param name="changesLayout">Whether the value changes the state layout (the range is then at most <see cref="MaxLayoutValues"/> values).</param>
    /// <param name="overridable">Whether a configuration may override the value a version implies.</param>
    /// <returns>The parameter.</returns>
    public static DeviceParameter<long> Integer(
        string name, long minimum, long maximum, long defaultValue, string? description = null, bool changesLayout = false, bool overridable = false) =>
        new IntegerParameter(name, minimum, maximum, null, defaultValue, description, changesLayout, overridable);

    /// <summary>Declares an integer parameter that takes one of listed values (table sizes, say).</summary>
    /// <param name="name">The name.</param>
    /// <param name="values">The values, distinct, in the order catalogs list them.</param>
    /// <param name="defaultValue">The default, one of <paramref name="values"/>.</param>
    /// <param name="description">The description for catalogs.</param>
    /// <param name="changesLayout">Whether the value changes the state layout.</param>
    /// <param name="overridable">Whether a configuration may override the value a version implies.</param>
    /// <returns>The parameter.</returns>
    public static DeviceParameter<long> Integer(
        string name, IReadOnlyList<long> values, long defaultValue, string? description = null, bool changesLayout = false, bool overridable = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException($"Parameter '{name}' lists no values.", nameof(values));
        }

        return new IntegerParameter(name, values.Min(), values.Max(), values, defaultValue, description, changesLayout, overridable);
    }

    /// <summary>Declares an enumeration parameter: one of listed names.</summary>
    /// <param name="name">The name.</param>
    /// <param name="values">The names, distinct, each of ASCII letters, digits, '-', '_' or '.'.</param>
    /// <param name="defaultValue">The default, one of <paramref name="values"/>.</param>
    /// <param name="description">The description for catalogs.</param>
    /// <param name="changesLayout">Whether the value changes the state layout.</param>
    /// <param name="overridable">Whether a configuration may override the value a version implies.</param>
    /// <returns>The parameter.</returns>
    public static DeviceParameter<string> Enum(
        string name, IReadOnlyList<string> values, string defaultValue, string? description = null, bool changesLayout = false, bool overridable = false) =>
        new EnumParameter(name, values, defaultValue, description, changesLayout, overridable);

    /// <summary>Declares a text parameter.</summary>
    /// <param name="name">The name.</param>
    /// <param name="defaultValue">The default.</param>
    /// <param name="maxLength">The largest length in UTF-8 bytes, or 0 for no bound.</param>
    /// <param name="description">The description for catalogs.</param>
    /// <param name="overridable">Whether a configuration may override the value a version implies.</param>
    /// <returns>The parameter.</returns>
    /// <remarks>A text parameter cannot change the state layout: its values are not a small set to describe.</remarks>
    public static DeviceParameter<string> String(string name, string defaultValue, int maxLength = 0, string? description = null, bool overridable = false) =>
        new StringParameter(name, defaultValue, maxLength, description, overridable);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Domain})";

    /// <summary>Parses a value's text: the typed value boxed, and its canonical text.</summary>
    internal abstract bool TryParseValue(string text, [NotNullWhen(true)] out object? value, out string canonical);

    /// <summary>Gets every value as canonical text when there are at most <see cref="MaxLayoutValues"/>; otherwise <see langword="null"/>.</summary>
    internal abstract IReadOnlyList<string>? FiniteDomain();

    /// <summary>Throws unless <paramref name="defaultText"/> is a value of the parameter.</summary>
    private protected void CheckDefault(string defaultText)
    {
        if (!TryParseValue(defaultText, out _, out _))
        {
            throw new ArgumentException($"The default '{defaultText}' of parameter '{Name}' is not {Domain}.");
        }

        if (ChangesLayout && FiniteDomain() is null)
        {
            throw new ArgumentException(
                $"Parameter '{Name}' changes the state layout, so it takes at most {MaxLayoutValues} values; it takes {Domain}.");
        }
    }
}

/// <summary>A device parameter whose values are of type <typeparamref name="T"/>: <see cref="bool"/>, <see cref="long"/> or <see cref="string"/>.</summary>
/// <typeparam name="T">The value type.</typeparam>
public abstract class DeviceParameter<T> : DeviceParameter
    where T : notnull
{
    private protected DeviceParameter(string name, ParameterType type, T defaultValue, string? description, bool changesLayout, bool overridable)
        : base(name, type, description, changesLayout, overridable) => Default = defaultValue;

    /// <summary>Gets the default value.</summary>
    public T Default { get; }

    /// <inheritdoc/>
    public override string DefaultText => Format(Default);

    /// <summary>Writes a value as its canonical text.</summary>
    /// <param name="value">A value.</param>
    /// <returns>The text, as configuration strings write it.</returns>
    public abstract string Format(T value);

    /// <summary>Parses a value's text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The value, when the text is one the parameter takes.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public bool TryParse(string text, [MaybeNullWhen(false)] out T value)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParseValue(text, out object? boxed, out _))
        {
            value = (T)boxed;
            return true;
        }

        value = default;
        return false;
    }
}

/// <summary>An <c>on</c>/<c>off</c> parameter.</summary>
internal sealed class BoolParameter : DeviceParameter<bool>
{
    private static readonly object True = true;
    private static readonly object False = false;

    public BoolParameter(string name, bool defaultValue, string? description, bool changesLayout, bool overridable)
        : base(name, ParameterType.Bool, defaultValue, description, changesLayout, overridable) => CheckDefault(Format(defaultValue));

    public override string Domain => "on or off";

    public override string Format(bool value) => value ? "on" : "off";

    internal override bool TryParseValue(string text, [NotNullWhen(true)] out object? value, out string canonical)
    {
        (value, canonical) = text switch
        {
            "on" or "true" or "yes" => (True, "on"),
            "off" or "false" or "no" => (False, "off"),
            _ => ((object?)null, string.Empty),
        };
        return value is not null;
    }

    internal override IReadOnlyList<string> FiniteDomain() => ["off", "on"];
}

/// <summary>An integer parameter: a range, optionally narrowed to listed values.</summary>
internal sealed class IntegerParameter : DeviceParameter<long>
{
    private readonly long[]? _values;
    private readonly string[] _valueTexts;

    public IntegerParameter(
        string name, long minimum, long maximum, IReadOnlyList<long>? values, long defaultValue, string? description, bool changesLayout, bool overridable)
        : base(name, ParameterType.Integer, defaultValue, description, changesLayout, overridable)
    {
        if (minimum > maximum)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Parameter '{name}' has minimum {minimum} above maximum {maximum}."),
                nameof(minimum));
        }

        if (values is not null && values.Distinct().Count() != values.Count)
        {
            throw new ArgumentException($"Parameter '{name}' lists a value twice.", nameof(values));
        }

        Minimum = minimum;
        Maximum = maximum;
        _values = values?.ToArray();
        _valueTexts = _values is null ? [] : [.. _values.Select(v => v.ToString(CultureInfo.InvariantCulture))];
        CheckDefault(Format(defaultValue));
    }

    public override long? Minimum { get; }

    public override long? Maximum { get; }

    public override IReadOnlyList<string> Values => _valueTexts;

    public override string Domain => _values is null
        ? string.Create(CultureInfo.InvariantCulture, $"an integer from {Minimum} to {Maximum}")
        : "one of " + string.Join(", ", _valueTexts);

    public override string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    internal override bool TryParseValue(string text, [NotNullWhen(true)] out object? value, out string canonical)
    {
        value = null;
        canonical = string.Empty;
        if (!TryParseInteger(text, out long number) || number < Minimum!.Value || number > Maximum!.Value || (_values is not null && !_values.Contains(number)))
        {
            return false;
        }

        value = number;
        canonical = Format(number);
        return true;
    }

    internal override IReadOnlyList<string>? FiniteDomain()
    {
        if (_values is not null)
        {
            return _valueTexts;
        }

        // The span may exceed long's range (minimum long.MinValue, maximum long.MaxValue); UInt128 holds it.
        UInt128 span = (UInt128)(Int128)Maximum!.Value - (UInt128)(Int128)Minimum!.Value;
        if (span >= MaxLayoutValues)
        {
            return null;
        }

        var texts = new string[(int)span + 1];
        for (int i = 0; i < texts.Length; i++)
        {
            texts[i] = Format(Minimum.Value + i);
        }

        return texts;
    }

    /// <summary>Reads <c>-?[0-9]+</c> or <c>0x[0-9a-fA-F]+</c>, nothing else (no sign on hexadecimal, no spaces, no <c>+</c>).</summary>
    private static bool TryParseInteger(string text, out long number)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length > 2)
        {
            bool parsed = ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hex) && hex <= long.MaxValue;
            number = parsed ? (long)hex : 0;
            return parsed;
        }

        ReadOnlySpan<char> digits = text.StartsWith('-') ? text.AsSpan(1) : text;
        if (digits.Length == 0 || digits.ContainsAnyExceptInRange('0', '9'))
        {
            number = 0;
            return false;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number);
    }
}

/// <summary>A parameter that takes one of listed names.</summary>
internal sealed class EnumParameter : DeviceParameter<string>
{
    private readonly string[] _values;

    public EnumParameter(string name, IReadOnlyList<string> values, string defaultValue, string? description, bool changesLayout, bool overridable)
        : base(name, ParameterType.Enum, defaultValue ?? throw new ArgumentNullException(nameof(defaultValue)), description, changesLayout, overridable)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0 || values.Any(v => !IsValidValue(v)))
        {
            throw new ArgumentException($"Parameter '{name}' needs names of ASCII letters, digits, '-', '_' or '.' as its values.", nameof(values));
        }

        if (values.Distinct(StringComparer.Ordinal).Count() != values.Count)
        {
            throw new ArgumentException($"Parameter '{name}' lists a value twice.", nameof(values));
        }

        _values = [.. values];
        CheckDefault(defaultValue);
    }

    public override IReadOnlyList<string> Values => _values;

    public override string Domain => "one of " + string.Join(", ", _values);

    public override string Format(string value) => value;

    internal override bool TryParseValue(string text, [NotNullWhen(true)] out object? value, out string canonical)
    {
        int index = Array.IndexOf(_values, text);
        value = index >= 0 ? _values[index] : null;
        canonical = index >= 0 ? _values[index] : string.Empty;
        return value is not null;
    }

    internal override IReadOnlyList<string>? FiniteDomain() => _values.Length <= MaxLayoutValues ? _values : null;

    private static bool IsValidValue(string? value) =>
        !string.IsNullOrEmpty(value) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}

/// <summary>A text parameter.</summary>
internal sealed class StringParameter : DeviceParameter<string>
{
    public StringParameter(string name, string defaultValue, int maxLength, string? description, bool overridable)
        : base(name, ParameterType.String, defaultValue ?? throw new ArgumentNullException(nameof(defaultValue)), description, false, overridable)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        MaxLength = maxLength;
        CheckDefault(defaultValue);
    }

    public override int MaxLength { get; }

    public override string Domain => MaxLength == 0
        ? "text without control characters"
        : string.Create(CultureInfo.InvariantCulture, $"text of at most {MaxLength} UTF-8 bytes without control characters");

    public override string Format(string value) => value;

    internal override bool TryParseValue(string text, [NotNullWhen(true)] out object? value, out string canonical)
    {
        bool valid = IsText(text) && (MaxLength == 0 || Encoding.UTF8.GetByteCount(text) <= MaxLength);
        value = valid ? text : null;
        canonical = valid ? text : string.Empty;
        return valid;
    }

    internal override IReadOnlyList<string>? FiniteDomain() => null;

    /// <summary>No control characters and no lone surrogates: text that prints, and that UTF-8 can carry.</summary>
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
}
