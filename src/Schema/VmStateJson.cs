using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>
/// Converts between <see cref="DeviceSchema"/> and the JSON QEMU writes with <c>-dump-vmstate</c> (the input of
/// QEMU's <c>scripts/vmstate-static-checker.py</c>). The mapping, both ways, is in docs/schema.md.
/// </summary>
/// <remarks>
/// A QEMU file is an object keyed by QOM type name; each device has <c>Name</c>, <c>version_id</c>,
/// <c>minimum_version_id</c> and a <c>Description</c> holding <c>Fields</c> (each with <c>field</c>,
/// <c>version_id</c>, <c>field_exists</c>, <c>size</c> and, for a structure, a nested <c>Description</c>) and
/// <c>Subsections</c>. QEMU streams are positional, so an imported field's tag is its index among its siblings
/// (subsections follow the fields).
/// </remarks>
public static class VmStateJson
{
    /// <summary>The prefix of the <see cref="DeviceSchema.ModelId"/> given to imported devices: <c>urn:qemu:type:</c> then the QOM type name.</summary>
    public const string QemuModelPrefix = "urn:qemu:type:";

    /// <summary>The description an imported field gets when QEMU marks it <c>field_exists</c> (sent only when a test function passes); export writes such a
    /// field back with <c>field_exists: true</c>.</summary>
    public const string ConditionalDescription = "Sent only when QEMU's field_exists test passes";

    private const int MaxDepth = 64;

    /// <summary>Exports one device schema as a <c>-dump-vmstate</c> file holding that device.</summary>
    /// <param name="schema">The device version.</param>
    /// <param name="indented">Indent for people.</param>
    /// <returns>The UTF-8 JSON document.</returns>
    public static byte[] Export(DeviceSchema schema, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return Export([schema], indented);
    }

    /// <summary>Exports device schemas as one <c>-dump-vmstate</c> file.</summary>
    /// <param name="schemas">The device versions; their keys (<see cref="KeyOf"/>) must differ.</param>
    /// <param name="indented">Indent for people.</param>
    /// <returns>The UTF-8 JSON document.</returns>
    /// <exception cref="ArgumentException">Two schemas have the same key.</exception>
    public static byte[] Export(IEnumerable<DeviceSchema> schemas, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(schemas);
        return JsonBytes.Write(
            writer =>
            {
                var keys = new HashSet<string>(StringComparer.Ordinal);
                writer.WriteStartObject();
                foreach (DeviceSchema schema in schemas)
                {
                    ArgumentNullException.ThrowIfNull(schema);
                    string key = KeyOf(schema);
                    if (!keys.Add(key))
                    {
                        throw new ArgumentException($"Two schemas export under the key '{key}'.", nameof(schemas));
                    }

                    writer.WritePropertyName(key);
                    WriteDevice(writer, schema);
                }

                writer.WriteEndObject();
            },
            indented);
    }

