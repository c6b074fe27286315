using System;
using System.Buffers.Binary;
using System.Formats.Asn1;
using Google.Protobuf;

namespace MigrationFormat.Benchmarks;

/// <summary>(a) raw: the fixed big-endian layout of a QEMU <c>qemu_put_be*</c> stream, no tags; always 317 bytes.</summary>
public static class RawCodec
{
    public const int Size = 8 + 16 + 32 + 64 + 5 + 128 + 64;

    public static int Save(PerfDevice d, Span<byte> dst)
    {
        int p = 0;
        for (int i = 0; i < 8; i++)
        {
            dst[p++] = d.U8[i];
        }

        for (int i = 0; i < 8; i++, p += 2)
        {
            BinaryPrimitives.WriteUInt16BigEndian(dst.Slice(p), d.U16[i]);
        }

        for (int i = 0; i < 8; i++, p += 4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(dst.Slice(p), d.U32[i]);
        }

        for (int i = 0; i < 8; i++, p += 8)
        {
            BinaryPrimitives.WriteUInt64BigEndian(dst.Slice(p), d.U64[i]);
        }

        for (int i = 0; i < 5; i++)
        {
            dst[p++] = d.Bools[i] ? (byte)1 : (byte)0;
        }

        d.BufA.CopyTo(dst.Slice(p));
        p += 64;
        d.BufB.CopyTo(dst.Slice(p));
        p += 64;
        for (int i = 0; i < 16; i++, p += 4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(dst.Slice(p), d.Regs[i]);
        }

        return p;
    }

    public static void Load(PerfDevice d, ReadOnlySpan<byte> src)
    {
        if (src.Length != Size)
        {
            throw new FormatException("Wrong length.");
        }

        int p = 0;
        for (int i = 0; i < 8; i++)
        {
            d.U8[i] = src[p++];
        }

        for (int i = 0; i < 8; i++, p += 2)
        {
            d.U16[i] = BinaryPrimitives.ReadUInt16BigEndian(src.Slice(p));
        }

        for (int i = 0; i < 8; i++, p += 4)
        {
            d.U32[i] = BinaryPrimitives.ReadUInt32BigEndian(src.Slice(p));
        }

        for (int i = 0; i < 8; i++, p += 8)
        {
            d.U64[i] = BinaryPrimitives.ReadUInt64BigEndian(src.Slice(p));
        }

        for (int i = 0; i < 5; i++)
        {
            byte b = src[p++];
            if (b > 1)
            {
                throw new FormatException("Bad bool.");
            }

            d.Bools[i] = b == 1;
        }

        src.Slice(p, 64).CopyTo(d.BufA);
        p += 64;
        src.Slice(p, 64).CopyTo(d.BufB);
        p += 64;
        for (int i = 0; i < 16; i++, p += 4)
        {
            d.Regs[i] = BinaryPrimitives.ReadUInt32BigEndian(src.Slice(p));
        }
    }
}

/// <summary>
/// (b) System.Formats.Asn1: <c>SEQUENCE { [0..31] IMPLICIT INTEGER, [32..36] BOOLEAN, [37],[38] OCTET STRING,
/// [39] SEQUENCE OF INTEGER }</c>, DER; the writer is reused with <see cref="AsnWriter.Reset"/>, the reader is the static <see cref="AsnDecoder"/>.
/// </summary>
public static class AsnCodec
{
    private static readonly Asn1Tag[] Tags = BuildTags();

    private static Asn1Tag[] BuildTags()
    {
        var tags = new Asn1Tag[40];
        for (int i = 0; i < 40; i++)
        {
            tags[i] = new Asn1Tag(TagClass.ContextSpecific, i);
        }

        return tags;
    }

