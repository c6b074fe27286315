using System;
using System.Collections.Generic;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>
/// Embeds device schemas in a BER migration stream (once per device type and version, not per instance) and reads
/// them back, so that a stream found years later can be dumped with field names and no device code.
/// </summary>
public static class SchemaEmbedding
{
    /// <summary>Writes the compact schema document of every distinct device type and version among <paramref name="devices"/>.</summary>
    /// <param name="writer">The stream writer; no section may have been written yet.</param>
    /// <param name="devices">The devices the stream will carry.</param>
    /// <returns>The number of schema bytes embedded (documents and keys, before BER framing).</returns>
    public static int WriteSchemas(MigrationStreamWriter writer, IEnumerable<IDeviceState> devices)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(devices);
        var documents = new List<KeyValuePair<string, byte[]>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int bytes = 0;
        foreach (IDeviceState device in devices)
        {
            // A device whose parameters change its layout has one schema per layout: keyed id/vN?values unless it is
            // the version's default layout (docs/catalog.md §4).
            string key = DeviceCatalog.SchemaKey(device.Configuration);
            if (seen.Add(key))
            {
                byte[] document = SchemaDocument.ToUtf8(DeviceSchema.For(device.Configuration));
                documents.Add(new(key, document));
                bytes += key.Length + document.Length;
            }
        }

        writer.WriteSchemas(documents);
        return bytes;
    }

    /// <summary>
    /// Finds the key of the schema that describes a section among embedded schema keys: the key of the section's layout,
    /// <c>id/vN?values</c>, when the section's configuration carries every one of those values; else <c>id/vN</c> when
    /// present. A configuration carries the value of every parameter, and the keys of two layouts of a version differ in
    /// at least one value, so at most one layout key matches.
    /// </summary>
    /// <param name="keys">The embedded schemas' keys.</param>
    /// <param name="deviceId">The section's device id.</param>
    /// <param name="version">The section's version.</param>
    /// <param name="configuration">The section's configuration, or <see langword="null"/> when it carries none.</param>
    /// <returns>The key, or <see langword="null"/> when none describes the section.</returns>
    public static string? FindKey(IEnumerable<string> keys, string deviceId, int version, ConfigurationRecord? configuration)
    {
        ArgumentNullException.ThrowIfNull(keys);
        string plain = DeviceCatalog.SchemaKey(deviceId, version);
        bool hasPlain = false;
        foreach (string key in keys)
        {
            if (string.Equals(key, plain, StringComparison.Ordinal))
            {
                hasPlain = true;
            }
            else if (configuration is not null
                && key.Length > plain.Length + 1
                && key.StartsWith(plain, StringComparison.Ordinal)
                && key[plain.Length] == '?'
                && Carries(configuration, key.AsSpan(plain.Length + 1)))
            {
                return key;
            }
        }

        return hasPlain ? plain : null;
    }

    /// <summary>Tells whether a configuration has every <c>name=value</c> of a layout key's comma-separated list.</summary>
    private static bool Carries(ConfigurationRecord configuration, ReadOnlySpan<char> values)
    {
        if (!ConfigurationString.TryParse(values.ToString(), out ConfigurationString? layout, out _) || layout.Version is not null)
        {
            return false;
        }

        foreach (KeyValuePair<string, string> value in layout.Parameters)
        {
            if (configuration.Find(value.Key) is not { } item || !string.Equals(item.Value, value.Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses the schemas a stream carries.</summary>
    /// <param name="embedded">The documents as <see cref="MigrationStreamReader.Schemas"/> gives them.</param>
    /// <returns>The schemas, keyed by <see cref="DeviceCatalog.SchemaKey(string, int)"/>.</returns>
    /// <exception cref="MigrationFormatException">A document is not a valid schema document.</exception>
    public static IReadOnlyDictionary<string, DeviceSchema> ReadSchemas(IReadOnlyDictionary<string, byte[]> embedded)
    {
        ArgumentNullException.ThrowIfNull(embedded);
        var schemas = new Dictionary<string, DeviceSchema>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, byte[]> entry in embedded)
        {
            DeviceSchema schema = SchemaDocument.Parse(entry.Value);
            string expected = DeviceCatalog.SchemaKey(schema.Id, schema.Version);
            if (!string.Equals(expected, entry.Key, StringComparison.Ordinal) && !entry.Key.StartsWith(expected + "?", StringComparison.Ordinal))
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    $"The embedded schema keyed '{entry.Key}' describes '{expected}'.",
                    -1,
                    entry.Key);
            }

            schemas[entry.Key] = schema;
        }

        return schemas;
    }
}
