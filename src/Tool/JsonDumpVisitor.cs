using System;
using System.Buffers;
using System.IO;
using System.Numerics;
using System.Runtime.InteropServices;
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

    public readonly void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (!Exists(field))
        {
            return;
        }

        if (typeof(T) == typeof(ulong))
        {
            _json.WriteNumber(field.Name, ulong.CreateTruncating(value));
        }
        else
        {
            _json.WriteNumber(field.Name, long.CreateTruncating(value));
        }
    }

    public readonly void Field(FieldSpec<bool> field, ref bool value)
    {
        if (Exists(field))
        {
            _json.WriteBoolean(field.Name, value);
        }
    }

    public readonly void Field(FieldSpec<string> field, ref string value)
    {
        if (Exists(field))
        {
            _json.WriteString(field.Name, value);
        }
    }

    public readonly void Field(FieldSpec<byte[]> field, ref byte[] value)
    {
        if (Exists(field))
        {
            _json.WriteString(field.Name, Convert.ToHexStringLower(value ?? []));
        }
    }

    public readonly void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (!Exists(field))
        {
            return;
        }

        if (typeof(T) == typeof(byte))
        {
            _json.WriteString(field.Name, Convert.ToHexStringLower(MemoryMarshal.AsBytes(values)));
            return;
        }

        _json.WriteStartArray(field.Name);
        foreach (T v in values)
        {
            _json.WriteNumberValue(ulong.CreateTruncating(v));
        }

        _json.WriteEndArray();
    }

    public readonly bool BeginStruct(StructSpec field)
    {
        if (!Exists(field))
        {
            return false;
        }

        _json.WriteStartObject(field.Name);
        return true;
    }

    public readonly void EndStruct() => _json.WriteEndObject();

    public readonly int BeginList(ListSpec field, int count)
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

    public readonly OptionalGroup BeginOptional(OptionalSpec field, bool needed)
    {
        if (!Exists(field))
        {
            return OptionalGroup.NotInVersion;
        }

        if (!needed)
        {
            return OptionalGroup.Absent;
        }

        _json.WriteStartObject(field.Name);
        return OptionalGroup.Present;
    }

    public readonly void EndOptional() => _json.WriteEndObject();

    public readonly void Blob(BlobSpec field, IBlobState blob)
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
}
