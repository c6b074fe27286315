namespace MigrationFormat.Ber.Tests;

/// <summary>Blob segments read from their source straight into the output match segments written from a buffer.</summary>
public class BerWriterSegmentTests
{
    private const int SegmentSize = 70000;

    private static byte[] FromSource(byte[] blob, bool oneBytePerRead)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new BerWriter(output);
        using Stream source = oneBytePerRead ? new OneByteStream(blob) : new MemoryStream(blob);
        while (writer.WriteOctetStringFrom(source, SegmentSize) != 0)
        {
        }

        writer.Flush();
        writer.Dispose();
        return output.WrittenSpan.ToArray();
    }

    private static byte[] FromBuffer(byte[] blob)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new BerWriter(output);
        for (int at = 0; at < blob.Length; at += SegmentSize)
        {
            writer.WriteOctetString(blob.AsSpan(at, Math.Min(SegmentSize, blob.Length - at)));
        }

        writer.Flush();
        writer.Dispose();
        return output.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(SegmentSize)]
    [InlineData(SegmentSize + 1)]
    [InlineData((3 * SegmentSize) + 200)]
    public void WriteOctetStringFrom_AnyBlobLength_EqualsSegmentsWrittenFromABuffer(int length)
    {
        byte[] blob = new byte[length];
        new Random(length).NextBytes(blob);

        Assert.Equal(FromBuffer(blob), FromSource(blob, oneBytePerRead: false));
    }

    [Fact]
    public void WriteOctetStringFrom_SourceGivingOneByteAtATime_FillsWholeSegments()
    {
        byte[] blob = new byte[SegmentSize + 300];
        new Random(9).NextBytes(blob);

        Assert.Equal(FromBuffer(blob), FromSource(blob, oneBytePerRead: true));
    }

    private sealed class OneByteStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer.Slice(0, Math.Min(1, buffer.Length)));

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(1, count));
    }
}
