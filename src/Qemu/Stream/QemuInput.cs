using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;

namespace MigrationFormat.Qemu;

/// <summary>
/// Buffered, bounded big-endian input over a <see cref="Stream"/>, with absolute offsets. Nothing is allocated for a
/// declared length before the bytes have arrived: long reads grow their buffer as data comes in.
/// </summary>
internal sealed class QemuInput
{
    private const int ChunkSize = 64 * 1024;
    private readonly Stream _stream;
    private byte[] _buffer = new byte[ChunkSize];
    private int _start;
    private int _end;
    private bool _ended;

    public QemuInput(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Gets the absolute offset of the next unread byte.</summary>
    public long Position { get; private set; }

    /// <summary>Gets the number of bytes buffered and not yet consumed.</summary>
    public int Available => _end - _start;

    /// <summary>Gets the buffered, unconsumed bytes.</summary>
    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Gets a value indicating whether the stream has no more bytes.</summary>
    public bool AtEnd => Fill(1) == 0;

    /// <summary>Buffers at least <paramref name="count"/> bytes unless the stream ends first.</summary>
    /// <returns>The number of bytes buffered (less than <paramref name="count"/> only at the end of the stream).</returns>
    public int Fill(int count)
    {
        if (Available >= count || _ended)
        {
            return Available;
        }

        if (_buffer.Length - _start < count)
        {
            if (_buffer.Length < count)
            {
                var bigger = new byte[Math.Max(count, _buffer.Length * 2)];
                Buffer.BlockCopy(_buffer, _start, bigger, 0, Available);
                _buffer = bigger;
            }
            else
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, Available);
            }

            _end -= _start;
            _start = 0;
        }
        else if (_start == _end)
        {
            _start = _end = 0;
        }

