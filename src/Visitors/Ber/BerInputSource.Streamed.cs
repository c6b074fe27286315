using System;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

// Blob segments from a stream input: instead of buffering a whole segment (hundreds of kilobytes) and copying it out,
// the contents go from the input straight into the caller's buffer, so a blob crosses the reader with one copy.
public sealed partial class BerInputSource
{
    // Content octets of the streamed value that the caller has not read yet.
    private long _streamedRemaining;

    /// <summary>
    /// Starts handing the contents of the next value to the caller (<see cref="ReadStreamedContent"/>) when it is a
    /// primitive OCTET STRING read from a stream whose contents are not buffered yet. Returns <see langword="false"/>,
    /// having consumed nothing, for anything else and for anything that breaks a limit or an enclosing length: the
    /// general <see cref="Peek"/> then reads the value and reports what is wrong with it.
    /// </summary>
    /// <param name="length">The number of content octets to read.</param>
    /// <returns><see langword="true"/> when the value's header has been consumed and its contents are to be streamed.</returns>
    internal bool TryBeginStreamedOctetString(out int length)
    {
        length = 0;
        int depth = _state.Depth;
        BerScopeStack? scopes = _state.Scopes;
        if (_stream is null || _peeked || _streamedRemaining != 0 || depth == 0 || scopes is null)
        {
            return false;
        }

        // Only the header is waited for; Peek would wait for it too, as part of the same value.
        BerDecodeStatus status;
        BerTag tag;
        long declared;
        int headerLength;
        while ((status = BerDecoder.TryReadHeader(Window, out tag, out declared, out headerLength)) == BerDecodeStatus.NeedMoreData && !_final)
        {
            Refill();
        }

        if (status != BerDecodeStatus.Done || tag != BerTag.OctetString || declared < 0 || declared > _state.Options.EffectiveMaxPrimitiveLength
            || _end - _start >= headerLength + declared)
        {
            return false;
        }

        long position = _state.Position;
        long limit = scopes.Limits[depth - 1];
        if (scopes.Ends[depth - 1] == position || (limit >= 0 && position + headerLength + declared > limit) || scopes.SegmentTag[depth - 1] is not (0 or 4))
        {
            return false;
        }

        Sum(Window.Slice(0, headerLength));
        _start += headerLength;
        _state = new BerReaderState(_state.Options, scopes, position + headerLength, depth);
        TokenType = BerTokenType.Primitive;
        TokenOffset = position;
        Tag = tag;
        Length = declared;
        _acceptedValueLength = 0;
        _streamedRemaining = declared;
        length = (int)declared;
        return true;
    }

    /// <summary>Reads contents of the value started by <see cref="TryBeginStreamedOctetString"/>: what is buffered first, then straight from the
    /// stream.</summary>
    /// <param name="destination">Where to put them.</param>
    /// <returns>The number of octets read, at least 1 while any remain and <paramref name="destination"/> is not empty; 0 once all are read.</returns>
    /// <exception cref="MigrationFormatException">The input ends inside the value.</exception>
    internal int ReadStreamedContent(Span<byte> destination)
    {
        int wanted = (int)Math.Min(destination.Length, _streamedRemaining);
        if (wanted == 0)
        {
            return 0;
        }

        Span<byte> target = destination.Slice(0, wanted);
        int read = Math.Min(wanted, _end - _start);
        if (read > 0)
        {
            _buffer.AsSpan(_start, read).CopyTo(target);
            _start += read;
        }
        else
        {
            read = _final ? 0 : _stream!.Read(target);
            if (read == 0)
            {
                _final = true;
                throw new MigrationFormatException(
                    MigrationErrorKind.Truncated,
                    $"The input ended with {_streamedRemaining} octets of an OCTET STRING unread.",
                    Position);
            }
        }

        Sum(target.Slice(0, read));
        _state = new BerReaderState(_state.Options, _state.Scopes, _state.Position + read, _state.Depth);
        _streamedRemaining -= read;
        return read;
    }

    private void Sum(ReadOnlySpan<byte> consumed)
    {
        if (TrackChecksums)
        {
            _streamChecksum = Crc32C.Append(_streamChecksum, consumed);
            _sectionChecksum = Crc32C.Append(_sectionChecksum, consumed);
        }
    }
}
