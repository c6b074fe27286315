using System;
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

        // The segment's bytes stay valid until the next peek, which only NextSegment does.
        int count = Math.Min(buffer.Length, _segmentLength - _segmentOffset);
        _session.Input.Value.Slice(_segmentOffset, count).CopyTo(buffer);
        _segmentOffset += count;
        return count;
    }

    /// <summary>Consumes whatever the device left unread, up to the blob's end.</summary>
    public void Drain()
    {
        while (!_finished)
        {
            NextSegment();
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
        while (true)
        {
            if (!input.Peek())
            {
                throw _session.Fail(MigrationErrorKind.Truncated, $"The input ended inside blob '{_field.Name}'.", _field.Name);
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
                throw _session.Fail(MigrationErrorKind.UnexpectedValue, $"Blob '{_field.Name}' is made of OCTET STRING segments; found {input.Tag}.", _field.Name);
            }

            input.Accept();
            if (input.TokenType == BerTokenType.StartConstructed)
            {
                continue;
            }

            _total += input.Length;
            if (_total > _maxLength)
            {
                throw _session.Fail(MigrationErrorKind.LimitExceeded, $"Blob '{_field.Name}' exceeds its limit of {_maxLength} bytes.", _field.Name);
            }

            _segmentOffset = 0;
            _segmentLength = (int)input.Length;
            _inSegment = true;
            return true;
        }
    }
}
