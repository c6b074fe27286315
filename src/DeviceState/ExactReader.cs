using System;
using System.Buffers.Binary;
using System.IO;

namespace MigrationFormat.DeviceState;

/// <summary>Reads exact byte counts from a stream and keeps the absolute position for error messages.</summary>
internal sealed class ExactReader(Stream input, long startOffset = 0)
{
    private readonly byte[] _scratch = new byte[8];

    /// <summary>Gets the absolute offset of the next byte.</summary>
    public long Position { get; private set; } = startOffset;

    /// <summary>Gets the stream read from.</summary>
    public Stream Input => input;

    /// <summary>
    /// Reads exactly <paramref name="buffer"/>'s length, or throws <see cref="MigrationFormatException"/> (Truncated) naming <paramref name="what"/>.
    /// </summary>
    public void ReadExactly(Span<byte> buffer, string what)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = input.Read(buffer[filled..]);
            if (read == 0)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.Truncated,
                    $"The input ended inside {what}: {filled} of {buffer.Length} bytes arrived.",
                    Position + filled);
            }

            filled += read;
        }

        Position += buffer.Length;
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length; 0 only at the end of the input.</summary>
    public int ReadSome(Span<byte> buffer)
    {
        int read = input.Read(buffer);
        Position += read;
        return read;
    }

    /// <summary>Reads one byte, or returns -1 at the end of the input.</summary>
    public int ReadByteOrEnd()
    {
        int value = input.ReadByte();
        if (value >= 0)
        {
            Position++;
        }

        return value;
    }

    public byte ReadByte(string what)
    {
        ReadExactly(_scratch.AsSpan(0, 1), what);
        return _scratch[0];
    }

    public uint ReadUInt32BigEndian(string what)
    {
        ReadExactly(_scratch.AsSpan(0, 4), what);
        return BinaryPrimitives.ReadUInt32BigEndian(_scratch);
    }

    public ulong ReadUInt64BigEndian(string what)
    {
        ReadExactly(_scratch.AsSpan(0, 8), what);
        return BinaryPrimitives.ReadUInt64BigEndian(_scratch);
    }
}
