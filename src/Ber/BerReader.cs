using System;
using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace MigrationFormat.Ber;

/// <summary>
/// A forward-only BER (X.690) reader over a <see cref="ReadOnlySpan{T}"/> or a <see cref="ReadOnlySequence{T}"/>,
/// one token (primitive value, start or end of a constructed value) at a time.
/// </summary>
/// <remarks>
/// <para>
/// Input may arrive in pieces. Over a piece that is not the last (<c>isFinalBlock: false</c>), <see cref="Read"/>
/// returns <see langword="false"/> when the next token is not complete yet; build a new reader over the bytes
/// from <see cref="BytesConsumed"/> on plus the new ones, with <see cref="CurrentState"/>. Over the last piece,
/// a short input is an error. Any segmentation of the same bytes gives the same tokens.
/// </para>
/// <para>
/// The reader is strict where X.690 is: lengths past the end of their parent, indefinite length on a primitive,
/// end-of-contents where none may stand, long-form tag numbers below 31, padded tag numbers, reserved length
/// octets, constructed forms of types that are always primitive and the reverse, and foreign segments in
/// constructed strings are all rejected with <see cref="MigrationFormatException"/>, giving the absolute offset.
/// It never allocates for a declared length: primitive contents are handed out as views of the input.
/// </para>
/// </remarks>
public ref partial struct BerReader
{
    private const int MaxHeaderLength = BerEncoder.MaxTagLength + BerEncoder.MaxLengthLength;

    private readonly ReadOnlySpan<byte> _span;
    private readonly ReadOnlySequence<byte> _sequence;
    private readonly bool _isSequence;
    private readonly bool _isFinalBlock;
    private readonly long _basePosition;
    private readonly BerReaderOptions _options;

    private BerScopeStack? _scopes;
    private int _depth;

    // Offset of the next unread byte, relative to the start of this reader's input.
    private long _consumed;
    private SequencePosition _sequencePosition;

    private ReadOnlySpan<byte> _valueSpan;
    private ReadOnlySequence<byte> _valueSequence;

    /// <summary>Creates a reader over the whole of <paramref name="data"/>.</summary>
    /// <param name="data">The encoding.</param>
    /// <param name="options">The limits to enforce.</param>
    public BerReader(ReadOnlySpan<byte> data, BerReaderOptions options = default)
        : this(data, isFinalBlock: true, new BerReaderState(options))
    {
    }

    /// <summary>Creates a reader over one piece of the input.</summary>
    /// <param name="data">The bytes from the previous reader's <see cref="BytesConsumed"/> on.</param>
    /// <param name="isFinalBlock"><see langword="true"/> when no more input follows.</param>
    /// <param name="state">The previous reader's <see cref="CurrentState"/>, or a new state.</param>
    public BerReader(ReadOnlySpan<byte> data, bool isFinalBlock, BerReaderState state)
    {
        _span = data;
        _sequence = default;
        _isSequence = false;
        _isFinalBlock = isFinalBlock;
        _basePosition = state.Position;
        _options = state.Options;
        _scopes = state.Scopes;
        _depth = state.Depth;
        _consumed = 0;
        _sequencePosition = default;
        TokenType = BerTokenType.None;
    }

    /// <summary>Creates a reader over the whole of <paramref name="data"/>.</summary>
    /// <param name="data">The encoding, in any number of segments.</param>
    /// <param name="options">The limits to enforce.</param>
    public BerReader(ReadOnlySequence<byte> data, BerReaderOptions options = default)
        : this(data, isFinalBlock: true, new BerReaderState(options))
    {
    }

    /// <summary>Creates a reader over one piece of the input, in any number of segments.</summary>
    /// <param name="data">The bytes from the previous reader's <see cref="BytesConsumed"/> on.</param>
    /// <param name="isFinalBlock"><see langword="true"/> when no more input follows.</param>
    /// <param name="state">The previous reader's <see cref="CurrentState"/>, or a new state.</param>
    public BerReader(ReadOnlySequence<byte> data, bool isFinalBlock, BerReaderState state)
    {
        if (data.IsSingleSegment)
        {
            this = new BerReader(data.FirstSpan, isFinalBlock, state);
            return;
        }

        _span = default;
        _sequence = data;
        _isSequence = true;
        _isFinalBlock = isFinalBlock;
        _basePosition = state.Position;
        _options = state.Options;
        _scopes = state.Scopes;
        _depth = state.Depth;
        _consumed = 0;
        _sequencePosition = data.Start;
        TokenType = BerTokenType.None;
    }

    /// <summary>Gets the kind of the last token read.</summary>
    public BerTokenType TokenType { get; private set; }

    /// <summary>Gets the tag of the last primitive or start-of-constructed token.</summary>
    public BerTag Tag { get; private set; }

    /// <summary>Gets the declared length of the last token's value, or -1 for an indefinite length.</summary>
    public long Length { get; private set; }

    /// <summary>Gets the absolute offset in the stream where the last token began.</summary>
    public long TokenStartOffset { get; private set; }

    /// <summary>Gets the number of bytes of this reader's input fully read.</summary>
    public readonly long BytesConsumed => _consumed;

    /// <summary>Gets the absolute offset of the next byte to read.</summary>
    public readonly long Position => _basePosition + _consumed;

    /// <summary>Gets the number of constructed values currently open.</summary>
    public readonly int CurrentDepth => _depth;

    /// <summary>Gets what a reader over the next piece of input needs to carry on.</summary>
    public readonly BerReaderState CurrentState => new(_options, _scopes, Position, _depth);

    /// <summary>Gets a value indicating whether the last primitive's contents span several segments (use <see cref="ValueSequence"/>).</summary>
    public bool HasValueSequence { get; private set; }

    /// <summary>Gets the last primitive's contents when they are contiguous.</summary>
    public readonly ReadOnlySpan<byte> ValueSpan => _valueSpan;

    /// <summary>Gets the last primitive's contents when <see cref="HasValueSequence"/> is <see langword="true"/>.</summary>
    public readonly ReadOnlySequence<byte> ValueSequence => _valueSequence;

    private readonly long Available => _isSequence ? _sequence.Length - _consumed : _span.Length - _consumed;

    /// <summary>Reads the next token.</summary>
    /// <returns>
    /// <see langword="true"/> when a token was read. <see langword="false"/> when the input holds no complete
    /// next token and more may follow, or at the end of the last piece with no constructed value open.
    /// </returns>
    /// <exception cref="MigrationFormatException">The bytes break X.690 or a limit, or the last piece ends inside a value.</exception>
    public bool Read()
    {
        HasValueSequence = false;
        _valueSpan = default;
        _valueSequence = default;

        if (_depth > 0 && _scopes!.Ends[_depth - 1] == Position)
        {
            TokenStartOffset = Position;
            _depth--;
            TokenType = BerTokenType.EndConstructed;
            return true;
        }

        // The end of the innermost enclosing definite-length value, which everything read next must stay within, or -1.
        long limit = _depth > 0 ? _scopes!.Limits[_depth - 1] : -1;
        if (limit >= 0 && Position >= limit)
        {
            BerThrowHelper.ThrowInvalidEncoding(
                $"The indefinite-length value that began at offset {_scopes!.Starts[_depth - 1]} has no end-of-contents before offset {limit}, where an "
                    + "enclosing definite-length value ends.",
                Position);
        }

        long available = Available;
        if (available == 0)
        {
            if (_depth == 0 || !_isFinalBlock)
            {
                return false;
            }

            BerThrowHelper.ThrowTruncated(
                $"The input ended inside the constructed value that began at offset {_scopes!.Starts[_depth - 1]}; its end was expected.",
                Position);
        }

        // Only a multi-segment input needs a scratch copy of the header; a span is read in place.
        Span<byte> scratch = _isSequence ? stackalloc byte[MaxHeaderLength] : default;
        ReadOnlySpan<byte> window = _isSequence ? PeekWindow(scratch) : _span.Slice((int)_consumed);
        BerDecodeStatus status;
        BerTag tag;
        long length;
        int headerLength;
        if (window.Length >= 2 && (window[0] & 0x1F) != 0x1F && window[1] < 0x80)
        {
            // The common case: a one-octet identifier and a short-form length.
            byte identifier = window[0];
            tag = new BerTag((BerTagClass)(identifier >> 6), (ulong)(identifier & 0x1F), (identifier & 0x20) != 0);
            length = window[1];
            headerLength = 2;
            status = BerDecodeStatus.Done;
        }
        else
        {
            status = BerDecoder.TryReadHeader(window, out tag, out length, out headerLength);
        }

        if (status == BerDecodeStatus.NeedMoreData)
        {
            if (limit >= 0 && Position + window.Length >= limit)
            {
                BerThrowHelper.ThrowInvalidEncoding(
                    $"The identifier and length octets at offset {Position} run past offset {limit}, where an enclosing definite-length value ends.",
                    Position);
            }

            if (!_isFinalBlock)
            {
                return false;
            }

            BerThrowHelper.ThrowTruncated("The input ended inside an identifier or length.", Position);
        }

        if (status != BerDecodeStatus.Done)
        {
            BerThrowHelper.ThrowHeader(status, window, Position);
        }

        long start = Position;
        if (tag.TagClass == BerTagClass.Universal && tag.TagNumber == 0)
        {
            return ReadEndOfContents(tag, length, headerLength, start, limit);
        }

        if (length < 0 && !tag.IsConstructed)
        {
            BerThrowHelper.ThrowInvalidEncoding(
                $"The primitive value {tag} has an indefinite length; primitive values take a definite length (X.690 8.1.3.2 a).",
                start);
        }

        CheckUniversalForm(tag, start);
        CheckSegment(tag, start);

        long end = -1;
        if (length >= 0)
        {
            if (length > long.MaxValue - start - headerLength)
            {
                BerThrowHelper.ThrowLimitExceeded($"The length {length} of {tag} is beyond any stream.", start);
            }

            end = start + headerLength + length;
            if (limit >= 0 && end > limit)
            {
                BerThrowHelper.ThrowInvalidEncoding(
                    $"The value {tag} of length {length} runs {end - limit} bytes past offset {limit}, where its enclosing definite-length value ends; its "
                        + $"parent began at offset {_scopes!.Starts[_depth - 1]}.",
                    start);
            }

            // Checked before truncation, so that the outcome does not depend on how much of the input has arrived.
            if (!tag.IsConstructed && length > _options.EffectiveMaxPrimitiveLength)
            {
                BerThrowHelper.ThrowLimitExceeded(
                    $"The primitive value {tag} declares {length} bytes, more than the limit of {_options.EffectiveMaxPrimitiveLength}.",
                    start);
            }

            // A constructed value's contents are checked as they are read, so that a value that cannot fit is found
            // where the input runs out, in memory as when it arrives in pieces (its contents may fail sooner).
            if (_isFinalBlock && !tag.IsConstructed && headerLength + length > available)
            {
                BerThrowHelper.ThrowTruncated($"The value {tag} declares {length} content bytes but only {available - headerLength} remain.", start);
            }
        }
        else if (limit >= 0 && start + headerLength > limit)
        {
            BerThrowHelper.ThrowInvalidEncoding(
                $"The identifier and length octets of {tag} run past offset {limit}, where its enclosing definite-length value ends.",
                start);
        }

        Tag = tag;
        Length = length;
        TokenStartOffset = start;
        if (!tag.IsConstructed)
        {
            if (headerLength + length > available)
            {
                return false;
            }

            SetValue(headerLength, (int)length);
            Advance(headerLength + length);
            TokenType = BerTokenType.Primitive;
            return true;
        }

        if (_depth >= _options.EffectiveMaxDepth)
        {
            BerThrowHelper.ThrowLimitExceeded(
                $"The constructed value {tag} is nested {_depth + 1} deep, more than the limit of {_options.EffectiveMaxDepth}.",
                start);
        }

        _scopes ??= new BerScopeStack();
        _scopes.EnsureCapacity(_depth);
        _scopes.Ends[_depth] = end;
        _scopes.Limits[_depth] = end >= 0 ? end : limit;
        _scopes.Starts[_depth] = start;
        _scopes.SegmentTag[_depth] = SegmentTagFor(tag);
        _depth++;
        Advance(headerLength);
        TokenType = BerTokenType.StartConstructed;
        return true;
    }

    /// <summary>
    /// Skips the value whose start was just read (a primitive is already skipped), nested indefinite-length
    /// values included, without materialising it.
    /// </summary>
    /// <returns><see langword="false"/> when the value does not end within this piece of input and more may follow; the reader is then where it was.</returns>
    /// <exception cref="MigrationFormatException">The skipped bytes are malformed, or the last piece ends inside them.</exception>
    public bool TrySkip()
    {
        if (TokenType != BerTokenType.StartConstructed)
        {
            return true;
        }

        int targetDepth = _depth - 1;
        long end = _scopes!.Ends[targetDepth];
        if (end >= 0 && end - _basePosition <= (_isSequence ? _sequence.Length : _span.Length))
        {
            // A definite length is trusted to frame its contents; its inner structure is not walked.
            Advance(end - Position);
            _depth = targetDepth;
            TokenType = BerTokenType.EndConstructed;
            return true;
        }

        BerReader saved = this;
        while (_depth > targetDepth)
        {
            if (!Read())
            {
                this = saved;
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads the last primitive's contents as INTEGER contents in a signed 64-bit value.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="MigrationFormatException">The contents are not a valid INTEGER or do not fit.</exception>
    public readonly long GetInt64()
    {
        Span<byte> copy = stackalloc byte[16];
        ReadOnlySpan<byte> content = SmallValue(copy);
        BerDecodeStatus status = BerDecoder.TryDecodeInt64(content, out long value);
        if (status != BerDecodeStatus.Done)
        {
            BerThrowHelper.ThrowValue(status, Tag, BerThrowHelper.DescribeInteger(status, content, Length, unsigned: false), TokenStartOffset);
        }

        return value;
    }

    /// <summary>Reads the last primitive's contents as INTEGER contents in an unsigned 64-bit value.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="MigrationFormatException">The contents are not a valid INTEGER, are negative, or do not fit.</exception>
    public readonly ulong GetUInt64()
    {
        Span<byte> copy = stackalloc byte[16];
        ReadOnlySpan<byte> content = SmallValue(copy);
        BerDecodeStatus status = BerDecoder.TryDecodeUInt64(content, out ulong value);
        if (status != BerDecodeStatus.Done)
        {
            BerThrowHelper.ThrowValue(status, Tag, BerThrowHelper.DescribeInteger(status, content, Length, unsigned: true), TokenStartOffset);
        }

        return value;
    }

    /// <summary>Reads the last primitive's contents as BOOLEAN contents.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="MigrationFormatException">The contents are not one octet.</exception>
    public readonly bool GetBoolean()
    {
        Span<byte> copy = stackalloc byte[16];
        ReadOnlySpan<byte> content = SmallValue(copy);
        BerDecodeStatus status = BerDecoder.TryDecodeBoolean(content, out bool value);
        if (status != BerDecodeStatus.Done)
        {
            BerThrowHelper.ThrowValue(status, Tag, BerThrowHelper.DescribeBoolean(Length), TokenStartOffset);
        }

        return value;
    }

    /// <summary>Reads the last primitive's contents as UTF-8 text.</summary>
    /// <returns>The text.</returns>
    /// <exception cref="MigrationFormatException">The contents are not valid UTF-8.</exception>
    public readonly string GetUtf8String()
    {
        byte[]? joined = HasValueSequence ? _valueSequence.ToArray() : null;
        ReadOnlySpan<byte> content = joined ?? _valueSpan;
        if (!System.Text.Unicode.Utf8.IsValid(content))
        {
            BerThrowHelper.ThrowInvalidEncoding($"The value {Tag} is not valid UTF-8.", TokenStartOffset);
        }

        return System.Text.Encoding.UTF8.GetString(content);
    }

    /// <summary>Copies the last primitive's contents.</summary>
    /// <param name="destination">Where to copy; must hold <see cref="Length"/> bytes.</param>
    /// <returns>The number of bytes copied.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public readonly int CopyValue(Span<byte> destination)
    {
        if (HasValueSequence)
        {
            _valueSequence.CopyTo(destination);
            return (int)_valueSequence.Length;
        }

        _valueSpan.CopyTo(destination);
        return _valueSpan.Length;
    }

    private static byte SegmentTagFor(BerTag tag)
    {
        if (tag.TagClass != BerTagClass.Universal)
        {
            return 0;
        }

        return tag.TagNumber switch
        {
            3 => 3, // BIT STRING: segments are BIT STRINGs (X.690 8.6.4)
            4 => 4, // OCTET STRING: segments are OCTET STRINGs (X.690 8.7.3)
            // Restricted strings encode as IMPLICIT OCTET STRING (X.690 8.23); so do ObjectDescriptor (7, a GraphicString)
            // and UTCTime and GeneralizedTime (23, 24, VisibleStrings). 29 is the unrestricted CHARACTER STRING, a SEQUENCE.
            7 or 12 or (>= 18 and <= 28) or 30 => 4,
            _ => 0,
        };
    }

    private readonly void CheckSegment(BerTag tag, long start)
    {
        if (_depth == 0)
        {
            return;
        }

        byte required = _scopes!.SegmentTag[_depth - 1];
        if (required != 0 && (tag.TagClass != BerTagClass.Universal || tag.TagNumber != required))
        {
            string expected = required == 3 ? "BIT STRING" : "OCTET STRING";
            BerThrowHelper.ThrowInvalidEncoding($"A segment of a constructed string must be an {expected}, found {tag}.", start);
        }
    }

    private static void CheckUniversalForm(BerTag tag, long start)
    {
        if (tag.TagClass != BerTagClass.Universal)
        {
            return;
        }

        switch (tag.TagNumber)
        {
            case 1 or 2 or 5 or 6 or 9 or 10 or 13 or 14 when tag.IsConstructed:
                BerThrowHelper.ThrowInvalidEncoding($"{Name(tag.TagNumber)} is always primitive; found the constructed form (X.690 8.1.2.5).", start);
                break;
            case 8 or 11 or 16 or 17 or 29 when !tag.IsConstructed:
                BerThrowHelper.ThrowInvalidEncoding(
                    $"{Name(tag.TagNumber)} is always constructed; found the primitive form (X.690 8.9.1, 8.11.1; EXTERNAL, EMBEDDED PDV and CHARACTER STRING "
                        + "encode as SEQUENCEs).",
                    start);
                break;
        }

        static string Name(ulong number) => number switch
        {
            1 => "BOOLEAN",
            2 => "INTEGER",
            5 => "NULL",
            6 => "OBJECT IDENTIFIER",
            9 => "REAL",
            10 => "ENUMERATED",
            13 => "RELATIVE-OID",
            14 => "TIME",
            8 => "EXTERNAL",
            11 => "EMBEDDED PDV",
            16 => "SEQUENCE",
            17 => "SET",
            _ => "CHARACTER STRING",
        };
    }

    private bool ReadEndOfContents(BerTag tag, long length, int headerLength, long start, long limit)
    {
        if (tag.IsConstructed)
        {
            BerThrowHelper.ThrowInvalidEncoding(
                "Found a constructed [UNIVERSAL 0]; tag 0 is reserved for end-of-contents, which is primitive (X.690 8.1.5).",
                start);
        }

        if (length != 0)
        {
            BerThrowHelper.ThrowInvalidEncoding("End-of-contents must be exactly 00 00; found a non-zero length (X.690 8.1.5).", start);
        }

        if (headerLength != 2)
        {
            BerThrowHelper.ThrowInvalidEncoding(
                $"End-of-contents must be exactly 00 00; found its zero length written in {headerLength - 1} octets (X.690 8.1.5).",
                start);
        }

        if (limit >= 0 && start + headerLength > limit)
        {
            BerThrowHelper.ThrowInvalidEncoding(
                $"The end-of-contents at offset {start} runs past offset {limit}, where an enclosing definite-length value ends.",
                start);
        }

        if (_depth == 0 || _scopes!.Ends[_depth - 1] >= 0)
        {
            string where = _depth == 0 ? "at the top level" : $"inside the definite-length value that began at offset {_scopes!.Starts[_depth - 1]}";
            BerThrowHelper.ThrowInvalidEncoding($"End-of-contents {where}; it may only close an indefinite-length value (X.690 8.1.5).", start);
        }

        TokenStartOffset = start;
        Tag = tag;
        Length = 0;
        Advance(headerLength);
        _depth--;
        TokenType = BerTokenType.EndConstructed;
        return true;
    }

    private readonly ReadOnlySpan<byte> PeekWindow(Span<byte> scratch)
    {
        if (!_isSequence)
        {
            return _span.Slice((int)_consumed);
        }

        ReadOnlySequence<byte> rest = _sequence.Slice(_sequencePosition);
        if (rest.FirstSpan.Length >= MaxHeaderLength || rest.IsSingleSegment)
        {
            return rest.FirstSpan;
        }

        int count = (int)Math.Min(rest.Length, MaxHeaderLength);
        rest.Slice(0, count).CopyTo(scratch);
        return scratch.Slice(0, count);
    }

    private void SetValue(int headerLength, int length)
    {
        if (!_isSequence)
        {
            _valueSpan = _span.Slice((int)_consumed + headerLength, length);
            return;
        }

        ReadOnlySequence<byte> value = _sequence.Slice(_sequencePosition).Slice(headerLength, length);
        if (value.IsSingleSegment)
        {
            _valueSpan = value.FirstSpan;
        }
        else
        {
            _valueSequence = value;
            HasValueSequence = true;
        }
    }

    private void Advance(long count)
    {
        if (_isSequence)
        {
            _sequencePosition = _sequence.GetPosition(count, _sequencePosition);
        }

        _consumed += count;
    }

    private readonly ReadOnlySpan<byte> SmallValue(Span<byte> copy)
    {
        if (TokenType != BerTokenType.Primitive)
        {
            throw new InvalidOperationException("The reader is not on a primitive value.");
        }

        if (!HasValueSequence)
        {
            return _valueSpan;
        }

        // Contents longer than any value of these types decide the outcome by their first octets (the form, the
        // sign) and their length, which the callers take from Length: a prefix is enough, whatever the segmentation.
        int count = (int)Math.Min(_valueSequence.Length, copy.Length);
        _valueSequence.Slice(0, count).CopyTo(copy);
        return copy.Slice(0, count);
    }
}
