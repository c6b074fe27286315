using MigrationFormat.Tests.Shared;
using MigrationFormat.Tool.IO;
using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary><see cref="InputStream.ReadToEnd"/> gives every byte of a file or a pipe, and holds a file's bytes once.</summary>
public class InputStreamTests
{
    private static byte[] Bytes(int length)
    {
        byte[] bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    private static InputStream Open(Stream inner) => new(inner, ownsInner: true, "input", new ProgressBar(TextWriter.Null, enabled: false, null, "read"));

    [Fact]
    public void ReadToEnd_FileAfterAPeek_GivesEveryByte()
    {
        using var dir = new TempDir();
        byte[] bytes = Bytes((3 << 20) + 7);
        File.WriteAllBytes(dir.File("in"), bytes);
        using InputStream input = Open(File.OpenRead(dir.File("in")));

        input.Peek(4);

        Assert.Equal(bytes, input.ReadToEnd());
    }

    [Fact]
    public void ReadToEnd_PipeLongerThanAChunk_GivesEveryByte()
    {
        byte[] bytes = Bytes((5 << 19) + 3);
        using InputStream input = Open(new NonSeekableStream(new MemoryStream(bytes), maxChunk: 65536));

        input.Peek(4);

        Assert.Equal(bytes, input.ReadToEnd());
    }

    [Fact]
    public void ReadToEnd_EmptyPipe_GivesNoBytes()
    {
        using InputStream input = Open(new NonSeekableStream(new MemoryStream(), maxChunk: 65536));

        Assert.Empty(input.ReadToEnd());
    }

    [Fact]
    public void ReadToEnd_File_AllocatesItsLengthOnce()
    {
        // A buffer that doubles as it grows, then a copy of its contents, allocates three times the input.
        using var dir = new TempDir();
        byte[] bytes = Bytes(8 << 20);
        File.WriteAllBytes(dir.File("in"), bytes);
        using InputStream input = Open(File.OpenRead(dir.File("in")));
        long before = GC.GetAllocatedBytesForCurrentThread();

        byte[] read = input.ReadToEnd();

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(bytes.Length, read.Length);
        Assert.InRange(allocated, bytes.Length, bytes.Length + (256 << 10));
    }
}
