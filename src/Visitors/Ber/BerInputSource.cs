using System;
using System.Buffers;
using System.IO;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>
/// A pull source of BER tokens over memory or a <see cref="Stream"/> (a pipe's <c>AsStream()</c>, a socket, a
/// file). It peeks one token at a time and consumes it on <see cref="Accept"/>; over a stream it buffers only
/// what the current token needs (bounded by <see cref="BerReaderOptions.MaxPrimitiveLength"/>), so a stream of
/// any size, blobs included, passes through in bounded memory.
/// </summary>
public sealed partial class BerInputSource : IDisposable
{
    private const int InitialBufferSize = 16 * 1024;

    private readonly Stream? _stream;
    private ReadOnlyMemory<byte> _memory;
    private readonly int _maxBuffer;
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private bool _final;
    private BerReaderState _state;

    private bool _peeked;
    private bool _hasToken;
    private int _tokenConsumed;
    private BerReaderState _stateAfterToken;
    private int _valueStart;
    private int _acceptedValueStart;
    private uint _streamChecksum = Crc32C.Initial;
    private uint _sectionChecksum = Crc32C.Initial;
    private int _acceptedValueLength;

    /// <summary>Creates a source over bytes already in memory.</summary>
    /// <param name="data">The whole input.</param>
    /// <param name="options">The reader's limits.</param>
    public BerInputSource(ReadOnlyMemory<byte> data, BerReaderOptions options = default)
    {
        _memory = data;
        _end = data.Length;
        _final = true;
        _state = new BerReaderState(options);
        _maxBuffer = 0;
    }

    /// <summary>Points a memory source at new input, so that one instance serves many loads without allocating.</summary>
    /// <param name="data">The whole input.</param>
    /// <param name="options">The reader's limits.</param>
    internal void Reset(ReadOnlyMemory<byte> data, BerReaderOptions options)
    {
        if (_stream is not null)
        {
            throw new InvalidOperationException("Only a memory source can be reset.");
        }

        _memory = data;
        _start = 0;
        _end = data.Length;
        _final = true;

        // Keep the scope stack of the last input: entries are written as values open, so it is reused as is.
        _state = new BerReaderState(options, _state.Scopes ?? _stateAfterToken.Scopes, 0, 0);
        _peeked = false;
        _hasToken = false;
        _tokenConsumed = 0;
        _stateAfterToken = default;
        _valueStart = 0;
        _acceptedValueStart = 0;
        _acceptedValueLength = 0;
        TokenType = default;
        Tag = default;
        Length = 0;
        TokenOffset = 0;
    }

    /// <summary>Creates a source that pulls from a stream as it needs bytes.</summary>
    /// <param name="stream">The input; read synchronously, never seeked.</param>
    /// <param name="options">The reader's limits; they also bound the buffer.</param>
    public BerInputSource(Stream stream, BerReaderOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _state = new BerReaderState(options);
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        _maxBuffer = options.EffectiveMaxPrimitiveLength + 64;
    }

    /// <summary>Gets the kind of the peeked token.</summary>
    public BerTokenType TokenType { get; private set; }

    /// <summary>Gets the tag of the peeked token.</summary>
    public BerTag Tag { get; private set; }

    /// <summary>Gets the declared length of the peeked token, or -1 when indefinite.</summary>
    public long Length { get; private set; }

    /// <summary>Gets the absolute offset where the peeked token begins.</summary>
    public long TokenOffset { get; private set; }

    /// <summary>Gets the absolute offset of the next unconsumed byte.</summary>
    public long Position => _state.Position;

    /// <summary>Gets the number of constructed values open before the peeked token.</summary>
    public int Depth => _state.Depth;

    /// <summary>Gets the contents of the last accepted primitive token; valid until the next <see cref="Peek"/>.</summary>
    public ReadOnlySpan<byte> Value => (_stream is null ? _memory.Span : _buffer.AsSpan()).Slice(_acceptedValueStart, _acceptedValueLength);

    private ReadOnlySpan<byte> Window => _stream is null ? _memory.Span.Slice(_start, _end - _start) : _buffer.AsSpan(_start, _end - _start);

    /// <summary>Gets or sets a value indicating whether accepted bytes feed the CRC-32C checksums.</summary>
    internal bool TrackChecksums { get; set; }

    /// <summary>Gets the CRC-32C of every byte accepted since the start.</summary>
    internal uint StreamChecksum => Crc32C.Finish(_streamChecksum);

    /// <summary>Gets the CRC-32C of every byte accepted since <see cref="MarkSection"/>.</summary>
    internal uint SectionChecksum => Crc32C.Finish(_sectionChecksum);

    /// <summary>Starts the section checksum afresh.</summary>
    internal void MarkSection() => _sectionChecksum = Crc32C.Initial;

