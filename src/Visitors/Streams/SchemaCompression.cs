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
    public static byte[] Decompress(ReadOnlyMemory<byte> compressed, int maxLength, long offset)
    {
        using var source = new MemoryStream(compressed.ToArray(), writable: false);
        using var inflate = new DeflateStream(source, CompressionMode.Decompress);
        var output = new ArrayBufferWriter<byte>(Math.Min(maxLength, Math.Max(256, compressed.Length * 4)));
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
