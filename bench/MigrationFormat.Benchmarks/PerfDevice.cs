using System;
using MigrationFormat.Visitors;

namespace MigrationFormat.Benchmarks;

/// <summary>
/// The 40-field state of the performance anchors: 8×u8, 8×u16, 8×u32, 8×u64, 5 bools, two 64-byte buffers and a
/// u32[16] register array. BER tags 0–39 in that order.
/// </summary>
public sealed class PerfDevice : IDeviceState
{
    public static readonly DeviceType DeviceType = new("perf", "urn:migfmt:bench:perf40", 1, 1, _ => new PerfDevice(), "40-field benchmark device");

    public readonly byte[] U8 = new byte[8];
    public readonly ushort[] U16 = new ushort[8];
    public readonly uint[] U32 = new uint[8];
    public readonly ulong[] U64 = new ulong[8];
    public readonly bool[] Bools = new bool[5];
    public readonly byte[] BufA = new byte[64];
    public readonly byte[] BufB = new byte[64];
    public readonly uint[] Regs = new uint[16];

    public DeviceType Type => DeviceType;

    public int Version => 1;

    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        // Fields live in arrays: a ref to an element is what the visitor reads or writes, no copy-back needed.
        for (int i = 0; i < 8; i++)
        {
            visitor.Field(Fields.U8[i], ref U8[i]);
        }

        for (int i = 0; i < 8; i++)
        {
            visitor.Field(Fields.U16[i], ref U16[i]);
        }

        for (int i = 0; i < 8; i++)
        {
            visitor.Field(Fields.U32[i], ref U32[i]);
        }

        for (int i = 0; i < 8; i++)
        {
            visitor.Field(Fields.U64[i], ref U64[i]);
        }

        for (int i = 0; i < 5; i++)
        {
            visitor.Field(Fields.Flags[i], ref Bools[i]);
        }

        visitor.Field(Fields.BufA, BufA.AsSpan());
        visitor.Field(Fields.BufB, BufB.AsSpan());
        visitor.Field(Fields.Regs, Regs.AsSpan());
    }

    /// <summary>Fills every field: <paramref name="sparse"/> = about 75% zeros, the rest below 100, zero buffers; otherwise full-range random.</summary>
    public static PerfDevice Create(bool sparse, int seed = 42)
    {
        var rng = new Random(seed);
        var d = new PerfDevice();
        ulong Next(ulong max)
        {
            if (sparse)
            {
                return rng.Next(4) == 0 ? (ulong)rng.Next(1, 100) : 0;
            }

            ulong v = ((ulong)(uint)rng.Next() << 33) ^ ((ulong)(uint)rng.Next() << 11) ^ (uint)rng.Next();
            return max == ulong.MaxValue ? v : v % (max + 1);
        }

        for (int i = 0; i < 8; i++)
        {
            d.U8[i] = (byte)Next(byte.MaxValue);
            d.U16[i] = (ushort)Next(ushort.MaxValue);
            d.U32[i] = (uint)Next(uint.MaxValue);
            d.U64[i] = Next(ulong.MaxValue);
        }

        if (!sparse)
        {
            // Make sure the top bit is set somewhere so full-width encodings (9-byte INTEGERs, 10-byte varints) occur.
            d.U64[0] |= 1UL << 63;
            d.U32[0] |= 1U << 31;
            rng.NextBytes(d.BufA);
            rng.NextBytes(d.BufB);
        }

        for (int i = 0; i < 5; i++)
        {
            d.Bools[i] = sparse ? i == 0 : rng.Next(2) == 1;
        }

        for (int i = 0; i < 16; i++)
        {
            d.Regs[i] = (uint)Next(uint.MaxValue);
        }

        return d;
    }

    public bool ContentEquals(PerfDevice other) =>
        U8.AsSpan().SequenceEqual(other.U8) && U16.AsSpan().SequenceEqual(other.U16) && U32.AsSpan().SequenceEqual(other.U32)
        && U64.AsSpan().SequenceEqual(other.U64) && Bools.AsSpan().SequenceEqual(other.Bools) && BufA.AsSpan().SequenceEqual(other.BufA)
        && BufB.AsSpan().SequenceEqual(other.BufB) && Regs.AsSpan().SequenceEqual(other.Regs);

    public static class Fields
    {
        private static readonly FieldSet Root = new("perf");

        public static readonly FieldSpec<byte>[] U8 = Declare(i => Root.UInt8("u8_" + i, i));
        public static readonly FieldSpec<ushort>[] U16 = Declare(i => Root.UInt16("u16_" + i, 8 + i));
        public static readonly FieldSpec<uint>[] U32 = Declare(i => Root.UInt32("u32_" + i, 16 + i));
        public static readonly FieldSpec<ulong>[] U64 = Declare(i => Root.UInt64("u64_" + i, 24 + i));
        public static readonly FieldSpec<bool>[] Flags = Declare(i => Root.Bool("flag_" + i, 32 + i), 5);
        public static readonly ArrayFieldSpec<byte> BufA = Root.FixedBytes("buf_a", 37, 64);
        public static readonly ArrayFieldSpec<byte> BufB = Root.FixedBytes("buf_b", 38, 64);
        public static readonly ArrayFieldSpec<uint> Regs = Root.Array<uint>("regs", 39, 16);

        private static T[] Declare<T>(Func<int, T> declare, int count = 8)
        {
            var specs = new T[count];
            for (int i = 0; i < count; i++)
            {
                specs[i] = declare(i);
            }

            return specs;
        }
    }
}
