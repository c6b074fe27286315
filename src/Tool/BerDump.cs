using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MigrationFormat.Ber;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool;

/// <summary>One TLV of a dumped stream.</summary>
internal sealed class DumpNode
{
    public long Offset { get; init; }

    public BerTag Tag { get; init; }

    public long Length { get; init; }

    public string? Name { get; set; }

    public string? Flag { get; init; }

    public object? Value { get; set; }

    public string? ValueText { get; set; }

    public List<DumpNode>? Children { get; set; }
}

/// <summary>
/// Parses a whole BER migration stream into a tree before anything is printed, so a malformed or truncated
/// input is an error rather than a partial dump; names fields from the known sample devices' layouts.
/// </summary>
internal static class BerDump
{
    private const int MaxHexBytes = 32;

    private enum Mode
    {
        Generic,
        Stream,
        Header,
        Section,
        Fields,
        List,
        Array,
        Blob,
        Trailer,
    }

    public static IReadOnlyList<DumpNode> Parse(ReadOnlySpan<byte> data, SchemaResolver knownTypes)
    {
        if (data.IsEmpty)
        {
            throw new MigrationFormatException(MigrationErrorKind.Truncated, "The input is empty.", 0);
        }

        var reader = new BerReader(data);
        var top = new List<DumpNode>();
        while (reader.Read())
        {
            top.Add(ParseToken(ref reader, Mode.Generic, null, knownTypes));
        }

        if (reader.CurrentDepth != 0 || reader.Position != data.Length)
        {
            throw new MigrationFormatException(MigrationErrorKind.Truncated, "The input ended inside a value.", reader.Position);
        }

        return top;
    }

    public static void WriteText(TextWriter output, IReadOnlyList<DumpNode> nodes)
    {
        foreach (DumpNode node in nodes)
        {
            WriteText(output, node, 0);
        }
    }

    public static void WriteJson(Stream output, IReadOnlyList<DumpNode> nodes)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (DumpNode node in nodes)
        {
            WriteJson(json, node);
        }