    public static int Save(PerfDevice d, AsnWriter w, Span<byte> dst)
    {
        w.Reset();
        w.PushSequence();
        for (int i = 0; i < 8; i++)
        {
            w.WriteInteger((ulong)d.U8[i], Tags[i]);
        }

        for (int i = 0; i < 8; i++)
        {
            w.WriteInteger((ulong)d.U16[i], Tags[8 + i]);
        }

        for (int i = 0; i < 8; i++)
        {
            w.WriteInteger((ulong)d.U32[i], Tags[16 + i]);
        }

        for (int i = 0; i < 8; i++)
        {
            w.WriteInteger(d.U64[i], Tags[24 + i]);
        }

        for (int i = 0; i < 5; i++)
        {
            w.WriteBoolean(d.Bools[i], Tags[32 + i]);
        }

        w.WriteOctetString(d.BufA, Tags[37]);
        w.WriteOctetString(d.BufB, Tags[38]);
        w.PushSequence(Tags[39]);
        for (int i = 0; i < 16; i++)
        {
            w.WriteInteger((ulong)d.Regs[i]);
        }

        w.PopSequence(Tags[39]);
        w.PopSequence();
        return w.Encode(dst);
    }

    public static void Load(PerfDevice d, ReadOnlySpan<byte> src)
    {
        const AsnEncodingRules der = AsnEncodingRules.DER;
        AsnDecoder.ReadSequence(src, der, out int offset, out int length, out int consumed);
        if (consumed != src.Length)
        {
            throw new FormatException("Trailing bytes.");
        }

        ReadOnlySpan<byte> s = src.Slice(offset, length);
        int n;
        for (int i = 0; i < 8; i++)
        {
            d.U8[i] = (byte)ReadUInt(ref s, Tags[i], byte.MaxValue);
        }

        for (int i = 0; i < 8; i++)
        {
            d.U16[i] = (ushort)ReadUInt(ref s, Tags[8 + i], ushort.MaxValue);
        }

        for (int i = 0; i < 8; i++)
        {
            d.U32[i] = (uint)ReadUInt(ref s, Tags[16 + i], uint.MaxValue);
        }

        for (int i = 0; i < 8; i++)
        {
            d.U64[i] = ReadUInt(ref s, Tags[24 + i], ulong.MaxValue);
        }

        for (int i = 0; i < 5; i++)
        {
            d.Bools[i] = AsnDecoder.ReadBoolean(s, der, out n, Tags[32 + i]);
            s = s.Slice(n);
        }

        ReadBuffer(ref s, d.BufA, Tags[37]);
        ReadBuffer(ref s, d.BufB, Tags[38]);
        AsnDecoder.ReadSequence(s, der, out offset, out length, out n, Tags[39]);
        ReadOnlySpan<byte> regs = s.Slice(offset, length);
        s = s.Slice(n);
        for (int i = 0; i < 16; i++)
        {
            d.Regs[i] = (uint)ReadUInt(ref regs, null, uint.MaxValue);
        }

        if (!regs.IsEmpty || !s.IsEmpty)
        {
            throw new FormatException("Extra elements.");
        }
    }

    private static ulong ReadUInt(ref ReadOnlySpan<byte> s, Asn1Tag? tag, ulong max)
    {
        if (!AsnDecoder.TryReadUInt64(s, AsnEncodingRules.DER, out ulong v, out int n, tag) || v > max)
        {
            throw new FormatException("Integer out of range.");
        }

        s = s.Slice(n);
        return v;
    }

    private static void ReadBuffer(ref ReadOnlySpan<byte> s, Span<byte> dst, Asn1Tag tag)
    {
        if (!AsnDecoder.TryReadOctetString(s, dst, AsnEncodingRules.DER, out int n, out int written, tag) || written != dst.Length)
        {
            throw new FormatException("Bad buffer.");
        }

        s = s.Slice(n);
    }
}

/// <summary>
/// (c) Google.Protobuf by hand, in the shape protoc generates: fields 1–40, integers as varints, the buffers as
/// <c>bytes</c>, the registers packed; proto3 rules (zero scalars are not written; a load starts from zeros).
/// </summary>
public static class ProtoCodec
{
    /// <summary>The <c>bytes</c> fields as a generated message would hold them: ByteStrings wrapping the buffers.</summary>
    public sealed class Wrapped(PerfDevice d)
    {
        public ByteString BufA { get; } = UnsafeByteOperations.UnsafeWrap(d.BufA);

