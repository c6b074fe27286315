using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.Text;

namespace MigrationFormat.Generators.Baselines;

/// <summary>One field of a released version, as its schema document recorded it.</summary>
internal sealed record BaselineField(
    string Name,
    int Tag,
    string Type,
    bool Skippable,
    int Since,
    int RemovedIn,
    int Size,
    EquatableArray<BaselineField> Fields)
{
    public bool ExistsIn(int version) => Since <= version && (RemovedIn == 0 || version < RemovedIn);
}

/// <summary>One released device version: the schema document <c>SchemaDocument</c> writes (<c>migfmt-schema/1</c>, docs/schema.md).</summary>
internal sealed record BaselineDevice(string Id, string? Model, int Version, int MinimumVersion, int CurrentVersion, EquatableArray<BaselineField> Fields)
{
    /// <summary>
    /// Whether this is a version of <paramref name="device"/>: the same section id and, when the document names one,
    /// the same model (a sample and a QEMU model may share a section id).
    /// </summary>
    public bool Describes(DeviceModel device) =>
        string.Equals(Id, device.Id, StringComparison.Ordinal) && (Model is null || string.Equals(Model, device.ModelId, StringComparison.Ordinal));
}

/// <summary>A schema baseline file: the device versions it holds, or why it cannot be read.</summary>
internal sealed record BaselineFile(string Path, string FileName, EquatableArray<BaselineDevice> Devices, DiagnosticInfo? Error);

/// <summary>
/// Reads schema baselines: one device version per document, or a catalog under <c>devices</c>, with the same
/// requirements as the library's <c>SchemaDocument.Parse</c>, so that a file the library rejects is rejected here.
/// </summary>
internal static class BaselineDocument
{
    public const string Format = "migfmt-schema/1";

    /// <summary>The file name suffix that makes an additional file a baseline.</summary>
    public const string Suffix = ".schema.json";

    private static readonly HashSet<string> KnownTypes = new(StringComparer.Ordinal)
    {
        "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "bool", "fixed-bytes", "bytes", "string",
        "uint16-array", "uint32-array", "uint64-array", "struct", "list", "optional", "blob",
    };

    /// <summary>Reads a baseline file; never throws on content.</summary>
    public static BaselineFile Read(string path, SourceText? text)
    {
        string fileName = System.IO.Path.GetFileName(path);
        if (text is null)
        {
            return Failed(path, fileName, "the file cannot be read", null, 0);
        }

        string content = text.ToString();
        try
        {
            JsonValue root = JsonReader.Parse(content);
            var devices = new List<BaselineDevice>();
            if (root.Kind == JsonKind.Object && root.Member("devices") is { } catalog)
            {
                if (catalog.Kind != JsonKind.Array)
                {
                    throw new SchemaException("'devices' must be an array", catalog.Offset);
                }

                devices.AddRange(catalog.Items.Select(ReadDevice));
            }
            else
            {
                devices.Add(ReadDevice(root));
            }

            return new BaselineFile(path, fileName, devices.ToEquatableArray(), null);
        }
        catch (JsonFormatException ex)
        {
            return Failed(path, fileName, "not JSON: " + ex.Message, text, ex.Offset);
        }
        catch (SchemaException ex)
        {
            return Failed(path, fileName, ex.Message, text, ex.Offset);
        }
    }

    private static BaselineFile Failed(string path, string fileName, string message, SourceText? text, int offset)
    {
        LocationInfo location;
        if (text is null || text.Length == 0)
        {
            location = new LocationInfo(path, default, default);
        }
        else
        {
            int start = Math.Min(offset, text.Length - 1);
            var span = new TextSpan(start, 1);
            location = new LocationInfo(path, span, text.Lines.GetLinePositionSpan(span));
        }

        return new BaselineFile(
            path,
            fileName,
            EquatableArray<BaselineDevice>.Empty,
            DiagnosticInfo.Create(DiagnosticDescriptors.BaselineUnreadable, location, fileName, message));
    }

    private static BaselineDevice ReadDevice(JsonValue element)
    {
        RequireObject(element, "a device schema");
        string format = RequireString(element, "format");
        if (format != Format)
        {
            throw new SchemaException($"'format' is '{format}'; a baseline is a '{Format}' document", element.Member("format")!.Offset);
        }

        string id = RequireString(element, "device");
        if (id.Length == 0)
        {
            throw new SchemaException("'device' is empty", element.Member("device")!.Offset);
        }

        string? model = null;
        if (element.Member("model") is { } modelValue)
        {
            model = modelValue.Kind == JsonKind.String ? modelValue.Text : throw new SchemaException("'model' must be a string", modelValue.Offset);
        }

        int version = RequireInt(element, "version");
        int minimum = OptionalInt(element, "minimumVersion", version);
        int current = OptionalInt(element, "currentVersion", version);
        return new BaselineDevice(id, model, version, minimum, current, ReadFields(element));
    }

    private static EquatableArray<BaselineField> ReadFields(JsonValue parent)
    {
        if (parent.Member("fields") is not { } fields)
        {
            return EquatableArray<BaselineField>.Empty;
        }

        if (fields.Kind != JsonKind.Array)
        {
            throw new SchemaException("'fields' must be an array", fields.Offset);
        }

        var list = new List<BaselineField>();
        var tags = new HashSet<int>();
        foreach (JsonValue element in fields.Items)
        {
            RequireObject(element, "a field");
            string name = RequireString(element, "name");
            if (name.Length == 0)
            {
                throw new SchemaException("a field's 'name' is empty", element.Member("name")!.Offset);
            }

            int tag = RequireInt(element, "tag");
            string type = RequireString(element, "type");
            if (!KnownTypes.Contains(type))
            {
                throw new SchemaException($"field '{name}' has the unknown type '{type}'", element.Member("type")!.Offset);
            }

            bool skippable = false;
            if (element.Member("skippable") is { } flag)
            {
                skippable = flag.Kind switch
                {
                    JsonKind.True => true,
                    JsonKind.False => false,
                    _ => throw new SchemaException($"field '{name}': 'skippable' must be true or false", flag.Offset),
                };
            }

            if (!tags.Add(tag))
            {
                throw new SchemaException($"tag {tag} is used twice in one structure", element.Member("tag")!.Offset);
            }

            list.Add(new BaselineField(
                name,
                tag,
                type,
                skippable,
                OptionalInt(element, "since", 1),
                OptionalInt(element, "removedIn", 0),
                OptionalInt(element, "size", 0),
                ReadFields(element)));
        }

        return list.ToEquatableArray();
    }

    private static void RequireObject(JsonValue element, string what)
    {
        if (element.Kind != JsonKind.Object)
        {
            throw new SchemaException($"{what} must be a JSON object", element.Offset);
        }
    }

    private static string RequireString(JsonValue element, string name)
    {
        JsonValue? value = element.Member(name);
        return value is { Kind: JsonKind.String }
            ? value.Text
            : throw new SchemaException($"'{name}' must be a string", value?.Offset ?? element.Offset);
    }

    private static int RequireInt(JsonValue element, string name)
    {
        JsonValue? value = element.Member(name);
        return value is not null && value.TryGetInt32(out int number) && number >= 0
            ? number
            : throw new SchemaException($"'{name}' must be an integer of at least 0", value?.Offset ?? element.Offset);
    }

    private static int OptionalInt(JsonValue element, string name, int fallback) =>
        element.Member(name) is null ? fallback : RequireInt(element, name);

    /// <summary>The JSON is well formed but is not a schema document.</summary>
    private sealed class SchemaException(string message, int offset) : Exception(message)
    {
        public int Offset { get; } = offset;
    }
}
