using System;
using System.Collections.Generic;
using System.IO;

namespace MigrationFormat.Tool.IO;

/// <summary>
/// A tool's input (a file, or standard input for <c>-</c>) as a forward-only stream: it never seeks, so a file and a
/// pipe are read alike and exactly once. Its first bytes can be looked at before reading (to tell the formats apart),
/// and every read moves the progress line.
/// </summary>
internal sealed class InputStream : Stream
{
    /// <summary>The piece <see cref="ReadToEnd"/> reads an input of unknown length in.</summary>
    private const int ChunkSize = 1 << 20;

    private readonly Stream _inner;
    private readonly bool _ownsInner;
    private readonly ProgressBar _progress;
    private byte[] _prefix = [];
    private int _prefixStart;
    private long _read;

    public InputStream(Stream inner, bool ownsInner, string name, ProgressBar progress)
    {
        _inner = inner;
        _ownsInner = ownsInner;
        Name = name;
        _progress = progress;
    }

    /// <summary>Gets the name to use in messages: the path, or <c>standard input</c>.</summary>
    public string Name { get; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("The input is read forward only.");

    public override long Position
    {
        get => throw new NotSupportedException("The input is read forward only.");
        set => throw new NotSupportedException("The input is read forward only.");
    }

    /// <summary>Gets the number of bytes handed out so far.</summary>
    public long BytesRead => _read;

    /// <summary>Gives up to <paramref name="count"/> first bytes without consuming them (fewer at the end of the input).</summary>
    /// <param name="count">How many.</param>
    /// <returns>The bytes.</returns>
    public ReadOnlySpan<byte> Peek(int count)
    {
        if (_read > 0)
        {
            throw new InvalidOperationException("Only the start of the input can be looked at.");
        }

        if (_prefix.Length - _prefixStart < count)
        {
            byte[] more = new byte[count];
            int have = _prefix.Length - _prefixStart;
            _prefix.AsSpan(_prefixStart).CopyTo(more);
            have += _inner.ReadAtLeast(more.AsSpan(have), count - have, throwOnEndOfStream: false);
            _prefix = more.AsSpan(0, have).ToArray();
            _prefixStart = 0;
        }

        return _prefix.AsSpan(_prefixStart, Math.Min(count, _prefix.Length - _prefixStart));
    }

    /// <summary>
    /// Reads the rest of the input into memory, holding it about once: the rest of a file, whose length is known, goes
    /// straight into an array of that length; a pipe's goes into 1 MiB chunks, copied once into the result. (A buffer that
    /// doubles as it grows holds up to three times the input, and a fourth copy at the end.)
    /// </summary>
    /// <returns>The bytes.</returns>
    /// <exception cref="IOException">The input is longer than an array can be.</exception>
    public byte[] ReadToEnd()
    {
        long known = _inner.CanSeek ? _prefix.Length - _prefixStart + Math.Max(0, _inner.Length - _inner.Position) : 0;
        if (known > Array.MaxLength)
        {
            throw TooLong();
        }

        byte[] head = new byte[known];
        int filled = ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (filled < head.Length)
        {
            // The file shrank since its length was taken.
            return head.AsSpan(0, filled).ToArray();
        }

        if (head.Length > 0 && _inner.Position >= _inner.Length)
        {
            return head;
        }

        // A pipe, or a file that grew since its length was taken: the rest comes in chunks.
        var chunks = new List<(byte[] Chunk, int Length)>();
        long total = head.Length;
        while (true)
        {
            byte[] chunk = new byte[ChunkSize];
            int length = ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
            if (length == 0)
            {
                break;
            }

            total += length;
            if (total > Array.MaxLength)
            {
                throw TooLong();
            }

            chunks.Add((chunk, length));
            if (length < chunk.Length)
            {
                break;
            }
        }

        if (chunks.Count == 0)
        {
            return head;
        }

        byte[] whole = new byte[total];
        head.CopyTo(whole, 0);
        int at = head.Length;
        foreach ((byte[] chunk, int length) in chunks)
        {
            chunk.AsSpan(0, length).CopyTo(whole.AsSpan(at));
            at += length;
        }

        return whole;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        if (_prefixStart < _prefix.Length)
        {
            n = Math.Min(buffer.Length, _prefix.Length - _prefixStart);
            _prefix.AsSpan(_prefixStart, n).CopyTo(buffer);
            _prefixStart += n;
        }
        else
        {
            n = _inner.Read(buffer);
        }

        _read += n;
        _progress.Report(_read);
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("The input is read forward only.");

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private IOException TooLong() => new($"{Name} is longer than {Array.MaxLength} bytes, the most this verb reads into memory.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _progress.Dispose();
            if (_ownsInner)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
