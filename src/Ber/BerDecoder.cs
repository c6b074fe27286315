using System;

namespace MigrationFormat.Ber;

/// <summary>
/// Stateless BER decoding primitives over spans. They never allocate and never throw for bad data: each returns a
/// <see cref="BerDecodeStatus"/>, <see cref="BerDecodeStatus.NeedMoreData"/> on a short buffer and a status naming
/// the fault for bytes that break X.690 or do not fit. A caller chooses its error by the status and builds a message
/// from it and the bytes only when it fails.
/// </summary>
public static partial class BerDecoder
{
    /// <summary>Reads identifier octets (X.690 §8.1.2).</summary>
    /// <param name="source">The bytes, starting at the identifier.</param>
    /// <param name="tag">The tag read.</param>
    /// <param name="bytesConsumed">The number of identifier octets.</param>
    /// <returns>
    /// <see cref="BerDecodeStatus.Done"/>; <see cref="BerDecodeStatus.NeedMoreData"/>;
    /// <see cref="BerDecodeStatus.InvalidEncoding"/> for a padded tag number; <see cref="BerDecodeStatus.NonMinimal"/>
    /// for a number below 31 in the long form; <see cref="BerDecodeStatus.BeyondCodecLimit"/> for a number beyond 63 bits.
    /// </returns>
    public static BerDecodeStatus TryReadTag(ReadOnlySpan<byte> source, out BerTag tag, out int bytesConsumed)
    {
        tag = default;
        bytesConsumed = 0;
        if (source.IsEmpty)
        {
            return BerDecodeStatus.NeedMoreData;
        }

        byte first = source[0];
        var tagClass = (BerTagClass)(first >> 6);
        bool constructed = (first & 0x20) != 0;
        ulong number = (ulong)(first & 0x1F);
        if (number != 0x1F)
        {
            tag = new BerTag(tagClass, number, constructed);
            bytesConsumed = 1;
            return BerDecodeStatus.Done;
        }

        number = 0;
        for (int i = 1; ; i++)
        {
            if (i >= source.Length)
            {
                return BerDecodeStatus.NeedMoreData;
            }

            byte octet = source[i];
            if (i == 1 && octet == 0x80)
            {
                // X.690 8.1.2.4.2 c: bits 7 to 1 of the first subsequent octet shall not all be zero.
                return BerDecodeStatus.InvalidEncoding;
            }

            if (number > (BerTag.MaxTagNumber >> 7))
            {
                return BerDecodeStatus.BeyondCodecLimit;
            }

            number = (number << 7) | (uint)(octet & 0x7F);
            if ((octet & 0x80) == 0)
            {
                if (number < 31)
                {
                    // X.690 8.1.2.2: numbers 0 to 30 take the one-octet form.
                    return BerDecodeStatus.NonMinimal;
                }

                tag = new BerTag(tagClass, number, constructed);
                bytesConsumed = i + 1;
                return BerDecodeStatus.Done;
            }
        }
    }

    /// <summary>Reads length octets (X.690 §8.1.3), accepting BER's non-minimal long forms.</summary>
    /// <param name="source">The bytes, starting at the length.</param>
    /// <param name="length">The definite length, or -1 for the indefinite form.</param>
    /// <param name="bytesConsumed">The number of length octets.</param>
    /// <returns>
    /// <see cref="BerDecodeStatus.Done"/>; <see cref="BerDecodeStatus.NeedMoreData"/>;
    /// <see cref="BerDecodeStatus.InvalidEncoding"/> for the reserved octet <c>FF</c>;
    /// <see cref="BerDecodeStatus.BeyondCodecLimit"/> for more than eight length octets or a length beyond 2^63 - 1.
    /// </returns>
    public static BerDecodeStatus TryReadLength(ReadOnlySpan<byte> source, out long length, out int bytesConsumed)
    {
        length = 0;
        bytesConsumed = 0;
        if (source.IsEmpty)
        {
            return BerDecodeStatus.NeedMoreData;
        }

        byte first = source[0];
        if (first < 0x80)
        {
            length = first;
            bytesConsumed = 1;
            return BerDecodeStatus.Done;
        }

        if (first == 0x80)
        {
            length = -1;
            bytesConsumed = 1;
            return BerDecodeStatus.Done;
        }

        if (first == 0xFF)
        {
            // X.690 8.1.3.5 c: the value 11111111 shall not be used.
            return BerDecodeStatus.InvalidEncoding;
        }

        int count = first & 0x7F;
        if (count > 8)
        {
            return BerDecodeStatus.BeyondCodecLimit;
        }

        if (source.Length < 1 + count)
        {
            return BerDecodeStatus.NeedMoreData;
        }

        ulong value = 0;
        for (int i = 1; i <= count; i++)
        {
            value = (value << 8) | source[i];
        }

        if (value > long.MaxValue)
        {
            return BerDecodeStatus.BeyondCodecLimit;
        }

        length = (long)value;
        bytesConsumed = 1 + count;
        return BerDecodeStatus.Done;
    }

