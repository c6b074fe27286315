using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System;
using MigrationFormat.Schema;

namespace MigrationFormat.Qemu;

/// <summary>
/// A whole <c>-dump-vmstate</c> file, read faithfully: every description keeps its own versions, every field its
/// <c>version_id</c>, <c>field_exists</c>, <c>num</c> and <c>size</c>, every subsection its versions. The input of
/// <see cref="VmStateChecker"/>; docs/schema.md describes the rules applied to it.
/// </summary>
public sealed class VmStateDump
{
    private const int MaxDepth = 64;
    private readonly Dictionary<string, VmStateDumpDevice> _byType;

    /// <summary>Creates a dump from its parts.</summary>
    /// <param name="machine">The machine type (<c>vmschkmachine.Name</c>), when known.</param>
    /// <param name="devices">The device entries; their QOM types must differ.</param>
    /// <exception cref="ArgumentException">Two entries have the same QOM type.</exception>
    public VmStateDump(string? machine, IReadOnlyList<VmStateDumpDevice> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        Machine = machine;
        Devices = devices;
        _byType = new Dictionary<string, VmStateDumpDevice>(StringComparer.Ordinal);
        foreach (VmStateDumpDevice device in devices)
        {
            if (!_byType.TryAdd(device.QomType, device))
            {
                throw new ArgumentException($"Two entries have the QOM type '{device.QomType}'.", nameof(devices));
            }
        }
    }

    /// <summary>Gets the machine type the dump was taken for (<c>vmschkmachine.Name</c>), or <see langword="null"/>.</summary>
    public string? Machine { get; }

    /// <summary>Gets the device entries, in file order.</summary>
    public IReadOnlyList<VmStateDumpDevice> Devices { get; }

    /// <summary>Finds a device entry by QOM type.</summary>
    /// <param name="qomType">The QOM type name.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    public VmStateDumpDevice? Find(string qomType) => _byType.GetValueOrDefault(qomType);

    /// <summary>Returns a dump with one entry replaced, added (when its type is new) or, with <paramref name="device"/> null, removed.</summary>
    /// <param name="qomType">The QOM type of the entry.</param>
    /// <param name="device">The new entry, or <see langword="null"/> to remove it.</param>
    /// <returns>The new dump; this one is unchanged.</returns>
    public VmStateDump With(string qomType, VmStateDumpDevice? device)
    {
        var devices = new List<VmStateDumpDevice>(Devices.Count + 1);
        bool replaced = false;
        foreach (VmStateDumpDevice existing in Devices)
        {
            if (!string.Equals(existing.QomType, qomType, StringComparison.Ordinal))
            {
                devices.Add(existing);
            }
            else if (device is not null)
            {
                devices.Add(device);
                replaced = true;
            }
        }

        if (!replaced && device is not null && Find(qomType) is null)
        {
            devices.Add(device);
        }

        return new VmStateDump(Machine, devices);
    }

    /// <summary>
    /// Returns a dump whose arrays carry element counts taken from elsewhere, for dumps that do not give them (QEMU 7.2 writes no
    /// <c>num</c>): a field without a count gets the one listed for its description name and field name. A name that repeats
    /// within a description is listed numbered, as a stream's VM description numbers it (<c>mac_reg[0]</c>, <c>mac_reg[1]</c>).
    /// </summary>
    /// <param name="counts">Counts by description name, then field name (see <see cref="ReadArrayCounts"/>).</param>
    /// <returns>The dump with the counts filled in; fields that have a count keep it.</returns>
    public VmStateDump WithArrayCounts(IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var devices = new List<VmStateDumpDevice>(Devices.Count);
        foreach (VmStateDumpDevice device in Devices)
        {
            devices.Add(device.Description is null ? device : device with { Description = WithCounts(device.Description, counts) });
        }

        return new VmStateDump(Machine, devices);
    }

    /// <summary>Reads array counts: a JSON object of description names, each an object of field names and element counts.</summary>
    /// <param name="utf8Json">The JSON text.</param>
    /// <returns>The counts.</returns>
    /// <exception cref="MigrationFormatException">The text is not JSON of that shape.</exception>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ReadArrayCounts(ReadOnlyMemory<byte> utf8Json)
    {
        using JsonDocument document = SchemaDocument.ParseJson(utf8Json);
        RequireKind(document.RootElement, JsonValueKind.Object, "$", "an object");
        var counts = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        foreach (JsonProperty description in document.RootElement.EnumerateObject())
        {
            string path = "$['" + description.Name + "']";
            RequireKind(description.Value, JsonValueKind.Object, path, "an object");
            var fields = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (JsonProperty field in description.Value.EnumerateObject())
            {
                fields[field.Name] = RequireInt(description.Value, field.Name, path);
            }

            counts[description.Name] = fields;
        }

        return counts;
    }