    /// <summary>Reads the next token without consuming it.</summary>
    /// <returns><see langword="false"/> at the end of the input with no constructed value open.</returns>
    /// <exception cref="MigrationFormatException">The bytes are malformed, break a limit, or end early.</exception>
    /// <exception cref="IOException">The stream failed.</exception>
    public bool Peek()
    {
        if (_peeked)
        {
            return _hasToken;
        }

        if (_streamedRemaining != 0)
        {
            throw new InvalidOperationException("The contents of a streamed value are still unread.");
        }

        if (TryPeekShortPrimitive())
        {
            return true;
        }

        while (true)
        {
            var reader = new BerReader(Window, _final, _state);
            if (reader.Read())
            {
                TokenType = reader.TokenType;
                TokenOffset = reader.TokenStartOffset;
                Tag = reader.TokenType == BerTokenType.EndConstructed ? default : reader.Tag;
                Length = reader.TokenType == BerTokenType.EndConstructed ? 0 : reader.Length;
                _tokenConsumed = (int)reader.BytesConsumed;
                _stateAfterToken = reader.CurrentState;
                _valueStart = reader.TokenType == BerTokenType.Primitive ? _start + _tokenConsumed - (int)Length : _start;
                _peeked = true;
                _hasToken = true;
                return true;
            }

            if (_final)
            {
                _peeked = true;
                _hasToken = false;
                return false;
            }

            Refill();
        }
    }

    /// <summary>
    /// Peeks the token most fields are, without a general reader: a primitive <c>[n]</c>, <c>[PRIVATE n]</c> or
    /// universal INTEGER with a one-octet identifier and a short length, inside a structure, whole in the buffer.
    /// It applies the checks <see cref="BerReader"/> would (the enclosing value's end and its segment rule);
    /// anything else goes the general way.
    /// </summary>
    private bool TryPeekShortPrimitive()
    {
        int depth = _state.Depth;
        BerScopeStack? scopes = _state.Scopes;
        if (depth == 0 || scopes is null)
        {
            return false;
        }

        ReadOnlySpan<byte> window = Window;
        if (window.Length < 2)
        {
            return false;
        }

        byte identifier = window[0];
        int length = window[1];
        bool fieldTag = (identifier & 0xE0) is 0x80 or 0xC0 && (identifier & 0x1F) != 0x1F;
        if ((!fieldTag && identifier != 0x02) || length >= 0x80 || window.Length < 2 + length)
        {
            return false;
        }

        long position = _state.Position;
        long end = position + 2 + length;
        long limit = scopes.Limits[depth - 1];
        if (scopes.Ends[depth - 1] == position || (limit >= 0 && end > limit) || scopes.SegmentTag[depth - 1] != 0)
        {
            return false;
        }

        TokenType = BerTokenType.Primitive;
        TokenOffset = position;
        Tag = new BerTag((BerTagClass)(identifier >> 6), (ulong)(identifier & 0x1F));
        Length = length;
        _tokenConsumed = 2 + length;
        _stateAfterToken = new BerReaderState(_state.Options, scopes, end, depth);
        _valueStart = _start + 2;
        _peeked = true;
        _hasToken = true;
        return true;
    }

    /// <summary>
    /// Gets the rest of an in-memory input, when the innermost open value and every value around it have
    /// indefinite length (so nothing bounds the rest but the input itself) and no token is peeked.
    /// </summary>
    internal bool TryGetUnboundedRemainder(out ReadOnlySpan<byte> rest)
    {
        rest = default;
        BerScopeStack? scopes = _state.Scopes;
        int depth = _state.Depth;
        if (_stream is not null || _peeked || depth == 0 || scopes is null || scopes.Limits[depth - 1] >= 0 || scopes.Ends[depth - 1] >= 0)
        {
            return false;
        }

        rest = Window;
        return true;
    }

    /// <summary>Consumes <paramref name="count"/> bytes that a caller has read as whole, balanced values inside the current one.</summary>
    internal void AcceptBalanced(int count)
    {
        Sum(Window.Slice(0, count));
        _start += count;
        _state = new BerReaderState(_state.Options, _state.Scopes, _state.Position + count, _state.Depth);
        _peeked = false;
    }

    /// <summary>Consumes the peeked token.</summary>
    /// <exception cref="InvalidOperationException">No token is peeked.</exception>
    public void Accept()
    {
        if (!_peeked || !_hasToken)
        {
            throw new InvalidOperationException("No token was peeked.");
        }

        Sum(Window.Slice(0, _tokenConsumed));
        _acceptedValueStart = _valueStart;
        _acceptedValueLength = TokenType == BerTokenType.Primitive ? (int)Length : 0;
        _start += _tokenConsumed;
        _state = _stateAfterToken;
        _peeked = false;
    }

    /// <summary>Consumes the peeked token and, when it starts a constructed value, everything up to its end.</summary>
    public void SkipValue()
    {
        int depth = Depth;
        bool constructed = TokenType == BerTokenType.StartConstructed;
        Accept();
        if (!constructed)
        {
            return;
        }

        while (Depth > depth)
        {
            if (!Peek())
            {
                throw new MigrationFormatException(MigrationErrorKind.Truncated, "The input ended inside a skipped value.", Position);
            }

            Accept();
        }
    }

    /// <summary>Returns the pooled buffer.</summary>
    public void Dispose()
    {
        if (_buffer is not null && _stream is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    private void Refill()
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        int pending = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _start = 0;
            _end = pending;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= _maxBuffer)
            {
                throw new MigrationFormatException(MigrationErrorKind.LimitExceeded, $"A single value needs more than {_maxBuffer} bytes buffered.", Position);
            }

            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(_maxBuffer, _buffer.Length * 2));
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        int read = _stream!.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _final = true;
        }

        _end += read;
    }
}
