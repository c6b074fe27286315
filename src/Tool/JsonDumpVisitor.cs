using System;
using System.Buffers;
using System.IO;
using System.Security.Cryptography;
using System.Text.Json;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool;

/// <summary>
/// A saving visitor that writes a device's state as JSON: integers as numbers, bytes as hex strings, arrays and
/// lists as arrays, structures and sent optional groups as objects, blobs as their length and SHA-256.
/// </summary>
internal ref struct JsonDumpVisitor : IStateVisitor
{
    private readonly Utf8JsonWriter _json;

    public JsonDumpVisitor(Utf8JsonWriter json, int version)
    {
        ArgumentNullException.ThrowIfNull(json);
        _json = json;
        Version = version;
    }

    public readonly VisitDirection Direction => VisitDirection.Save;

    public int Version { get; }

    /// <summary>Writes <paramref name="device"/>'s state as one JSON object.</summary>
    public static void Write(Utf8JsonWriter json, IDeviceState device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var visitor = new JsonDumpVisitor(json, device.Version);
        json.WriteStartObject();
        device.Visit(ref visitor);
        json.WriteEndObject();
        json.Flush();
    }

    public readonly void Field(FieldSpec field, ref byte value) => Number(field, value);

    public readonly void Field(FieldSpec field, ref sbyte value) => Number(field, value);

    public readonly void Field(FieldSpec field, ref ushort value) => Number(field, value);

    public readonly void Field(FieldSpec field, ref short value) => Number(field, value);

    public readonly void Field(FieldSpec field, ref uint value) => Number(field, value);

    public readonly void Field(FieldSpec field, ref int value) => Number(field, value);

    public readonly void Field(FieldSpec field, ref ulong value)
    {
        if (Exists(field))
        {
            _json.WriteNumber(field.Name, value);
        }
    }

    public readonly void Field(FieldSpec field, ref long value) => Number(field, value);

    public readonly void Field(FieldSpec field, ref bool value)
    {
        if (Exists(field))
        {
            _json.WriteBoolean(field.Name, value);
        }
    }

    public readonly void Field(FieldSpec field, ref string value)
    {
        if (Exists(field))
        {
            _json.WriteString(field.Name, value);
        }
    }

    public readonly void Field(FieldSpec field, ref byte[] value)
    {
        if (Exists(field))
        {
            _json.WriteString(field.Name, Convert.ToHexStringLower(value ?? []));
        }
    }

    public readonly void Field(FieldSpec field, Span<byte> buffer)
    {
        if (Exists(field))
        {
            _json.WriteString(field.Name, Convert.ToHexStringLower(buffer));
        }
    }

    public readonly void Field(FieldSpec field, Span<ushort> values)
    {
        if (Exists(field))
        {
            _json.WriteStartArray(field.Name);
            foreach (ushort v in values)
            {
                _json.WriteNumberValue(v);
            }

            _json.WriteEndArray();
        }
    }

    public readonly void Field(FieldSpec field, Span<uint> values)
    {
        if (Exists(field))
        {
            _json.WriteStartArray(field.Name);
            foreach (uint v in values)
            {
                _json.WriteNumberValue(v);
            }

            _json.WriteEndArray();
        }
    }

    public readonly void Field(FieldSpec field, Span<ulong> values)
    {
        if (Exists(field))
        {
            _json.WriteStartArray(field.Name);
            foreach (ulong v in values)
            {
                _json.WriteNumberValue(v);
            }

            _json.WriteEndArray();
        }
    }

    public readonly bool BeginStruct(FieldSpec field)
    {
        if (!Exists(field))
        {
            return false;
        }

        _json.WriteStartObject(field.Name);
        return true;
    }

    public readonly void EndStruct() => _json.WriteEndObject();

    public readonly int BeginList(FieldSpec field, int count)
    {
        if (!Exists(field))
        {
            return -1;
        }

        _json.WriteStartArray(field.Name);
        return count;
    }

    public readonly void BeginElement() => _json.WriteStartObject();

    public readonly void EndElement() => _json.WriteEndObject();

    public readonly void EndList() => _json.WriteEndArray();

    public readonly bool BeginOptional(FieldSpec field, bool needed)
    {
        if (!needed || !Exists(field))
        {
            return false;
        }

        _json.WriteStartObject(field.Name);
        return true;
    }

    public readonly void EndOptional() => _json.WriteEndObject();

    public readonly void Blob(FieldSpec field, IBlobState blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (!Exists(field))
        {
            return;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using Stream source = blob.OpenRead();
            int read;
            while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                length += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _json.WriteStartObject(field.Name);
        _json.WriteNumber("length", length);
        _json.WriteString("sha256", Convert.ToHexStringLower(hash.GetHashAndReset()));
        _json.WriteEndObject();
    }

    private readonly bool Exists(FieldSpec field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.ExistsIn(Version);
    }

    private readonly void Number(FieldSpec field, long value)
    {
        if (Exists(field))
        {
            _json.WriteNumber(field.Name, value);
        }
    }
}