    private static VmsdDescription WithCounts(VmsdDescription description, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> counts)
    {
        counts.TryGetValue(description.Name, out IReadOnlyDictionary<string, int>? own);
        var total = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (VmsdField field in description.Fields)
        {
            total[field.Name] = total.GetValueOrDefault(field.Name) + 1;
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var fields = new List<VmsdField>(description.Fields.Count);
        foreach (VmsdField field in description.Fields)
        {
            int occurrence = seen.GetValueOrDefault(field.Name);
            seen[field.Name] = occurrence + 1;
            VmsdField updated = field.Nested is null ? field : field with { Nested = WithCounts(field.Nested, counts) };
            string listed = total[field.Name] == 1 ? field.Name : field.Name + "[" + occurrence.ToString(CultureInfo.InvariantCulture) + "]";
            if (updated.Count is null && own is not null && own.TryGetValue(listed, out int count))
            {
                updated = updated with { Count = count };
            }

            fields.Add(updated);
        }

        var subsections = new List<VmsdDescription>(description.Subsections.Count);
        foreach (VmsdDescription subsection in description.Subsections)
        {
            subsections.Add(WithCounts(subsection, counts));
        }

        return description with { Fields = fields, Subsections = subsections };
    }

    /// <summary>Reads a <c>-dump-vmstate</c> file.</summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <returns>The dump.</returns>
    /// <exception cref="MigrationFormatException">The bytes are not JSON or not of the dump's shape; <see cref="MigrationFormatException.FieldPath"/> is the
    /// JSON path.</exception>
    public static VmStateDump Parse(ReadOnlyMemory<byte> utf8Json)
    {
        using JsonDocument document = SchemaDocument.ParseJson(utf8Json);
        JsonElement root = document.RootElement;
        RequireKind(root, JsonValueKind.Object, "$", "an object");
        string? machine = null;
        var devices = new List<VmStateDumpDevice>();
        foreach (JsonProperty entry in root.EnumerateObject())
        {
            string path = "$['" + entry.Name + "']";
            RequireKind(entry.Value, JsonValueKind.Object, path, "an object");
            if (string.Equals(entry.Name, "vmschkmachine", StringComparison.Ordinal))
            {
                machine = entry.Value.TryGetProperty("Name", out JsonElement name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
                continue;
            }

            int version = RequireInt(entry.Value, "version_id", path);
            int minimum = entry.Value.TryGetProperty("minimum_version_id", out _) ? RequireInt(entry.Value, "minimum_version_id", path) : version;
            VmsdDescription? description = entry.Value.TryGetProperty("Description", out JsonElement d) ? ReadDescription(d, path + ".Description", 0) : null;
            devices.Add(new VmStateDumpDevice(entry.Name, version, minimum, description));
        }

        return new VmStateDump(machine, devices);
    }

    private static VmsdDescription ReadDescription(JsonElement element, string path, int depth)
    {
        RequireKind(element, JsonValueKind.Object, path, "an object");
        if (depth > MaxDepth)
        {
            throw new MigrationFormatException(MigrationErrorKind.LimitExceeded, $"Descriptions nest deeper than {MaxDepth} levels.", -1, path);
        }

        string name = RequireString(element, "name", path);
        int version = RequireInt(element, "version_id", path);
        int minimum = element.TryGetProperty("minimum_version_id", out _) ? RequireInt(element, "minimum_version_id", path) : 0;
        var fields = new List<VmsdField>();
        if (element.TryGetProperty("Fields", out JsonElement fieldArray))
        {
            RequireKind(fieldArray, JsonValueKind.Array, path + ".Fields", "an array");
            int index = 0;
            foreach (JsonElement field in fieldArray.EnumerateArray())
            {
                string here = string.Create(CultureInfo.InvariantCulture, $"{path}.Fields[{index++}]");
                RequireKind(field, JsonValueKind.Object, here, "an object");
                bool exists = field.TryGetProperty("field_exists", out JsonElement flag) && flag.ValueKind == JsonValueKind.True;
                int? count = field.TryGetProperty("num", out _) ? RequireInt(field, "num", here) : null;
                VmsdDescription? nested = field.TryGetProperty("Description", out JsonElement n) ? ReadDescription(n, here + ".Description", depth + 1) : null;
                fields.Add(new VmsdField(RequireString(field, "field", here), RequireInt(field, "version_id", here), exists, count, RequireInt(field, "size",
                    here), nested));
            }
        }

        var subsections = new List<VmsdDescription>();
        if (element.TryGetProperty("Subsections", out JsonElement subArray))
        {
            RequireKind(subArray, JsonValueKind.Array, path + ".Subsections", "an array");
            int index = 0;
            foreach (JsonElement sub in subArray.EnumerateArray())
            {
                subsections.Add(ReadDescription(sub, string.Create(CultureInfo.InvariantCulture, $"{path}.Subsections[{index++}]"), depth + 1));
            }
        }

        return new VmsdDescription(name, version, minimum, fields, subsections);
    }

    private static void RequireKind(JsonElement element, JsonValueKind kind, string path, string what)
    {
        if (element.ValueKind != kind)
        {
            throw Invalid(path, what);
        }
    }

    private static string RequireString(JsonElement element, string name, string path) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Invalid(path + "." + name, "a non-empty string");

    private static int RequireInt(JsonElement element, string name, string path) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) && number >= 0
            ? number
            : throw Invalid(path + "." + name, "a non-negative 32-bit integer");

    private static MigrationFormatException Invalid(string path, string expected) =>
        new(MigrationErrorKind.UnexpectedValue, $"The -dump-vmstate file needs {expected} at {path}.", -1, path);
}
