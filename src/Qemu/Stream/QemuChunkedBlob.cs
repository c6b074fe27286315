using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace MigrationFormat.Qemu;

/// <summary>
/// A vhost-user back-end's state as QEMU carries it in a device field (<c>vhost_save_backend_state</c>): chunks of a
/// be32 length and that many bytes, ended by a zero length. QEMU names the field's type after the device
/// (<c>virtio-fs back-end state</c> for <c>vhost-user-fs</c>).
/// </summary>
public sealed class QemuChunkedBlob
{
    private QemuChunkedBlob(IReadOnlyList<int> chunkLengths, byte[] contents)
    {
        ChunkLengths = chunkLengths;
        Contents = contents;
    }

    /// <summary>Gets the length of each chunk, in order (the terminating zero length not included).</summary>
    public IReadOnlyList<int> ChunkLengths { get; }

    /// <summary>Gets the chunks' bytes joined: the back-end's state.</summary>
    public ReadOnlyMemory<byte> Contents { get; }

    /// <summary>Gets a value indicating whether a VM description field type carries a back-end's chunked state.</summary>
    /// <param name="typeName">The field's type name in the VM description.</param>
    /// <returns><see langword="true"/> for types named <c>... back-end state</c>.</returns>
    public static bool IsChunkedType(string typeName)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        return typeName.EndsWith("back-end state", StringComparison.Ordinal);
    }

    /// <summary>Reads a field's bytes as chunks; the zero length must end them exactly.</summary>
    /// <param name="field">The field's bytes.</param>
    /// <param name="blob">The chunks, when the result is <see langword="true"/>.</param>
    /// <returns><see langword="false"/> when the bytes are not chunks ended by a zero length.</returns>
    public static bool TryRead(ReadOnlySpan<byte> field, out QemuChunkedBlob? blob)
    {
        blob = null;
        var lengths = new List<int>();
        int position = 0;
        long total = 0;
        while (true)
        {
            if (field.Length - position < 4)
            {
                return false;
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(field[position..]);
            position += 4;
            if (length == 0)
            {
                break;
            }

            if (length > (uint)(field.Length - position))
            {
                return false;
            }

            lengths.Add((int)length);
            position += (int)length;
            total += length;
        }

        if (position != field.Length)
        {
            return false;
        }

        byte[] contents = new byte[total];
        int offset = 0;
        position = 0;
        foreach (int length in lengths)
        {
            field.Slice(position + 4, length).CopyTo(contents.AsSpan(offset));
            position += 4 + length;
            offset += length;
        }

        blob = new QemuChunkedBlob(lengths, contents);
        return true;
    }
}
