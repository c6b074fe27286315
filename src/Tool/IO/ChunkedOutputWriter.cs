using System;
using System.Buffers;
using System.IO;

namespace MigrationFormat.Tool.IO;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> that passes what is written on to a stream in pieces of about
/// <see cref="ChunkSize"/> bytes, so that a document written through it is never held whole.
/// </summary>
internal sealed class ChunkedOutputWriter(Stream output) : IBufferWriter<byte>
{
    /// <summary>How much is gathered before it goes to the stream.</summary>
    public const int ChunkSize = 64 * 1024;

    private byte[] _buffer = new byte[ChunkSize];
    private int _written;

    /// <inheritdoc/>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
        if (_written >= ChunkSize)
        {
            Flush();
        }
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Passes what is gathered on to the stream.</summary>
    public void Flush()
    {
        output.Write(_buffer, 0, _written);
        _written = 0;
    }

    private void Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        Flush();
        if (_buffer.Length < needed)
        {
            _buffer = new byte[needed];
        }
    }
}
