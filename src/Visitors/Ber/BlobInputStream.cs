using System;
using System.Buffers;
using System.IO;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>A read-only stream over the segments of a constructed OCTET STRING, pulled from the input as it is read.</summary>
internal sealed class BlobInputStream : Stream
{
    private readonly BerLoadSession _session;
    private readonly FieldSpec _field;
    private readonly int _depth;
    private readonly long _maxLength;
    private int _segmentOffset;
    private int _segmentLength;
    private bool _inSegment;
    private bool _streamed;
    private bool _finished;
    private long _total;

    public BlobInputStream(BerLoadSession session, FieldSpec field)
    {
        _session = session;
        _field = field;
        _depth = session.Input.Depth;
        _maxLength = session.MaxBlobLength(field);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _total;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (!_inSegment || _segmentOffset == _segmentLength)
        {
            if (_finished || !NextSegment())
            {
                return 0;
            }
        }

        int count = Math.Min(buffer.Length, _segmentLength - _segmentOffset);
        if (_streamed)
        {
            count = _session.Input.ReadStreamedContent(buffer.Slice(0, count));
        }
        else
        {
            // The segment's bytes stay valid until the next peek, which only NextSegment does.
            _session.Input.Value.Slice(_segmentOffset, count).CopyTo(buffer);
        }

        _segmentOffset += count;
        return count;
    }

    /// <summary>Consumes whatever the device left unread, up to the blob's end.</summary>
    public void Drain()
    {
        byte[]? scratch = null;
        try
        {
            while (!_finished)
            {
                if (_inSegment && _streamed && _segmentOffset < _segmentLength)
                {
                    // Streamed contents are not buffered: what the device left unread has to be read to be passed.
                    scratch ??= ArrayPool<byte>.Shared.Rent(64 * 1024);
                    _segmentOffset += _session.Input.ReadStreamedContent(scratch.AsSpan(0, Math.Min(scratch.Length, _segmentLength - _segmentOffset)));
                    continue;
                }

                NextSegment();
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private bool NextSegment()
    {
        BerInputSource input = _session.Input;
        _inSegment = false;
        _streamed = false;
        while (true)
        {
            if (input.TryBeginStreamedOctetString(out int streamedLength))
            {
                BeginSegment(streamedLength);
                _streamed = true;
                return true;
            }

            if (!input.Peek())
            {
                LoadThrowHelper.ThrowTruncated(_session, _field, "The input ended inside the blob; its end was expected.");
            }

            if (input.TokenType == BerTokenType.EndConstructed)
            {
                input.Accept();
                if (input.Depth < _depth)
                {
                    _finished = true;
                    return false;
                }

                continue;
            }

            if (input.Tag.TagClass != BerTagClass.Universal || input.Tag.TagNumber != 4)
            {
                LoadThrowHelper.ThrowUnexpectedValue(_session, _field, $"Expected an OCTET STRING segment of the blob; found {input.Tag}.");
            }

            input.Accept();
            if (input.TokenType == BerTokenType.StartConstructed)
            {
                continue;
            }

            BeginSegment((int)input.Length);
            return true;
        }
    }

    private void BeginSegment(int length)
    {
        _total += length;
        if (_total > _maxLength)
        {
            LoadThrowHelper.ThrowLimitExceeded(_session, _field, $"Expected at most {_maxLength} bytes in the blob; the stream has at least {_total}.");
        }

        _segmentOffset = 0;
        _segmentLength = length;
        _inSegment = true;
    }
}
