using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>
/// The optimistic load path: reads a state value saved by the same device version straight from a span, field by
/// field in visit order, with every check the general path makes for such input. It gives up (and the caller
/// restores the device and loads through <see cref="BerInputVisitor"/>) at anything it does not expect: an unknown or
/// missing field, a value out of range or malformed, a definite-length structure, a blob. It never throws for data.
/// </summary>
internal ref struct BerFastInputVisitor : IStateVisitor
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _version;
    private int _position;

    /// <summary>
    /// Loads <paramref name="device"/>'s fields from the start of <paramref name="data"/> and checks that the
    /// end-of-contents of the enclosing state value follows them.
    /// </summary>
    /// <param name="device">The destination; on <see langword="false"/> it may be partly written and must be restored.</param>
    /// <param name="data">The state value's contents, and whatever follows them.</param>
    /// <param name="fieldsLength">The length of the fields read, when the result is <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when every field read as the device's own version wrote it.</returns>
    public static bool TryLoad(IDeviceState device, ReadOnlySpan<byte> data, out int fieldsLength)
    {
        var visitor = new BerFastInputVisitor(data, device.Version);
        device.Visit(ref visitor);
        fieldsLength = visitor.BytesConsumed;
        return !visitor.Failed && data.Length >= fieldsLength + 2 && data[fieldsLength] == 0 && data[fieldsLength + 1] == 0;
    }

    public BerFastInputVisitor(ReadOnlySpan<byte> fields, int version)
    {
        _data = fields;
        _version = version;
        _position = 0;
        Failed = false;
    }

    /// <summary>Gets a value indicating whether the input was not what this path reads; the device must be restored.</summary>
    public bool Failed { get; private set; }

    /// <summary>Gets the number of bytes read.</summary>
    public readonly int BytesConsumed => _position;

    public readonly VisitDirection Direction => VisitDirection.Load;

    public readonly int Version => _version;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (typeof(T) == typeof(ulong))
        {
            if (!Failed && field.ExistsIn(_version) && TryShortInteger(field.EncodedTag, 0, long.MaxValue, out long small))
            {
                value = T.CreateTruncating(small);
                return;
            }

            if (Primitive(field, out ReadOnlySpan<byte> content) && Unsigned(content, out ulong v))
            {
                value = T.CreateTruncating(v);
            }

            return;
        }

        if (Integer(field, long.CreateTruncating(T.MinValue), long.CreateTruncating(T.MaxValue), out long signed))
        {
            value = T.CreateTruncating(signed);
        }
    }

    public void Field(FieldSpec<bool> field, ref bool value)
    {
        if (Primitive(field, out ReadOnlySpan<byte> content))
        {
            if (content.Length != 1)
            {
                Failed = true;
                return;
            }

            value = content[0] != 0;
        }
    }

    public void Field(FieldSpec<string> field, ref string value)
    {
        if (Primitive(field, out ReadOnlySpan<byte> content))
        {
            if ((field.Length > 0 && content.Length > field.Length) || !System.Text.Unicode.Utf8.IsValid(content))
            {
                Failed = true;
                return;
            }

            value = StrictUtf8.GetString(content);
        }
    }

    public void Field(FieldSpec<byte[]> field, ref byte[] value)
    {
        if (Primitive(field, out ReadOnlySpan<byte> content))
        {
            if (field.Length > 0 && content.Length > field.Length)
            {
                Failed = true;
                return;
            }

            value = content.ToArray();
        }
    }

    public void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (typeof(T) == typeof(byte))
        {
            if (Primitive(field, out ReadOnlySpan<byte> content))
            {
                if (content.Length != values.Length)
                {
                    Failed = true;
                    return;
                }

                content.CopyTo(MemoryMarshal.AsBytes(values));
            }

            return;
        }

        if (!Open(field))
        {
            return;
        }

        for (int i = 0; i < values.Length && !Failed; i++)
        {
            if (typeof(T) == typeof(ulong))
            {
                if (Next(0x02, out ReadOnlySpan<byte> content) && Unsigned(content, out ulong v))
                {
                    values[i] = T.CreateTruncating(v);
                }
            }
            else
            {
                values[i] = T.CreateTruncating(Element(long.CreateTruncating(T.AllBitsSet)));
            }
        }

        Close();
    }

    public bool BeginStruct(StructSpec field) => Open(field);

    public void EndStruct() => Close();

    public int BeginList(ListSpec field, int count)
    {
        if (!Open(field))
        {
            return -1;
        }

        long declared = Element(field.Length > 0 ? field.Length : BerLoadOptions.DefaultMaxListCount);
        return Failed ? 0 : (int)declared;
    }

    public void BeginElement() => Expect(0x30, 0x80);

    public void EndElement() => Close();

    public void EndList() => Close();

    public OptionalGroup BeginOptional(OptionalSpec field, bool needed)
    {
        if (!field.ExistsIn(_version))
        {
            return OptionalGroup.NotInVersion;
        }

        if (Failed)
        {
            return OptionalGroup.Absent;
        }

        // Present when its tag comes next; absent only where the structure ends. Anything else is the general path's to judge.
        if (TagIsNext(field))
        {
            return Open(field) ? OptionalGroup.Present : OptionalGroup.Absent;
        }

        if (_position + 1 >= _data.Length || _data[_position] != 0 || _data[_position + 1] != 0)
        {
            Failed = true;
        }

        return OptionalGroup.Absent;
    }

    public void EndOptional() => Close();

    public void Blob(BlobSpec field, IBlobState blob)
    {
        // Blobs are staged by the device; the general path streams them.
        if (field.ExistsIn(_version))
        {
            Failed = true;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Integer(FieldSpec field, long min, long max, out long value)
    {
        if (!Failed && field.ExistsIn(_version) && TryShortInteger(field.EncodedTag, min, max, out value))
        {
            return true;
        }

        return IntegerSlow(field, min, max, out value);
    }

    // The shape nearly every integer has: a tag of at most eight octets, a short length, one to eight content octets,
    // with at least eight bytes of input before the content ends. One tag compare, one big-endian load of the value.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryShortInteger(EncodedTag tag, long min, long max, out long value)
    {
        value = 0;
        int at = _position;
        int tagLength = tag.Length;
        ReadOnlySpan<byte> data = _data;
        if (tagLength == 0 || (uint)at + (uint)tagLength + 1 > (uint)data.Length)
        {
            return false;
        }

        ref byte start = ref Unsafe.Add(ref MemoryMarshal.GetReference(data), at);
        if (tagLength == 1 ? start != tag.FirstOctet : !MatchesLongTag(ref start, at, data.Length, tag))
        {
            return false;
        }

        int length = Unsafe.Add(ref start, tagLength);
        int end = at + tagLength + 1 + length;
        if ((uint)(length - 1) >= sizeof(long) || end > data.Length || end < sizeof(long))
        {
            return false;
        }

        // In bounds: sizeof(long) <= end <= data.Length.
        ulong word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(data), end - sizeof(long)));
        int shift = (sizeof(long) - length) * 8;
        long result = (long)((BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(word) : word) << shift) >> shift;
        if (BerEncoder.GetIntegerLength(result) != length || result < min || result > max)
        {
            return false;
        }

        _position = end;
        value = result;
        return true;
    }

    // Compares a two- to eight-octet tag with one masked load; needs eight readable bytes (little-endian only).
    private static bool MatchesLongTag(ref byte start, int at, int dataLength, EncodedTag tag)
    {
        if (!BitConverter.IsLittleEndian || at + sizeof(ulong) > dataLength)
        {
            return false;
        }

        ulong mask = tag.Length == sizeof(ulong) ? ulong.MaxValue : (1UL << (tag.Length * 8)) - 1;
        return (Unsafe.ReadUnaligned<ulong>(ref start) & mask) == tag.Octets;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool IntegerSlow(FieldSpec field, long min, long max, out long value)
    {
        value = 0;
        if (!Primitive(field, out ReadOnlySpan<byte> content) || !Signed(content, out value))
        {
            return false;
        }

        if (value < min || value > max)
        {
            Failed = true;
            return false;
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long Element(long max)
    {
        if (!Failed && TryShortInteger(EncodedTag.Integer, 0, max, out long value))
        {
            return value;
        }

        return ElementSlow(max);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long ElementSlow(long max)
    {
        if (Next(0x02, out ReadOnlySpan<byte> content) && Signed(content, out long value))
        {
            if (value >= 0 && value <= max)
            {
                return value;
            }

            Failed = true;
        }

        return 0;
    }

    private bool Primitive(FieldSpec field, out ReadOnlySpan<byte> content)
    {
        content = default;
        if (Failed || !field.ExistsIn(_version))
        {
            return false;
        }

        if (!TagIsNext(field))
        {
            Failed = true;
            return false;
        }

        return Contents(_position, field.EncodedTag.Length, out content);
    }

    // Whether the field's identifier octets stand at the current position with at least one octet after them: one
    // compare for a one-octet tag, one masked load for a longer one where eight bytes are readable, else a span compare.
    private readonly bool TagIsNext(FieldSpec field)
    {
        EncodedTag tag = field.EncodedTag;
        int at = _position;
        if ((uint)at + (uint)tag.Length + 1 > (uint)_data.Length)
        {
            return false;
        }

        ref byte start = ref Unsafe.Add(ref MemoryMarshal.GetReference(_data), at);
        return tag.Length == 1
            ? start == tag.FirstOctet
            : MatchesLongTag(ref start, at, _data.Length, tag) || _data.Slice(at, tag.Length).SequenceEqual(field.TagOctets);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Next(byte identifier, out ReadOnlySpan<byte> content)
    {
        content = default;
        int at = _position;
        if (Failed || at + 2 > _data.Length || _data[at] != identifier)
        {
            Failed = true;
            return false;
        }

        return Contents(at, 1, out content);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Contents(int at, int tagLength, out ReadOnlySpan<byte> content)
    {
        content = default;
        int length = _data[at + tagLength];
        int header = tagLength + 1;
        if (length >= 0x80)
        {
            // Long form, up to three octets: enough for any field this path reads whole.
            int octets = length & 0x7F;
            if (octets is 0 or > 3 || at + header + octets > _data.Length)
            {
                Failed = true;
                return false;
            }

            length = 0;
            for (int i = 0; i < octets; i++)
            {
                length = (length << 8) | _data[at + header + i];
            }

            header += octets;
        }

        if (at + header + length > _data.Length)
        {
            Failed = true;
            return false;
        }

        content = _data.Slice(at + header, length);
        _position = at + header + length;
        return true;
    }

    private bool Open(FieldSpec field)
    {
        if (Failed || !field.ExistsIn(_version))
        {
            return false;
        }

        int tagLength = field.EncodedTag.Length;
        if (!TagIsNext(field) || _data[_position + tagLength] != 0x80)
        {
            Failed = true;
            return false;
        }

        _position += tagLength + 1;
        return true;
    }

    private void Close() => Expect(0x00, 0x00);

    private void Expect(byte first, byte second)
    {
        if (Failed || _position + 2 > _data.Length || _data[_position] != first || _data[_position + 1] != second)
        {
            Failed = true;
            return;
        }

        _position += 2;
    }

    // The general reading of an INTEGER's contents, for what TryShortInteger leaves (long forms, odd placement).
    private bool Signed(ReadOnlySpan<byte> content, out long value)
    {
        value = 0;
        int length = content.Length;
        if ((uint)(length - 1) >= sizeof(long))
        {
            Failed = true;
            return false;
        }

        long result = (sbyte)content[0];
        for (int i = 1; i < length; i++)
        {
            result = (result << 8) | content[i];
        }

        // A value that fits in fewer octets was not minimally encoded (X.690 8.3.2).
        if (BerEncoder.GetIntegerLength(result) != length)
        {
            Failed = true;
            return false;
        }

        value = result;
        return true;
    }

    private bool Unsigned(ReadOnlySpan<byte> content, out ulong value)
    {
        value = 0;
        if (content.Length == sizeof(ulong) + 1)
        {
            // 2^63 and above: a zero octet, then a first value octet with its top bit set (else the zero was superfluous).
            if (content[0] != 0 || content[1] < 0x80)
            {
                Failed = true;
                return false;
            }

            value = BinaryPrimitives.ReadUInt64BigEndian(content.Slice(1));
            return true;
        }

        if (!Signed(content, out long signed))
        {
            return false;
        }

        if (signed < 0)
        {
            Failed = true;
            return false;
        }

        value = (ulong)signed;
        return true;
    }
}
