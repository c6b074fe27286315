using System;
using System.IO;

namespace MigrationFormat.Ber;

// Blob segments read from their source straight into the output, with no staging buffer between the two.
public ref partial struct BerWriter
{
    /// <summary>
    /// Writes one primitive OCTET STRING of up to <paramref name="maxLength"/> octets read from
    /// <paramref name="source"/> directly into the output's memory; nothing is written when the source is exhausted.
    /// </summary>
    /// <param name="source">Where the contents come from; read until <paramref name="maxLength"/> octets or its end.</param>
    /// <param name="maxLength">The most content octets the segment holds.</param>
    /// <returns>The number of content octets written, 0 when <paramref name="source"/> had none left.</returns>
    internal int WriteOctetStringFrom(Stream source, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        int reservedHeader = 1 + BerEncoder.GetLengthLength(maxLength);
        Span<byte> span = Reserve(reservedHeader + maxLength);
        Span<byte> content = span.Slice(reservedHeader, maxLength);
        int filled = 0;
        while (filled < maxLength)
        {
            int read = source.Read(content.Slice(filled));
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        if (filled == 0)
        {
            return 0;
        }

        // A short last segment needs fewer length octets than were set aside: close the gap before the header.
        int header = 1 + BerEncoder.GetLengthLength(filled);
        if (header < reservedHeader)
        {
            content.Slice(0, filled).CopyTo(span.Slice(header));
        }

        span[0] = 0x04;
        BerEncoder.WriteLength(span.Slice(1), filled);
        _buffered += header + filled;
        return filled;
    }
}
