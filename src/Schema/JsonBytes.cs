using System;
using System.IO;
using System.Text.Json;

namespace MigrationFormat.Schema;

/// <summary>Writes a JSON document to a byte array: the one place the schema layer's documents are serialized.</summary>
internal static class JsonBytes
{
    public static byte[] Write(Action<Utf8JsonWriter> write, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
