using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>
/// Exports a device version's state, as <c>migfmt load</c> prints it (one JSON object per device), as a JSON Schema
/// (draft 2020-12). The exported schemas compile in Ajv's strict mode: the library's own facts about a field
/// (tag, must-parse or skippable, since, type) travel in the standard <c>$comment</c> keyword, never in custom
/// keywords (docs/schema.md).
/// </summary>
public static class JsonSchemaExporter
{
    /// <summary>The dialect every exported schema declares in <c>$schema</c>.</summary>
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>The pattern of a hex string: lower-case, two digits per byte.</summary>
    public const string HexPattern = "^([0-9a-f]{2})*$";

    /// <summary>The pattern of a SHA-256 digest in lower-case hex.</summary>
    public const string Sha256Pattern = "^[0-9a-f]{64}$";

    /// <summary>Writes the JSON Schema of <paramref name="schema"/>'s state.</summary>
    /// <param name="writer">The JSON writer.</param>
    /// <param name="schema">The device version.</param>
    /// <exception cref="MigrationFormatException">Two fields of one structure share a name, so the state has no JSON object form.</exception>
    public static void Write(Utf8JsonWriter writer, DeviceSchema schema)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(schema);
        writer.WriteStartObject();
        writer.WriteString("$schema", Dialect);
        writer.WriteString("title", string.Create(CultureInfo.InvariantCulture, $"{schema.Id} v{schema.Version}"));
        if (schema.Description is not null)
        {
            writer.WriteString("description", schema.Description);
        }

