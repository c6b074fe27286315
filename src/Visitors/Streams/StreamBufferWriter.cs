using System;
using System.Buffers;
using System.IO;

namespace MigrationFormat.Visitors;

/// <summary>An <see cref="IBufferWriter{T}"/> that passes what it is given to a <see cref="Stream"/> whenever it is drained.</summary>
internal sealed class StreamBufferWriter : IBufferWriter<byte>, IDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int _written;

    public StreamBufferWriter(Stream stream) => _stream = stream;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Drain()
    {
        if (_written > 0)
        {
            _stream.Write(_buffer, 0, _written);
            _written = 0;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        Drain();
        if (_buffer.Length < needed)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(needed);
        }
    }
}
