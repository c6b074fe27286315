using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using CommunityToolkit.HighPerformance.Buffers;
using MigrationFormat.Ber;

namespace MigrationFormat.Session;

/// <summary>
/// One side's incoming byte stream, read a whole BER value (a message, a section) at a time from a
/// <see cref="PipeReader"/>: <see cref="ReadAsync"/> waits, within the watchdog's timeout, until the next value has
/// arrived whole, never buffering more than <see cref="MaxLength"/> for one; the caller parses it, then
/// <see cref="Consume"/>s it. Values of definite length are framed by their header; indefinite-length ones are walked
/// token by token as they arrive. Consumed bytes feed a running CRC-32C.
/// </summary>
internal sealed class MessageReader : IDisposable
{
    private const int MaxHeaderLength = BerEncoder.MaxTagLength + BerEncoder.MaxLengthLength;

    private readonly PipeReader _pipe;
    private readonly Watchdog? _watchdog;
    private readonly bool _boundWaits;
    private readonly ArrayPoolBufferWriter<byte> _contiguous = new(4096);
    private ReadOnlySequence<byte> _buffer;
    private bool _holding;
    private bool _ended;
    private long _offset;
    private uint _checksum = Crc32C.Initial;
    private readonly byte[] _pendingPrefix = new byte[32];
    private int _pendingPrefixLength;
    private long _pendingLength;

    // The walk of an indefinite-length value still arriving: how far it has got, and the reader state to resume with.
    private long _scanned;
    private BerReaderState _scanState;
    private bool _scanning;

    /// <summary>Creates a reader.</summary>
    /// <param name="pipe">The input.</param>
    /// <param name="watchdog">Bounds the waits, or <see langword="null"/>.</param>
    /// <param name="maxLength">The longest value accepted.</param>
    /// <param name="boundWaits">Whether a wait for input counts against the timeout (a source's return path waits freely).</param>
    public MessageReader(PipeReader pipe, Watchdog? watchdog, int maxLength, bool boundWaits = true)
    {
        _pipe = pipe;
        _watchdog = watchdog;
        MaxLength = maxLength;
        _boundWaits = boundWaits;
    }

    /// <summary>Gets the longest value accepted.</summary>
    public int MaxLength { get; }

    /// <summary>Gets or sets a value indicating whether consumed bytes feed the checksum.</summary>
    public bool Summing { get; set; } = true;

    /// <summary>Gets the running CRC-32C state of every byte consumed.</summary>
    public uint ChecksumState => _checksum;

    /// <summary>Gets the number of bytes that have arrived and are not consumed.</summary>
    public long Buffered => _buffer.Length;

    /// <summary>Gets the stream offset of the next unconsumed byte.</summary>
    public long Position => _offset;

    /// <summary>Gets the current value's tag (default for an end-of-contents).</summary>
    public BerTag Tag { get; private set; }

    /// <summary>Gets a value indicating whether the current value is an end-of-contents, <c>00 00</c>.</summary>
    public bool IsEndOfContents { get; private set; }

    /// <summary>Gets the current value's length in octets of identifier and length.</summary>
    public int HeaderLength { get; private set; }

    /// <summary>Gets the current value's content length (for an indefinite one, its contents and closing <c>00 00</c>).</summary>
    public long ContentLength { get; private set; }

    /// <summary>Gets the current value, whole.</summary>
    public ReadOnlySequence<byte> Element { get; private set; }

    /// <summary>
    /// Gets the first bytes of the value being waited for, as they stood when the last wait began (empty when it
    /// began between values): what names the message a cut or a silence fell inside. A fixed buffer, so that no wait
    /// allocates.
    /// </summary>
    public ReadOnlySpan<byte> PendingPrefix => _pendingPrefix.AsSpan(0, Volatile.Read(ref _pendingPrefixLength));

    /// <summary>Gets the number of bytes of the value being waited for that had arrived when the last wait began.</summary>
    public long PendingLength => Volatile.Read(ref _pendingLength);

    /// <summary>Gets the stream offset where the current value begins.</summary>
    public long ElementOffset => _offset;