        writer.WriteString("$comment", DeviceComment(schema));
        WriteObjectBody(writer, schema.Fields, schema.Version, "$");
        writer.WriteEndObject();
    }

    /// <summary>Serializes the JSON Schema of <paramref name="schema"/>'s state to UTF-8.</summary>
    /// <param name="schema">The device version.</param>
    /// <param name="indented">Indent for people; compact for machines.</param>
    /// <returns>The JSON Schema document.</returns>
    /// <exception cref="MigrationFormatException">Two fields of one structure share a name.</exception>
    public static byte[] ToUtf8(DeviceSchema schema, bool indented = false)
    {
        return JsonBytes.Write(writer => Write(writer, schema), indented);
    }

    /// <summary>Builds the <c>$comment</c> annotation of one field: <c>migfmt: tag=[n] must-parse type=uint8 since=1</c>.</summary>
    /// <param name="field">The field.</param>
    /// <returns>The annotation text.</returns>
    public static string FieldComment(FieldSchema field)
    {
        ArgumentNullException.ThrowIfNull(field);
        string text = string.Create(
            CultureInfo.InvariantCulture,
            $"migfmt: tag={(field.Skippable ? "[PRIVATE " : "[")}{field.Tag}] {(field.Skippable ? "skippable" : "must-parse")} "
            + $"type={field.Kind.SchemaName()} since={field.Since}");
        if (field.RemovedIn != 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" removedIn={field.RemovedIn}");
        }

        if (field.Size != 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" size={field.Size}");
        }

        return text;
    }

    private static string DeviceComment(DeviceSchema schema)
    {
        string text = string.Create(
            CultureInfo.InvariantCulture,
            $"migfmt: device={schema.Id} version={schema.Version} minimumVersion={schema.MinimumVersion} currentVersion={schema.CurrentVersion}");
        return schema.ModelId is null ? text : text + " model=" + schema.ModelId;
    }

    private static void WriteObjectBody(Utf8JsonWriter writer, IList<FieldSchema> fields, int version, string path)
    {
        writer.WriteString("type", "object");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var required = new List<string>();
        writer.WriteStartObject("properties");
        foreach (FieldSchema field in fields)
        {
            if (!field.ExistsIn(version))
            {
                continue;
            }

            string here = path + "." + field.Name;
            if (!names.Add(field.Name))
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    $"Two fields are named '{field.Name}' in one structure; a JSON object cannot hold both.",
                    -1,
                    here);
            }

            if (field.Kind != FieldKind.Optional)
            {
                required.Add(field.Name);
            }

            writer.WritePropertyName(field.Name);
            WriteField(writer, field, version, here);
        }

        writer.WriteEndObject();
        writer.WriteStartArray("required");
        foreach (string name in required)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("additionalProperties", false);
    }

    private static void WriteField(Utf8JsonWriter writer, FieldSchema field, int version, string path)
    {
        writer.WriteStartObject();
        if (field.Description is not null)
        {
            writer.WriteString("description", field.Description);
        }

        writer.WriteString("$comment", FieldComment(field));
        switch (field.Kind)
        {
            case FieldKind.Bool:
                writer.WriteString("type", "boolean");
                break;
            case FieldKind.FixedBytes:
                WriteHex(writer, field.Size, field.Size);
                break;
            case FieldKind.Bytes:
                WriteHex(writer, -1, field.Size == 0 ? -1 : field.Size);
                break;
            case FieldKind.String:
                writer.WriteString("type", "string");
                if (field.Size != 0)
                {
                    // The bound counts UTF-8 bytes; a string of at most N bytes has at most N code points, so this
                    // never rejects a valid value (it is necessary, not sufficient).
                    writer.WriteNumber("maxLength", field.Size);
                }

                break;
            case FieldKind.UInt16Array or FieldKind.UInt32Array or FieldKind.UInt64Array:
                writer.WriteString("type", "array");
                writer.WriteStartObject("items");
                WriteIntegerBody(writer, field.Kind switch
                {
                    FieldKind.UInt16Array => FieldKind.UInt16,
                    FieldKind.UInt32Array => FieldKind.UInt32,
                    _ => FieldKind.UInt64,
                });
                writer.WriteEndObject();
                writer.WriteNumber("minItems", field.Size);
                writer.WriteNumber("maxItems", field.Size);
                break;
            case FieldKind.Struct or FieldKind.Optional:
                WriteObjectBody(writer, field.Fields, version, path);
                break;
            case FieldKind.List:
                writer.WriteString("type", "array");
                writer.WriteStartObject("items");
                WriteObjectBody(writer, field.Fields, version, path + "[]");
                writer.WriteEndObject();
                if (field.Size != 0)
                {
                    writer.WriteNumber("maxItems", field.Size);
                }

                break;
            case FieldKind.Blob:
                WriteBlob(writer, field.Size);
                break;
            default:
                WriteIntegerBody(writer, field.Kind);
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteIntegerBody(Utf8JsonWriter writer, FieldKind kind)
    {
        writer.WriteString("type", "integer");
        switch (kind)
        {
            case FieldKind.UInt8:
                writer.WriteNumber("minimum", 0);
                writer.WriteNumber("maximum", byte.MaxValue);
                break;
            case FieldKind.UInt16:
                writer.WriteNumber("minimum", 0);
                writer.WriteNumber("maximum", ushort.MaxValue);
                break;
            case FieldKind.UInt32:
                writer.WriteNumber("minimum", 0);
                writer.WriteNumber("maximum", uint.MaxValue);
                break;
            case FieldKind.UInt64:
                writer.WriteNumber("minimum", 0);
                writer.WriteNumber("maximum", ulong.MaxValue);
                break;
            case FieldKind.Int8:
                writer.WriteNumber("minimum", sbyte.MinValue);
                writer.WriteNumber("maximum", sbyte.MaxValue);
                break;
            case FieldKind.Int16:
                writer.WriteNumber("minimum", short.MinValue);
                writer.WriteNumber("maximum", short.MaxValue);
                break;
            case FieldKind.Int32:
                writer.WriteNumber("minimum", int.MinValue);
                writer.WriteNumber("maximum", int.MaxValue);
                break;
            default:
                writer.WriteNumber("minimum", long.MinValue);
                writer.WriteNumber("maximum", long.MaxValue);
                break;
        }
    }

    private static void WriteHex(Utf8JsonWriter writer, int minBytes, int maxBytes)
    {
        writer.WriteString("type", "string");
        writer.WriteString("pattern", HexPattern);
        if (minBytes >= 0)
        {
            writer.WriteNumber("minLength", 2L * minBytes);
        }

        if (maxBytes >= 0)
        {
            writer.WriteNumber("maxLength", 2L * maxBytes);
        }
    }

    private static void WriteBlob(Utf8JsonWriter writer, int maxLength)
    {
        writer.WriteString("type", "object");
        writer.WriteStartObject("properties");
        writer.WriteStartObject("length");
        writer.WriteString("description", "The blob's length in bytes");
        writer.WriteString("type", "integer");
        writer.WriteNumber("minimum", 0);
        if (maxLength != 0)
        {
            writer.WriteNumber("maximum", maxLength);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("sha256");
        writer.WriteString("description", "SHA-256 of the blob's bytes, lower-case hex");
        writer.WriteString("type", "string");
        writer.WriteString("pattern", Sha256Pattern);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartArray("required");
        writer.WriteStringValue("length");
        writer.WriteStringValue("sha256");
        writer.WriteEndArray();
        writer.WriteBoolean("additionalProperties", false);
    }
}
