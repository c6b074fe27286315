using System;
using System.Formats.Asn1;

namespace MigrationFormat.Qemu;

/// <summary>
/// Re-encodes a BER value so that it and every constructed value inside it has a definite length: the same tags, the same
/// primitive values, the same structure; an indefinite length's <c>80</c> and end-of-contents octets (four bytes per
/// constructed value) become one to three length octets. The transcoder holds each device section whole (it checks the
/// section against QEMU's bytes), so it can write that section this way.
/// </summary>
internal static class BerDefiniteLength
{
    private const int MaxDepth = 64;

    /// <summary>Re-encodes <paramref name="value"/>, which holds exactly one BER value.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> value)
    {
        int size = Measure(value, 0, out int consumed);
        if (consumed != value.Length)
        {
            throw new AsnContentException("Bytes follow the value.");
        }

        byte[] output = new byte[size];
        int written = Write(value, output, 0);
        return written == size ? output : throw new InvalidOperationException("The measured and written sizes differ.");
    }

    /// <summary>The size of the value at the start of <paramref name="source"/> once re-encoded.</summary>
    private static int Measure(ReadOnlySpan<byte> source, int depth, out int consumed)
    {
        Asn1Tag tag = Read(source, depth, out int tagLength, out int contentOffset, out int contentLength, out consumed);
        if (!tag.IsConstructed)
        {
            return consumed;
        }

        int content = 0;
        ReadOnlySpan<byte> children = source.Slice(contentOffset, contentLength);
        while (!children.IsEmpty)
        {
            content += Measure(children, depth + 1, out int used);
            children = children.Slice(used);
        }

        return tagLength + LengthOctets(content) + content;
    }

    private static int Write(ReadOnlySpan<byte> source, Span<byte> destination, int depth)
    {
        Asn1Tag tag = Read(source, depth, out int tagLength, out int contentOffset, out int contentLength, out int consumed);
        if (!tag.IsConstructed)
        {
            source.Slice(0, consumed).CopyTo(destination);
            return consumed;
        }

        int content = 0;
        ReadOnlySpan<byte> children = source.Slice(contentOffset, contentLength);
        while (!children.IsEmpty)
        {
            content += Measure(children, depth + 1, out int used);
            children = children.Slice(used);
        }

        source.Slice(0, tagLength).CopyTo(destination);
        int at = tagLength + WriteLength(content, destination.Slice(tagLength));
        children = source.Slice(contentOffset, contentLength);
        while (!children.IsEmpty)
        {
            Measure(children, depth + 1, out int used);
            at += Write(children.Slice(0, used), destination.Slice(at), depth + 1);
            children = children.Slice(used);
        }

        return at;
    }

    private static Asn1Tag Read(ReadOnlySpan<byte> source, int depth, out int tagLength, out int contentOffset, out int contentLength, out int consumed)
    {
        if (depth > MaxDepth)
        {
            throw new AsnContentException($"The value nests deeper than {MaxDepth} levels.");
        }

        Asn1Tag tag = Asn1Tag.Decode(source, out tagLength);
        AsnDecoder.ReadEncodedValue(source, AsnEncodingRules.BER, out contentOffset, out contentLength, out consumed);
        return tag;
    }

    private static int LengthOctets(int length) => length < 0x80 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : length < 0x1000000 ? 4 : 5;

    private static int WriteLength(int length, Span<byte> destination)
    {
        int octets = LengthOctets(length);
        if (octets == 1)
        {
            destination[0] = (byte)length;
            return 1;
        }

        destination[0] = (byte)(0x80 | (octets - 1));
        for (int i = octets - 1; i >= 1; i--)
        {
            destination[i] = (byte)length;
            length >>= 8;
        }

        return octets;
    }
}
