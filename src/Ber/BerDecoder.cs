using System;
using System.Buffers;

namespace MigrationFormat.Ber;

/// <summary>
/// Stateless BER decoding primitives over spans. They never allocate and never throw for bad data:
/// they return <see cref="OperationStatus.NeedMoreData"/> on a short buffer and
/// <see cref="OperationStatus.InvalidData"/> with a description for bytes that break X.690.
/// </summary>
public static partial class BerDecoder
{
    /// <summary>Reads identifier octets (X.690 §8.1.2).</summary>
    /// <param name="source">The bytes, starting at the identifier.</param>
    /// <param name="tag">The tag read.</param>
    /// <param name="bytesConsumed">The number of identifier octets.</param>
    /// <param name="error">What is wrong, when the result is <see cref="OperationStatus.InvalidData"/>.</param>
    /// <returns><see cref="OperationStatus.Done"/>, <see cref="OperationStatus.NeedMoreData"/> or <see cref="OperationStatus.InvalidData"/>.</returns>
    public static OperationStatus TryReadTag(ReadOnlySpan<byte> source, out BerTag tag, out int bytesConsumed, out string? error) =>
        TryReadTag(source, out tag, out bytesConsumed, out error, out _);

    /// <summary>Reads identifier octets, telling a codec limit (a tag number beyond 63 bits) apart from an encoding error.</summary>
    internal static OperationStatus TryReadTag(ReadOnlySpan<byte> source, out BerTag tag, out int bytesConsumed, out string? error, out bool isLimit)
    {
        isLimit = false;
        tag = default;
        bytesConsumed = 0;
        error = null;
        if (source.IsEmpty)
        {
            return OperationStatus.NeedMoreData;
        }

        byte first = source[0];
        var tagClass = (BerTagClass)(first >> 6);
        bool constructed = (first & 0x20) != 0;
        ulong number = (ulong)(first & 0x1F);
        if (number != 0x1F)
        {
            tag = new BerTag(tagClass, number, constructed);
            bytesConsumed = 1;
            return OperationStatus.Done;
        }

        number = 0;
        for (int i = 1; ; i++)
        {
            if (i >= source.Length)
            {
                return OperationStatus.NeedMoreData;
            }

            byte octet = source[i];
            if (i == 1 && octet == 0x80)
            {
                error = "the first subsequent tag octet is 80, a padded tag number (X.690 8.1.2.4.2 c)";
                return OperationStatus.InvalidData;
            }

            if (number > (BerTag.MaxTagNumber >> 7))
            {
                error = "the tag number has more than 63 bits, beyond this codec's limit";
                isLimit = true;
                return OperationStatus.InvalidData;
            }

            number = (number << 7) | (uint)(octet & 0x7F);
            if ((octet & 0x80) == 0)
            {
                if (number < 31)
                {
                    error = $"tag number {number} is written in the long form; numbers below 31 take one octet (X.690 8.1.2.2)";
                    return OperationStatus.InvalidData;
                }

                tag = new BerTag(tagClass, number, constructed);
                bytesConsumed = i + 1;
                return OperationStatus.Done;
            }
        }
    }

    /// <summary>Reads length octets (X.690 §8.1.3), accepting BER's non-minimal long forms.</summary>
    /// <param name="source">The bytes, starting at the length.</param>
    /// <param name="length">The definite length, or -1 for the indefinite form.</param>
    /// <param name="bytesConsumed">The number of length octets.</param>
    /// <param name="error">What is wrong, when the result is <see cref="OperationStatus.InvalidData"/>.</param>
    /// <returns><see cref="OperationStatus.Done"/>, <see cref="OperationStatus.NeedMoreData"/> or <see cref="OperationStatus.InvalidData"/>.</returns>
    public static OperationStatus TryReadLength(ReadOnlySpan<byte> source, out long length, out int bytesConsumed, out string? error) =>
        TryReadLength(source, out length, out bytesConsumed, out error, out _);

    /// <summary>Reads length octets, telling a codec limit (more than eight length octets, a length beyond 2^63 - 1) apart from an encoding error.</summary>
    internal static OperationStatus TryReadLength(ReadOnlySpan<byte> source, out long length, out int bytesConsumed, out string? error, out bool isLimit)
    {
        isLimit = false;
        length = 0;
        bytesConsumed = 0;
        error = null;
        if (source.IsEmpty)
        {
            return OperationStatus.NeedMoreData;
        }

        byte first = source[0];
        if (first < 0x80)
        {
            length = first;
            bytesConsumed = 1;
            return OperationStatus.Done;
        }

        if (first == 0x80)
        {
            length = -1;
            bytesConsumed = 1;
            return OperationStatus.Done;
        }

        if (first == 0xFF)
        {
            error = "length octet FF is reserved (X.690 8.1.3.5 c)";
            return OperationStatus.InvalidData;
        }

        int count = first & 0x7F;
        if (count > 8)
        {
            error = $"the length takes {count} octets; this codec reads at most 8 length octets (lengths up to 2^63 - 1)";
            isLimit = true;
            return OperationStatus.InvalidData;
        }

        if (source.Length < 1 + count)
        {
            return OperationStatus.NeedMoreData;
        }

        ulong value = 0;
        for (int i = 1; i <= count; i++)
        {
            value = (value << 8) | source[i];
        }

        if (value > long.MaxValue)
        {
            error = "the length is beyond 2^63 - 1, this codec's limit";
            isLimit = true;
            return OperationStatus.InvalidData;
        }

        length = (long)value;
        bytesConsumed = 1 + count;
        return OperationStatus.Done;
    }

