using System;
using System.Globalization;
using System.Text.Json;
using MigrationFormat.Ber;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool.Walking;

/// <summary>Writes primitive values as JSON: typed in a dump's TLV objects, and as <c>migfmt load</c> prints them in a decode.</summary>
internal static class JsonValues
{
    /// <summary>Writes a dump node's <c>value</c> (a number, boolean or string) or <c>hex</c> (shortened).</summary>
    /// <param name="json">The writer, inside the node's object.</param>
    /// <param name="token">A primitive token.</param>
    public static void WriteDumpValue(Utf8JsonWriter json, WalkToken token)
    {
        ReadOnlySpan<byte> contents = token.Contents;
        FieldKind? kind = token.Field?.Kind;
        bool integer = kind is FieldKind k ? k.IsInteger() : token.Tag == BerTag.Integer || token.Role is WalkRole.ArrayElement or WalkRole.ListCount;
        bool boolean = kind == FieldKind.Bool || (kind is null && token.Tag == BerTag.Boolean);
        bool text = kind == FieldKind.String || (kind is null && token.Tag == BerTag.Utf8String);
        if (integer)
        {
            switch (ValueText.ReadInteger(contents, out long signed, out ulong unsigned))
            {
                case ValueText.IntegerForm.Signed:
                    json.WriteNumber("value", signed);
                    return;
                case ValueText.IntegerForm.Unsigned:
                    json.WriteNumber("value", unsigned);
                    return;
            }
        }
        else if (boolean && contents.Length == 1)
        {
            json.WriteBoolean("value", contents[0] != 0);
            return;
        }
        else if (text && System.Text.Unicode.Utf8.IsValid(contents))
        {
            json.WriteString("value", contents);
            return;
        }
        else if (kind is null && token.Tag == BerTag.Null && contents.IsEmpty)
        {
            json.WriteNull("value");
            return;
        }

        json.WriteString("hex", ValueText.Hex(contents));
    }

    /// <summary>
    /// Writes a field's value as <c>migfmt load</c> would (docs/schema.md §2): integers as numbers, bool, bytes as
    /// lower-case hex, text as a string. A value that breaks its kind is written as a tagged TLV instead.
    /// </summary>
    /// <param name="json">The writer, after the property name.</param>
    /// <param name="token">A primitive field token whose <see cref="WalkToken.Field"/> is known.</param>
    public static void WriteFieldValue(Utf8JsonWriter json, WalkToken token)
    {
        ReadOnlySpan<byte> contents = token.Contents;
        FieldKind kind = token.Field!.Kind;
        if (kind.IsInteger())
        {
            if (ValueText.TryGetInteger(contents, kind, out string number, out _))
            {
                json.WriteRawValue(number, skipInputValidation: true);
                return;
            }
        }
        else if (kind == FieldKind.Bool)
        {
            if (contents.Length == 1)
            {
                json.WriteBooleanValue(contents[0] != 0);
                return;
            }
        }
        else if (kind == FieldKind.String)
        {
            if (System.Text.Unicode.Utf8.IsValid(contents))
            {
                json.WriteStringValue(contents);
                return;
            }
        }
        else
        {
            json.WriteStringValue(Convert.ToHexStringLower(contents));
            return;
        }

        WriteTlv(json, token, withTag: true);
    }

    /// <summary>Writes an array element (an unsigned integer) as a number, or a tagged TLV when it is not one.</summary>
    /// <param name="json">The writer, inside the array.</param>
    /// <param name="token">The element.</param>
    /// <param name="kind">The element's kind.</param>
    public static void WriteElement(Utf8JsonWriter json, WalkToken token, FieldKind kind)
    {
        if (token.Tag == BerTag.Integer && ValueText.TryGetInteger(token.Contents, kind, out string number, out _))
        {
            json.WriteRawValue(number, skipInputValidation: true);
            return;
        }

        WriteTlv(json, token, withTag: true);
    }

    /// <summary>Writes a primitive value the schema does not describe: <c>{"tag": "[PRIVATE 9]", "hex": "..."}</c>, the bytes whole.</summary>
    /// <param name="json">The writer, where a value goes.</param>
    /// <param name="token">A primitive token.</param>
    /// <param name="withTag">Whether to write the tag (not when it is already the property name).</param>
    public static void WriteTlv(Utf8JsonWriter json, WalkToken token, bool withTag)
    {
        json.WriteStartObject();
        if (withTag)
        {
            json.WriteString("tag", TagText(token.Tag));
        }

        json.WriteString("hex", Convert.ToHexStringLower(token.Contents));
        json.WriteEndObject();
    }

    /// <summary>Gives a tag's notation without its form: <c>[3]</c>, <c>[PRIVATE 9]</c>, <c>[UNIVERSAL 2]</c>.</summary>
    /// <param name="tag">The tag.</param>
    /// <returns>The notation.</returns>
    public static string TagText(BerTag tag) => new BerTag(tag.TagClass, tag.TagNumber).ToString();

    /// <summary>Gives a blob's digest as <c>migfmt load</c> shows it.</summary>
    /// <param name="length">Its length.</param>
    /// <param name="sha256">Its SHA-256.</param>
    /// <returns>E.g. <c>length 4096 sha256 ab12...</c>.</returns>
    public static string BlobText(long length, byte[] sha256) =>
        string.Create(CultureInfo.InvariantCulture, $"length {length} sha256 {Convert.ToHexStringLower(sha256)}");
}
