using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
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

    // The room a value of the short shape may touch: an eight-octet tag load, a length octet, a zero octet and an
    // eight-octet content load.
    private const int ShortValueRoom = sizeof(ulong) + 1 + 1 + sizeof(ulong);

    // The same for an array element, whose tag is the one octet 02 (without the zero octet unless it is 64 bits wide).
    private const int ShortElementRoom = 1 + 1 + 1 + sizeof(ulong);
    private const int NarrowElementRoom = 1 + 1 + sizeof(ulong);

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _version;

    // The read position as a reference rather than an offset: the next value's position is this value's plus its
    // octets, and a reference takes that step without re-basing an offset on the input for every value.
    private ref byte _cursor;

    // The last position from which a value of the short shape reads in bounds, or null (below every position) when
    // the input is too short for any or has failed: one compare per value stands for the failure test and every
    // bounds test of the inline path.
    private ref byte _shortEnd;
    private bool _failed;

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
        _cursor = ref MemoryMarshal.GetReference(fields);
        _shortEnd = ref fields.Length >= ShortValueRoom
            ? ref Unsafe.Add(ref MemoryMarshal.GetReference(fields), fields.Length - ShortValueRoom)
            : ref Unsafe.NullRef<byte>();
        _failed = false;
    }

    // The read position as an offset, for the paths that are not per value.
    private int Position
    {
        readonly get => (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(_data), ref _cursor);
        set => _cursor = ref Unsafe.Add(ref MemoryMarshal.GetReference(_data), value);
    }

    /// <summary>Gets a value indicating whether the input was not what this path reads; the device must be restored.</summary>
    public readonly bool Failed => _failed;

    /// <summary>Gets the number of bytes read.</summary>
    public readonly int BytesConsumed => Position;

    public readonly VisitDirection Direction => VisitDirection.Load;

    public readonly int Version => _version;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (field.ExistsIn(_version) && !TryShortInteger(field.EncodedTag, ref value))
        {
            FieldSlow(field, ref value);
        }
    }

    public void Field(FieldSpec<bool> field, ref bool value)
    {
        if (!field.ExistsIn(_version))
        {
            return;
        }

        // The shape every saved BOOLEAN has: the tag, 01 and one content octet.
        ref byte start = ref _cursor;
        if (BitConverter.IsLittleEndian && !Unsafe.IsAddressGreaterThan(ref start, ref _shortEnd))
        {
            EncodedTag tag = field.EncodedTag;
            nint tagLength = tag.Length;
            ushort lengthAndContent = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref start, tagLength));
            if (TagMatches(Unsafe.ReadUnaligned<ulong>(ref start), tag) && (byte)lengthAndContent == 1)
            {
                value = lengthAndContent > 0xFF;
                _cursor = ref Unsafe.Add(ref start, tagLength + 2);
                return;
            }
        }

        BooleanSlow(field, ref value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void BooleanSlow(FieldSpec<bool> field, ref bool value)
    {
        if (Primitive(field, out ReadOnlySpan<byte> content))
        {
            if (content.Length != 1)
            {
                Fail();
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
                Fail();
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
                Fail();
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
                    Fail();
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

        // The elements in a run with the position in a register (this loop is the visitor's own, unlike the device's
        // loop over its fields); the rest, near the end of the input or after anything unusual, one by one.
        int i = 0;
        if (BitConverter.IsLittleEndian)
        {
            ref byte at = ref _cursor;
            ref byte limit = ref Unsafe.Add(ref _shortEnd, ShortValueRoom - (typeof(T) == typeof(ulong) ? ShortElementRoom : NarrowElementRoom));
            for (; i < values.Length && !Unsafe.IsAddressGreaterThan(ref at, ref limit); i++)
            {
                ref byte next = ref ReadShortInteger<T, InPlace>(ref at, 0, EncodedTag.Integer, ref values[i], element: true);
                if (Unsafe.IsNullRef(ref next))
                {
                    break;
                }

                at = ref next;
            }

            _cursor = ref at;
        }

        // After a failure every element takes the slow path, which reads nothing more.
        for (; i < values.Length; i++)
        {
            if (!TryShortInteger(EncodedTag.Integer, ref values[i], element: true))
            {
                ElementSlow(ref values[i]);
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

        long declared = ElementValue(field.Length > 0 ? field.Length : BerLoadOptions.DefaultMaxListCount);
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

        if (Position + 1 >= _data.Length || _data[Position] != 0 || _data[Position + 1] != 0)
        {
            Fail();
        }

        return OptionalGroup.Absent;
    }

    public void EndOptional() => Close();

    public void Blob(BlobSpec field, IBlobState blob)
    {
        // Blobs are staged by the device; the general path streams them.
        if (field.ExistsIn(_version))
        {
            Fail();
        }
    }

    // The shape nearly every saved integer has: a tag of at most eight octets, a short-form length, one to eight
    // content octets (nine for an unsigned 64-bit value of 2^63 and above). Read in place when ShortValueRoom bytes
    // follow the position (one compare, which also stands for the failure test); near the end of the input by the
    // same read with loads that stop at the end (NearEnd). Anything else is left to the slow path, which judges it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryShortInteger<T>(EncodedTag tag, ref T value, bool element = false)
        where T : unmanaged, IBinaryInteger<T>
    {
        ref byte start = ref _cursor;
        if (!BitConverter.IsLittleEndian)
        {
            return false;
        }

        if (Unsafe.IsAddressGreaterThan(
            ref start,
            ref Unsafe.Add(ref _shortEnd, !element ? 0 : ShortValueRoom - (typeof(T) == typeof(ulong) ? ShortElementRoom : NarrowElementRoom))))
        {
            return NearEnd(tag, ref value, element);
        }

        ref byte next = ref ReadShortInteger<T, InPlace>(ref start, 0, tag, ref value, element);
        if (Unsafe.IsNullRef(ref next))
        {
            return false;
        }

        _cursor = ref next;
        return true;
    }

    // The last values of the input, which lack the room the in-place loads touch: the same read, with loads that
    // return zeros for what lies beyond the end. The read's verdict depends only on the octets it consumes, so those
    // zeros change nothing when they are all in the input.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool NearEnd<T>(EncodedTag tag, ref T value, bool element)
        where T : unmanaged, IBinaryInteger<T>
    {
        int at = Position;
        int available = _data.Length - at;
        if (_failed || available <= 0 || _data.Length < sizeof(ulong))
        {
            return false;
        }

        ref byte start = ref Unsafe.Add(ref MemoryMarshal.GetReference(_data), at);
        T read = default;
        ref byte next = ref ReadShortInteger<T, NearTheEnd>(ref start, available, tag, ref read, element);
        if (Unsafe.IsNullRef(ref next) || Unsafe.ByteOffset(ref start, ref next) > available)
        {
            return false;
        }

        value = read;
        _cursor = ref next;
        return true;
    }

    // Reads an INTEGER of the short shape at 'start' through TInput's loads; returns where the next value starts, or
    // a null reference (and leaves 'value' alone) when the input is not of that shape or not this field's value. One masked tag compare
    // (one octet compare for an element's universal tag), one big-endian load of the value, minimality and range
    // checked by re-measuring the value.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref byte ReadShortInteger<T, TInput>(ref byte start, int available, EncodedTag tag, scoped ref T value, bool element)
        where T : unmanaged, IBinaryInteger<T>
        where TInput : struct, IShortInput
    {
        nint tagLength = element ? 1 : tag.Length;
        bool tagMatches = element ? TInput.Octet(ref start, 0, available) == 0x02 : TagMatches(TInput.Word(ref start, 0, available), tag);
        int length = TInput.Octet(ref start, tagLength, available);
        nint contentAt = tagLength + 1;

        // The shifts below take their count modulo 64: a length outside the accepted range reads garbage, which the
        // length test then rejects.
        if (typeof(T) == typeof(ulong))
        {
            // Without a branch on it (random values would mispredict half the time): nine octets are a zero octet
            // and the eight of a value of 2^63 and above.
            int nine = length == 9 ? 1 : 0;
            ulong v = BigEndian(TInput.Word(ref start, contentAt + nine, available)) >> ((8 - length + nine) * 8);
            if (!(tagMatches & ((uint)(length - 1) < 9) & (BerEncoder.GetIntegerLength(v) == length)
                & ((TInput.Octet(ref start, contentAt, available) & -nine) == 0)))
            {
                return ref Unsafe.NullRef<byte>();
            }

            value = T.CreateTruncating(v);
        }
        else if (BerOutputVisitor.IsUnsigned<T>())
        {
            // Re-measuring also rejects a set top bit: that would be a negative value, or a longer one.
            ulong v = BigEndian(TInput.Word(ref start, contentAt, available)) >> ((8 - length) * 8);
            if (!tagMatches || (uint)(length - 1) >= 8 || BerEncoder.GetIntegerLength(v) != length || v > ulong.CreateTruncating(T.AllBitsSet))
            {
                return ref Unsafe.NullRef<byte>();
            }

            value = T.CreateTruncating(v);
        }
        else
        {
            long v = (long)BigEndian(TInput.Word(ref start, contentAt, available)) >> ((8 - length) * 8);
            long max = long.CreateTruncating(T.AllBitsSet >>> 1);
            if (!tagMatches || (uint)(length - 1) >= 8 || BerEncoder.GetIntegerLength(v) != length || v < -max - 1 || v > max)
            {
                return ref Unsafe.NullRef<byte>();
            }

            value = T.CreateTruncating(v);
        }

        // The step to the next value depends on the length octet only through this one add.
        return ref Unsafe.Add(ref Unsafe.Add(ref start, contentAt), (nint)(uint)length);
    }

    // Whether 'word', the eight octets at a position, starts with the identifier octets of 'tag': one masked compare
    // whatever the tag's length (little-endian only: the octets are packed in native order).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TagMatches(ulong word, EncodedTag tag)
    {
        ulong difference = word ^ tag.Octets;
        if (Bmi2.X64.IsSupported)
        {
            return Bmi2.X64.ZeroHighBits(difference, (ulong)(uint)(tag.Length * 8)) == 0;
        }

        return (tag.Length >= sizeof(ulong) ? difference : difference & ((1UL << (tag.Length * 8)) - 1)) == 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BigEndian(ulong word) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(word) : word;

    // Everything the short shape leaves: long-form lengths, values near the end of the input, and every failure.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FieldSlow<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (!Primitive(field, out ReadOnlySpan<byte> content))
        {
            return;
        }

        if (typeof(T) == typeof(ulong))
        {
            if (Unsigned(content, out ulong unsigned))
            {
                value = T.CreateTruncating(unsigned);
            }

            return;
        }

        if (!Signed(content, out long signed))
        {
            return;
        }

        if (signed < long.CreateTruncating(T.MinValue) || signed > long.CreateTruncating(T.MaxValue))
        {
            Fail();
            return;
        }

        value = T.CreateTruncating(signed);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ElementSlow<T>(ref T value)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(ulong))
        {
            if (Next(0x02, out ReadOnlySpan<byte> content) && Unsigned(content, out ulong unsigned))
            {
                value = T.CreateTruncating(unsigned);
            }

            return;
        }

        value = T.CreateTruncating(ElementValue(long.CreateTruncating(T.AllBitsSet)));
    }

    // A universal INTEGER from 0 to 'max' (an array element or a list's count); 0 after a failure.
    private long ElementValue(long max)
    {
        if (Next(0x02, out ReadOnlySpan<byte> content) && Signed(content, out long value))
        {
            if (value >= 0 && value <= max)
            {
                return value;
            }

            Fail();
        }

        return 0;
    }

    private void Fail()
    {
        _failed = true;
        _shortEnd = ref Unsafe.NullRef<byte>();
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
            Fail();
            return false;
        }

        return Contents(Position, field.EncodedTag.Length, out content);
    }

    // Whether the field's identifier octets stand at the current position with at least one octet after them: one
    // masked load where eight bytes are readable, else a span compare.
    private readonly bool TagIsNext(FieldSpec field)
    {
        EncodedTag tag = field.EncodedTag;
        int at = Position;
        if ((uint)at + (uint)tag.Length + 1 > (uint)_data.Length)
        {
            return false;
        }

        return BitConverter.IsLittleEndian && at + sizeof(ulong) <= _data.Length
            ? TagMatches(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(_data), at)), tag)
            : _data.Slice(at, tag.Length).SequenceEqual(field.TagOctets);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Next(byte identifier, out ReadOnlySpan<byte> content)
    {
        content = default;
        int at = Position;
        if (Failed || at + 2 > _data.Length || _data[at] != identifier)
        {
            Fail();
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
                Fail();
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
            Fail();
            return false;
        }

        content = _data.Slice(at + header, length);
        Position = at + header + length;
        return true;
    }

    private bool Open(FieldSpec field)
    {
        if (Failed || !field.ExistsIn(_version))
        {
            return false;
        }

        int tagLength = field.EncodedTag.Length;
        if (!TagIsNext(field) || _data[Position + tagLength] != 0x80)
        {
            Fail();
            return false;
        }

        Position += tagLength + 1;
        return true;
    }

    private void Close() => Expect(0x00, 0x00);

    private void Expect(byte first, byte second)
    {
        if (Failed || Position + 2 > _data.Length || _data[Position] != first || _data[Position + 1] != second)
        {
            Fail();
            return;
        }

        Position += 2;
    }

    // The general reading of an INTEGER's contents, for what TryShortInteger leaves (long forms, odd placement).
    private bool Signed(ReadOnlySpan<byte> content, out long value)
    {
        value = 0;
        int length = content.Length;
        if ((uint)(length - 1) >= sizeof(long))
        {
            Fail();
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
            Fail();
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
                Fail();
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
            Fail();
            return false;
        }

        value = (ulong)signed;
        return true;
    }

    /// <summary>How <see cref="ReadShortInteger"/> loads octets: in place, or stopping at the end of the input.</summary>
    private interface IShortInput
    {
        /// <summary>Loads the octet at <paramref name="offset"/> from <paramref name="start"/>, of which <paramref name="available"/> are input.</summary>
        static abstract byte Octet(ref byte start, nint offset, int available);

        /// <summary>Loads the eight octets at <paramref name="offset"/> in native order.</summary>
        static abstract ulong Word(ref byte start, nint offset, int available);
    }

    /// <summary>Plain loads: the caller has made sure that <see cref="ShortValueRoom"/> octets are readable.</summary>
    private readonly struct InPlace : IShortInput
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static byte Octet(ref byte start, nint offset, int available) => Unsafe.Add(ref start, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Word(ref byte start, nint offset, int available) => Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset));
    }

    /// <summary>
    /// Loads that read nothing past the input's end and give zeros for what lies there; the input holds at least
    /// eight octets (little-endian only).
    /// </summary>
    private readonly struct NearTheEnd : IShortInput
    {
        public static byte Octet(ref byte start, nint offset, int available) => offset < available ? Unsafe.Add(ref start, offset) : (byte)0;

        public static ulong Word(ref byte start, nint offset, int available)
        {
            int beyond = (int)offset + sizeof(ulong) - available;
            if (beyond <= 0)
            {
                return Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset));
            }

            // The eight octets that end where the input ends, shifted so that the octets past it come in as zeros.
            return beyond >= sizeof(ulong) ? 0 : Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, available - sizeof(ulong))) >> (beyond * 8);
        }
    }
}
