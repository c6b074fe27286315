using System;
using System.Buffers;
using System.IO;
using MigrationFormat.Ber;

namespace MigrationFormat.Qemu;

/// <summary>One BER identifier and length as read, with its raw octets (for re-capturing the value whole).</summary>
internal readonly record struct BerHeaderRead(BerTag Tag, long Length, long Offset, byte[] Raw)
{
    /// <summary>Gets a value indicating whether the length is indefinite (the contents end with end-of-contents).</summary>
    public bool IsIndefinite => Length < 0;
}

/// <summary>
/// A forward-only reader of BER headers and contents over a <see cref="Stream"/>: it holds one header, one segment or one
/// bounded value at a time, never the stream, so the transcoder's way back to QEMU bytes runs in bounded memory however
/// much RAM a stream carries.
/// </summary>
internal sealed class BerStreamInput(Stream stream)
{
    /// <summary>The deepest nesting a captured value may have (as the stream reader's limit).</summary>
    private const int MaxDepth = 64;

    private readonly byte[] _buffer = new byte[256 * 1024];
    private int _start;
    private int _end;
    private long _position;

    /// <summary>Gets the offset in the stream of the next byte to read.</summary>
    public long Position => _position;

    /// <summary>Returns up to <paramref name="count"/> bytes ahead without consuming them (fewer at the end).</summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        Fill(count);
        return _buffer.AsSpan(_start, Math.Min(count, _end - _start));
    }

    /// <summary>Reads an identifier and a length.</summary>
    /// <param name="what">What is expected, for the message when the stream ends or the octets are not a header.</param>
    public BerHeaderRead ReadHeader(string what)
    {
        const int LongestHeader = 32;
        Fill(LongestHeader);
        ReadOnlySpan<byte> available = _buffer.AsSpan(_start, _end - _start);
        BerDecodeStatus status = BerDecoder.TryReadHeader(available, out BerTag tag, out long length, out int headerLength);
        if (status == BerDecodeStatus.NeedMoreData)
        {
            throw new MigrationFormatException(MigrationErrorKind.Truncated, $"Expected {what}; the stream ends first.", _position + available.Length);
        }

        if (status != BerDecodeStatus.Done)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.InvalidEncoding,
                $"Expected {what}; found octets that are not a BER header ({status}).",
                _position);
        }

        if (length < 0 && !tag.IsConstructed)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.InvalidEncoding,
                $"Expected {what}; found a primitive value of indefinite length.",
                _position);
        }

        var header = new BerHeaderRead(tag, length, _position, available[..headerLength].ToArray());
        Consume(headerLength);
        return header;
    }

    /// <summary>Consumes an end-of-contents marker when one is next.</summary>
    public bool TryReadEndOfContents()
    {
        Fill(2);
        if (_end - _start >= 2 && _buffer[_start] == 0 && _buffer[_start + 1] == 0)
        {
            Consume(2);
            return true;
        }

        return false;
    }

    /// <summary>Reads the contents of a primitive value of at most <paramref name="limit"/> bytes.</summary>
    public byte[] ReadContents(BerHeaderRead header, int limit, string what)
    {
        if (header.Tag.IsConstructed || header.Length > limit)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"Expected {what}, a primitive value of at most {limit} bytes; "
                + $"found {(header.Tag.IsConstructed ? "a constructed value" : $"{header.Length} bytes")}.",
                header.Offset);
        }

        byte[] contents = new byte[header.Length];
        ReadExactly(contents, what);
        return contents;
    }

    /// <summary>Copies <paramref name="length"/> content bytes to <paramref name="output"/>, a buffer at a time.</summary>
    public void CopyContents(long length, Stream output, string what)
    {
        while (length > 0)
        {
            if (_end == _start && !Fill(1))
            {
                throw new MigrationFormatException(MigrationErrorKind.Truncated, $"Expected {length} more bytes of {what}; the stream ends first.", _position);
            }

            int chunk = (int)Math.Min(length, _end - _start);
            output.Write(_buffer, _start, chunk);
            Consume(chunk);
            length -= chunk;
        }
    }

    /// <summary>Passes over a value's contents (nested values included) without keeping them.</summary>
    public void SkipContents(BerHeaderRead header, string what) => Capture(header, null, long.MaxValue, 0, what);

    /// <summary>Reads a whole value (header included) into memory, refusing one larger than <paramref name="limit"/> bytes.</summary>
    public byte[] CaptureValue(BerHeaderRead header, long limit, string what)
    {
        var value = new ArrayBufferWriter<byte>();
        value.Write(header.Raw);
        Capture(header, value, limit, 0, what);
        return value.WrittenSpan.ToArray();
    }

    private void Capture(BerHeaderRead header, ArrayBufferWriter<byte>? into, long limit, int depth, string what)
    {
        if (!header.IsIndefinite)
        {
            if (into is not null && into.WrittenCount + header.Length > limit)
            {
                throw new MigrationFormatException(MigrationErrorKind.LimitExceeded, $"Expected {what} of at most {limit} bytes; found more.", header.Offset);
            }

            if (into is null)
            {
                CopyContents(header.Length, Stream.Null, what);
            }
            else
            {
                Span<byte> target = into.GetSpan((int)header.Length)[..(int)header.Length];
                ReadExactly(target, what);
                into.Advance((int)header.Length);
            }

            return;
        }

        if (depth >= MaxDepth)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.LimitExceeded,
                $"Expected {what} nested at most {MaxDepth} deep; found deeper.",
                header.Offset);
        }

        while (!TryReadEndOfContents())
        {
            BerHeaderRead inner = ReadHeader("a value inside " + what);
            into?.Write(inner.Raw);
            Capture(inner, into, limit, depth + 1, what);
        }

        into?.Write<byte>([0, 0]);
    }

    private void ReadExactly(Span<byte> target, string what)
    {
        while (!target.IsEmpty)
        {
            if (_end == _start && !Fill(1))
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.Truncated,
                    $"Expected {target.Length} more bytes of {what}; the stream ends first.",
                    _position);
            }

            int chunk = Math.Min(target.Length, _end - _start);
            _buffer.AsSpan(_start, chunk).CopyTo(target);
            target = target[chunk..];
            Consume(chunk);
        }
    }

    private void Consume(int count)
    {
        _start += count;
        _position += count;
    }

    /// <summary>Makes at least <paramref name="count"/> bytes available when the stream has them; false when it ends first.</summary>
    private bool Fill(int count)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        while (_end < count)
        {
            int read = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }
}
