using System;
using System.Buffers;
using System.IO;
using System.IO.Compression;

namespace MigrationFormat.Visitors;

/// <summary>
/// The compression of embedded schema documents: raw DEFLATE (RFC 1951). JSON schemas repeat their member names
/// and types field after field, so they shrink several times over; the state they describe is not compressed.
/// </summary>
public static class SchemaCompression
{
    /// <summary>The default bound on a decompressed schema document: 16 MiB.</summary>
    public const int DefaultMaxDocumentLength = 16 * 1024 * 1024;

    /// <summary>Compresses a document.</summary>
    /// <param name="document">The document's bytes.</param>
    /// <returns>The raw DEFLATE stream.</returns>
    public static byte[] Compress(ReadOnlySpan<byte> document)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(document);
        }

        return output.ToArray();
    }

    /// <summary>Decompresses a document, refusing to produce more than <paramref name="maxLength"/> bytes.</summary>
    /// <param name="compressed">The raw DEFLATE stream.</param>
    /// <param name="maxLength">The largest document accepted.</param>
    /// <param name="offset">The compressed bytes' offset in the stream, for errors.</param>
    /// <returns>The document.</returns>
    /// <exception cref="MigrationFormatException">The data is not valid DEFLATE, or inflates beyond <paramref name="maxLength"/>.</exception>
    public static byte[] Decompress(ReadOnlyMemory<byte> compressed, int maxLength, long offset) =>
        Inflate(compressed, maxLength, offset, meter: null, inputBytes: 0, what: null);

    /// <summary>
    /// Decompresses a document and charges its inflated size to <paramref name="meter"/>, refusing to produce more than the
    /// meter has left or <see cref="DefaultMaxDocumentLength"/>, whichever is less: the sum over all documents stays within
    /// the budget, not only each one.
    /// </summary>
    /// <param name="compressed">The raw DEFLATE stream.</param>
    /// <param name="meter">The decode's meter.</param>
    /// <param name="inputBytes">The input bytes read so far (up to the end of the compressed document).</param>
    /// <param name="what">The document, as a noun phrase, for the error (e.g. <c>the embedded schema 'serial/v3'</c>).</param>
    /// <param name="offset">The compressed bytes' offset in the stream, for errors.</param>
    /// <returns>The document.</returns>
    /// <exception cref="MigrationFormatException">The data is not valid DEFLATE, or inflates beyond the budget or the document bound.</exception>
    public static byte[] Decompress(ReadOnlyMemory<byte> compressed, ResourceMeter meter, long inputBytes, string what, long offset)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(what);
        byte[] document = Inflate(compressed, DefaultMaxDocumentLength, offset, meter, inputBytes, what);
        meter.Charge(document.Length, inputBytes, what, offset);
        return document;
    }

    private static byte[] Inflate(ReadOnlyMemory<byte> compressed, int maxLength, long offset, ResourceMeter? meter, long inputBytes, string? what)
    {
        long remaining = meter is null ? long.MaxValue : meter.Remaining(inputBytes);
        using var source = new MemoryStream(compressed.ToArray(), writable: false);
        using var inflate = new DeflateStream(source, CompressionMode.Decompress);
        var output = new ArrayBufferWriter<byte>((int)Math.Max(256, Math.Min(Math.Min(maxLength, remaining), compressed.Length * 4L)));
        try
        {
            while (true)
            {
                Span<byte> span = output.GetSpan(4096);
                int read = inflate.Read(span);
                if (read == 0)
                {
                    break;
                }

                output.Advance(read);
                if (output.WrittenCount > remaining)
                {
                    throw meter!.Exceeded(output.WrittenCount, inputBytes, what!, offset);
                }

                if (output.WrittenCount > maxLength)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.LimitExceeded,
                        $"An embedded schema inflates to more than {maxLength} bytes.",
                        offset);
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "An embedded schema is not valid DEFLATE data.", offset, null, ex);
        }

        return output.WrittenSpan.ToArray();
    }
}
