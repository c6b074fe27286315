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