        json.WriteEndArray();
    }

    private static DumpNode ParseToken(ref BerReader reader, Mode mode, IList<FieldSchema>? layout, SchemaResolver knownTypes)
    {
        BerTag tag = reader.Tag;
        bool isField = tag.TagClass is BerTagClass.ContextSpecific or BerTagClass.Private;
        FieldSchema? field = mode == Mode.Fields && isField && tag.TagNumber <= int.MaxValue ? Find(layout, (int)tag.TagNumber) : null;
        var node = new DumpNode
        {
            Offset = reader.TokenStartOffset,
            Tag = tag,
            Length = reader.Length,
            Flag = isField ? (tag.TagClass == BerTagClass.Private ? "skippable" : "must-parse") : null,
            Name = field?.Name,
        };

        if (reader.TokenType == BerTokenType.Primitive)
        {
            DecodePrimitive(ref reader, node, field?.Kind);
            return node;
        }

        // Constructed: decide how its children are read.
        Mode childMode = Mode.Generic;
        IList<FieldSchema>? childLayout = null;
        if (tag == MigrationStreamFormat.StreamTag)
        {
            node.Name = "migration stream";
            childMode = Mode.Stream;
        }
        else if (mode == Mode.Stream && tag == MigrationStreamFormat.HeaderTag)
        {
            node.Name = "header";
            childMode = Mode.Header;
        }
        else if (mode == Mode.Stream && tag == MigrationStreamFormat.SectionTag)
        {
            childMode = Mode.Section;
        }
        else if (mode == Mode.Section && tag == MigrationStreamFormat.StateTag)
        {
            childMode = Mode.Fields;
            childLayout = layout;
        }
        else if (mode == Mode.Stream && tag == MigrationStreamFormat.SchemasTag)
        {
            node.Name = "schemas";
        }
        else if (mode == Mode.Stream && tag == MigrationStreamFormat.SectionsTag)
        {
            // Format version 2 wraps the sections; inside, they are read as at the stream's level in version 1.
            node.Name = "sections";
            childMode = Mode.Stream;
        }
        else if (mode == Mode.Stream && tag == MigrationStreamFormat.TrailerTag)
        {
            node.Name = "trailer";
            childMode = Mode.Trailer;
        }
        else if (mode == Mode.Header && tag == BerTag.Sequence)
        {
            node.Name = "capabilities";
        }
        else if (mode == Mode.Fields && isField)
        {
            (childMode, childLayout) = field?.Kind switch
            {
                FieldKind.List => (Mode.List, field!.Fields),
                FieldKind.UInt16Array or FieldKind.UInt32Array or FieldKind.UInt64Array => (Mode.Array, null),
                FieldKind.Blob => (Mode.Blob, null),
                null => (Mode.Fields, null), // an unknown field: its children are shown with their flags
                _ => (Mode.Fields, field!.Fields),
            };
        }
        else if (mode == Mode.List && tag == BerTag.Sequence)
        {
            childMode = Mode.Fields;
            childLayout = layout;
        }

        node.Children = [];
        string? sectionId = null;
        long sectionInstance = -1;
        long sectionVersion = -1;
        while (true)
        {
            if (!reader.Read())
            {
                throw new MigrationFormatException(MigrationErrorKind.Truncated, "The input ended inside a constructed value.", reader.Position);
            }

            if (reader.TokenType == BerTokenType.EndConstructed)
            {
                break;
            }

            int index = node.Children.Count;
            Mode mode2 = childMode;
            IList<FieldSchema>? layout2 = childLayout;
            if (childMode == Mode.Section && reader.Tag == MigrationStreamFormat.StateTag)
            {
                layout2 = knownTypes.Find(sectionId, sectionVersion)?.Fields;
            }

            DumpNode child = ParseToken(ref reader, mode2, layout2, knownTypes);
            node.Children.Add(child);
            switch (childMode)
            {
                case Mode.Header:
                    child.Name ??= index switch { 0 => "format_version", 1 => "producer", _ => null };
                    break;
                case Mode.Section:
                    child.Name ??= index switch { 0 => "device_id", 1 => "instance_id", 2 => "version", _ => null };
                    if (child.Tag == MigrationStreamFormat.StateTag)
                    {
                        child.Name = "state";
                    }
                    else if (child.Tag == MigrationStreamFormat.ConfigurationTag)
                    {
                        child.Name = "configuration";
                    }

                    if (index == 0 && child.Value is string id)
                    {
                        sectionId = id;
                    }
                    else if (index == 1 && child.Value is long instance)
                    {
                        sectionInstance = instance;
                    }
                    else if (index == 2 && child.Value is long version)
                    {
                        sectionVersion = version;
                    }

                    break;
                case Mode.Trailer:
                    child.Name ??= index == 0 ? "section_count" : null;
                    break;
                case Mode.List:
                    child.Name ??= index == 0 ? "count" : "[" + (index - 1).ToString(CultureInfo.InvariantCulture) + "]";
                    break;
                case Mode.Array:
                    child.Name ??= "[" + index.ToString(CultureInfo.InvariantCulture) + "]";
                    break;
                case Mode.Blob:
                    child.Name ??= "segment " + index.ToString(CultureInfo.InvariantCulture);
                    break;
            }
        }

        if (childMode == Mode.Section)
        {
            node.Name = string.Create(CultureInfo.InvariantCulture, $"section {sectionId ?? "?"}#{sectionInstance} v{sectionVersion}");
        }

        return node;
    }

    private static FieldSchema? Find(IList<FieldSchema>? fields, int tag)
    {
        if (fields is null)
        {
            return null;
        }

        foreach (FieldSchema field in fields)
        {
            if (field.Tag == tag)
            {
                return field;
            }
        }

        return null;
    }

    private static void DecodePrimitive(ref BerReader reader, DumpNode node, FieldKind? kind)
    {
        BerTag tag = reader.Tag;
        if (kind is FieldKind k)
        {
            if (k.IsInteger())
            {
                SetInteger(ref reader, node, signed: k.IsSigned());
            }
            else if (k == FieldKind.Bool)
            {
                SetBool(ref reader, node);
            }
            else if (k == FieldKind.String)
            {
                SetString(ref reader, node);
            }
            else
            {
                SetHex(ref reader, node);
            }

            return;
        }

        if (tag.TagClass == BerTagClass.Universal)
        {
            switch (tag.TagNumber)
            {
                case 1:
                    SetBool(ref reader, node);
                    return;
                case 2:
                    SetInteger(ref reader, node, signed: true);
                    return;
                case 5:
                    node.ValueText = "NULL";
                    return;
                case 12:
                    SetString(ref reader, node);
                    return;
            }
        }

        SetHex(ref reader, node);
    }

    private static byte[] Contents(ref BerReader reader) =>
        reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray();

    private static void SetInteger(ref BerReader reader, DumpNode node, bool signed)
    {
        byte[] contents = Contents(ref reader);
        if (contents.Length > 0 && contents.Length <= 8)
        {
            long value = reader.GetInt64();
            node.Value = value;
            node.ValueText = value.ToString(CultureInfo.InvariantCulture);
        }
        else if (!signed && contents.Length == 9)
        {
            ulong value = reader.GetUInt64();
            node.Value = value;
            node.ValueText = value.ToString(CultureInfo.InvariantCulture);
        }
        else if (contents.Length == 0)
        {
            throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, $"The INTEGER {reader.Tag} has no contents.", reader.TokenStartOffset);
        }
        else
        {
            var big = new BigInteger(contents, isUnsigned: false, isBigEndian: true);
            node.Value = big;
            node.ValueText = big.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static void SetBool(ref BerReader reader, DumpNode node)
    {
        bool value = reader.GetBoolean();
        node.Value = value;
        node.ValueText = value ? "TRUE" : "FALSE";
    }

    private static void SetString(ref BerReader reader, DumpNode node)
    {
        string value = reader.GetUtf8String();
        node.Value = value;
        node.ValueText = "\"" + JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() + "\"";
    }

    private static void SetHex(ref BerReader reader, DumpNode node)
    {
        byte[] contents = Contents(ref reader);
        string hex = contents.Length <= MaxHexBytes
            ? Convert.ToHexStringLower(contents)
            : Convert.ToHexStringLower(contents.AsSpan(0, MaxHexBytes)) + string.Create(CultureInfo.InvariantCulture, $"... ({contents.Length} bytes)");
        node.ValueText = hex;
        node.Value = null;
    }

    private static void WriteText(TextWriter output, DumpNode node, int depth)
    {
        var line = new StringBuilder();
        line.Append(node.Offset.ToString("D6", CultureInfo.InvariantCulture)).Append("  ");
        line.Append(' ', depth * 2);
        line.Append(node.Tag.ToString());
        if (node.Flag is not null)
        {
            line.Append(' ').Append(node.Flag);
        }

        line.Append(", len ").Append(LengthText(node.Length));
        if (node.Name is not null)
        {
            line.Append("  ").Append(node.Name);
        }

        if (node.ValueText is not null)
        {
            line.Append(node.Name is null ? "  " : " = ").Append(node.ValueText);
        }

        output.WriteLine(line.ToString());
        if (node.Children is not null)
        {
            foreach (DumpNode child in node.Children)
            {
                WriteText(output, child, depth + 1);
            }
        }
    }

    private static string LengthText(long length) => length < 0 ? "indefinite" : length.ToString(CultureInfo.InvariantCulture);

    private static void WriteJson(Utf8JsonWriter json, DumpNode node)
    {
        json.WriteStartObject();
        json.WriteNumber("offset", node.Offset);
        json.WriteString("class", node.Tag.TagClass switch
        {
            BerTagClass.Universal => "universal",
            BerTagClass.Application => "application",
            BerTagClass.ContextSpecific => "context",
            _ => "private",
        });
        json.WriteNumber("number", node.Tag.TagNumber);
        json.WriteBoolean("constructed", node.Tag.IsConstructed);
        if (node.Flag is not null)
        {
            json.WriteString("flag", node.Flag);
        }

        if (node.Length < 0)
        {
            json.WriteString("length", "indefinite");
        }
        else
        {
            json.WriteNumber("length", node.Length);
        }

        if (node.Name is not null)
        {
            json.WriteString("name", node.Name);
        }

        switch (node.Value)
        {
            case long l:
                json.WriteNumber("value", l);
                break;
            case ulong u:
                json.WriteNumber("value", u);
                break;
            case bool b:
                json.WriteBoolean("value", b);
                break;
            case string s:
                json.WriteString("value", s);
                break;
            case BigInteger big:
                json.WritePropertyName("value");
                json.WriteRawValue(big.ToString(CultureInfo.InvariantCulture));
                break;
            default:
                if (node.ValueText is not null)
                {
                    json.WriteString("hex", node.ValueText);
                }

                break;
        }

        if (node.Children is not null)
        {
            json.WriteStartArray("children");
            foreach (DumpNode child in node.Children)
            {
                WriteJson(json, child);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }
}