    /// <summary>Reads an identifier and a length.</summary>
    /// <param name="source">The bytes, starting at the identifier.</param>
    /// <param name="tag">The tag read.</param>
    /// <param name="length">The definite length, or -1 for indefinite.</param>
    /// <param name="headerLength">The number of identifier and length octets.</param>
    /// <param name="error">What is wrong, when the result is <see cref="OperationStatus.InvalidData"/>.</param>
    /// <returns><see cref="OperationStatus.Done"/>, <see cref="OperationStatus.NeedMoreData"/> or <see cref="OperationStatus.InvalidData"/>.</returns>
    public static OperationStatus TryReadHeader(ReadOnlySpan<byte> source, out BerTag tag, out long length, out int headerLength, out string? error) =>
        TryReadHeader(source, out tag, out length, out headerLength, out error, out _);

    /// <summary>Reads an identifier and a length, telling a codec limit apart from an encoding error.</summary>
    internal static OperationStatus TryReadHeader(ReadOnlySpan<byte> source, out BerTag tag, out long length, out int headerLength, out string? error, out bool isLimit)
    {
        length = 0;
        headerLength = 0;
        OperationStatus status = TryReadTag(source, out tag, out int tagLength, out error, out isLimit);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        status = TryReadLength(source.Slice(tagLength), out length, out int lengthLength, out error, out isLimit);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        headerLength = tagLength + lengthLength;
        return OperationStatus.Done;
    }

    /// <summary>Decodes INTEGER contents (X.690 §8.3) as a signed 64-bit value.</summary>
    /// <param name="content">The content octets.</param>
    /// <param name="value">The value, when the result is <see cref="OperationStatus.Done"/>.</param>
    /// <param name="error">What is wrong otherwise: empty, non-minimal, or beyond 64 bits.</param>
    /// <returns><see cref="OperationStatus.Done"/> or <see cref="OperationStatus.InvalidData"/>.</returns>
    public static OperationStatus TryDecodeInt64(ReadOnlySpan<byte> content, out long value, out string? error)
    {
        value = 0;
        if (!CheckIntegerForm(content, out error))
        {
            return OperationStatus.InvalidData;
        }

        if (content.Length > 8)
        {
            error = $"the INTEGER takes {content.Length} octets; it does not fit a signed 64-bit value";
            return OperationStatus.InvalidData;
        }

        long result = (sbyte)content[0];
        for (int i = 1; i < content.Length; i++)
        {
            result = (result << 8) | content[i];
        }

        value = result;
        return OperationStatus.Done;
    }

    /// <summary>Decodes INTEGER contents as an unsigned 64-bit value; negative values are out of range.</summary>
    /// <param name="content">The content octets.</param>
    /// <param name="value">The value, when the result is <see cref="OperationStatus.Done"/>.</param>
    /// <param name="error">What is wrong otherwise.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.InvalidData"/> for a malformed or out-of-range value.</returns>
    public static OperationStatus TryDecodeUInt64(ReadOnlySpan<byte> content, out ulong value, out string? error)
    {
        value = 0;
        if (!CheckIntegerForm(content, out error))
        {
            return OperationStatus.InvalidData;
        }

        if ((content[0] & 0x80) != 0)
        {
            error = "the INTEGER is negative; an unsigned value was expected";
            return OperationStatus.InvalidData;
        }

        if (content.Length > 9 || (content.Length == 9 && content[0] != 0))
        {
            error = $"the INTEGER takes {content.Length} octets; it does not fit an unsigned 64-bit value";
            return OperationStatus.InvalidData;
        }

        ulong result = 0;
        for (int i = 0; i < content.Length; i++)
        {
            result = (result << 8) | content[i];
        }

        value = result;
        return OperationStatus.Done;
    }

    /// <summary>Checks that INTEGER contents are non-empty and minimal (X.690 §8.3.1, §8.3.2).</summary>
    /// <param name="content">The content octets.</param>
    /// <param name="error">What is wrong, when the result is <see langword="false"/>.</param>
    /// <returns><see langword="true"/> when the form is valid.</returns>
    public static bool CheckIntegerForm(ReadOnlySpan<byte> content, out string? error)
    {
        error = null;
        if (content.IsEmpty)
        {
            error = "the INTEGER has no content octets (X.690 8.3.1)";
            return false;
        }

        if (content.Length > 1)
        {
            int leadingNine = (content[0] << 1) | (content[1] >> 7);
            if (leadingNine == 0 || leadingNine == 0x1FF)
            {
                error = "the INTEGER has a redundant leading octet (X.690 8.3.2)";
                return false;
            }
        }

        return true;
    }

    /// <summary>Decodes BOOLEAN contents (X.690 §8.2): one octet, zero for false, anything else for true.</summary>
    /// <param name="content">The content octets.</param>
    /// <param name="value">The value.</param>
    /// <param name="error">What is wrong otherwise.</param>
    /// <returns><see cref="OperationStatus.Done"/> or <see cref="OperationStatus.InvalidData"/>.</returns>
    public static OperationStatus TryDecodeBoolean(ReadOnlySpan<byte> content, out bool value, out string? error)
    {
        value = false;
        error = null;
        if (content.Length != 1)
        {
            error = $"a BOOLEAN has exactly one content octet, found {content.Length} (X.690 8.2.1)";
            return OperationStatus.InvalidData;
        }

        value = content[0] != 0;
        return OperationStatus.Done;
    }
}
