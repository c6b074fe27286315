using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>The catalog document: writing an entry, and reading a whole document back (docs/catalog.md §1).</summary>
public sealed partial class DeviceCatalog
{
    /// <summary>Tells whether a document is a catalog document of this or the first format.</summary>
    /// <param name="utf8Json">The document.</param>
    /// <returns><see langword="true"/> when its root's <c>format</c> is <c>migfmt-catalog/…</c>.</returns>
    public static bool IsCatalog(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 64 });
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("format", out JsonElement format)
                && format.ValueKind == JsonValueKind.String
                && format.GetString() is { } name
                && name.StartsWith("migfmt-catalog/", StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads a catalog document (another host's <c>migfmt describe</c>): its types resolve and check configurations but
    /// create no device, and <see cref="SchemaFor"/> gives the schemas the document carries.
    /// </summary>
    /// <param name="utf8Json">The document.</param>
    /// <returns>The catalog.</returns>
    /// <exception cref="MigrationFormatException">The document is not a valid catalog document; <c>FieldPath</c> is the JSON path at fault.</exception>
    public static DeviceCatalog Parse(ReadOnlyMemory<byte> utf8Json)
    {
        using JsonDocument document = SchemaDocument.ParseJson(utf8Json);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out JsonElement format) || !format.ValueEquals(Format))
        {
            throw Invalid("$.format", $"\"{Format}\"");
        }

        if (!root.TryGetProperty("devices", out JsonElement devices) || devices.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("$.devices", "an array");
        }

        var catalog = new DeviceCatalog();
        int index = 0;
        foreach (JsonElement device in devices.EnumerateArray())
        {
            string path = string.Create(CultureInfo.InvariantCulture, $"$.devices[{index++}]");
            try
            {
                DeviceType type = ReadType(device, path);
                if (catalog.Find(type.Id) is not null || catalog.FindModel(type.ModelId) is not null)
                {
                    throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Device '{type.Id}' ({type.ModelId}) is listed twice.", -1, path);
                }

                catalog.Add(type);
            }
            catch (ArgumentException ex)
            {
                // A parameter or version set the library refuses (a default out of range, an unknown name): the
                // document describes no device this library could have written.
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, "The catalog document describes an invalid device: " + ex.Message, -1,
                    path, ex);
            }
            catch (InvalidOperationException ex)
            {
                // An escaped lone surrogate is valid JSON but not text.
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, "The catalog document holds a value that is not text: " + ex.Message,
                    -1, path, ex);
            }
        }

        if (root.TryGetProperty("schemas", out JsonElement schemas))
        {
            if (schemas.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("$.schemas", "an object");
            }

            foreach (JsonProperty schema in schemas.EnumerateObject())
            {
                catalog._documentSchemas[schema.Name] = SchemaDocument.Parse(System.Text.Encoding.UTF8.GetBytes(schema.Value.GetRawText()));
            }
        }

        return catalog;
    }

    private static void DescribeEntry(Utf8JsonWriter writer, DeviceType type)
    {
        writer.WriteStartObject();
        writer.WriteString("model", type.ModelId);
        writer.WriteString("device", type.Id);
        if (type.Description is not null)
        {
            writer.WriteString("description", type.Description);
        }

        writer.WriteNumber("minimumVersion", type.MinimumVersion);
        writer.WriteNumber("currentVersion", type.CurrentVersion);
        writer.WriteString("latest", type.LatestConfiguration.ToString());
        writer.WriteStartArray("parameters");
        foreach (DeviceParameter parameter in type.Parameters)
        {
            DescribeParameter(writer, parameter);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("versions");
        for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", version);
            writer.WriteString("schema", SchemaKey(type.Id, version));
            writer.WriteStartObject("parameters");
            foreach (KeyValuePair<string, string> parameter in type.ImpliedBy(version).OrderBy(p => IndexOf(type, p.Key)))
            {
                writer.WriteString(parameter.Key, parameter.Value);
            }

            writer.WriteEndObject();
            writer.WriteStartArray("layouts");
            foreach (DeviceConfiguration layout in type.LayoutVariants(version))
            {
                writer.WriteStringValue(SchemaKey(layout));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static int IndexOf(DeviceType type, string name)
    {
        for (int i = 0; i < type.Parameters.Count; i++)
        {
            if (type.Parameters[i].Name == name)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static void DescribeParameter(Utf8JsonWriter writer, DeviceParameter parameter)
    {
        writer.WriteStartObject();
        writer.WriteString("name", parameter.Name);
        writer.WriteString("type", TypeName(parameter.Type));
        if (parameter.Type == ParameterType.Integer)
        {
            writer.WriteNumber("minimum", parameter.Minimum!.Value);
            writer.WriteNumber("maximum", parameter.Maximum!.Value);
        }

        if (parameter.Values.Count > 0)
        {
            writer.WriteStartArray("values");
            foreach (string value in parameter.Values)
            {
                if (parameter.Type == ParameterType.Integer)
                {
                    writer.WriteNumberValue(long.Parse(value, CultureInfo.InvariantCulture));
                }
                else
                {
                    writer.WriteStringValue(value);
                }
            }

            writer.WriteEndArray();
        }

        if (parameter.MaxLength > 0)
        {
            writer.WriteNumber("maxLength", parameter.MaxLength);
        }

        writer.WriteString("default", parameter.DefaultText);
        if (parameter.ChangesLayout)
        {
            writer.WriteBoolean("changesLayout", true);
        }

        if (parameter.Overridable)
        {
            writer.WriteBoolean("overridable", true);
        }

        if (parameter.Description is not null)
        {
            writer.WriteString("description", parameter.Description);
        }

        writer.WriteEndObject();
    }

    private static string TypeName(ParameterType type) => type switch
    {
        ParameterType.Bool => "bool",
        ParameterType.Integer => "integer",
        ParameterType.Enum => "enum",
        _ => "string",
    };

    private static DeviceType ReadType(JsonElement device, string path)
    {
        if (device.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, "an object");
        }

        string id = String(device, "device", path);
        string model = String(device, "model", path);
        int minimum = Integer(device, "minimumVersion", path, 1);
        int current = Integer(device, "currentVersion", path, minimum);
        string? description = device.TryGetProperty("description", out JsonElement text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
        var parameters = new List<DeviceParameter>();
        if (device.TryGetProperty("parameters", out JsonElement declared))
        {
            if (declared.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(path + ".parameters", "an array");
            }

            int p = 0;
            foreach (JsonElement parameter in declared.EnumerateArray())
            {
                parameters.Add(ReadParameter(parameter, string.Create(CultureInfo.InvariantCulture, $"{path}.parameters[{p++}]")));
            }
        }

        var versions = new Dictionary<int, string>();
        if (device.TryGetProperty("versions", out JsonElement entries))
        {
            if (entries.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(path + ".versions", "an array");
            }

            int v = 0;
            foreach (JsonElement entry in entries.EnumerateArray())
            {
                string here = string.Create(CultureInfo.InvariantCulture, $"{path}.versions[{v++}]");
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid(here, "an object");
                }

                int version = Integer(entry, "version", here, minimum);
                if (version > current || versions.ContainsKey(version))
                {
                    throw Invalid(here + ".version", string.Create(CultureInfo.InvariantCulture, $"a version from {minimum} to {current}, once"));
                }

                versions[version] = ImpliedValues(entry, here);
            }
        }

        return new DeviceType(id, model, current, minimum, factory: null, new DeviceParameterSet(parameters, versions), description);
    }

    /// <summary>A version's implied values as a configuration string, in the document's order.</summary>
    private static string ImpliedValues(JsonElement entry, string path)
    {
        var items = new List<KeyValuePair<string, string>>();
        if (entry.TryGetProperty("parameters", out JsonElement values))
        {
            if (values.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path + ".parameters", "an object");
            }

            foreach (JsonProperty value in values.EnumerateObject())
            {
                if (value.Value.ValueKind != JsonValueKind.String || !DeviceParameter.IsValidName(value.Name))
                {
                    throw Invalid(path + ".parameters." + value.Name, "a string value under a parameter name");
                }

                items.Add(new(value.Name, value.Value.GetString()!));
            }
        }

        return new ConfigurationString(null, items).ToString();
    }

    private static DeviceParameter ReadParameter(JsonElement parameter, string path)
    {
        if (parameter.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, "an object");
        }

        string name = String(parameter, "name", path);
        string type = String(parameter, "type", path);
        string defaultText = parameter.TryGetProperty("default", out JsonElement d) && d.ValueKind == JsonValueKind.String
            ? d.GetString()!
            : throw Invalid(path + ".default", "a string");
        bool changesLayout = Flag(parameter, "changesLayout", path);
        bool overridable = Flag(parameter, "overridable", path);
        string? description = parameter.TryGetProperty("description", out JsonElement text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
        switch (type)
        {
            case "bool":
                return DeviceParameter.Bool(name, Parse<bool>(DeviceParameter.Bool(name, false), defaultText, path), description, changesLayout, overridable);
            case "integer":
                long minimum = Long(parameter, "minimum", path), maximum = Long(parameter, "maximum", path);
                if (parameter.TryGetProperty("values", out JsonElement listed))
                {
                    long[] values = listed.ValueKind == JsonValueKind.Array
                        ? [.. listed.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long n)
                            ? n
                            : throw Invalid(path + ".values", "integers"))]
                        : throw Invalid(path + ".values", "an array");
                    var listedParameter = DeviceParameter.Integer(name, values, values.Length > 0 ? values[0] : 0, description, changesLayout, overridable);
                    return DeviceParameter.Integer(name, values, Parse(listedParameter, defaultText, path), description, changesLayout, overridable);
                }

                var ranged = DeviceParameter.Integer(name, minimum, maximum, minimum, description, false, overridable);
                return DeviceParameter.Integer(name, minimum, maximum, Parse(ranged, defaultText, path), description, changesLayout, overridable);
            case "enum":
                string[] names = parameter.TryGetProperty("values", out JsonElement list) && list.ValueKind == JsonValueKind.Array
                    ? [.. list.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Invalid(path + ".values", "strings"))]
                    : throw Invalid(path + ".values", "an array of strings");
                return DeviceParameter.Enum(name, names, defaultText, description, changesLayout, overridable);
            case "string":
                int maxLength = parameter.TryGetProperty("maxLength", out JsonElement bound)
                    ? (bound.ValueKind == JsonValueKind.Number && bound.TryGetInt32(out int length) && length >= 0
                        ? length
                        : throw Invalid(path + ".maxLength", "a count"))
                    : 0;
                return DeviceParameter.String(name, defaultText, maxLength, description, overridable);
            default:
                throw Invalid(path + ".type", "bool, integer, enum or string");
        }
    }

    private static T Parse<T>(DeviceParameter<T> parameter, string text, string path)
        where T : notnull =>
        parameter.TryParse(text, out T? value) ? value : throw Invalid(path + ".default", parameter.Domain);

    private static bool Flag(JsonElement element, string name, string path) =>
        element.TryGetProperty(name, out JsonElement value)
            && value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Invalid(path + "." + name, "true or false"),
            };

    private static long Long(JsonElement element, string name, string path) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number)
            ? number
            : throw Invalid(path + "." + name, "an integer");

    private static string String(JsonElement element, string name, string path) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Invalid(path + "." + name, "a non-empty string");

    private static int Integer(JsonElement element, string name, string path, int min) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) && number >= min
            ? number
            : throw Invalid(path + "." + name, string.Create(CultureInfo.InvariantCulture, $"an integer of at least {min}"));

    private static MigrationFormatException Invalid(string path, string expected) =>
        new(MigrationErrorKind.UnexpectedValue, $"The catalog document needs {expected} at {path}.", -1, path);
}