    /// <summary>Waits for the stream's first bytes and checks that they are <paramref name="expected"/>.</summary>
    /// <returns><see langword="false"/> when the input ended first with nothing at all.</returns>
    /// <exception cref="MigrationFormatException">Other bytes came, or the input ended within them.</exception>
    public async ValueTask<bool> ReadPrefixAsync(byte[] expected, CancellationToken cancellation)
    {
        while (_buffer.Length < expected.Length)
        {
            if (_ended)
            {
                if (_buffer.IsEmpty)
                {
                    return false;
                }

                break;
            }

            await FillAsync(cancellation).ConfigureAwait(false);
        }

        Span<byte> prefix = stackalloc byte[expected.Length];
        int have = (int)Math.Min(_buffer.Length, expected.Length);
        _buffer.Slice(0, have).CopyTo(prefix);
        if (have < expected.Length || !prefix.SequenceEqual(expected))
        {
            throw new MigrationFormatException(
                have < expected.Length ? MigrationErrorKind.Truncated : MigrationErrorKind.UnexpectedValue,
                $"Expected the stream to begin with {Convert.ToHexString(expected)}; it begins with {Convert.ToHexString(prefix.Slice(0, have))}.",
                _offset);
        }

        if (Summing)
        {
            _checksum = Crc32C.Append(_checksum, prefix);
        }

        Advance(expected.Length);
        return true;
    }