    /// <summary>Writes one device as a <c>-dump-vmstate</c> entry (the value under its key).</summary>
    /// <param name="writer">The JSON writer.</param>
    /// <param name="schema">The device version.</param>
    public static void WriteDevice(Utf8JsonWriter writer, DeviceSchema schema)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(schema);
        writer.WriteStartObject();
        writer.WriteString("Name", KeyOf(schema));
        writer.WriteNumber("version_id", schema.Version);
        writer.WriteNumber("minimum_version_id", schema.MinimumVersion);
        writer.WritePropertyName("Description");
        WriteDescription(writer, schema.Id, schema.Version, schema.MinimumVersion, schema.Fields, schema.Version);
        writer.WriteEndObject();
    }

    /// <summary>Gets the key (and <c>Name</c>) a schema exports under: the QOM type of an imported device, else its id.</summary>
    /// <param name="schema">The schema.</param>
    /// <returns>The key.</returns>
    public static string KeyOf(DeviceSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.ModelId is { } model && model.StartsWith(QemuModelPrefix, StringComparison.Ordinal) && model.Length > QemuModelPrefix.Length
            ? model[QemuModelPrefix.Length..]
            : schema.Id;
    }

    /// <summary>
    /// Checks two imported <c>-dump-vmstate</c> files, pairing devices by their key (<see cref="KeyOf"/>: the QOM
    /// type) as QEMU's <c>vmstate-static-checker.py</c> does, not by section id: several QOM types share one
    /// vmstate name (<c>vga</c>, <c>uhci</c>) with different fields.
    /// </summary>
    /// <param name="source">The saving QEMU's devices.</param>
    /// <param name="destination">The loading QEMU's devices.</param>
    /// <returns>The merged verdict; a source device the destination lacks is a <see cref="CompatibilityIssueKind.DeviceMismatch"/>.</returns>
    public static CompatibilityReport Check(IEnumerable<DeviceSchema> source, IEnumerable<DeviceSchema> destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var byKey = new Dictionary<string, DeviceSchema>(StringComparer.Ordinal);
        foreach (DeviceSchema schema in destination)
        {
            byKey[KeyOf(schema)] = schema;
        }

        var report = new CompatibilityReport();
        foreach (DeviceSchema schema in source)
        {
            string key = KeyOf(schema);
            if (byKey.TryGetValue(key, out DeviceSchema? target))
            {
                report.Merge(CompatibilityChecker.Check(schema, target));
            }
            else
            {
                report.Add(new(CompatibilityIssueKind.DeviceMismatch, schema.Id, string.Empty, $"the destination has no device of type '{key}'"));
            }
        }

        return report;
    }

    /// <summary>
    /// Tells a <c>-dump-vmstate</c> file from the library's own schema documents, which name their format in a
    /// <c>format</c> member: QEMU's is an object of QOM types with no such member.
    /// </summary>
    /// <param name="utf8Json">A JSON document.</param>
    /// <returns><see langword="true"/> for a QEMU vmstate dump.</returns>
    /// <exception cref="MigrationFormatException">The bytes are not JSON.</exception>
    public static bool IsVmStateJson(ReadOnlyMemory<byte> utf8Json)
    {
        using JsonDocument document = SchemaDocument.ParseJson(utf8Json);
        return document.RootElement.ValueKind == JsonValueKind.Object && !document.RootElement.TryGetProperty("format", out _);
    }

    /// <summary>Reads a <c>-dump-vmstate</c> file into one schema per device entry (entries without a <c>Description</c>, such as <c>vmschkmachine</c>, are
    /// left out).</summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <returns>The schemas, in file order; <see cref="DeviceSchema.Id"/> is the vmstate name (the stream's section id), <see cref="DeviceSchema.ModelId"/> is
    /// <see cref="QemuModelPrefix"/> plus the key.</returns>
    /// <exception cref="MigrationFormatException">The file is not JSON or does not have the <c>-dump-vmstate</c> shape;
    /// <see cref="MigrationFormatException.FieldPath"/> is the JSON path.</exception>
    public static IReadOnlyList<DeviceSchema> Import(ReadOnlyMemory<byte> utf8Json)
    {
        using JsonDocument document = SchemaDocument.ParseJson(utf8Json);
        JsonElement root = document.RootElement;
        RequireObject(root, "$");
        var schemas = new List<DeviceSchema>();
        foreach (JsonProperty entry in root.EnumerateObject())
        {
            string path = "$" + Member(entry.Name);
            RequireObject(entry.Value, path);
            if (!entry.Value.TryGetProperty("Description", out JsonElement description))
            {
                continue;
            }

            string descriptionPath = path + ".Description";
            RequireObject(description, descriptionPath);
            int version = RequireInt(entry.Value, "version_id", path);
            int minimum = entry.Value.TryGetProperty("minimum_version_id", out _) ? RequireInt(entry.Value, "minimum_version_id", path) : version;
            var schema = new DeviceSchema(RequireString(description, "name", descriptionPath), version)
            {
                ModelId = QemuModelPrefix + entry.Name,
                MinimumVersion = Math.Min(minimum, version),
                CurrentVersion = version,
            };
            ReadDescription(description, descriptionPath, schema.Fields, 0);
            schemas.Add(schema);
        }

        return schemas;
    }

    private static void WriteDescription(Utf8JsonWriter writer, string name, int version, int minimumVersion, IList<FieldSchema> fields, int streamVersion)
    {
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteNumber("version_id", version);
        writer.WriteNumber("minimum_version_id", minimumVersion);
        WriteFieldsAndSubsections(writer, name, fields, streamVersion);
        writer.WriteEndObject();
    }

    private static void WriteFieldsAndSubsections(Utf8JsonWriter writer, string parentName, IList<FieldSchema> fields, int streamVersion)
    {
        var groups = new List<FieldSchema>();
        bool any = false;
        foreach (FieldSchema field in fields)
        {
            if (!field.ExistsIn(streamVersion))
            {
                continue;
            }

            if (field.Kind == FieldKind.Optional)
            {
                groups.Add(field);
                continue;
            }

            if (!any)
            {
                writer.WriteStartArray("Fields");
                any = true;
            }

            writer.WriteStartObject();
            writer.WriteString("field", field.Name);
            writer.WriteNumber("version_id", field.Since);
            writer.WriteBoolean("field_exists", string.Equals(field.Description, ConditionalDescription, StringComparison.Ordinal));
            writer.WriteNumber("size", SizeOf(field, streamVersion));
            if (field.Kind is FieldKind.Struct or FieldKind.List)
            {
                writer.WritePropertyName("Description");
                string nestedName = field.Kind == FieldKind.List ? field.Name + "[]" : field.Name;
                WriteDescription(writer, nestedName, streamVersion, 1, field.Fields, streamVersion);
            }

            writer.WriteEndObject();
        }

        if (any)
        {
            writer.WriteEndArray();
        }

        if (groups.Count == 0)
        {
            return;
        }

        writer.WriteStartArray("Subsections");
        foreach (FieldSchema group in groups)
        {
            string name = group.Name.Contains('/', StringComparison.Ordinal) ? group.Name : parentName + "/" + group.Name;
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteNumber("version_id", 1);
            writer.WriteNumber("minimum_version_id", 1);
            WriteFieldsAndSubsections(writer, name, group.Fields, streamVersion);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>The bytes a field takes in the legacy stream; 0 for variable sizes (bytes, strings, lists' counts, blobs).</summary>
    private static long SizeOf(FieldSchema field, int streamVersion) => field.Kind switch
    {
        FieldKind.UInt8 or FieldKind.Int8 or FieldKind.Bool => 1,
        FieldKind.UInt16 or FieldKind.Int16 => 2,
        FieldKind.UInt32 or FieldKind.Int32 => 4,
        FieldKind.UInt64 or FieldKind.Int64 => 8,
        FieldKind.FixedBytes => field.Size,
        FieldKind.UInt16Array => 2L * field.Size,
        FieldKind.UInt32Array => 4L * field.Size,
        FieldKind.UInt64Array => 8L * field.Size,
        FieldKind.Struct => field.Size != 0 ? field.Size : SumOf(field.Fields, streamVersion),
        FieldKind.List => SumOf(field.Fields, streamVersion),
        _ => 0,
    };

    private static long SumOf(IList<FieldSchema> fields, int streamVersion)
    {
        long total = 0;
        foreach (FieldSchema field in fields)
        {
            if (field.ExistsIn(streamVersion) && field.Kind != FieldKind.Optional)
            {
                total += SizeOf(field, streamVersion);
            }
        }

        return total;
    }

    private static void ReadDescription(JsonElement description, string path, IList<FieldSchema> target, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new MigrationFormatException(MigrationErrorKind.LimitExceeded, $"Descriptions nest deeper than {MaxDepth} levels.", -1, path);
        }

        int tag = 0;
        if (description.TryGetProperty("Fields", out JsonElement fields))
        {
            RequireArray(fields, path + ".Fields");
            int index = 0;
            foreach (JsonElement element in fields.EnumerateArray())
            {
                string here = string.Create(CultureInfo.InvariantCulture, $"{path}.Fields[{index++}]");
                RequireObject(element, here);
                string fieldName = RequireString(element, "field", here);
                int since = RequireInt(element, "version_id", here);
                int size = RequireInt(element, "size", here);
                bool conditional = element.TryGetProperty("field_exists", out JsonElement exists) && RequireBool(exists, here + ".field_exists");
                FieldSchema field;
                if (element.TryGetProperty("Description", out JsonElement nested))
                {
                    string nestedPath = here + ".Description";
                    RequireObject(nested, nestedPath);
                    string nestedName = RequireString(nested, "name", nestedPath);
                    bool isList = nestedName.EndsWith("[]", StringComparison.Ordinal);
                    field = new FieldSchema(fieldName, tag++, isList ? FieldKind.List : FieldKind.Struct) { Since = since, Size = isList ? 0 : size };
                    ReadDescription(nested, nestedPath, field.Fields, depth + 1);
                }
                else
                {
                    FieldKind kind = size switch
                    {
                        1 => FieldKind.UInt8,
                        2 => FieldKind.UInt16,
                        4 => FieldKind.UInt32,
                        8 => FieldKind.UInt64,
                        _ => FieldKind.FixedBytes,
                    };
                    field = new FieldSchema(fieldName, tag++, kind) { Since = since, Size = kind == FieldKind.FixedBytes ? size : 0 };
                }

                if (conditional)
                {
                    field.Description = ConditionalDescription;
                }

                target.Add(field);
            }
        }

        if (description.TryGetProperty("Subsections", out JsonElement subsections))
        {
            RequireArray(subsections, path + ".Subsections");
            int index = 0;
            foreach (JsonElement element in subsections.EnumerateArray())
            {
                string here = string.Create(CultureInfo.InvariantCulture, $"{path}.Subsections[{index++}]");
                RequireObject(element, here);
                string full = RequireString(element, "name", here);
                // The full subsection name ("serial/tsr") is kept: a group name holding a '/' is used as is by the
                // legacy stream, so the imported schema names the same subsection QEMU sends.
                var group = new FieldSchema(full, tag++, FieldKind.Optional)
                {
                    Description = string.Create(CultureInfo.InvariantCulture, $"QEMU subsection '{full}' (version {RequireInt(element, "version_id", here)})"),
                };
                ReadDescription(element, here, group.Fields, depth + 1);
                target.Add(group);
            }
        }
    }

    private static string Member(string name)
    {
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return "['" + name.Replace("'", "\\'", StringComparison.Ordinal) + "']";
            }
        }

        return "." + name;
    }

    private static void RequireObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, "an object");
        }
    }

    private static void RequireArray(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(path, "an array");
        }
    }

    private static string RequireString(JsonElement element, string name, string path) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Invalid(path + "." + name, "a non-empty string");

    private static int RequireInt(JsonElement element, string name, string path) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) && number >= 0
            ? number
            : throw Invalid(path + "." + name, "a non-negative integer");

    private static bool RequireBool(JsonElement element, string path) =>
        element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(path, "a boolean"),
        };

    private static MigrationFormatException Invalid(string path, string expected) =>
        new(MigrationErrorKind.UnexpectedValue, $"The vmstate JSON needs {expected} at {path}.", -1, path);
}
