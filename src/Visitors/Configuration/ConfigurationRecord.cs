using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>One item of a <see cref="ConfigurationRecord"/>: <c>name=value</c>, must-parse or skippable.</summary>
/// <param name="Name">The parameter's name, or <c>version</c>.</param>
/// <param name="Value">The value's canonical text.</param>
/// <param name="MustParse">
/// Whether a destination that does not know <paramref name="Name"/>, or has another value for it, must refuse the state:
/// the parameter changes the state layout and its value is not the one the configuration's version implies.
/// </param>
public readonly record struct ConfigurationItem(string Name, string Value, bool MustParse)
{
    /// <inheritdoc/>
    public override string ToString() => Name + "=" + Value;
}

/// <summary>
/// A device's model and effective configuration as a stream section (and a migration session's offer) carries it:
/// <c>[APPLICATION 8] SEQUENCE { model UTF8String, parameters SEQUENCE OF Parameter }</c>, each parameter a
/// <c>name=value</c> item tagged <c>[0]</c> when must-parse and <c>[PRIVATE 0]</c> when skippable
/// (docs/wire-format.md §1, docs/catalog.md §3). <see cref="DeviceConfiguration.ToRecord"/> makes one;
/// <see cref="DeviceConfiguration.Check"/> checks one before a load.
/// </summary>
public sealed class ConfigurationRecord
{
    /// <summary>The most items a record holds.</summary>
    public const int MaxItems = 256;

    /// <summary>The longest model or item, in UTF-8 bytes.</summary>
    public const int MaxTextLength = 4096;

    private readonly ConfigurationItem[] _items;

    /// <summary>Creates a record.</summary>
    /// <param name="model">The device model's URL.</param>
    /// <param name="items">The items: <c>version</c> (when the configuration names one) and every parameter, names unique.</param>
    /// <exception cref="ArgumentException">The model is empty, a name is invalid or repeated, or a limit is exceeded.</exception>
    public ConfigurationRecord(string model, IEnumerable<ConfigurationItem> items)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(items);
        _items = [.. items];
        if (Validate(model, _items) is { } problem)
        {
            throw new ArgumentException(problem, nameof(items));
        }

