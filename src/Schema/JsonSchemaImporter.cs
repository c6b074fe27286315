using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>
/// Reads back a JSON Schema that <see cref="JsonSchemaExporter"/> wrote, into the <see cref="DeviceSchema"/> it came
/// from (docs/schema.md §2): the device and every field are recovered from the <c>$comment</c> annotations, the
/// names and nesting from <c>properties</c> and <c>items</c>, descriptions from <c>description</c>. The export holds
/// only the fields that exist at its version, so the import holds those too.
/// </summary>
public static class JsonSchemaImporter
{
    private const string Prefix = "migfmt: ";

    /// <summary>Tells whether a document is a JSON Schema written by <see cref="JsonSchemaExporter"/>.</summary>
    /// <param name="utf8Json">The document.</param>
    /// <returns><see langword="true"/> when its root has the exporter's dialect and a <c>migfmt: device=</c> comment.</returns>
    public static bool IsExportedJsonSchema(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 64 });
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            JsonElement root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("$schema", out JsonElement dialect) && dialect.ValueKind == JsonValueKind.String
                && root.TryGetProperty("$comment", out JsonElement comment) && comment.ValueKind == JsonValueKind.String
                && (comment.GetString() ?? string.Empty).StartsWith(Prefix + "device=", StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads a JSON Schema written by <see cref="JsonSchemaExporter"/>.</summary>
    /// <param name="utf8Json">The document.</param>
    /// <returns>The device schema.</returns>
    /// <exception cref="MigrationFormatException">The document is not JSON, or not such a JSON Schema; <c>FieldPath</c> is the JSON path at fault.</exception>
    public static DeviceSchema Import(ReadOnlyMemory<byte> utf8Json)
    {
        using JsonDocument document = SchemaDocument.ParseJson(utf8Json);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("$", "an object");
        }

        Dictionary<string, string> device = Annotations(root, "$", "device");
        string id = Required(device, "device", "$.$comment");
        int version = Number(device, "version", "$.$comment");
        var schema = new DeviceSchema(id, version)
        {
            MinimumVersion = device.ContainsKey("minimumVersion") ? Number(device, "minimumVersion", "$.$comment") : version,
            CurrentVersion = device.ContainsKey("currentVersion") ? Number(device, "currentVersion", "$.$comment") : version,
            ModelId = device.GetValueOrDefault("model"),
            Description = Text(root, "description", "$"),
        };
        ReadProperties(root, "$", schema.Fields);
        return schema;
    }

    private static void ReadProperties(JsonElement objectSchema, string path, IList<FieldSchema> target)
    {
        if (!objectSchema.TryGetProperty("properties", out JsonElement properties))
        {
            return;
        }

        if (properties.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path + ".properties", "an object");
        }

        var tags = new HashSet<int>();
        foreach (JsonProperty property in properties.EnumerateObject())
        {
            string here = path + ".properties." + property.Name;
            JsonElement value = property.Value;
            if (value.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(here, "an object");
            }

            Dictionary<string, string> annotations = Annotations(value, here, "tag");
            string tagText = Required(annotations, "tag", here + ".$comment");
            bool skippable = tagText.StartsWith("[PRIVATE ", StringComparison.Ordinal);
            string number = tagText.TrimStart('[').Replace("PRIVATE ", string.Empty, StringComparison.Ordinal).TrimEnd(']');
            if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int tag))
            {
                throw Invalid(here + ".$comment", "a tag such as [3] or [PRIVATE 9]");
            }

            if (annotations.ContainsKey("skippable") != skippable || annotations.ContainsKey("must-parse") == skippable)
            {
                throw Invalid(here + ".$comment", "the flag that matches the tag (must-parse for [n], skippable for [PRIVATE n])");
            }

            FieldKind kind = ParseKind(Required(annotations, "type", here + ".$comment"), here);
            var field = new FieldSchema(property.Name, tag, kind)
            {
                Skippable = skippable,
                Since = annotations.ContainsKey("since") ? Number(annotations, "since", here + ".$comment") : 1,
                RemovedIn = annotations.ContainsKey("removedIn") ? Number(annotations, "removedIn", here + ".$comment") : 0,
                Size = annotations.ContainsKey("size") ? Number(annotations, "size", here + ".$comment") : 0,
                Description = Text(value, "description", here),
            };
            if (!tags.Add(tag))
            {
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Tag {tag} is used twice in one structure.", -1, here + ".$comment");
            }

            if (kind is FieldKind.Struct or FieldKind.Optional)
            {
                ReadProperties(value, here, field.Fields);
            }
            else if (kind == FieldKind.List)
            {
                if (!value.TryGetProperty("items", out JsonElement items) || items.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid(here + ".items", "an object (the list element's schema)");
                }

                ReadProperties(items, here + ".items", field.Fields);
            }

            target.Add(field);
        }
    }

    /// <summary>Reads the <c>migfmt: key=value ...</c> words of a <c>$comment</c>; a bare word maps to itself.</summary>
    private static Dictionary<string, string> Annotations(JsonElement element, string path, string first)
    {
        string? comment = Text(element, "$comment", path);
        if (comment is null || !comment.StartsWith(Prefix + first + "=", StringComparison.Ordinal))
        {
            throw Invalid(path + ".$comment", $"a string starting \"{Prefix}{first}=\" (written by JsonSchemaExporter)");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string rest = comment[Prefix.Length..];

        // A tag has a space inside its brackets ([PRIVATE 9]); the model id comes last and is taken whole.
        int start = 0;
        while (start < rest.Length)
        {
            int end = rest.IndexOf(' ', start);
            if (rest.AsSpan(start).StartsWith("tag=[PRIVATE ", StringComparison.Ordinal))
            {
                end = rest.IndexOf(']', start);
                end = end < 0 ? -1 : end + 1;
            }
            else if (rest.AsSpan(start).StartsWith("model=", StringComparison.Ordinal))
            {
                end = -1;
            }

            string word = end < 0 ? rest[start..] : rest[start..end];
            int equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                values[word] = word;
            }
            else
            {
                values[word[..equals]] = word[(equals + 1)..];
            }

            start = end < 0 ? rest.Length : end + 1;
        }

        return values;
    }

    private static string Required(Dictionary<string, string> values, string key, string path) =>
        values.TryGetValue(key, out string? value) && value.Length > 0 ? value : throw Invalid(path, $"a {key}= annotation");

    private static int Number(Dictionary<string, string> values, string key, string path) =>
        int.TryParse(Required(values, key, path), NumberStyles.None, CultureInfo.InvariantCulture, out int number)
            ? number
            : throw Invalid(path, $"a non-negative integer in {key}=");

    private static string? Text(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Invalid(path + "." + name, "a string");
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException ex)
        {
            throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "The string is not valid Unicode text.", -1, path + "." + name, ex);
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

        throw Invalid(path + ".$comment", $"a known type= (found '{name}')");
    }

    private static MigrationFormatException Invalid(string path, string expected) =>
        new(MigrationErrorKind.UnexpectedValue, $"The JSON Schema needs {expected} at {path}.", -1, path);
}
