using System.Buffers.Binary;
using MigrationFormat.DeviceState.VhostUser;
using Xunit;

namespace MigrationFormat.DeviceState.Tests.VhostUser;

/// <summary>QEMU's be32-length chunk framing of a back-end's state.</summary>
public sealed class QemuChunkFramingTests
{
    [Theory]
    [InlineData(0, 1024)]
    [InlineData(1, 1024)]
    [InlineData(5000, 1024)]
    [InlineData(3_000_000, QemuChunkFraming.DefaultChunkSize)]
    public void WriteThenRead_AnyState_RoundTripsAndEndsWithAZeroLength(int length, int chunkSize)
    {
        byte[] state = new byte[length];
        new Random(length).NextBytes(state);
        using var framed = new MemoryStream();
        Assert.Equal(length, QemuChunkFraming.WriteChunks(new TrickleStream(state, 777), framed, chunkSize));
        byte[] bytes = framed.ToArray();
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(bytes.Length - 4)));

        using var output = new MemoryStream();
        Assert.Equal(length, QemuChunkFraming.ReadChunks(new MemoryStream(bytes), output, chunkSize));
        Assert.Equal(state, output.ToArray());
    }

    [Fact]
    public void WriteChunks_EachChunk_IsAtMostTheChunkSize()
    {
        byte[] state = new byte[10_000];
        using var framed = new MemoryStream();
        QemuChunkFraming.WriteChunks(new MemoryStream(state), framed, 4096);
        byte[] bytes = framed.ToArray();
        var lengths = new List<uint>();
        for (int at = 0; ;)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
            lengths.Add(length);
            at += 4 + (int)length;
            if (length == 0)
            {
                Assert.Equal(bytes.Length, at);
                break;
            }
        }

        Assert.Equal([4096u, 4096u, 1808u, 0u], lengths);
    }

    [Fact]
    public void ReadChunks_ChunkOverTheCap_IsRejectedBeforeItsBytes()
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, QemuChunkFraming.DefaultMaxChunkSize + 1);
        var output = new MemoryStream();
        MigrationFormatException error =
            Assert.Throws<MigrationFormatException>(() => QemuChunkFraming.ReadChunks(new MemoryStream(bytes), output, startOffset: 100));
        Assert.Equal(MigrationErrorKind.LimitExceeded, error.Kind);
        Assert.Equal(100, error.Offset);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public void ReadChunks_HugeDeclaredLength_AllocatesNothingForIt()
    {
        // QEMU's loader would g_realloc 4 GiB here; the cap refuses first.
        byte[] bytes = [0xFF, 0xFF, 0xFF, 0xFF];
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<MigrationFormatException>(() => QemuChunkFraming.ReadChunks(new MemoryStream(bytes), Stream.Null));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64 * 1024);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(100)]
    [InlineData(1004)]
    [InlineData(1006)]
    public void ReadChunks_CutShort_IsTruncated(int cut)
    {
        using var framed = new MemoryStream();
        QemuChunkFraming.WriteChunks(new MemoryStream(new byte[1000]), framed);
        byte[] bytes = framed.ToArray()[..cut];
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() => QemuChunkFraming.ReadChunks(new MemoryStream(bytes), Stream.Null));
        Assert.Equal(MigrationErrorKind.Truncated, error.Kind);
    }
}