        Model = model;
    }

    /// <summary>Gets the device model's URL.</summary>
    public string Model { get; }

    /// <summary>Creates a record from values read elsewhere (a tool walking a stream), saying what is wrong instead of throwing.</summary>
    /// <param name="model">The device model's URL.</param>
    /// <param name="items">The items.</param>
    /// <param name="record">The record, when the values make one.</param>
    /// <param name="problem">What is wrong, when they do not: an empty or long model, an invalid or repeated name, a limit.</param>
    /// <returns><see langword="true"/> when the values make a record.</returns>
    public static bool TryCreate(
        string model,
        IEnumerable<ConfigurationItem> items,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConfigurationRecord? record,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(items);
        ConfigurationItem[] list = [.. items];
        problem = Validate(model, list);
        record = problem is null ? new ConfigurationRecord(model, list) : null;
        return record is not null;
    }

    /// <summary>Gets the items, <c>version</c> first when present.</summary>
    public IReadOnlyList<ConfigurationItem> Items => _items;

    /// <summary>Gets the version the configuration names, or <see langword="null"/> for a configuration of parameters alone.</summary>
    public int? Version
    {
        get
        {
            foreach (ConfigurationItem item in _items)
            {
                if (item.Name == ConfigurationString.VersionName)
                {
                    return int.Parse(item.Value, NumberStyles.None, CultureInfo.InvariantCulture);
                }
            }

            return null;
        }
    }

    /// <summary>Finds an item.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The item, or <see langword="null"/>.</returns>
    public ConfigurationItem? Find(string name)
    {
        foreach (ConfigurationItem item in _items)
        {
            if (string.Equals(item.Name, name, StringComparison.Ordinal))
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>Writes the record's value, <c>[APPLICATION 8]</c> with indefinite length.</summary>
    /// <param name="writer">The writer.</param>
    public void Write(ref BerWriter writer)
    {
        writer.PushConstructed(MigrationStreamFormat.ConfigurationTag, indefiniteLength: true);
        writer.WriteUtf8String(Model);
        writer.PushSequence(indefiniteLength: true);
        foreach (ConfigurationItem item in _items)
        {
            writer.WriteUtf8String(item.ToString(), item.MustParse ? MigrationStreamFormat.MustParseItemTag : MigrationStreamFormat.SkippableItemTag);
        }

        writer.PopSequence();
        writer.PopConstructed();
    }

    /// <summary>Encodes the record as BER, the value <see cref="Write"/> writes.</summary>
    /// <returns>The encoding.</returns>
    public byte[] Encode()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new BerWriter(output);
        Write(ref writer);
        writer.Dispose();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a record from its BER encoding (any valid BER of the value <see cref="Write"/> writes).</summary>
    /// <param name="encoding">The encoding, exactly one value.</param>
    /// <returns>The record.</returns>
    /// <exception cref="MigrationFormatException">The bytes are not such a value, or break a limit.</exception>
    public static ConfigurationRecord Decode(ReadOnlySpan<byte> encoding)
    {
        var reader = new BerReader(encoding);
        Expect(ref reader, BerTokenType.StartConstructed, MigrationStreamFormat.ConfigurationTag, "a configuration");
        Expect(ref reader, BerTokenType.Primitive, BerTag.Utf8String, "the configuration's model");
        string model = reader.GetUtf8String();
        Expect(ref reader, BerTokenType.StartConstructed, BerTag.Sequence, "the configuration's parameters");
        var items = new List<ConfigurationItem>();
        while (Read(ref reader, "a parameter") != BerTokenType.EndConstructed)
        {
            bool mustParse = reader.Tag == MigrationStreamFormat.MustParseItemTag;
            if (reader.TokenType != BerTokenType.Primitive || (!mustParse && reader.Tag != MigrationStreamFormat.SkippableItemTag))
            {
                throw Unexpected($"a parameter {MigrationStreamFormat.MustParseItemTag} or {MigrationStreamFormat.SkippableItemTag}", reader.Tag,
                    reader.TokenStartOffset);
            }

            long offset = reader.TokenStartOffset;
            if (items.Count == MaxItems)
            {
                throw new MigrationFormatException(MigrationErrorKind.LimitExceeded, $"A configuration holds at most {MaxItems} parameters.", offset,
                    "configuration");
            }

            items.Add(ParseItem(reader.GetUtf8String(), mustParse, offset));
        }

        Expect(ref reader, BerTokenType.EndConstructed, default, "the end of the configuration");
        if (reader.Read())
        {
            throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "Bytes follow the configuration.", reader.TokenStartOffset);
        }

        return Create(model, items, 0);
    }

    /// <summary>Writes the items as a configuration string: <c>version=N</c> first when present, commas in values doubled.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (ConfigurationItem item in _items)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            ConfigurationString.AppendItem(text, item.Name, item.Value);
        }

        return text.ToString();
    }

    /// <summary>Splits an item's text at its first <c>=</c>; a stream's item without one is malformed.</summary>
    internal static ConfigurationItem ParseItem(string text, bool mustParse, long offset)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"The configuration item '{text}' has no '=': items are name=value.",
                offset, "configuration");
        }

        return new ConfigurationItem(text[..equals], text[(equals + 1)..], mustParse);
    }

    /// <summary>Creates a record read from a stream, failing as a stream does.</summary>
    internal static ConfigurationRecord Create(string model, List<ConfigurationItem> items, long offset)
    {
        if (Validate(model, items) is { } problem)
        {
            throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, "The section's configuration is malformed: " + problem, offset,
                "configuration");
        }

        return new ConfigurationRecord(model, items);
    }

    private static string? Validate(string model, IReadOnlyList<ConfigurationItem> items)
    {
        if (model.Length == 0 || Encoding.UTF8.GetByteCount(model) > MaxTextLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the model is empty or longer than {MaxTextLength} bytes");
        }

        if (items.Count > MaxItems)
        {
            return string.Create(CultureInfo.InvariantCulture, $"it holds {items.Count} parameters; at most {MaxItems}");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ConfigurationItem item in items)
        {
            if (item.Name is null || item.Value is null)
            {
                return "an item has no name or value";
            }

            if (Encoding.UTF8.GetByteCount(item.Name) + Encoding.UTF8.GetByteCount(item.Value) + 1 > MaxTextLength)
            {
                return string.Create(CultureInfo.InvariantCulture, $"item '{item.Name}' is longer than {MaxTextLength} bytes");
            }

            bool version = item.Name == ConfigurationString.VersionName;
            if (!version && !DeviceParameter.IsValidName(item.Name))
            {
                return $"'{item.Name}' is not a parameter name";
            }

            if (version && (item.Value.Length is 0 or > 10 || item.Value.AsSpan().ContainsAnyExceptInRange('0', '9')
                || !int.TryParse(item.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 1))
            {
                return $"'{ConfigurationString.VersionName}' takes a positive decimal integer; '{item.Value}' was given";
            }

            if (!names.Add(item.Name))
            {
                return $"'{item.Name}' is given twice";
            }
        }

        return null;
    }

    private static BerTokenType Read(ref BerReader reader, string what)
    {
        if (!reader.Read())
        {
            throw new MigrationFormatException(MigrationErrorKind.Truncated, $"The input ended where {what} was expected.", reader.Position);
        }

        return reader.TokenType;
    }

    private static void Expect(ref BerReader reader, BerTokenType type, BerTag tag, string what)
    {
        if (Read(ref reader, what) != type || (type != BerTokenType.EndConstructed && reader.Tag != tag))
        {
            throw Unexpected(what, reader.TokenType == BerTokenType.EndConstructed ? null : reader.Tag, reader.TokenStartOffset);
        }
    }

    private static MigrationFormatException Unexpected(string what, BerTag? found, long offset) =>
        new(MigrationErrorKind.UnexpectedValue, $"Expected {what}; found {(found is { } tag ? tag.ToString() : "an end of contents")}.", offset,
            "configuration");
}
