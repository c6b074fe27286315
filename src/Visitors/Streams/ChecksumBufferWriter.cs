using System;
using System.Buffers;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>Passes writes to another buffer writer and keeps CRC-32C states of everything written: since the start, and since the last section mark.</summary>
internal sealed class ChecksumBufferWriter : IBufferWriter<byte>
{
    private readonly IBufferWriter<byte> _inner;
    private Memory<byte> _lastMemory;
    private uint _stream = Crc32C.Initial;
    private uint _section = Crc32C.Initial;

    public ChecksumBufferWriter(IBufferWriter<byte> inner) => _inner = inner;

    public IBufferWriter<byte> Inner => _inner;

    public uint StreamChecksum => Crc32C.Finish(_stream);

    public uint SectionChecksum => Crc32C.Finish(_section);

    public void MarkSection() => _section = Crc32C.Initial;

    public void Advance(int count)
    {
        ReadOnlySpan<byte> written = _lastMemory.Span.Slice(0, count);
        _stream = Crc32C.Append(_stream, written);
        _section = Crc32C.Append(_section, written);
        _inner.Advance(count);
        _lastMemory = default;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _lastMemory = _inner.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => (_lastMemory = _inner.GetMemory(sizeHint)).Span;
}
