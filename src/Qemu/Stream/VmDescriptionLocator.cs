using System;
using System.Buffers.Binary;
using System.IO;

namespace MigrationFormat.Qemu;

/// <summary>
/// Finds the VM description trailer at the end of a seekable stream without reading the stream from the start: the JSON
/// holds no NUL byte, so the last NUL is the EOF byte before the trailer or one of the bytes of its be32 length.
/// </summary>
internal static class VmDescriptionLocator
{
    private const int Chunk = 64 * 1024;

    /// <summary>Looks for <c>00 06 &lt;be32 N&gt; &lt;N bytes&gt;</c> ending exactly at the end of the stream.</summary>
    /// <param name="stream">A seekable stream; its position is restored.</param>
    /// <param name="origin">The absolute position of the stream's first byte (the magic).</param>
    /// <param name="maxLength">The largest JSON length considered.</param>
    /// <param name="offset">The trailer's offset relative to <paramref name="origin"/>.</param>
    /// <param name="json">The JSON bytes.</param>
    /// <returns><see langword="true"/> when a trailer was found.</returns>
    public static bool TryLocate(Stream stream, long origin, int maxLength, out long offset, out byte[] json)
    {
        offset = -1;
        json = [];
        long saved = stream.Position;
        try
        {
            long end = stream.Length;
            long first = origin + 9;
            if (end - first < 5)
            {
                return false;
            }

            long searchFrom = Math.Max(origin + 8, end - maxLength - 10L);
            long nul = LastZero(stream, searchFrom, end);
            if (nul < 0)
            {
                return false;
            }

            Span<byte> head = stackalloc byte[6];
            for (long p = nul + 1; p >= nul - 4; p--)
            {
                if (p < first || p + 5 > end)
                {
                    continue;
                }

                stream.Position = p - 1;
                stream.ReadExactly(head);
                long length = BinaryPrimitives.ReadUInt32BigEndian(head[2..]);
                if (head[0] == QemuStreamFormat.EndOfFile && head[1] == QemuStreamFormat.VmDescription && length == end - p - 5 && length <= maxLength)
                {
                    json = new byte[length];
                    stream.ReadExactly(json);
                    offset = p - origin;
                    return true;
                }
            }

            return false;
        }
        finally
        {
            stream.Position = saved;
        }
    }

    private static long LastZero(Stream stream, long from, long end)
    {
        var buffer = new byte[Chunk];
        long position = end;
        while (position > from)
        {
            int count = (int)Math.Min(Chunk, position - from);
            position -= count;
            stream.Position = position;
            stream.ReadExactly(buffer, 0, count);
            int index = buffer.AsSpan(0, count).LastIndexOf((byte)0);
            if (index >= 0)
            {
                return position + index;
            }
        }

        return -1;
    }
}
