using System;
using System.Numerics;

namespace MigrationFormat.Visitors;

/// <summary>Maps the CLR integer types to their <see cref="FieldKind"/>s.</summary>
internal static class IntegerKind
{
    /// <summary>Gets the kind of a scalar integer field of type <typeparamref name="T"/>.</summary>
    public static FieldKind Of<T>()
        where T : unmanaged, IBinaryInteger<T> =>
        typeof(T) == typeof(byte) ? FieldKind.UInt8
        : typeof(T) == typeof(sbyte) ? FieldKind.Int8
        : typeof(T) == typeof(ushort) ? FieldKind.UInt16
        : typeof(T) == typeof(short) ? FieldKind.Int16
        : typeof(T) == typeof(uint) ? FieldKind.UInt32
        : typeof(T) == typeof(int) ? FieldKind.Int32
        : typeof(T) == typeof(ulong) ? FieldKind.UInt64
        : typeof(T) == typeof(long) ? FieldKind.Int64
        : throw new ArgumentException($"An integer field is 8, 16, 32 or 64 bits wide; {typeof(T).Name} is not one of the eight types.", nameof(T));

    /// <summary>Gets the kind of a fixed-size array field of <typeparamref name="T"/> elements.</summary>
    public static FieldKind ArrayOf<T>()
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        typeof(T) == typeof(ushort) ? FieldKind.UInt16Array
        : typeof(T) == typeof(uint) ? FieldKind.UInt32Array
        : typeof(T) == typeof(ulong) ? FieldKind.UInt64Array
        : throw new ArgumentException($"Arrays hold ushort, uint or ulong elements ({typeof(T).Name} given); a byte buffer is FixedBytes.", nameof(T));

    /// <summary>Gets a value indicating whether <typeparamref name="T"/> is a signed type.</summary>
    public static bool IsSigned<T>()
        where T : unmanaged, IBinaryInteger<T> =>
        typeof(T) == typeof(sbyte) || typeof(T) == typeof(short) || typeof(T) == typeof(int) || typeof(T) == typeof(long);

    /// <summary>Gets a value indicating whether <paramref name="value"/> is in the range of <typeparamref name="T"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool Fits<T>(long value)
        where T : unmanaged, IBinaryInteger<T> =>
        typeof(T) == typeof(long) || long.CreateTruncating(T.CreateTruncating(value)) == value;

    /// <summary>Gets a value indicating whether <paramref name="value"/> is in the range of <typeparamref name="T"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool Fits<T>(ulong value)
        where T : unmanaged, IBinaryInteger<T> =>
        typeof(T) == typeof(ulong) || ulong.CreateTruncating(T.CreateTruncating(value)) == value && (value <= long.MaxValue || !IsSigned<T>());
}