        public ByteString BufB { get; } = UnsafeByteOperations.UnsafeWrap(d.BufB);
    }

    public static int Save(PerfDevice d, Wrapped bytes, byte[] dst)
    {
        var o = new CodedOutputStream(dst);
        for (int i = 0; i < 8; i++)
        {
            if (d.U8[i] != 0)
            {
                o.WriteTag(1 + i, WireFormat.WireType.Varint);
                o.WriteUInt32(d.U8[i]);
            }
        }

        for (int i = 0; i < 8; i++)
        {
            if (d.U16[i] != 0)
            {
                o.WriteTag(9 + i, WireFormat.WireType.Varint);
                o.WriteUInt32(d.U16[i]);
            }
        }

        for (int i = 0; i < 8; i++)
        {
            if (d.U32[i] != 0)
            {
                o.WriteTag(17 + i, WireFormat.WireType.Varint);
                o.WriteUInt32(d.U32[i]);
            }
        }

        for (int i = 0; i < 8; i++)
        {
            if (d.U64[i] != 0)
            {
                o.WriteTag(25 + i, WireFormat.WireType.Varint);
                o.WriteUInt64(d.U64[i]);
            }
        }

        for (int i = 0; i < 5; i++)
        {
            if (d.Bools[i])
            {
                o.WriteTag(33 + i, WireFormat.WireType.Varint);
                o.WriteBool(true);
            }
        }

        o.WriteTag(38, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(bytes.BufA);
        o.WriteTag(39, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(bytes.BufB);
        int packed = 0;
        foreach (uint r in d.Regs)
        {
            packed += CodedOutputStream.ComputeUInt32Size(r);
        }

        o.WriteTag(40, WireFormat.WireType.LengthDelimited);
        o.WriteLength(packed);
        foreach (uint r in d.Regs)
        {
            o.WriteUInt32(r);
        }

        o.Flush();
        return (int)o.Position;
    }

    public static void Load(PerfDevice d, byte[] src, int length)
    {
        // proto3: a parsed message starts at its defaults.
        Array.Clear(d.U8);
        Array.Clear(d.U16);
        Array.Clear(d.U32);
        Array.Clear(d.U64);
        Array.Clear(d.Bools);
        Array.Clear(d.BufA);
        Array.Clear(d.BufB);
        Array.Clear(d.Regs);
        var input = new CodedInputStream(src, 0, length);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            int field = WireFormat.GetTagFieldNumber(tag);
            switch (field)
            {
                case >= 1 and <= 8:
                    d.U8[field - 1] = checked((byte)input.ReadUInt32());
                    break;
                case >= 9 and <= 16:
                    d.U16[field - 9] = checked((ushort)input.ReadUInt32());
                    break;
                case >= 17 and <= 24:
                    d.U32[field - 17] = input.ReadUInt32();
                    break;
                case >= 25 and <= 32:
                    d.U64[field - 25] = input.ReadUInt64();
                    break;
                case >= 33 and <= 37:
                    d.Bools[field - 33] = input.ReadBool();
                    break;
                case 38:
                    CopyExact(input.ReadBytes(), d.BufA);
                    break;
                case 39:
                    CopyExact(input.ReadBytes(), d.BufB);
                    break;
                case 40:
                    int len = input.ReadLength();
                    long end = input.Position + len;
                    int k = 0;
                    while (input.Position < end)
                    {
                        d.Regs[k++] = input.ReadUInt32();
                    }

                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
    }

    private static void CopyExact(ByteString value, byte[] dst)
    {
        if (value.Length != dst.Length)
        {
            throw new FormatException("Bad buffer length.");
        }

        value.Span.CopyTo(dst);
    }
}