        while (Available < count && !_ended)
        {
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read <= 0)
            {
                _ended = true;
            }
            else
            {
                _end += read;
            }
        }

        return Available;
    }

    public void Advance(int count)
    {
        _start += count;
        Position += count;
    }

    public bool TryPeekByte(out byte value)
    {
        if (Fill(1) == 0)
        {
            value = 0;
            return false;
        }

        value = _buffer[_start];
        return true;
    }

    public byte ReadByte(string what)
    {
        Require(1, what);
        byte value = _buffer[_start];
        Advance(1);
        return value;
    }

    public ushort ReadUInt16(string what)
    {
        Require(2, what);
        ushort value = BinaryPrimitives.ReadUInt16BigEndian(Buffered);
        Advance(2);
        return value;
    }

    public uint ReadUInt32(string what)
    {
        Require(4, what);
        uint value = BinaryPrimitives.ReadUInt32BigEndian(Buffered);
        Advance(4);
        return value;
    }

    public ulong ReadUInt64(string what)
    {
        Require(8, what);
        ulong value = BinaryPrimitives.ReadUInt64BigEndian(Buffered);
        Advance(8);
        return value;
    }

    /// <summary>Reads a counted string: one length byte, then that many bytes.</summary>
    public byte[] ReadCounted(string what)
    {
        long start = Position;
        byte length = ReadByte("the length byte of " + what);
        if (Fill(length) < length)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.Truncated,
                $"Expected {what}: a length byte {length} and {length} bytes, but the stream ends after {Available} of them, at offset {Position + Available}.",
                start);
        }

        byte[] bytes = Buffered[..length].ToArray();
        Advance(length);
        return bytes;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes, growing the result only as bytes arrive.</summary>
    public byte[] ReadBytes(int count, string what)
    {
        if (count <= 0)
        {
            return [];
        }

        long start = Position;
        if (count <= ChunkSize)
        {
            if (Fill(count) < count)
            {
                throw TruncatedAt(start, what, count, Available);
            }

            byte[] small = Buffered[..count].ToArray();
            Advance(count);
            return small;
        }

        byte[] result = new byte[ChunkSize];
        int filled = 0;
        while (filled < count)
        {
            if (Fill(1) == 0)
            {
                throw TruncatedAt(start, what, count, filled);
            }

            int take = Math.Min(Available, count - filled);
            if (filled + take > result.Length)
            {
                Array.Resize(ref result, (int)Math.Min(count, Math.Max(result.Length * 2L, filled + (long)take)));
            }

            Buffered[..take].CopyTo(result.AsSpan(filled));
            Advance(take);
            filled += take;
        }

        return result;
    }

    /// <summary>
    /// Reads the bytes of a section body up to (not including) the first <c>7E &lt;be32 section id&gt;</c> footer that is followed
    /// by a record type byte and, when <paramref name="isPlausibleNext"/> is given, by bytes it accepts as the start of a record
    /// (it sees up to <see cref="FooterLookahead"/> bytes, fewer at the end of the stream). Used when no description says how long
    /// the body is.
    /// </summary>
    public ReadOnlyMemory<byte> ReadUntilFooter(uint sectionId, int maxLength, string what, Func<ReadOnlySpan<byte>, bool>? isPlausibleNext = null)
    {
        long start = Position;
        Span<byte> footer = stackalloc byte[5];
        footer[0] = QemuStreamFormat.SectionFooter;
        BinaryPrimitives.WriteUInt32BigEndian(footer[1..], sectionId);
        var payload = new ArrayBufferWriter<byte>(256);

        // A footer followed by a record type byte but refused by isPlausibleNext is remembered: if no other footer comes
        // before the stream ends, it was the footer after all (the stream is damaged after it, and the reader says where).
        int firstRefused = -1;
        while (true)
        {
            if (Fill(6) == 0)
            {
                return FallBack(payload, firstRefused) ?? throw NoFooter(start, what, sectionId, payload.WrittenCount);
            }

            ReadOnlySpan<byte> span = Buffered;
            int index = span.IndexOf(footer);
            if (index < 0)
            {
                int take = _ended ? span.Length : span.Length - (footer.Length - 1);
                Append(payload, span[..take], maxLength, start, what);
                Advance(take);
                if (_ended && Available == 0)
                {
                    return FallBack(payload, firstRefused) ?? throw NoFooter(start, what, sectionId, payload.WrittenCount);
                }

                continue;
            }

            Append(payload, span[..index], maxLength, start, what);
            Advance(index);
            if (Fill(6) < 6)
            {
                return FallBack(payload, firstRefused) ?? throw NoFooter(start, what, sectionId, payload.WrittenCount);
            }

            // The footer's bytes can occur inside a payload: what follows must also look like the start of a record.
            if (QemuStreamFormat.IsRecordStart(Buffered[5]))
            {
                Fill(5 + FooterLookahead);
                if (isPlausibleNext is null || isPlausibleNext(Buffered[5..]))
                {
                    return payload.WrittenMemory;
                }

                firstRefused = firstRefused < 0 ? payload.WrittenCount : firstRefused;
            }

            Append(payload, Buffered[..1], maxLength, start, what);
            Advance(1);
        }
    }

    /// <summary>Puts back the bytes read past a refused footer and returns the payload before it, or <see langword="null"/> when there is none.</summary>
    private ReadOnlyMemory<byte>? FallBack(ArrayBufferWriter<byte> payload, int firstRefused)
    {
        if (firstRefused < 0)
        {
            return null;
        }

        ReadOnlySpan<byte> past = payload.WrittenSpan[firstRefused..];
        var buffer = new byte[past.Length + Available];
        past.CopyTo(buffer);
        Buffered.CopyTo(buffer.AsSpan(past.Length));
        _buffer = buffer;
        _start = 0;
        _end = buffer.Length;
        Position -= past.Length;
        return payload.WrittenMemory[..firstRefused];
    }

    /// <summary>How many bytes after a candidate footer <see cref="ReadUntilFooter"/> shows its plausibility check: a whole section header.</summary>
    public const int FooterLookahead = 1 + 4 + 1 + 255 + 4 + 4;

    public MigrationFormatException Truncated(string what, int count) => TruncatedAt(Position, what, count, Available);

    private void Require(int count, string what)
    {
        if (Fill(count) < count)
        {
            throw Truncated(what, count);
        }
    }

    private static MigrationFormatException TruncatedAt(long start, string what, long count, long got) =>
        new(MigrationErrorKind.Truncated,
            $"Expected {what} ({count} bytes), but the stream ends after {got} of them, at offset {start + got}.",
            start);

    private static void Append(ArrayBufferWriter<byte> payload, ReadOnlySpan<byte> bytes, int maxLength, long start, string what)
    {
        if ((long)payload.WrittenCount + bytes.Length > maxLength)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.LimitExceeded,
                $"The body of {what} is longer than the limit of {maxLength} bytes (MaxSectionLength) and no footer has been found.",
                start);
        }

        payload.Write(bytes);
    }

    private MigrationFormatException NoFooter(long start, string what, uint sectionId, int scanned) =>
        new(MigrationErrorKind.Truncated,
            $"Expected the footer 7E {sectionId:x8} that ends {what}, followed by a record type byte, but the stream ends after {scanned} body bytes, at "
            + $"offset {Position + Available}.",
            start);
}
