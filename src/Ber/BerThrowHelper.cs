using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace MigrationFormat.Ber;

/// <summary>
/// Builds and throws the codec's <see cref="MigrationFormatException"/>s: one method per error kind, never inlined, so
/// that the text of a message is only put together when something fails. It also turns a <see cref="BerDecodeStatus"/>
/// into the kind and the words of an error, for the codec and for the loaders above it.
/// </summary>
internal static class BerThrowHelper
{
    /// <summary>Throws <see cref="MigrationErrorKind.Truncated"/>: the input ended before a complete value.</summary>
    /// <param name="detail">What was expected where the input ended.</param>
    /// <param name="offset">The absolute offset.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowTruncated(string detail, long offset) =>
        throw new MigrationFormatException(MigrationErrorKind.Truncated, detail, offset);

    /// <summary>Throws <see cref="MigrationErrorKind.InvalidEncoding"/>: the bytes break X.690.</summary>
    /// <param name="detail">What was expected and what was found.</param>
    /// <param name="offset">The absolute offset.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowInvalidEncoding(string detail, long offset) =>
        throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, detail, offset);

    /// <summary>Throws <see cref="MigrationErrorKind.LimitExceeded"/>: a configured or codec limit was passed.</summary>
    /// <param name="detail">Which limit and by how much.</param>
    /// <param name="offset">The absolute offset.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowLimitExceeded(string detail, long offset) =>
        throw new MigrationFormatException(MigrationErrorKind.LimitExceeded, detail, offset);

    /// <summary>Throws for identifier or length octets that <see cref="BerDecoder.TryReadHeader"/> refused.</summary>
    /// <param name="status">The decoder's status: <see cref="BerDecodeStatus.BeyondCodecLimit"/> is a limit, anything else an encoding error.</param>
    /// <param name="header">The bytes from the identifier on (what was available).</param>
    /// <param name="offset">The absolute offset of the identifier.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowHeader(BerDecodeStatus status, ReadOnlySpan<byte> header, long offset)
    {
        string detail = DescribeHeader(status, header);
        if (status == BerDecodeStatus.BeyondCodecLimit)
        {
            ThrowLimitExceeded("Unsupported identifier or length: " + detail + ".", offset);
        }

        ThrowInvalidEncoding("Malformed identifier or length: " + detail + ".", offset);
    }

    /// <summary>Throws for primitive contents a typed getter of <see cref="BerReader"/> refused.</summary>
    /// <param name="status">The decoder's status.</param>
    /// <param name="tag">The value's tag.</param>
    /// <param name="detail">What is wrong, from one of the <c>Describe</c> methods.</param>
    /// <param name="offset">The absolute offset of the value.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowValue(BerDecodeStatus status, BerTag tag, string detail, long offset) =>
        throw new MigrationFormatException(KindOf(status), string.Create(CultureInfo.InvariantCulture, $"The value {tag}: {detail}."), offset);

    /// <summary>Gets the error kind a failed decode is reported as.</summary>
    /// <param name="status">A status other than <see cref="BerDecodeStatus.Done"/>.</param>
    /// <returns>The kind.</returns>
    public static MigrationErrorKind KindOf(BerDecodeStatus status) => status switch
    {
        BerDecodeStatus.NeedMoreData => MigrationErrorKind.Truncated,
        BerDecodeStatus.OutOfRange => MigrationErrorKind.IntegerOutOfRange,
        BerDecodeStatus.BeyondCodecLimit => MigrationErrorKind.LimitExceeded,
        _ => MigrationErrorKind.InvalidEncoding,
    };

    /// <summary>Says what is wrong with identifier and length octets, re-reading them (failure path only).</summary>
    /// <param name="status">The status <see cref="BerDecoder.TryReadHeader"/> returned for them.</param>
    /// <param name="header">The bytes from the identifier on.</param>
    /// <returns>A clause for a message, without a final full stop.</returns>
    public static string DescribeHeader(BerDecodeStatus status, ReadOnlySpan<byte> header)
    {
        if (BerDecoder.TryReadTag(header, out _, out int tagLength) != BerDecodeStatus.Done)
        {
            return status switch
            {
                BerDecodeStatus.InvalidEncoding => "the first subsequent tag octet is 80, a padded tag number (X.690 8.1.2.4.2 c)",
                BerDecodeStatus.NonMinimal => string.Create(
                    CultureInfo.InvariantCulture,
                    $"tag number {LongFormNumber(header)} is written in the long form; numbers below 31 take one octet (X.690 8.1.2.2)"),
                BerDecodeStatus.BeyondCodecLimit => "the tag number has more than 63 bits, beyond this codec's limit",
                _ => "the identifier octets end early",
            };
        }

        ReadOnlySpan<byte> length = header.Slice(tagLength);
        return status switch
        {
            BerDecodeStatus.InvalidEncoding => "length octet FF is reserved (X.690 8.1.3.5 c)",
            BerDecodeStatus.BeyondCodecLimit when (length[0] & 0x7F) > 8 => string.Create(
                CultureInfo.InvariantCulture,
                $"the length takes {length[0] & 0x7F} octets; this codec reads at most 8 length octets (lengths up to 2^63 - 1)"),
            BerDecodeStatus.BeyondCodecLimit => "the length is beyond 2^63 - 1, this codec's limit",
            _ => "the length octets end early",
        };
    }

    /// <summary>Says what is wrong with INTEGER contents that did not decode.</summary>
    /// <param name="status">The status <see cref="BerDecoder.TryDecodeInt64"/> or <see cref="BerDecoder.TryDecodeUInt64"/> returned.</param>
    /// <param name="content">The contents, or their first octets.</param>
    /// <param name="length">The number of content octets.</param>
    /// <param name="unsigned"><see langword="true"/> when an unsigned value was asked for.</param>
    /// <returns>A clause for a message, without a final full stop.</returns>
    public static string DescribeInteger(BerDecodeStatus status, ReadOnlySpan<byte> content, long length, bool unsigned) => status switch
    {
        BerDecodeStatus.InvalidEncoding => "the INTEGER has no content octets (X.690 8.3.1)",
        BerDecodeStatus.NonMinimal => "the INTEGER has a redundant leading octet (X.690 8.3.2)",
        BerDecodeStatus.OutOfRange when unsigned && (content[0] & 0x80) != 0 => "the INTEGER is negative; an unsigned value was expected",
        BerDecodeStatus.OutOfRange => string.Create(
            CultureInfo.InvariantCulture,
            $"the INTEGER takes {length} octets, more than {(unsigned ? "an unsigned" : "a signed")} 64-bit value holds"),
        _ => "the INTEGER is not complete",
    };

    /// <summary>Says what is wrong with BOOLEAN contents that did not decode.</summary>
    /// <param name="length">The number of content octets.</param>
    /// <returns>A clause for a message, without a final full stop.</returns>
    public static string DescribeBoolean(long length) =>
        string.Create(CultureInfo.InvariantCulture, $"a BOOLEAN has exactly one content octet, found {length} (X.690 8.2.1)");

    private static ulong LongFormNumber(ReadOnlySpan<byte> header)
    {
        ulong number = 0;
        for (int i = 1; i < header.Length; i++)
        {
            number = (number << 7) | (uint)(header[i] & 0x7F);
            if ((header[i] & 0x80) == 0)
            {
                break;
            }
        }

        return number;
    }
}
