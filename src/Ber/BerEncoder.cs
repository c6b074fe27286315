using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace MigrationFormat.Ber;

/// <summary>
/// Stateless BER encoding primitives over spans: identifier, length and INTEGER content octets.
/// They never allocate; <see cref="BerWriter"/> is built on them.
/// </summary>
public static class BerEncoder
{
    /// <summary>The largest number of identifier octets a tag encodes to (one leading octet and nine base-128 octets).</summary>
    public const int MaxTagLength = 10;

    /// <summary>The largest number of length octets a definite length encodes to (<c>88</c> and eight octets).</summary>
    public const int MaxLengthLength = 9;

    /// <summary>The largest number of content octets a 64-bit INTEGER takes (nine, for unsigned values of 2^63 and above).</summary>
    public const int MaxIntegerContentLength = 9;

    /// <summary>Writes the identifier octets of <paramref name="tag"/> (X.690 §8.1.2).</summary>
    /// <param name="destination">Where to write; must hold <see cref="BerTag.EncodedLength"/> octets.</param>
    /// <param name="tag">The tag.</param>
    /// <returns>The number of octets written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int WriteTag(Span<byte> destination, BerTag tag)
    {
        byte leading = (byte)(((int)tag.TagClass << 6) | (tag.IsConstructed ? 0x20 : 0));
        ulong number = tag.TagNumber;
        if (number < 31)
        {
            destination[0] = (byte)(leading | (byte)number);
            return 1;
        }

        int groups = (64 - BitOperations.LeadingZeroCount(number) + 6) / 7;
        if (destination.Length < groups + 1)
        {
            throw new ArgumentException("The destination is too small for the tag.", nameof(destination));
        }

        destination[0] = (byte)(leading | 0x1F);
        for (int i = groups; i >= 1; i--)
        {
            byte septet = (byte)(number & 0x7F);
            destination[i] = i == groups ? septet : (byte)(septet | 0x80);
            number >>= 7;
        }

        return groups + 1;
    }

    /// <summary>Gets the number of octets the minimal definite length <paramref name="length"/> encodes to.</summary>
    /// <param name="length">A non-negative length.</param>
    /// <returns>1 for lengths below 128, otherwise 1 plus the number of significant octets.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetLengthLength(long length)
    {
        if (length < 0x80)
        {
            return 1;
        }

        return 1 + ((64 - BitOperations.LeadingZeroCount((ulong)length) + 7) / 8);
    }

    /// <summary>Writes a minimal definite length (X.690 §8.1.3.4 short form, §8.1.3.5 long form).</summary>
    /// <param name="destination">Where to write; must hold <see cref="GetLengthLength"/> octets.</param>
    /// <param name="length">The length, non-negative.</param>
    /// <returns>The number of octets written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public static int WriteLength(Span<byte> destination, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length < 0x80)
        {
            destination[0] = (byte)length;
            return 1;
        }

        int octets = GetLengthLength(length) - 1;
        destination[0] = (byte)(0x80 | octets);
        for (int i = octets; i >= 1; i--)
        {
            destination[i] = (byte)length;
            length >>= 8;
        }

        return octets + 1;
    }

    /// <summary>Gets the number of content octets of the minimal two's-complement encoding of a signed value (X.690 §8.3).</summary>
    /// <param name="value">The value.</param>
    /// <returns>1 to 8.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetIntegerLength(long value)
    {
        // Significant bits plus one sign bit, rounded up to whole octets.
        ulong magnitude = (ulong)(value ^ (value >> 63));
        int bits = 65 - BitOperations.LeadingZeroCount(magnitude);
        return (bits + 7) >> 3;
    }

    /// <summary>Gets the number of content octets of the minimal two's-complement encoding of an unsigned value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>1 to 9.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetIntegerLength(ulong value)
    {
        int bits = 65 - BitOperations.LeadingZeroCount(value);
        return (bits + 7) >> 3;
    }

    /// <summary>Writes the minimal two's-complement content octets of a signed value.</summary>
    /// <remarks>When <paramref name="destination"/> holds eight octets or more, octets after the returned count (up to the eighth) may be
    /// overwritten.</remarks>
    /// <param name="destination">Where to write; must hold <see cref="GetIntegerLength(long)"/> octets.</param>
    /// <param name="value">The value.</param>
    /// <returns>The number of octets written.</returns>
    public static int WriteIntegerContent(Span<byte> destination, long value)
    {
        int length = GetIntegerLength(value);
        WriteLow(destination, (ulong)value, length);
        return length;
    }

    /// <summary>Writes the minimal two's-complement content octets of an unsigned value (nine octets, led by <c>00</c>, for values of 2^63 and
    /// above).</summary>
    /// <remarks>When <paramref name="destination"/> holds eight octets or more, octets after the returned count (up to the eighth) may be
    /// overwritten.</remarks>
    /// <param name="destination">Where to write; must hold <see cref="GetIntegerLength(ulong)"/> octets.</param>
    /// <param name="value">The value.</param>
    /// <returns>The number of octets written.</returns>
    public static int WriteIntegerContent(Span<byte> destination, ulong value)
    {
        int length = GetIntegerLength(value);
        if (length == 9)
        {
            destination[0] = 0;
            BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(1), value);
            return 9;
        }

        WriteLow(destination, value, length);
        return length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteLow(Span<byte> destination, ulong value, int length)
    {
        if (destination.Length >= 8)
        {
            // One store of the left-aligned value, then only 'length' octets count.
            BinaryPrimitives.WriteUInt64BigEndian(destination, value << ((8 - length) * 8));
            return;
        }

        for (int i = length - 1; i >= 0; i--)
        {
            destination[i] = (byte)value;
            value >>= 8;
        }
    }
}
