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
        int written = StoreInteger(ref ReserveRef(MaxPackedPrimitive), tag, value);
        _buffered += written;
    }

    /// <summary>Writes an unsigned INTEGER under a packed tag (nine content octets for 2^63 and above).</summary>
    /// <param name="tag">The packed tag.</param>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void WriteUnsigned(EncodedTag tag, ulong value)
    {
        int written = StoreUnsigned(ref ReserveRef(MaxPackedPrimitive), tag, value);
        _buffered += written;
    }

    /// <summary>Writes a BOOLEAN (<c>FF</c> for true) under a packed tag.</summary>
    /// <param name="tag">The packed tag.</param>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void WriteBoolean(EncodedTag tag, bool value)
    {
        ref byte start = ref ReserveRef(sizeof(ulong) + 2);
        Unsafe.WriteUnaligned(ref start, tag.Octets);
        int tagLength = tag.Length;
        Unsafe.Add(ref start, tagLength) = 1;
        Unsafe.Add(ref start, tagLength + 1) = value ? (byte)0xFF : (byte)0x00;
        _buffered += tagLength + 2;
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
                position += StoreUnsigned(ref Unsafe.Add(ref start, position), EncodedTag.Integer, ulong.CreateTruncating(element));
            }

            _buffered += (int)position;
            values = values.Slice(run.Length);
        }
    }

    // Stores tag, length and minimal contents at 'start', which must have MaxPackedPrimitive bytes of room; the
    // unaligned stores may write past the value, inside that room. Returns the bytes the value takes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int StoreInteger(ref byte start, EncodedTag tag, long value)
    {
        Unsafe.WriteUnaligned(ref start, tag.Octets);
        int tagLength = tag.Length;
        int length = BerEncoder.GetIntegerLength(value);
        Unsafe.Add(ref start, tagLength) = (byte)length;

        // One store of the left-aligned big-endian value; only the first 'length' octets count.
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref start, tagLength + 1), ToBigEndian((ulong)value << ((8 - length) * 8)));
        return tagLength + 1 + length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int StoreUnsigned(ref byte start, EncodedTag tag, ulong value)
    {
        if ((long)value >= 0)
        {
            return StoreInteger(ref start, tag, (long)value);
        }

        // 2^63 and above: a zero octet keeps the value positive.
        Unsafe.WriteUnaligned(ref start, tag.Octets);
        int tagLength = tag.Length;
        Unsafe.Add(ref start, tagLength) = 9;
        Unsafe.Add(ref start, tagLength + 1) = 0;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref start, tagLength + 2), ToBigEndian(value));
        return tagLength + 10;
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