    /// <summary>Waits until the next value has arrived whole.</summary>
    /// <returns><see langword="false"/> when the input ended cleanly before it.</returns>
    /// <exception cref="MigrationFormatException">The bytes are malformed, break <see cref="MaxLength"/>, or end inside a value.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadAsync(CancellationToken cancellation)
    {
        while (true)
        {
            if (TryFrame())
            {
                return true;
            }

            if (_ended)
            {
                return EndedBetweenValues();
            }

            await FillAsync(cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until the next value's identifier and length have arrived with at least <paramref name="prefix"/> bytes of
    /// it (all of it when it is shorter), for a caller that takes the rest as it arrives (<see cref="Available"/>,
    /// <see cref="ConsumeBytes"/>, <see cref="ReadMoreAsync"/>) instead of waiting for it whole. <see cref="Element"/> is
    /// then what has arrived of the value; an end-of-contents or an indefinite-length value is waited for whole.
    /// </summary>
    /// <returns><see langword="false"/> when the input ended cleanly before it.</returns>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadHeadAsync(int prefix, CancellationToken cancellation)
    {
        while (true)
        {
            if (TryFrame(prefix))
            {
                return true;
            }

            if (_ended)
            {
                return EndedBetweenValues();
            }

            await FillAsync(cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits for the next value's identifier and length octets only, for a caller that enters a constructed value whose
    /// contents it reads value by value (the sections of format version 2). <see cref="Element"/> is then the
    /// identifier and length octets (or an end-of-contents), which <see cref="Consume"/> consumes;
    /// <see cref="ContentLength"/> is -1 for an indefinite length.
    /// </summary>
    /// <returns><see langword="false"/> when the input ended cleanly before it.</returns>
    /// <exception cref="MigrationFormatException">The identifier or length octets are invalid, or the input ends inside them.</exception>
    public async ValueTask<bool> ReadOpeningAsync(CancellationToken cancellation)
    {
        while (true)
        {
            if (TryFrameOpening())
            {
                return true;
            }

            if (_ended)
            {
                return EndedBetweenValues();
            }

            await FillAsync(cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>At the end of the input: <see langword="false"/> when it ended cleanly between values.</summary>
    /// <exception cref="MigrationFormatException">The input ended inside a value.</exception>
    private bool EndedBetweenValues()
    {
        if (_buffer.IsEmpty)
        {
            return false;
        }

        NotePending();
        throw new MigrationFormatException(
            MigrationErrorKind.Truncated,
            $"The input ended inside a value ({_buffer.Length} bytes of it arrived).",
            _offset);
    }

    /// <summary>Gets a value indicating whether <see cref="Element"/> holds the whole current value.</summary>
    public bool IsWhole => Element.Length == HeaderLength + ContentLength;

    /// <summary>Gets every byte that has arrived and is not consumed (while a value is taken as it arrives: the next of its bytes, and maybe more).</summary>
    public ReadOnlySequence<byte> Available => _buffer;

    /// <summary>Consumes <paramref name="count"/> bytes of a value taken as it arrives.</summary>
    public void ConsumeBytes(long count)
    {
        if (Summing)
        {
            foreach (ReadOnlyMemory<byte> segment in _buffer.Slice(0, count))
            {
                _checksum = Crc32C.Append(_checksum, segment.Span);
            }
        }

        Element = default;
        Advance(count);
    }

    /// <summary>Waits (within the timeout) until more bytes have arrived than <see cref="Available"/> holds.</summary>
    /// <returns><see langword="false"/> when the input ended instead.</returns>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadMoreAsync(CancellationToken cancellation)
    {
        long before = _buffer.Length;
        while (!_ended)
        {
            await FillAsync(cancellation).ConfigureAwait(false);
            if (_buffer.Length > before)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Gets the current value as one span: a view of the input when it is in one segment, else a pooled copy.</summary>
    public ReadOnlySpan<byte> GetContiguous() => GetContiguousMemory().Span;

    /// <summary>Gets the current value as one block of memory, valid until the value is consumed.</summary>
    public ReadOnlyMemory<byte> GetContiguousMemory()
    {
        ReadOnlySequence<byte> element = Element;
        if (element.IsSingleSegment)
        {
            return element.First;
        }

        _contiguous.Clear();
        Span<byte> span = _contiguous.GetSpan((int)element.Length);
        element.CopyTo(span);
        _contiguous.Advance((int)element.Length);
        return _contiguous.WrittenMemory;
    }

    /// <summary>Consumes the current value.</summary>
    public void Consume()
    {
        long length = Element.Length;
        if (Summing)
        {
            foreach (ReadOnlyMemory<byte> segment in Element)
            {
                _checksum = Crc32C.Append(_checksum, segment.Span);
            }
        }

        Element = default;
        Advance(length);
    }

    /// <summary>Gives the pipe back what was read, once reading is over.</summary>
    public void Dispose()
    {
        if (_holding)
        {
            _holding = false;
            try
            {
                _pipe.AdvanceTo(_buffer.Start);
            }
            catch (InvalidOperationException)
            {
                // The pipe was completed under us; there is nothing left to give back.
            }
        }

        _contiguous.Dispose();
    }

    private void Advance(long count)
    {
        _buffer = _buffer.Slice(count);
        _offset += count;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FillAsync(CancellationToken cancellation)
    {
        // The buffer belongs to the pipe again once it is advanced: note what it holds first.
        NotePending();
        if (_holding)
        {
            _holding = false;
            _pipe.AdvanceTo(_buffer.Start, _buffer.End);
        }

        if (_boundWaits)
        {
            _watchdog?.BeginReceive();
        }

        ReadResult result;
        try
        {
            result = await _pipe.ReadAsync(cancellation).ConfigureAwait(false);
        }
        finally
        {
            if (_boundWaits)
            {
                _watchdog?.EndReceive();
            }
        }

        _holding = true;
        _buffer = result.Buffer;
        _ended = result.IsCompleted;
        if (result.IsCanceled)
        {
            throw new OperationCanceledException(cancellation);
        }
    }

    /// <summary>Keeps the first bytes of the value being waited for, for <see cref="PendingPrefix"/>.</summary>
    private void NotePending()
    {
        int prefix = (int)Math.Min(_buffer.Length, _pendingPrefix.Length);
        _buffer.Slice(0, prefix).CopyTo(_pendingPrefix);
        Volatile.Write(ref _pendingPrefixLength, prefix);
        Volatile.Write(ref _pendingLength, _buffer.Length);
    }

    /// <summary>Frames the next value's identifier and length octets when they are there.</summary>
    private bool TryFrameOpening()
    {
        Span<byte> header = stackalloc byte[MaxHeaderLength];
        int have = (int)Math.Min(_buffer.Length, MaxHeaderLength);
        _buffer.Slice(0, have).CopyTo(header);
        BerDecodeStatus status = BerDecoder.TryReadHeader(header.Slice(0, have), out BerTag tag, out long length, out int headerLength);
        if (status == BerDecodeStatus.NeedMoreData && have < MaxHeaderLength)
        {
            return false;
        }

        if (status != BerDecodeStatus.Done)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.InvalidEncoding,
                $"Expected a BER value; the identifier or length octets are invalid ({status}).",
                _offset);
        }

        bool end = header[0] == 0;
        if (end && header[1] != 0)
        {
            throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "An end-of-contents must be 00 00.", _offset);
        }

        IsEndOfContents = end;
        Tag = end ? default : tag;
        HeaderLength = end ? 2 : headerLength;
        ContentLength = end ? 0 : length;
        Element = _buffer.Slice(0, HeaderLength);
        return true;
    }

    /// <summary>Frames the next value when it is all there.</summary>
    private bool TryFrame(long wanted = long.MaxValue)
    {
        if (_scanning)
        {
            return ContinueScan();
        }

        Span<byte> header = stackalloc byte[MaxHeaderLength];
        int have = (int)Math.Min(_buffer.Length, MaxHeaderLength);
        _buffer.Slice(0, have).CopyTo(header);
        BerDecodeStatus status = BerDecoder.TryReadHeader(header.Slice(0, have), out BerTag tag, out long length, out int headerLength);
        if (status == BerDecodeStatus.NeedMoreData && have < MaxHeaderLength)
        {
            return false;
        }

        if (status != BerDecodeStatus.Done)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.InvalidEncoding,
                $"Expected a BER value; the identifier or length octets are invalid ({status}).",
                _offset);
        }

        if (header[0] == 0)
        {
            if (header[1] != 0)
            {
                throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "An end-of-contents must be 00 00.", _offset);
            }

            Tag = default;
            IsEndOfContents = true;
            HeaderLength = 2;
            ContentLength = 0;
            Element = _buffer.Slice(0, 2);
            return true;
        }

        IsEndOfContents = false;
        Tag = tag;
        HeaderLength = headerLength;
        if (length < 0)
        {
            if (!tag.IsConstructed)
            {
                throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, $"A primitive value {tag} has indefinite length.", _offset);
            }

            _scanning = true;
            _scanned = 0;
            _scanState = new BerReaderState(new BerReaderOptions { MaxPrimitiveLength = MaxLength });
            return ContinueScan();
        }

        if (length > MaxLength - headerLength)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.LimitExceeded,
                $"A value {tag} of {length} bytes is longer than the {MaxLength} this side accepts.",
                _offset);
        }

        ContentLength = length;
        long total = headerLength + length;
        long needed = Math.Min(total, Math.Max(wanted, headerLength));
        if (_buffer.Length < needed)
        {
            return false;
        }

        Element = _buffer.Slice(0, Math.Min(total, _buffer.Length));
        return true;
    }

    /// <summary>Walks an indefinite-length value from where the last walk stopped, until it closes or the input runs out.</summary>
    private bool ContinueScan()
    {
        bool closed = false;
        long consumed;
        BerReaderState state;
        try
        {
            var reader = new BerReader(_buffer.Slice(_scanned), _ended, _scanState);
            while (reader.Read())
            {
                if (reader.TokenType == BerTokenType.EndConstructed && reader.CurrentDepth == 0)
                {
                    closed = true;
                    break;
                }

                // Nested values are passed over whole; a definite-length one without walking its contents.
                if (reader.TokenType == BerTokenType.StartConstructed && reader.CurrentDepth > 1 && !reader.TrySkip())
                {
                    break;
                }
            }

            consumed = reader.BytesConsumed;
            state = reader.CurrentState;
        }
        catch (MigrationFormatException exception)
        {
            _scanning = false;
            throw exception.WithBaseOffset(_offset);
        }

        long scanned = _scanned + consumed;
        if (scanned > MaxLength || (!closed && _buffer.Length > MaxLength))
        {
            _scanning = false;
            throw new MigrationFormatException(
                MigrationErrorKind.LimitExceeded,
                $"A value {Tag} is longer than the {MaxLength} bytes this side accepts.",
                _offset);
        }

        if (!closed)
        {
            _scanned = scanned;
            _scanState = state;
            return false;
        }

        _scanning = false;
        ContentLength = scanned - HeaderLength;
        Element = _buffer.Slice(0, scanned);
        return true;
    }
}
