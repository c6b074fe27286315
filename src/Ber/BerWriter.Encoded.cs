using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MigrationFormat.Ber;

// Writes for callers that hold a tag's identifier octets packed in advance (EncodedTag): the device visitors, once
// per field. Each value costs one capacity check and a few unaligned stores; the general methods above encode the
// tag, handle optional tags and check every slice, which is several times slower per field.
public ref partial struct BerWriter
{
    // Room for the widest single write of this path: an 8-octet tag store, a length octet, a 9-octet INTEGER.
    private const int MaxPackedPrimitive = sizeof(ulong) + 1 + 9;

    // Room for one universal INTEGER element: identifier, length, nine content octets (the 8-octet stores of the
    // one-octet tag and of a shorter value stay inside it too).
    private const int MaxElement = 2 + 9;

    /// <summary>Writes a signed INTEGER under a packed tag.</summary>
    /// <param name="tag">The packed tag; its <see cref="EncodedTag.Length"/> must not be 0.</param>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void WriteInteger(EncodedTag tag, long value)
    {
        // Reserve first: a reservation that grows the output resets the count of buffered bytes.
        int written = StoreInteger(ref ReserveValue(), tag, value);
        _buffered += written;
    }

    /// <summary>Writes an unsigned INTEGER under a packed tag (nine content octets for 2^63 and above).</summary>
    /// <param name="tag">The packed tag.</param>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void WriteUnsigned(EncodedTag tag, ulong value)
    {
        int written = StoreUnsigned(ref ReserveValue(), tag, value);
        _buffered += written;
    }

    /// <summary>Writes a BOOLEAN (<c>FF</c> for true) under a packed tag.</summary>
    /// <param name="tag">The packed tag.</param>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void WriteBoolean(EncodedTag tag, bool value)
    {
        int written = StoreBoolean(ref ReserveValue(), tag, value);
        _buffered += written;
    }

    /// <summary>Stores a BOOLEAN (<c>FF</c> for true) at <paramref name="start"/>, which must have room as <see cref="StoreInteger"/>.</summary>
    /// <returns>The bytes the value takes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int StoreBoolean(ref byte start, EncodedTag tag, bool value)
    {
        Unsafe.WriteUnaligned(ref start, tag.Octets);
        nint tagLength = tag.Length;

        // Length and contents in one store: 01 then 00 or FF.
        Unsafe.WriteUnaligned(
            ref Unsafe.Add(ref start, tagLength),
            (ushort)(BitConverter.IsLittleEndian ? 0x01 | (-(value ? 1 : 0) << 8) : (-(value ? 1 : 0) & 0xFF) | 0x0100));
        return (int)tagLength + 2;
    }

    /// <summary>Writes primitive contents (an OCTET STRING) under a packed tag.</summary>
    /// <param name="tag">The packed tag.</param>
    /// <param name="content">The contents.</param>
    internal void WriteOctetString(EncodedTag tag, scoped ReadOnlySpan<byte> content)
    {
        if (content.Length < 0x80)
        {
            // Short contents (registers, small buffers) go in with the header under one capacity check.
            ref byte start = ref ReserveRef(sizeof(ulong) + 1 + content.Length);
            Unsafe.WriteUnaligned(ref start, tag.Octets);
            int tagLength = tag.Length;
            Unsafe.Add(ref start, tagLength) = (byte)content.Length;
            content.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref start, tagLength + 1), content.Length));
            _buffered += tagLength + 1 + content.Length;
            return;
        }

        ref byte header = ref ReserveRef(sizeof(ulong) + BerEncoder.MaxLengthLength);
        Unsafe.WriteUnaligned(ref header, tag.Octets);
        int used = tag.Length;
        used += BerEncoder.WriteLength(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref header, used), BerEncoder.MaxLengthLength), content.Length);
        _buffered += used;
        WriteRaw(content);
    }

    /// <summary>Opens an indefinite-length constructed value under a packed tag (constructed form).</summary>
    /// <param name="tag">The packed tag.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void PushIndefinite(EncodedTag tag)
    {
        ref byte start = ref ReserveRef(sizeof(ulong) + 1);
        Unsafe.WriteUnaligned(ref start, tag.Octets);
        Unsafe.Add(ref start, tag.Length) = 0x80;
        _buffered += tag.Length + 1;
        SetScope(_depth++, -1);
    }

    /// <summary>Writes each value as a universal INTEGER, in order: the elements of a SEQUENCE OF INTEGER.</summary>
    /// <typeparam name="T">The element type: an unsigned integer of at most 64 bits.</typeparam>
    /// <param name="values">The elements.</param>
    internal void WriteUnsignedElements<T>(scoped ReadOnlySpan<T> values)
        where T : unmanaged, System.Numerics.IUnsignedNumber<T>, System.Numerics.IBinaryInteger<T>
    {
        // Reserve room for a run of elements at once and track the position in a local: each element's length depends
        // on its value, and carrying the position through the writer's field would put a memory round trip on that
        // dependency for every element.
        const int ElementsPerRun = 256;
        while (!values.IsEmpty)
        {
            ReadOnlySpan<T> run = values.Slice(0, Math.Min(values.Length, ElementsPerRun));
            ref byte start = ref ReserveRef(run.Length * MaxElement);
            nint position = 0;
            foreach (T element in run)
            {
                position += typeof(T) == typeof(ulong)
                    ? StoreUnsigned(ref Unsafe.Add(ref start, position), EncodedTag.Integer, ulong.CreateTruncating(element))
                    : StoreUnsigned(ref Unsafe.Add(ref start, position), EncodedTag.Integer, uint.CreateTruncating(element));
            }

            _buffered += (int)position;
            values = values.Slice(run.Length);
        }
    }

    /// <summary>Reserves room for one value written by <see cref="StoreInteger"/> or <see cref="StoreUnsigned(ref byte, EncodedTag, ulong)"/>; pass what they
    /// return to <see cref="Advance"/>.</summary>
    /// <remarks>
    /// A caller that reserves before it reads the tag and the value keeps neither alive across the (rare) call that
    /// grows the output, so they stay in registers instead of being spilled on every value.
    /// </remarks>
    /// <returns>Where the value starts.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref byte ReserveValue() => ref ReserveRef(MaxPackedPrimitive);

    /// <summary>Gets a value indicating whether the room <see cref="ReserveValue"/> reserves is already there; then <see cref="NextValue"/> is where the value
    /// goes.</summary>
    /// <remarks>
    /// For callers that hold the writer inside a struct of their own: they test this inline and call their own
    /// out-of-line method to reserve, so that no pointer to the writer has to live across that call.
    /// </remarks>
    internal readonly bool HasRoomForValue
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _span.Length - _buffered >= MaxPackedPrimitive;
    }

    /// <summary>Gets where the next value goes; only valid when <see cref="HasRoomForValue"/>.</summary>
    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    internal readonly ref byte NextValue
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(ref MemoryMarshal.GetReference(_span), _buffered);
    }

    /// <summary>Counts <paramref name="count"/> more octets as written after a store into reserved room.</summary>
    /// <param name="count">What the store returned.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Advance(int count) => _buffered += count;

    /// <summary>Stores tag, length and minimal contents of a signed INTEGER at <paramref name="start"/>.</summary>
    /// <remarks>
    /// <paramref name="start"/> must have <see cref="MaxPackedPrimitive"/> bytes of room: the unaligned stores may write
    /// past the value, inside that room.
    /// </remarks>
    /// <returns>The bytes the value takes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int StoreInteger(ref byte start, EncodedTag tag, long value)
    {
        Unsafe.WriteUnaligned(ref start, tag.Octets);
        nint tagLength = tag.Length;
        int length = BerEncoder.GetIntegerLength(value);
        Unsafe.Add(ref start, tagLength) = (byte)length;

        // One store of the left-aligned big-endian value; only the first 'length' octets count.
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref start, tagLength + 1), ToBigEndian((ulong)value << ((8 - length) * 8)));

        // The octets the value takes depend only on the tag and the value, not on where it was written: added to the
        // position in one step, they keep the position's chain from one value to the next one add long.
        return (int)tagLength + 1 + length;
    }

    /// <summary>Stores tag, length and minimal contents of an unsigned INTEGER at <paramref name="start"/> (nine content octets for 2^63 and above).</summary>
    /// <remarks>As <see cref="StoreInteger"/>: <see cref="MaxPackedPrimitive"/> bytes of room.</remarks>
    /// <returns>The bytes the value takes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int StoreUnsigned(ref byte start, EncodedTag tag, ulong value)
    {
        Unsafe.WriteUnaligned(ref start, tag.Octets);
        nint tagLength = tag.Length;

        // Without a sign to test, the length is the significant bits plus a zero sign bit: 1 to 9 octets.
        int length = BerEncoder.GetIntegerLength(value);
        Unsafe.Add(ref start, tagLength) = (byte)length;

        // Without a branch on the top bit (random 64-bit values would mispredict half the time): a value of 2^63 and
        // above is a zero octet and all eight value octets, anything else its 'length' octets left-aligned. The zero
        // is always stored; a shorter value's store covers it.
        ref byte content = ref Unsafe.Add(ref start, tagLength + 1);
        int high = (int)(value >> 63);
        content = 0;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref content, high), ToBigEndian(value << ((8 - length + high) * 8)));
        return (int)tagLength + 1 + length;
    }

    /// <summary>Stores an unsigned INTEGER of at most 32 bits (one to five content octets) at <paramref name="start"/>.</summary>
    /// <remarks>As <see cref="StoreInteger"/>: <see cref="MaxPackedPrimitive"/> bytes of room.</remarks>
    /// <returns>The bytes the value takes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int StoreUnsigned(ref byte start, EncodedTag tag, uint value)
    {
        Unsafe.WriteUnaligned(ref start, tag.Octets);
        nint tagLength = tag.Length;
        int length = BerEncoder.GetIntegerLength((ulong)value);
        Unsafe.Add(ref start, tagLength) = (byte)length;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref start, tagLength + 1), ToBigEndian((ulong)value << ((8 - length) * 8)));
        return (int)tagLength + 1 + length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref byte ReserveRef(int count)
    {
        if (_span.Length - _buffered < count)
        {
            Grow(count);
        }

        return ref Unsafe.Add(ref MemoryMarshal.GetReference(_span), _buffered);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ToBigEndian(ulong value) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;
}
