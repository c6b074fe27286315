using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MigrationFormat.Ber;

/// <summary>
/// Writes BER (X.690) values to an <see cref="IBufferWriter{T}"/>, with no allocation per value.
/// </summary>
/// <remarks>
/// <para>
/// The writer caches a span from the output and commits it in batches: call <see cref="Flush"/> (or
/// <see cref="Dispose"/>) to hand everything written so far to the output. Always pass it by <see langword="ref"/>.
/// </para>
/// <para>
/// Constructed values may use indefinite length (written straight through, so nothing is buffered) or
/// definite length. Definite-length constructed values are assembled in a pooled scratch buffer and
/// their length octets are filled in when they are popped, as <c>AsnWriter</c> does; their contents
/// are committed to the output when the outermost definite-length value is popped.
/// </para>
/// </remarks>
public ref partial struct BerWriter
{
    private const int MinimumRequest = 256;

    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _buffered;
    private long _committed;

    private const int InlineScopes = 16;

    // One entry per open constructed value: its start in the scratch buffer, or -1 for indefinite length. The first
    // InlineScopes live in the writer itself (no allocation per writer); deeper ones in _scopes.
    private ScopeBuffer _inlineScopes;
    private int[]? _scopes;
    private int _depth;
    private byte[]? _scratch;
    private int _definiteScopes;

    /// <summary>Creates a writer over <paramref name="output"/>.</summary>
    /// <param name="output">Where the encoding goes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is <see langword="null"/>.</exception>
    public BerWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _span = default;
        _buffered = 0;
        _committed = 0;
        _inlineScopes = default;
        _scopes = null;
        _depth = 0;
        _scratch = null;
        _definiteScopes = 0;
    }

    /// <summary>Gets the number of octets already handed to the output.</summary>
    public readonly long BytesCommitted => _committed;

    /// <summary>Gets the number of octets written but not yet handed to the output.</summary>
    public readonly int BytesPending => _buffered;

    /// <summary>Gets the number of constructed values currently open.</summary>
    public readonly int CurrentDepth => _depth;

    /// <summary>Hands every pending octet to the output.</summary>
    /// <exception cref="InvalidOperationException">A definite-length constructed value is open; its length is not known yet.</exception>
    public void Flush()
    {
        if (_definiteScopes > 0)
        {
            throw new InvalidOperationException("A definite-length constructed value is open; pop it before flushing.");
        }

        Commit();
    }

    /// <summary>Flushes pending octets and returns the scratch buffer to the pool.</summary>
    /// <remarks>Does not check that every constructed value was popped; <see cref="Flush"/> after the last pop does.</remarks>
    public void Dispose()
    {
        if (_definiteScopes == 0)
        {
            Commit();
        }

        if (_scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = null;
        }
    }

    /// <summary>Writes identifier octets.</summary>
    /// <param name="tag">The tag.</param>
    public void WriteTag(BerTag tag)
    {
        Span<byte> span = Reserve(BerEncoder.MaxTagLength);
        _buffered += BerEncoder.WriteTag(span, tag);
    }

    /// <summary>Writes definite length octets in minimal form.</summary>
    /// <param name="length">The number of content octets that follow.</param>
    public void WriteLength(long length)
    {
        Span<byte> span = Reserve(BerEncoder.MaxLengthLength);
        _buffered += BerEncoder.WriteLength(span, length);
    }

    /// <summary>Writes raw octets: an encoded value, or contents after <see cref="WriteTag"/> and <see cref="WriteLength"/>.</summary>
    /// <param name="octets">The octets.</param>
    public void WriteRaw(scoped ReadOnlySpan<byte> octets)
    {
        while (!octets.IsEmpty)
        {
            Span<byte> span = Reserve(1);
            int count = Math.Min(span.Length, octets.Length);
            octets.Slice(0, count).CopyTo(span);
            _buffered += count;
            octets = octets.Slice(count);
        }
    }

    /// <summary>Writes a complete TLV with primitive form: <paramref name="tag"/>, the length and <paramref name="content"/>.</summary>
    /// <param name="tag">The tag, primitive.</param>
    /// <param name="content">The content octets.</param>
    public void WritePrimitive(BerTag tag, scoped ReadOnlySpan<byte> content)
    {
        Span<byte> span = Reserve(BerEncoder.MaxTagLength + BerEncoder.MaxLengthLength);
        int used = BerEncoder.WriteTag(span, tag.AsConstructed(false));
        used += BerEncoder.WriteLength(span.Slice(used), content.Length);
        _buffered += used;
        WriteRaw(content);
    }

    /// <summary>Writes a signed INTEGER in minimal two's complement (X.690 §8.3).</summary>
    /// <param name="value">The value.</param>
    /// <param name="tag">The tag to write; UNIVERSAL 2 when <see langword="null"/>.</param>
    public void WriteInteger(long value, BerTag? tag = null)
    {
        BerTag t = tag ?? BerTag.Integer;
        if (t.TagNumber < 31)
        {
            WriteIntegerLowTag(IdentifierOctet(t), value);
            return;
        }

        WriteTag(t.AsConstructed(false));
        Span<byte> span = Reserve(1 + 8 + 8);
        int length = BerEncoder.GetIntegerLength(value);
        span[0] = (byte)length;
        BerEncoder.WriteIntegerContent(span.Slice(1), value);
        _buffered += 1 + length;
    }

    /// <summary>Writes an unsigned value as an INTEGER in minimal two's complement; values of 2^63 and above take nine octets.</summary>
    /// <param name="value">The value.</param>
    /// <param name="tag">The tag to write; UNIVERSAL 2 when <see langword="null"/>.</param>
    public void WriteInteger(ulong value, BerTag? tag = null)
    {
        if (value <= long.MaxValue)
        {
            WriteInteger((long)value, tag);
            return;
        }

        WriteTag((tag ?? BerTag.Integer).AsConstructed(false));
        Span<byte> span = Reserve(1 + 9);
        span[0] = 9;
        _buffered += 1 + BerEncoder.WriteIntegerContent(span.Slice(1), value);
    }

    /// <summary>Writes a BOOLEAN: <c>FF</c> for true, <c>00</c> for false (the DER form, valid BER).</summary>
    /// <param name="value">The value.</param>
    /// <param name="tag">The tag to write; UNIVERSAL 1 when <see langword="null"/>.</param>
    public void WriteBoolean(bool value, BerTag? tag = null)
    {
        BerTag t = tag ?? BerTag.Boolean;
        if (t.TagNumber < 31)
        {
            Span<byte> span = Reserve(3);
            span[0] = IdentifierOctet(t);
            span[1] = 1;
            span[2] = value ? (byte)0xFF : (byte)0x00;
            _buffered += 3;
            return;
        }

        WritePrimitive(t, value ? [0xFF] : [0x00]);
    }

    /// <summary>Writes a NULL.</summary>
    /// <param name="tag">The tag to write; UNIVERSAL 5 when <see langword="null"/>.</param>
    public void WriteNull(BerTag? tag = null) => WritePrimitive(tag ?? BerTag.Null, default);

    /// <summary>Writes a primitive OCTET STRING.</summary>
    /// <param name="value">The octets.</param>
    /// <param name="tag">The tag to write; UNIVERSAL 4 when <see langword="null"/>.</param>
    public void WriteOctetString(scoped ReadOnlySpan<byte> value, BerTag? tag = null) => WritePrimitive(tag ?? BerTag.OctetString, value);

    /// <summary>
    /// Writes an OCTET STRING in constructed form with indefinite length, as primitive segments of at most
    /// <paramref name="segmentLength"/> octets (X.690 §8.7.3), so that a reader never needs the whole value at once.
    /// </summary>
    /// <param name="value">The octets.</param>
    /// <param name="segmentLength">The largest segment, at least 1.</param>
    /// <param name="tag">The outer tag; UNIVERSAL 4 when <see langword="null"/>. Segments are always UNIVERSAL 4.</param>
    public void WriteOctetStringSegmented(scoped ReadOnlySpan<byte> value, int segmentLength, BerTag? tag = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentLength, 1);
        PushConstructed((tag ?? BerTag.OctetString).AsConstructed(), indefiniteLength: true);
        while (!value.IsEmpty)
        {
            int count = Math.Min(segmentLength, value.Length);
            WriteOctetString(value.Slice(0, count));
            value = value.Slice(count);
        }

        PopConstructed();
    }

    /// <summary>Writes a UTF8String.</summary>
    /// <param name="value">The text.</param>
    /// <param name="tag">The tag to write; UNIVERSAL 12 when <see langword="null"/>.</param>
    public void WriteUtf8String(scoped ReadOnlySpan<char> value, BerTag? tag = null)
    {
        int byteCount = System.Text.Encoding.UTF8.GetByteCount(value);
        Span<byte> span = Reserve(BerEncoder.MaxTagLength + BerEncoder.MaxLengthLength);
        int used = BerEncoder.WriteTag(span, (tag ?? BerTag.Utf8String).AsConstructed(false));
        used += BerEncoder.WriteLength(span.Slice(used), byteCount);
        _buffered += used;
        if (byteCount <= 4096)
        {
            Span<byte> target = Reserve(byteCount);
            _buffered += System.Text.Encoding.UTF8.GetBytes(value, target);
            return;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            int written = System.Text.Encoding.UTF8.GetBytes(value, rented);
            WriteRaw(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes the end-of-contents octets <c>00 00</c> (X.690 §8.1.5). Prefer <see cref="PopConstructed"/>, which checks nesting.</summary>
    public void WriteEndOfContents()
    {
        Unsafe.WriteUnaligned(ref ReserveRef(sizeof(ushort)), (ushort)0);
        _buffered += 2;
    }

    /// <summary>Opens a constructed value.</summary>
    /// <param name="tag">Its tag; the constructed bit is set whatever <paramref name="tag"/> says.</param>
    /// <param name="indefiniteLength">
    /// <see langword="true"/> to write <c>80</c> and close with <c>00 00</c>, streaming the contents straight
    /// through; <see langword="false"/> for a definite length, filled in by <see cref="PopConstructed"/>.
    /// </param>
    public void PushConstructed(BerTag tag, bool indefiniteLength = false)
    {
        WriteTag(tag.AsConstructed());
        if (indefiniteLength)
        {
            Span<byte> span = Reserve(1);
            span[0] = 0x80;
            _buffered += 1;
            SetScope(_depth++, -1);
            return;
        }

        if (_definiteScopes == 0)
        {
            // From here until the outermost definite value is popped, octets go to the scratch buffer.
            Commit();
            _scratch ??= ArrayPool<byte>.Shared.Rent(1024);
            _span = _scratch;
            _buffered = 0;
        }

        _definiteScopes++;
        SetScope(_depth++, _buffered);
    }

    /// <summary>Opens a SEQUENCE (UNIVERSAL 16), or a constructed value with <paramref name="tag"/>.</summary>
    /// <param name="tag">The tag; SEQUENCE when <see langword="null"/>.</param>
    /// <param name="indefiniteLength">See <see cref="PushConstructed"/>.</param>
    public void PushSequence(BerTag? tag = null, bool indefiniteLength = false) => PushConstructed(tag ?? BerTag.Sequence, indefiniteLength);

    /// <summary>Closes the innermost constructed value: writes <c>00 00</c>, or fills in its definite length.</summary>
    /// <exception cref="InvalidOperationException">No constructed value is open.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PopConstructed()
    {
        // The common case inline: an indefinite-length value (every structure and array a device visitor opens)
        // closed with room for its end-of-contents.
        int depth = _depth - 1;
        if ((uint)depth < InlineScopes && _inlineScopes[depth] < 0 && _span.Length - _buffered >= sizeof(ushort))
        {
            _depth = depth;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetReference(_span), _buffered), (ushort)0);
            _buffered += sizeof(ushort);
            return;
        }

        PopConstructedSlow();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PopConstructedSlow()
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("No constructed value is open.");
        }

        --_depth;
        int start = _depth < InlineScopes ? _inlineScopes[_depth] : _scopes![_depth];
        if (start < 0)
        {
            WriteEndOfContents();
            return;
        }

        int contentLength = _buffered - start;
        int lengthLength = BerEncoder.GetLengthLength(contentLength);
        Reserve(lengthLength);
        Span<byte> span = _span;
        span.Slice(start, contentLength).CopyTo(span.Slice(start + lengthLength));
        BerEncoder.WriteLength(span.Slice(start), contentLength);
        _buffered += lengthLength;

        if (--_definiteScopes == 0)
        {
            ReadOnlySpan<byte> assembled = _scratch.AsSpan(0, _buffered);
            _span = default;
            _buffered = 0;
            WriteRaw(assembled);
        }
    }

    /// <summary>Closes the innermost SEQUENCE; the same as <see cref="PopConstructed"/>.</summary>
    public void PopSequence() => PopConstructed();

    /// <summary>The one identifier octet of <paramref name="tag"/> (a number below 31) in the primitive form, whatever its form says, as
    /// <see cref="WritePrimitive"/> writes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte IdentifierOctet(BerTag tag) =>
        (byte)(((int)tag.TagClass << 6) | (int)tag.TagNumber);

    /// <summary>Writes an INTEGER whose single identifier octet is already known (a tag number below 31).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void WriteIntegerWithIdentifier(byte identifier, long value) => WriteIntegerLowTag(identifier, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteIntegerLowTag(byte identifier, long value)
    {
        Span<byte> span = Reserve(2 + 8);
        int length = BerEncoder.GetIntegerLength(value);
        span[0] = identifier;
        span[1] = (byte)length;
        BinaryPrimitives.WriteUInt64BigEndian(span.Slice(2), (ulong)value << ((8 - length) * 8));
        _buffered += 2 + length;
    }

    private void SetScope(int index, int value)
    {
        if (index < InlineScopes)
        {
            _inlineScopes[index] = value;
            return;
        }

        if (_scopes is null || index >= _scopes.Length)
        {
            Array.Resize(ref _scopes, Math.Max(InlineScopes * 2, index * 2));
        }

        _scopes[index] = value;
    }

    /// <summary>Returns a span of at least <paramref name="count"/> octets at the write position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int count)
    {
        if (_span.Length - _buffered >= count)
        {
            return _span.Slice(_buffered);
        }

        return Grow(count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Span<byte> Grow(int count)
    {
        if (_definiteScopes > 0)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_scratch!.Length * 2, _buffered + count));
            _scratch.AsSpan(0, _buffered).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = larger;
            _span = larger;
            return _span.Slice(_buffered);
        }

        Commit();
        _span = _output.GetSpan(Math.Max(count, MinimumRequest));
        if (_span.Length < count)
        {
            // The packed-tag writes store without per-octet checks, so a short span must never get past here.
            throw new InvalidOperationException($"The output writer returned a span of {_span.Length} bytes; at least {count} were requested.");
        }

        return _span;
    }

    private void Commit()
    {
        if (_buffered > 0)
        {
            _output.Advance(_buffered);
            _committed += _buffered;
        }

        _buffered = 0;
        _span = default;
    }

    [InlineArray(InlineScopes)]
    private struct ScopeBuffer
    {
        private int _element0;
    }
}
