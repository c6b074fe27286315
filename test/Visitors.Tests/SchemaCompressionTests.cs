using System.Buffers;
using MigrationFormat.Samples;

namespace MigrationFormat.Visitors.Tests;

public class SchemaCompressionTests
{
    [Fact]
    public void WriteSchemas_CompressedByDefault_ReadsBackTheSameDocument()
    {
        byte[] document = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"name\":\"field\",\"tag\":1,\"type\":\"uint32\"},", 50)));
        byte[] stream = Write(document, compress: true);
        byte[] plain = Write(document, compress: false);

        using var reader = new MigrationStreamReader(stream);
        Assert.False(reader.TryReadSection(out _));
        Assert.Equal(document, reader.Schemas["dev/v1"]);
        Assert.True(stream.Length * 5 < plain.Length, $"compressed {stream.Length} bytes, plain {plain.Length}");
    }

    [Fact]
    public void Decompress_BeyondTheLimit_IsLimitExceeded()
    {
        byte[] bomb = SchemaCompression.Compress(new byte[1 << 20]);

        var ex = Assert.Throws<MigrationFormatException>(() => SchemaCompression.Decompress(bomb, maxLength: 64 * 1024, offset: 10));
        Assert.Equal(MigrationErrorKind.LimitExceeded, ex.Kind);
        Assert.Equal(10, ex.Offset);
    }

    [Fact]
    public void Decompress_NotDeflate_IsInvalidEncoding()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => SchemaCompression.Decompress(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, 1024, 0));
        Assert.Equal(MigrationErrorKind.InvalidEncoding, ex.Kind);
    }

    private static byte[] Write(byte[] document, bool compress)
    {
        var output = new ArrayBufferWriter<byte>();
        using var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { CompressSchemas = compress });
        writer.WriteSchemas([new("dev/v1", document)]);
        writer.Complete();
        return output.WrittenSpan.ToArray();
    }
}
