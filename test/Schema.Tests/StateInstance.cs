using System.Text;
using System.Text.Json;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema.Tests;

/// <summary>
/// Writes a device state as <c>migfmt load</c> prints it (src/Tool/JsonDumpVisitor.cs), from a schema and
/// deterministic values: integers as numbers, bytes as lower-case hex, arrays and lists as arrays, structures and
/// sent optional groups as objects, blobs as {"length", "sha256"}.
/// </summary>
internal static class StateInstance
{
    /// <summary>Extreme values, every optional group sent, lists of two elements.</summary>
    public static byte[] Maximal(DeviceSchema schema) => Write(schema, maximal: true);

    /// <summary>Low values, no optional group sent, empty lists.</summary>
    public static byte[] Minimal(DeviceSchema schema) => Write(schema, maximal: false);

    private static byte[] Write(DeviceSchema schema, bool maximal)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            WriteFields(json, schema.Fields, schema.Version, maximal);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteFields(Utf8JsonWriter json, IList<FieldSchema> fields, int version, bool maximal)
    {
        foreach (FieldSchema field in fields)
        {
            if (!field.ExistsIn(version))
            {
                continue;
            }

            switch (field.Kind)
            {
                case FieldKind.UInt8: json.WriteNumber(field.Name, maximal ? byte.MaxValue : 0); break;
                case FieldKind.UInt16: json.WriteNumber(field.Name, maximal ? ushort.MaxValue : 0); break;
                case FieldKind.UInt32: json.WriteNumber(field.Name, maximal ? uint.MaxValue : 0); break;
                case FieldKind.UInt64: json.WriteNumber(field.Name, maximal ? ulong.MaxValue : 0); break;
                case FieldKind.Int8: json.WriteNumber(field.Name, maximal ? sbyte.MaxValue : sbyte.MinValue); break;
                case FieldKind.Int16: json.WriteNumber(field.Name, maximal ? short.MaxValue : short.MinValue); break;
                case FieldKind.Int32: json.WriteNumber(field.Name, maximal ? int.MaxValue : int.MinValue); break;
                case FieldKind.Int64: json.WriteNumber(field.Name, maximal ? long.MaxValue : long.MinValue); break;
                case FieldKind.Bool: json.WriteBoolean(field.Name, maximal); break;
                case FieldKind.FixedBytes: json.WriteString(field.Name, Hex(field.Size)); break;
                case FieldKind.Bytes: json.WriteString(field.Name, Hex(maximal ? (field.Size == 0 ? 16 : field.Size) : 0)); break;
                case FieldKind.String: json.WriteString(field.Name, maximal ? new string('s', field.Size == 0 ? 8 : field.Size) : string.Empty); break;
                case FieldKind.UInt16Array or FieldKind.UInt32Array or FieldKind.UInt64Array:
                    json.WriteStartArray(field.Name);
                    for (int i = 0; i < field.Size; i++)
                    {
                        if (field.Kind == FieldKind.UInt64Array && maximal)
                        {
                            json.WriteNumberValue(ulong.MaxValue);
                        }
                        else
                        {
                            json.WriteNumberValue(maximal ? (field.Kind == FieldKind.UInt16Array ? ushort.MaxValue : uint.MaxValue) : i);
                        }
                    }

                    json.WriteEndArray();
                    break;
                case FieldKind.Struct:
                    json.WriteStartObject(field.Name);
                    WriteFields(json, field.Fields, version, maximal);
                    json.WriteEndObject();
                    break;
                case FieldKind.List:
                    json.WriteStartArray(field.Name);
                    for (int i = 0; i < (maximal ? Math.Min(2, field.Size == 0 ? 2 : field.Size) : 0); i++)
                    {
                        json.WriteStartObject();
                        WriteFields(json, field.Fields, version, maximal);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    break;
                case FieldKind.Optional:
                    if (maximal)
                    {
                        json.WriteStartObject(field.Name);
                        WriteFields(json, field.Fields, version, maximal);
                        json.WriteEndObject();
                    }

                    break;
                case FieldKind.Blob:
                    byte[] content = Encoding.UTF8.GetBytes(maximal ? "blob content" : string.Empty);
                    json.WriteStartObject(field.Name);
                    json.WriteNumber("length", content.Length);
                    json.WriteString("sha256", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)));
                    json.WriteEndObject();
                    break;
                default:
                    throw new InvalidOperationException($"Unhandled kind {field.Kind}.");
            }
        }
    }

    private static string Hex(int bytes)
    {
        var text = new StringBuilder(bytes * 2);
        for (int i = 0; i < bytes; i++)
        {
            text.Append(((byte)(i * 37 + 0xa5)).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
