using System;
using System.IO;
using System.Numerics;
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
    public readonly void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> => value = Exists(field) ? T.CreateTruncating(Next64()) : value;

    /// <inheritdoc/>
    public readonly void Field(FieldSpec<bool> field, ref bool value) => value = Exists(field) ? _random.Next(2) == 1 : value;

    /// <inheritdoc/>
    public readonly void Field(FieldSpec<string> field, ref string value)
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
    public readonly void Field(FieldSpec<byte[]> field, ref byte[] value)
    {
        if (Exists(field))
        {
            value = new byte[_random.Next(Math.Min(field.Length > 0 ? field.Length : 32, 32) + 1)];
            _random.NextBytes(value);
        }
    }

    /// <inheritdoc/>
    public readonly void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (Exists(field))
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = T.CreateTruncating(Next64());
            }
        }
    }

    /// <inheritdoc/>
    public readonly bool BeginStruct(StructSpec field) => Exists(field);

    /// <inheritdoc/>
    public readonly void EndStruct()
    {
    }

    /// <inheritdoc/>
    public readonly int BeginList(ListSpec field, int count) =>
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
    public readonly OptionalGroup BeginOptional(OptionalSpec field, bool needed) =>
        !Exists(field) ? OptionalGroup.NotInVersion : _random.Next(2) == 1 ? OptionalGroup.Present : OptionalGroup.Absent;

    /// <inheritdoc/>
    public readonly void EndOptional()
    {
    }

    /// <inheritdoc/>
    public readonly void Blob(BlobSpec field, IBlobState blob)
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
