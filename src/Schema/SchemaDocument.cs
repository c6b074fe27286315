using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>
/// Reads and writes the library's own schema document (<c>migfmt-schema/1</c>, docs/schema.md): one device
/// version per document, or a catalog of many under <c>devices</c>.
/// </summary>
public static class SchemaDocument
{
    /// <summary>The value of the document's <c>format</c> member.</summary>
    public const string Format = "migfmt-schema/1";

    /// <summary>Writes one device schema.</summary>
    /// <param name="writer">The JSON writer.</param>
    /// <param name="schema">The schema.</param>
    public static void Write(Utf8JsonWriter writer, DeviceSchema schema)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(schema);
        writer.WriteStartObject();
        writer.WriteString("format", Format);
        writer.WriteString("device", schema.Id);
        if (schema.ModelId is not null)
        {
            writer.WriteString("model", schema.ModelId);
        }

        writer.WriteNumber("version", schema.Version);
        writer.WriteNumber("minimumVersion", schema.MinimumVersion);
        writer.WriteNumber("currentVersion", schema.CurrentVersion);
        if (schema.Description is not null)
        {
            writer.WriteString("description", schema.Description);
        }

        WriteFields(writer, schema.Fields);
        writer.WriteEndObject();
    }

    /// <summary>Serializes one device schema to UTF-8 JSON.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="indented">Indent for people; compact for embedding.</param>
    /// <returns>The document.</returns>
    public static byte[] ToUtf8(DeviceSchema schema, bool indented = false)
    {
        return JsonBytes.Write(writer => Write(writer, schema), indented);
    }

    /// <summary>Parses one device schema document.</summary>
    /// <param name="utf8Json">The document.</param>
    /// <returns>The schema.</returns>
    /// <exception cref="MigrationFormatException">The document is not JSON or not a valid schema document.</exception>
    public static DeviceSchema Parse(ReadOnlyMemory<byte> utf8Json)
    {
        JsonDocument document = ParseJson(utf8Json);
        using (document)
        {
            return ReadDevice(document.RootElement, "$");
        }
    }

    /// <summary>Parses a document holding one device schema or a catalog (<c>devices</c> array) of them.</summary>
    /// <param name="utf8Json">The document.</param>
    /// <returns>The schemas.</returns>
    /// <exception cref="MigrationFormatException">The document is not JSON or not a valid schema document.</exception>
    public static IReadOnlyList<DeviceSchema> ParseMany(ReadOnlyMemory<byte> utf8Json)
    {
        JsonDocument document = ParseJson(utf8Json);
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("devices", out JsonElement devices))
            {
                if (devices.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid("$.devices", "an array");
                }

                var list = new List<DeviceSchema>();
                int index = 0;
                foreach (JsonElement device in devices.EnumerateArray())
                {
                    list.Add(ReadDevice(device, $"$.devices[{index++}]"));
                }

                return list;
            }

            return [ReadDevice(root, "$")];
        }
    }

    internal static JsonDocument ParseJson(ReadOnlyMemory<byte> utf8Json)
    {
        // JsonDocument checks the UTF-8 of strings and property names only when they are read; check it all first so that
        // no later GetString or Name can throw.
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json.Span))
        {
            throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "The schema document is not valid UTF-8.", -1);
        }

        try
        {
            return JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.InvalidEncoding,
                "The schema document is not valid JSON: " + ex.Message,
                ex.BytePositionInLine ?? -1,
                ex.Path,
                ex);
        }
    }

    private static void WriteFields(Utf8JsonWriter writer, IList<FieldSchema> fields)
    {
        writer.WriteStartArray("fields");
        foreach (FieldSchema field in fields)
        {
            writer.WriteStartObject();
            writer.WriteString("name", field.Name);
            writer.WriteNumber("tag", field.Tag);
            writer.WriteString("type", field.Kind.SchemaName());
            if (field.Skippable)
            {
                writer.WriteBoolean("skippable", true);
            }

            if (field.Since != 1)
            {
                writer.WriteNumber("since", field.Since);
            }

            if (field.RemovedIn != 0)
            {
                writer.WriteNumber("removedIn", field.RemovedIn);
            }

            if (field.Size != 0)
            {
                writer.WriteNumber("size", field.Size);
            }

            if (field.Description is not null)
            {
                writer.WriteString("description", field.Description);
            }

            if (field.Fields.Count > 0 || field.Kind is FieldKind.Struct or FieldKind.List or FieldKind.Optional)
            {
                WriteFields(writer, field.Fields);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static DeviceSchema ReadDevice(JsonElement element, string path)
    {
        RequireObject(element, path);
        string format = RequireString(element, "format", path);
        if (format != Format)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnsupportedVersion,
                $"Expected a '{Format}' document; found format '{format}'.",
                -1,
                path + ".format");
        }

        var schema = new DeviceSchema(RequireNonEmptyString(element, "device", path), RequireInt(element, "version", path, 0))
        {
            ModelId = OptionalString(element, "model", path),
            Description = OptionalString(element, "description", path),
        };
        schema.MinimumVersion = element.TryGetProperty("minimumVersion", out _) ? RequireInt(element, "minimumVersion", path, 0) : schema.Version;
        schema.CurrentVersion = element.TryGetProperty("currentVersion", out _) ? RequireInt(element, "currentVersion", path, 0) : schema.Version;
        ReadFields(element, path, schema.Fields);
        return schema;
    }

    private static void ReadFields(JsonElement parent, string path, IList<FieldSchema> target)
    {
        if (!parent.TryGetProperty("fields", out JsonElement fields))
        {
            return;
        }

        if (fields.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(path + ".fields", "an array");
        }

        var tags = new HashSet<int>();
        int index = 0;
        foreach (JsonElement element in fields.EnumerateArray())
        {
            string here = $"{path}.fields[{index++}]";
            RequireObject(element, here);
            string typeName = RequireString(element, "type", here);
            FieldKind kind = ParseKind(typeName, here);
            var field = new FieldSchema(RequireNonEmptyString(element, "name", here), RequireInt(element, "tag", here, 0), kind)
            {
                Skippable = element.TryGetProperty("skippable", out JsonElement skippable) && RequireBool(skippable, here + ".skippable"),
                Since = element.TryGetProperty("since", out _) ? RequireInt(element, "since", here, 0) : 1,
                RemovedIn = element.TryGetProperty("removedIn", out _) ? RequireInt(element, "removedIn", here, 0) : 0,
                Size = element.TryGetProperty("size", out _) ? RequireInt(element, "size", here, 0) : 0,
                Description = OptionalString(element, "description", here),
            };
            if (!tags.Add(field.Tag))
            {
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Tag {field.Tag} is used twice in one structure.", -1, here + ".tag");
            }

            ReadFields(element, here, field.Fields);
            target.Add(field);
        }
    }

    private static FieldKind ParseKind(string name, string path)
    {
        foreach (FieldKind kind in Enum.GetValues<FieldKind>())
        {
            if (kind.SchemaName() == name)
            {
                return kind;
            }
        }

        throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Unknown field type '{name}'.", -1, path + ".type");
    }

    private static void RequireObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, "an object");
        }
    }

    private static string RequireString(JsonElement element, string name, string path) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? GetText(value, path + "." + name)
            : throw Invalid(path + "." + name, "a string");

    private static string RequireNonEmptyString(JsonElement element, string name, string path)
    {
        string text = RequireString(element, name, path);
        return text.Length > 0 ? text : throw Invalid(path + "." + name, "a non-empty string");
    }

    private static string? OptionalString(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? GetText(value, path + "." + name) : throw Invalid(path + "." + name, "a string");
    }

    private static string GetText(JsonElement value, string path)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            // An escaped lone surrogate (\uD800) is valid JSON but not text.
            throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "The string is not valid Unicode text.", -1, path, ex);
        }
    }

    private static int RequireInt(JsonElement element, string name, string path, int min) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) && number >= min
            ? number
            : throw Invalid(path + "." + name, $"an integer of at least {min}");

    private static bool RequireBool(JsonElement element, string path) =>
        element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(path, "a boolean"),
        };

    private static MigrationFormatException Invalid(string path, string expected) =>
        new(MigrationErrorKind.UnexpectedValue, $"The schema document needs {expected} at {path}.", -1, path);
}