    /// <summary>Reads an identifier and a length.</summary>
    /// <param name="source">The bytes, starting at the identifier.</param>
    /// <param name="tag">The tag read.</param>
    /// <param name="length">The definite length, or -1 for indefinite.</param>
    /// <param name="headerLength">The number of identifier and length octets.</param>
    /// <returns>The first status other than <see cref="BerDecodeStatus.Done"/> of <see cref="TryReadTag"/> and <see cref="TryReadLength"/>, else
    /// <see cref="BerDecodeStatus.Done"/>.</returns>
    public static BerDecodeStatus TryReadHeader(ReadOnlySpan<byte> source, out BerTag tag, out long length, out int headerLength)
    {
        length = 0;
        headerLength = 0;
        BerDecodeStatus status = TryReadTag(source, out tag, out int tagLength);
        if (status != BerDecodeStatus.Done)
        {
            return status;
        }

        status = TryReadLength(source.Slice(tagLength), out length, out int lengthLength);
        if (status != BerDecodeStatus.Done)
        {
            return status;
        }

        headerLength = tagLength + lengthLength;
        return BerDecodeStatus.Done;
    }

    /// <summary>Decodes INTEGER contents (X.690 §8.3) as a signed 64-bit value.</summary>
    /// <param name="content">The content octets.</param>
    /// <param name="value">The value, when the result is <see cref="BerDecodeStatus.Done"/>.</param>
    /// <returns>
    /// <see cref="BerDecodeStatus.Done"/>; <see cref="BerDecodeStatus.InvalidEncoding"/> for empty contents;
    /// <see cref="BerDecodeStatus.NonMinimal"/> for a redundant leading octet; <see cref="BerDecodeStatus.OutOfRange"/>
    /// for a value beyond 64 bits.
    /// </returns>
    public static BerDecodeStatus TryDecodeInt64(ReadOnlySpan<byte> content, out long value)
    {
        value = 0;
        BerDecodeStatus status = CheckIntegerForm(content);
        if (status != BerDecodeStatus.Done)
        {
            return status;
        }

        if (content.Length > 8)
        {
            return BerDecodeStatus.OutOfRange;
        }

        long result = (sbyte)content[0];
        for (int i = 1; i < content.Length; i++)
        {
            result = (result << 8) | content[i];
        }

        value = result;
        return BerDecodeStatus.Done;
    }

    /// <summary>Decodes INTEGER contents as an unsigned 64-bit value.</summary>
    /// <param name="content">The content octets.</param>
    /// <param name="value">The value, when the result is <see cref="BerDecodeStatus.Done"/>.</param>
    /// <returns>
    /// <see cref="BerDecodeStatus.Done"/>; <see cref="BerDecodeStatus.InvalidEncoding"/> for empty contents;
    /// <see cref="BerDecodeStatus.NonMinimal"/> for a redundant leading octet; <see cref="BerDecodeStatus.OutOfRange"/>
    /// for a negative value or one beyond 64 bits.
    /// </returns>
    public static BerDecodeStatus TryDecodeUInt64(ReadOnlySpan<byte> content, out ulong value)
    {
        value = 0;
        BerDecodeStatus status = CheckIntegerForm(content);
        if (status != BerDecodeStatus.Done)
        {
            return status;
        }

        // Minimal, so nine octets fit only as a leading 00 before a value of 2^63 or more; anything else that long
        // (a first octet above 00, or more octets) is 2^64 or more and does not fit.
        if ((content[0] & 0x80) != 0 || content.Length > 9 || (content.Length == 9 && content[0] != 0))
        {
            return BerDecodeStatus.OutOfRange;
        }

        ulong result = 0;
        for (int i = 0; i < content.Length; i++)
        {
            result = (result << 8) | content[i];
        }

        value = result;
        return BerDecodeStatus.Done;
    }

    /// <summary>Checks that INTEGER contents are non-empty and minimal (X.690 §8.3.1, §8.3.2).</summary>
    /// <param name="content">The content octets.</param>
    /// <returns>
    /// <see cref="BerDecodeStatus.Done"/> when the form is valid, <see cref="BerDecodeStatus.InvalidEncoding"/> for
    /// empty contents, <see cref="BerDecodeStatus.NonMinimal"/> when the first nine bits are all zeros or all ones.
    /// </returns>
    public static BerDecodeStatus CheckIntegerForm(ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty)
        {
            return BerDecodeStatus.InvalidEncoding;
        }

        if (content.Length > 1)
        {
            int leadingNine = (content[0] << 1) | (content[1] >> 7);
            if (leadingNine == 0 || leadingNine == 0x1FF)
            {
                return BerDecodeStatus.NonMinimal;
            }
        }

        return BerDecodeStatus.Done;
    }

    /// <summary>Decodes BOOLEAN contents (X.690 §8.2): one octet, zero for false, anything else for true.</summary>
    /// <param name="content">The content octets.</param>
    /// <param name="value">The value.</param>
    /// <returns><see cref="BerDecodeStatus.Done"/>, or <see cref="BerDecodeStatus.InvalidEncoding"/> when the contents are not one octet.</returns>
    public static BerDecodeStatus TryDecodeBoolean(ReadOnlySpan<byte> content, out bool value)
    {
        value = false;
        if (content.Length != 1)
        {
            return BerDecodeStatus.InvalidEncoding;
        }

        value = content[0] != 0;
        return BerDecodeStatus.Done;
    }
}
