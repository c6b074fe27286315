using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>
/// Reads the catalog document <see cref="DeviceCatalog.Describe(Utf8JsonWriter)"/> writes (<c>migfmt-catalog/1</c>,
/// docs/schema.md §5) and checks two hosts' catalogs against each other by the rules of
/// <see cref="DeviceCatalog.CanInstantiate"/>: every device version the source offers, with the parameters it implies,
/// must be one the destination can instantiate.
/// </summary>
public static class CatalogDocument
{
    /// <summary>Tells whether a document is a catalog document.</summary>
    /// <param name="utf8Json">The document.</param>
    /// <returns><see langword="true"/> when its root's <c>format</c> is <c>migfmt-catalog/1</c>.</returns>
    public static bool IsCatalog(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 64 });
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("format", out JsonElement format)
                && format.ValueKind == JsonValueKind.String
                && format.ValueEquals(DeviceCatalog.Format);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Checks that every device version the source catalog offers can be instantiated by the destination: the device
    /// exists there (<see cref="CompatibilityIssueKind.DeviceMismatch"/>), the version is one it runs
    /// (<see cref="CompatibilityIssueKind.VersionOutOfRange"/>), and each parameter the version implies is known there
    /// with the value the destination's version implies (<see cref="CompatibilityIssueKind.ParameterMismatch"/>).
    /// </summary>
    /// <param name="source">The source host's catalog document.</param>
    /// <param name="destination">The destination host's catalog document.</param>
    /// <returns>The verdict, one issue per reason.</returns>
    /// <exception cref="MigrationFormatException">A document is not a valid catalog document; <c>FieldPath</c> is the JSON path at fault.</exception>
    public static CompatibilityReport Check(ReadOnlyMemory<byte> source, ReadOnlyMemory<byte> destination)
    {
        List<Entry> from = Parse(source);
        var to = new DeviceCatalog();
        foreach (Entry entry in Parse(destination))
        {
            to.Add(entry.Type, entry.Parameters);
        }

        var report = new CompatibilityReport();
        foreach (Entry entry in from)
        {
            string id = entry.Type.Id;
            if (to.Find(id) is null)
            {
                report.Add(new(CompatibilityIssueKind.DeviceMismatch, id, string.Empty, "the destination has no such device"));
                continue;
            }

            for (int version = entry.Type.MinimumVersion; version <= entry.Type.CurrentVersion; version++)
            {
                IReadOnlyDictionary<string, string> parameters = entry.Parameters.GetValueOrDefault(version) ?? new Dictionary<string, string>();
                if (to.CanInstantiate(id, version, parameters, out IReadOnlyList<string> reasons))
                {
                    continue;
                }

                DeviceType target = to.Find(id)!.Type;
                CompatibilityIssueKind kind = target.Supports(version) ? CompatibilityIssueKind.ParameterMismatch : CompatibilityIssueKind.VersionOutOfRange;
                foreach (string reason in reasons)
                {
                    report.Add(new(kind, id, string.Create(CultureInfo.InvariantCulture, $"v{version}"), reason));
                }
            }
        }

        return report;
    }

    private static List<Entry> Parse(ReadOnlyMemory<byte> utf8Json)
    {
        try
        {
            return ParseCore(utf8Json);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // An escaped lone surrogate is valid JSON but not text; an id over 255 bytes is not a device id.
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                "The catalog document holds a value that is not a device id, model or parameter: " + ex.Message,
                -1,
                "$",
                ex);
        }
    }

    private static List<Entry> ParseCore(ReadOnlyMemory<byte> utf8Json)
    {
        using JsonDocument document = SchemaDocument.ParseJson(utf8Json);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out JsonElement format) || !format.ValueEquals(DeviceCatalog.Format))
        {
            throw Invalid("$.format", $"\"{DeviceCatalog.Format}\"");
        }

        if (!root.TryGetProperty("devices", out JsonElement devices) || devices.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("$.devices", "an array");
        }

        var entries = new List<Entry>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int index = 0;
        foreach (JsonElement device in devices.EnumerateArray())
        {
            string path = string.Create(CultureInfo.InvariantCulture, $"$.devices[{index++}]");
            if (device.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, "an object");
            }

            string id = String(device, "device", path);
            string model = String(device, "model", path);
            int minimum = Integer(device, "minimumVersion", path, 1);
            int current = Integer(device, "currentVersion", path, minimum);
            if (!ids.Add(id))
            {
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Device '{id}' is listed twice.", -1, path + ".device");
            }

            var parameters = new Dictionary<int, IReadOnlyDictionary<string, string>>();
            if (device.TryGetProperty("versions", out JsonElement versions))
            {
                if (versions.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid(path + ".versions", "an array");
                }

                int v = 0;
                foreach (JsonElement entry in versions.EnumerateArray())
                {
                    string here = string.Create(CultureInfo.InvariantCulture, $"{path}.versions[{v++}]");
                    if (entry.ValueKind != JsonValueKind.Object)
                    {
                        throw Invalid(here, "an object");
                    }

                    int version = Integer(entry, "version", here, minimum);
                    if (version > current)
                    {
                        throw Invalid(here + ".version", string.Create(CultureInfo.InvariantCulture, $"a version from {minimum} to {current}"));
                    }

                    parameters[version] = Parameters(entry, here);
                }
            }

            // The document carries the device's facts only; a device read from it cannot be created.
            var type = new DeviceType(
                id,
                model,
                current,
                minimum,
                _ => throw new InvalidOperationException("A device read from a catalog document has no code."));
            entries.Add(new Entry(type, parameters));
        }

        return entries;
    }

    private static Dictionary<string, string> Parameters(JsonElement entry, string path)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!entry.TryGetProperty("parameters", out JsonElement values))
        {
            return parameters;
        }

        if (values.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path + ".parameters", "an object");
        }

        foreach (JsonProperty parameter in values.EnumerateObject())
        {
            if (parameter.Value.ValueKind != JsonValueKind.String || parameter.Name.Length == 0)
            {
                throw Invalid(path + ".parameters." + parameter.Name, "a string value under a non-empty name");
            }

            parameters[parameter.Name] = parameter.Value.GetString()!;
        }

        return parameters;
    }

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

    private sealed record Entry(DeviceType Type, Dictionary<int, IReadOnlyDictionary<string, string>> Parameters);
}
