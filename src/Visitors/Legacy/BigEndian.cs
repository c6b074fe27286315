using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace MigrationFormat.Visitors;

/// <summary>Big-endian stores and loads of any of the integer types, one typed store per width (the JIT keeps only the branch for the type argument).</summary>
internal static class BigEndian
{
    /// <summary>Writes <paramref name="value"/> into the first <c>sizeof(T)</c> bytes of <paramref name="target"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(Span<byte> target, T value)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (Unsafe.SizeOf<T>() == 1)
        {
            target[0] = Unsafe.As<T, byte>(ref value);
        }
        else if (Unsafe.SizeOf<T>() == 2)
        {
            BinaryPrimitives.WriteUInt16BigEndian(target, Unsafe.As<T, ushort>(ref value));
        }
        else if (Unsafe.SizeOf<T>() == 4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(target, Unsafe.As<T, uint>(ref value));
        }
        else
        {
            BinaryPrimitives.WriteUInt64BigEndian(target, Unsafe.As<T, ulong>(ref value));
        }
    }

    /// <summary>Reads a <typeparamref name="T"/> from the first <c>sizeof(T)</c> bytes of <paramref name="source"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load<T>(ReadOnlySpan<byte> source)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (Unsafe.SizeOf<T>() == 1)
        {
            byte b = source[0];
            return Unsafe.As<byte, T>(ref b);
        }

        if (Unsafe.SizeOf<T>() == 2)
        {
            ushort s = BinaryPrimitives.ReadUInt16BigEndian(source);
            return Unsafe.As<ushort, T>(ref s);
        }

        if (Unsafe.SizeOf<T>() == 4)
        {
            uint i = BinaryPrimitives.ReadUInt32BigEndian(source);
            return Unsafe.As<uint, T>(ref i);
        }

        ulong l = BinaryPrimitives.ReadUInt64BigEndian(source);
        return Unsafe.As<ulong, T>(ref l);
    }
}
