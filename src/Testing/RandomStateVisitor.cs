using System;
using System.IO;
using MigrationFormat.Visitors;

namespace MigrationFormat.Testing;

/// <summary>
/// Fills every field of a device with random values, as a loading visitor would: integers over their whole range,
/// random buffers, short random strings and byte strings, lists of zero to three elements, optional groups present
/// or not, blobs of a few random bytes.
/// </summary>
public ref struct RandomStateVisitor : IStateVisitor
{
    private readonly Random _random;
    private readonly int _version;

    /// <summary>Creates a visitor that randomizes a device running as <paramref name="version"/>.</summary>
    /// <param name="random">The source of randomness.</param>
    /// <param name="version">The device's version.</param>
    public RandomStateVisitor(Random random, int version)
    {
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
        _version = version;
    }

    /// <inheritdoc/>
    public readonly VisitDirection Direction => VisitDirection.Load;

    /// <inheritdoc/>
    public readonly int Version => _version;

    /// <summary>Fills <paramref name="device"/> with random values from <paramref name="seed"/>.</summary>
    /// <param name="device">The device.</param>
    /// <param name="seed">The seed; the same seed gives the same state.</param>
    public static void Randomize(IDeviceState device, int seed)
    {
        ArgumentNullException.ThrowIfNull(device);
        var visitor = new RandomStateVisitor(new Random(seed), device.Version);
        device.Visit(ref visitor);
    }

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref byte value) => value = Exists(field) ? (byte)_random.Next(256) : value;

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref sbyte value) => value = Exists(field) ? (sbyte)_random.Next(256) : value;

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref ushort value) => value = Exists(field) ? (ushort)_random.Next(65536) : value;

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref short value) => value = Exists(field) ? (short)_random.Next(65536) : value;

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref uint value) => value = Exists(field) ? (uint)Next64() : value;

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref int value) => value = Exists(field) ? (int)Next64() : value;

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref ulong value) => value = Exists(field) ? Next64() : value;

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref long value) => value = Exists(field) ? (long)Next64() : value;

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref bool value) => value = Exists(field) ? _random.Next(2) == 1 : value;

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref string value)
    {
        if (Exists(field))
        {
            int length = _random.Next(Math.Min(field.Length > 0 ? field.Length : 16, 16) + 1);
            char[] text = new char[length];
            for (int i = 0; i < length; i++)
            {
                text[i] = (char)_random.Next('a', 'z' + 1);
            }

            value = new string(text);
        }
    }

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, ref byte[] value)
    {
        if (Exists(field))
        {
            value = new byte[_random.Next(Math.Min(field.Length > 0 ? field.Length : 32, 32) + 1)];
            _random.NextBytes(value);
        }
    }

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, Span<byte> buffer)
    {
        if (Exists(field))
        {
            _random.NextBytes(buffer);
        }
    }

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, Span<ushort> values)
    {
        if (Exists(field))
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (ushort)_random.Next(65536);
            }
        }
    }

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, Span<uint> values)
    {
        if (Exists(field))
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (uint)Next64();
            }
        }
    }

    /// <inheritdoc/>
    public readonly void Field(FieldSpec field, Span<ulong> values)
    {
        if (Exists(field))
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = Next64();
            }
        }
    }

    /// <inheritdoc/>
    public readonly bool BeginStruct(FieldSpec field) => Exists(field);

    /// <inheritdoc/>
    public readonly void EndStruct()
    {
    }

    /// <inheritdoc/>
    public readonly int BeginList(FieldSpec field, int count) =>
        Exists(field) ? _random.Next(Math.Min(field.Length > 0 ? field.Length : 3, 3) + 1) : -1;

    /// <inheritdoc/>
    public readonly void BeginElement()
    {
    }

    /// <inheritdoc/>
    public readonly void EndElement()
    {
    }

    /// <inheritdoc/>
    public readonly void EndList()
    {
    }

    /// <inheritdoc/>
    public readonly bool BeginOptional(FieldSpec field, bool needed) => Exists(field) && _random.Next(2) == 1;

    /// <inheritdoc/>
    public readonly void EndOptional()
    {
    }

    /// <inheritdoc/>
    public readonly void Blob(FieldSpec field, IBlobState blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (Exists(field))
        {
            byte[] bytes = new byte[_random.Next(64)];
            _random.NextBytes(bytes);
            using var source = new MemoryStream(bytes, writable: false);
            blob.Load(source);
            blob.CommitLoad();
        }
    }

    private readonly bool Exists(FieldSpec field) => field.ExistsIn(_version);

    private readonly ulong Next64()
    {
        // Favour the edges as well as the middle: zero, small values, extremes, anything.
        return _random.Next(4) switch
        {
            0 => 0,
            1 => (ulong)_random.Next(256),
            2 => _random.Next(2) == 0 ? ulong.MaxValue : (ulong)long.MaxValue + (ulong)_random.Next(2),
            _ => (ulong)_random.NextInt64() ^ ((ulong)_random.Next() << 33),
        };
    }
}
