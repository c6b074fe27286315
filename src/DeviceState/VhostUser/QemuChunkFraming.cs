using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;

namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>
/// QEMU's framing of a vhost-user back-end's state in its migration stream (<c>vhost_save_backend_state</c> and
/// <c>vhost_load_backend_state</c>, <c>hw/virtio/vhost.c</c>): chunks of a be32 length and that many bytes, ended by
/// a zero length. QEMU writes chunks of at most 1 MiB; on load it takes any be32 length, which this reader caps
/// (<see cref="DefaultMaxChunkSize"/> unless told otherwise) before reading the chunk's bytes. Neither direction
/// holds more than one chunk.
/// </summary>
public static class QemuChunkFraming
{
    /// <summary>QEMU's chunk size when saving: 1 MiB.</summary>
    public const int DefaultChunkSize = 1024 * 1024;

    /// <summary>The largest chunk accepted on load by default: QEMU's own chunk size.</summary>
    public const int DefaultMaxChunkSize = DefaultChunkSize;

    /// <summary>Copies <paramref name="source"/> to its end into <paramref name="output"/> as chunks, then the zero length.</summary>
    /// <param name="source">The back-end's state (the transfer pipe).</param>
    /// <param name="output">The migration stream.</param>
    /// <param name="chunkSize">The largest chunk; each chunk holds what one read of the source gave, up to this size.</param>
    /// <returns>The number of state bytes copied.</returns>
    public static long WriteChunks(Stream source, Stream output, int chunkSize = DefaultChunkSize)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4 + chunkSize);
        try
        {
            long total = 0;
            while (true)
            {
                int read = source.Read(buffer, 4, chunkSize);
                BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)read);
                output.Write(buffer, 0, 4 + read);
                if (read == 0)
                {
                    return total;
                }

                total += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads chunks from <paramref name="input"/> up to the zero length, writing their bytes to <paramref name="destination"/>.</summary>
    /// <param name="input">The migration stream, at the first chunk's length.</param>
    /// <param name="destination">The back-end's channel (the transfer pipe).</param>
    /// <param name="maxChunkSize">The largest chunk accepted.</param>
    /// <param name="startOffset">The absolute offset of <paramref name="input"/>'s position, for errors.</param>
    /// <returns>The number of state bytes copied.</returns>
    /// <exception cref="MigrationFormatException">A chunk is larger than <paramref name="maxChunkSize"/>, or the input ends before the zero length.</exception>
    public static long ReadChunks(Stream input, Stream destination, int maxChunkSize = DefaultMaxChunkSize, long startOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChunkSize, 1);
        var reader = new ExactReader(input, startOffset);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxChunkSize, DefaultChunkSize));
        try
        {
            long total = 0;
            while (true)
            {
                long at = reader.Position;
                uint length = reader.ReadUInt32BigEndian("a back-end state chunk's length");
                if (length == 0)
                {
                    return total;
                }

                if (length > (uint)maxChunkSize)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.LimitExceeded,
                        string.Create(CultureInfo.InvariantCulture, $"A back-end state chunk of {length} bytes exceeds the limit of {maxChunkSize}."),
                        at,
                        "vhost-user-backend-state");
                }

                int left = (int)length;
                while (left > 0)
                {
                    int piece = Math.Min(left, buffer.Length);
                    reader.ReadExactly(buffer.AsSpan(0, piece), "a back-end state chunk");
                    destination.Write(buffer, 0, piece);
                    left -= piece;
                }

                total += length;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
