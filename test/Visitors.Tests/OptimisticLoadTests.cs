using System.Numerics;
using System.Buffers;
using MigrationFormat.Samples;

namespace MigrationFormat.Visitors.Tests;

/// <summary>The optimistic same-version load path gives exactly what the general path gives, on good and on damaged input.</summary>
public class OptimisticLoadTests
{
    public static TheoryData<string> Devices => new() { "serial", "mc146818rtc", "virtio-net" };

    private static DeviceType TypeOf(string id) => SampleCatalog.DeviceTypes.Single(t => t.Id == id);

    private static byte[] State(IDeviceState device)
    {
        var output = new ArrayBufferWriter<byte>();
        BerDeviceSerializer.Save(device, output);
        return output.WrittenSpan.ToArray();
    }

    private static string Outcome(byte[] state, DeviceType type, bool optimistic)
    {
        IDeviceState device = type.Create(type.CurrentVersion);
        var serializer = new BerDeviceSerializer { Optimistic = optimistic };
        try
        {
            LoadReport report = serializer.Load(device, state, type.CurrentVersion);
            return "ok " + report.SkippedFields.Count + " " + report.DefaultedFields.Count + "\n" + StateDump.Of(device);
        }
        catch (MigrationFormatException ex)
        {
            return $"{ex.Kind} at {ex.Offset} {ex.FieldPath}\n" + StateDump.Of(device);
        }
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void Load_SameVersionState_OptimisticPathSucceedsWithoutFallingBack(string id)
    {
        DeviceType type = TypeOf(id);
        byte[] state = State(SampleCatalog.CreateBusy(type, type.CurrentVersion));

        var fast = new BerFastInputVisitor(state.AsSpan(2, state.Length - 4), type.CurrentVersion);
        IDeviceState device = type.Create(type.CurrentVersion);
        device.Visit(ref fast);

        Assert.False(fast.Failed);
        Assert.Equal(state.Length - 4, fast.BytesConsumed);
        Assert.Equal(StateDump.Of(SampleCatalog.CreateBusy(type, type.CurrentVersion)), StateDump.Of(device));
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void Load_EverySingleBitFlip_BothPathsGiveTheSameOutcome(string id)
    {
        DeviceType type = TypeOf(id);
        byte[] state = State(SampleCatalog.CreateBusy(type, type.CurrentVersion));
        for (int bit = 0; bit < state.Length * 8; bit++)
        {
            byte[] flipped = (byte[])state.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));

            Assert.Equal(Outcome(flipped, type, optimistic: false), Outcome(flipped, type, optimistic: true));
        }
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void Load_EveryTruncation_BothPathsGiveTheSameOutcome(string id)
    {
        DeviceType type = TypeOf(id);
        byte[] state = State(SampleCatalog.CreateBusy(type, type.CurrentVersion));
        for (int length = 0; length < state.Length; length++)
        {
            byte[] cut = state.AsSpan(0, length).ToArray();
            Assert.Equal(Outcome(cut, type, optimistic: false), Outcome(cut, type, optimistic: true));
        }
    }

    [Fact]
    public void Load_HighTagNumbers_OptimisticPathReadsThemAndMatchesTheGeneralPathOnEveryFlip()
    {
        var saved = new HighTagDevice { Low = 7, High = 0x12345678, Nested = -3 };
        byte[] state = State(saved);

        var fast = new BerFastInputVisitor(state.AsSpan(2, state.Length - 4), 1);
        var loaded = new HighTagDevice();
        loaded.Visit(ref fast);
        Assert.False(fast.Failed);
        Assert.Equal((7, 0x12345678u, -3L), (loaded.Low, loaded.High, loaded.Nested));

        for (int bit = 0; bit < state.Length * 8; bit++)
        {
            byte[] flipped = (byte[])state.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Equal(Outcome(flipped, HighTagDevice.DeviceType, optimistic: false), Outcome(flipped, HighTagDevice.DeviceType, optimistic: true));
        }
    }

    [Fact]
    public void Load_EveryFieldKindUnderLongTags_OptimisticPathReadsItAndMatchesTheGeneralPathOnEveryFlipAndCut()
    {
        WideDevice saved = WideDevice.Busy();
        byte[] state = State(saved);

        var fast = new BerFastInputVisitor(state.AsSpan(2, state.Length - 4), 1);
        var loaded = new WideDevice();
        loaded.Visit(ref fast);
        Assert.False(fast.Failed);
        Assert.Equal(StateDump.Of(saved), StateDump.Of(loaded));

        for (int bit = 0; bit < state.Length * 8; bit++)
        {
            byte[] flipped = (byte[])state.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Equal(Outcome(flipped, WideDevice.DeviceType, optimistic: false), Outcome(flipped, WideDevice.DeviceType, optimistic: true));
        }

        for (int length = 0; length < state.Length; length++)
        {
            byte[] cut = state.AsSpan(0, length).ToArray();
            Assert.Equal(Outcome(cut, WideDevice.DeviceType, optimistic: false), Outcome(cut, WideDevice.DeviceType, optimistic: true));
        }
    }

    [Theory]
    [InlineData("62 80 80 02 00 05 00 00", "InvalidEncoding")]
    [InlineData("62 80 80 02 FF 85 00 00", "InvalidEncoding")]
    [InlineData("62 80 80 02 01 00 00 00", "IntegerOutOfRange")]
    [InlineData("62 80 80 81 01 05 00 00", "ok")]
    public void Load_HandWrittenSmallIntegers_BothPathsGiveTheSameVerdict(string hex, string expectedStart)
    {
        byte[] state = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

        string general = Outcome(state, SmallDevice.DeviceType, optimistic: false);
        Assert.StartsWith(expectedStart, general, StringComparison.Ordinal);
        Assert.Equal(general, Outcome(state, SmallDevice.DeviceType, optimistic: true));
    }

    [Fact]
    public void Load_RandomValuesOfEveryWidthUnderShortAndLongTags_OptimisticPathReadsThemWithoutFallingBack()
    {
        for (int seed = 0; seed < 300; seed++)
        {
            MixedDevice saved = MixedDevice.Random(seed);
            byte[] state = State(saved);

            var fast = new BerFastInputVisitor(state.AsSpan(2, state.Length - 4), 1);
            var loaded = new MixedDevice();
            loaded.Visit(ref fast);

            Assert.False(fast.Failed);
            Assert.Equal(state.Length - 4, fast.BytesConsumed);
            Assert.Equal(StateDump.Of(saved), StateDump.Of(loaded));
        }
    }

    [Fact]
    public void Load_RandomValuesOfEveryWidth_BothPathsGiveTheSameOutcomeOnEveryFlipAndCut()
    {
        for (int seed = 0; seed < 12; seed++)
        {
            byte[] state = State(MixedDevice.Random(seed));
            for (int bit = 0; bit < state.Length * 8; bit++)
            {
                byte[] flipped = (byte[])state.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.Equal(Outcome(flipped, MixedDevice.DeviceType, optimistic: false), Outcome(flipped, MixedDevice.DeviceType, optimistic: true));
            }

            for (int length = 0; length < state.Length; length++)
            {
                byte[] cut = state.AsSpan(0, length).ToArray();
                Assert.Equal(Outcome(cut, MixedDevice.DeviceType, optimistic: false), Outcome(cut, MixedDevice.DeviceType, optimistic: true));
            }
        }
    }

    [Fact]
    public void Load_RandomValuesWithOneOctetReplaced_BothPathsGiveTheSameOutcome()
    {
        // Lengths of 0, 8, 9 and the long and indefinite forms, sign octets, tag octets: the shapes the inline path
        // must either read exactly as the general path does or leave to it.
        byte[] interesting = [0x00, 0x01, 0x02, 0x07, 0x08, 0x09, 0x0A, 0x1F, 0x7F, 0x80, 0x81, 0x82, 0x9F, 0xBF, 0xFF];
        var random = new Random(11);
        for (int seed = 0; seed < 100; seed++)
        {
            byte[] state = State(MixedDevice.Random(seed));
            for (int i = 0; i < 60; i++)
            {
                byte[] changed = (byte[])state.Clone();
                int at = random.Next(changed.Length);
                changed[at] = random.Next(3) == 0 ? (byte)random.Next(256) : interesting[random.Next(interesting.Length)];
                Assert.Equal(Outcome(changed, MixedDevice.DeviceType, optimistic: false), Outcome(changed, MixedDevice.DeviceType, optimistic: true));
            }
        }
    }

    public static TheoryData<string> TailWidths => new() { "u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64" };

    [Theory]
    [MemberData(nameof(TailWidths))]
    public void Load_ValuesOfOneWidthEndingTheInput_BothPathsGiveTheSameOutcomeOnEveryFlipCutAndReplacement(string width)
    {
        // The last values of a state lack the room the in-place read touches and are read with loads that stop at
        // the end: exercise that read for every width, against the general path.
        Func<int, IDeviceState> create = width switch
        {
            "u8" => seed => TailDevice<byte>.Random(seed),
            "i8" => seed => TailDevice<sbyte>.Random(seed),
            "u16" => seed => TailDevice<ushort>.Random(seed),
            "i16" => seed => TailDevice<short>.Random(seed),
            "u32" => seed => TailDevice<uint>.Random(seed),
            "i32" => seed => TailDevice<int>.Random(seed),
            "u64" => seed => TailDevice<ulong>.Random(seed),
            _ => seed => TailDevice<long>.Random(seed),
        };
        var random = new Random(width.Length);
        for (int seed = 0; seed < 200; seed++)
        {
            IDeviceState saved = create(seed);
            byte[] state = State(saved);
            IDeviceState loaded = saved.Type.Create(1);
            var fast = new BerFastInputVisitor(state.AsSpan(2, state.Length - 4), 1);
            loaded.Visit(ref fast);
            Assert.False(fast.Failed);
            Assert.Equal(StateDump.Of(saved), StateDump.Of(loaded));

            if (seed < 6)
            {
                for (int bit = 0; bit < state.Length * 8; bit++)
                {
                    byte[] flipped = (byte[])state.Clone();
                    flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                    Assert.Equal(Outcome(flipped, saved.Type, optimistic: false), Outcome(flipped, saved.Type, optimistic: true));
                }

                for (int length = 0; length < state.Length; length++)
                {
                    byte[] cut = state.AsSpan(0, length).ToArray();
                    Assert.Equal(Outcome(cut, saved.Type, optimistic: false), Outcome(cut, saved.Type, optimistic: true));
                }
            }

            for (int i = 0; i < 20; i++)
            {
                byte[] changed = (byte[])state.Clone();
                changed[random.Next(Math.Max(2, changed.Length - 24), changed.Length)] = (byte)random.Next(256);
                Assert.Equal(Outcome(changed, saved.Type, optimistic: false), Outcome(changed, saved.Type, optimistic: true));
            }
        }
    }

    [Theory]
    [InlineData("86 09 00 80 00 00 00 00 00 00 00", "ok")]
    [InlineData("86 09 00 FF FF FF FF FF FF FF FF", "ok")]
    [InlineData("86 09 00 7F FF FF FF FF FF FF FF", "InvalidEncoding")]
    [InlineData("86 09 01 80 00 00 00 00 00 00 00", "IntegerOutOfRange")]
    [InlineData("86 09 FF 80 00 00 00 00 00 00 00", "InvalidEncoding")]
    [InlineData("86 08 80 00 00 00 00 00 00 00", "IntegerOutOfRange")]
    [InlineData("86 08 00 FF 00 00 00 00 00 00", "ok")]
    [InlineData("86 08 00 7F 00 00 00 00 00 00", "InvalidEncoding")]
    [InlineData("86 01 80", "IntegerOutOfRange")]
    [InlineData("86 02 00 7F", "InvalidEncoding")]
    [InlineData("86 00", "InvalidEncoding")]
    [InlineData("86 0A 00 00 80 00 00 00 00 00 00 00", "InvalidEncoding")]
    [InlineData("86 81 01 05", "ok")]
    [InlineData("86 80 00 00", "InvalidEncoding")]
    public void Load_HandWrittenUnsigned64BitValues_BothPathsGiveTheSameVerdict(string hex, string expectedStart)
    {
        // The value, then a 20-octet buffer: the value is read where the inline path reads, with room after it.
        byte[] state = Convert.FromHexString(
            ("62 80 " + hex + " 87 14" + string.Concat(Enumerable.Repeat(" 00", 20)) + " 00 00").Replace(" ", "", StringComparison.Ordinal));

        string general = Outcome(state, Wide64Device.DeviceType, optimistic: false);
        Assert.StartsWith(expectedStart, general, StringComparison.Ordinal);
        Assert.Equal(general, Outcome(state, Wide64Device.DeviceType, optimistic: true));
    }

    /// <summary>A short buffer, then three values of one width under one-, two- and three-octet tags: they end the input.</summary>
    private sealed class TailDevice<T> : IDeviceState
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        public static readonly DeviceType DeviceType = new("tail-" + typeof(T).Name, "urn:test:tail-" + typeof(T).Name, 1, 1, _ => new TailDevice<T>());
        private static readonly FieldSet Root = new("tail");
        private static readonly ArrayFieldSpec<byte> PadSpec = Root.FixedBytes("pad", 0, 3);
        private static readonly FieldSpec<T> ASpec = Declare("a", 1);
        private static readonly FieldSpec<T> BSpec = Declare("b", 31);
        private static readonly FieldSpec<T> CSpec = Declare("c", 200);

        public byte[] Pad = new byte[3];
        public T A;
        public T B;
        public T C;

        public DeviceType Type => DeviceType;

        public int Version => 1;

        public static TailDevice<T> Random(int seed)
        {
            var random = new Random(seed);
            ulong[] edges =
            [
                0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, long.MaxValue, 1UL << 63, ulong.MaxValue,
            ];
            T Next() => T.CreateTruncating(
                random.Next(2) == 0
                    ? edges[random.Next(edges.Length)] ^ (random.Next(4) == 0 ? ulong.MaxValue : 0)
                    : (ulong)random.NextInt64() << random.Next(2) >> random.Next(64));
            var d = new TailDevice<T> { A = Next(), B = Next(), C = Next() };
            random.NextBytes(d.Pad);
            return d;
        }

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct
        {
            visitor.Field(PadSpec, Pad.AsSpan());
            visitor.Field(ASpec, ref A);
            visitor.Field(BSpec, ref B);
            visitor.Field(CSpec, ref C);
        }

        private static FieldSpec<T> Declare(string name, int tag) => (FieldSpec<T>)(object)(
            typeof(T) == typeof(byte) ? Root.UInt8(name, tag)
            : typeof(T) == typeof(sbyte) ? Root.Int8(name, tag)
            : typeof(T) == typeof(ushort) ? Root.UInt16(name, tag)
            : typeof(T) == typeof(short) ? Root.Int16(name, tag)
            : typeof(T) == typeof(uint) ? Root.UInt32(name, tag)
            : typeof(T) == typeof(int) ? Root.Int32(name, tag)
            : typeof(T) == typeof(ulong) ? Root.UInt64(name, tag)
            : Root.Int64(name, tag));
    }

    /// <summary>One uint64 field (tag 6) and a 20-octet buffer (tag 7): for hand-written encodings of the value, nine-octet ones among them.</summary>
    private sealed class Wide64Device : IDeviceState
    {
        public static readonly DeviceType DeviceType = new("wide64", "urn:test:wide64", 1, 1, _ => new Wide64Device());
        private static readonly FieldSet Root = new("test");
        private static readonly FieldSpec<ulong> ValueSpec = Root.UInt64("value", 6);
        private static readonly ArrayFieldSpec<byte> PaddingSpec = Root.FixedBytes("padding", 7, 20);

        public ulong Value;
        public byte[] Padding = new byte[20];

        public DeviceType Type => DeviceType;

        public int Version => 1;

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct
        {
            visitor.Field(ValueSpec, ref Value);
            visitor.Field(PaddingSpec, Padding.AsSpan());
        }
    }

    /// <summary>
    /// Every integer width under one-, two-, three- and four-octet tags, booleans, a buffer and arrays of every element
    /// width, filled from a seed with edge values and random ones; the last field ends within a few octets of the input.
    /// </summary>
    private sealed class MixedDevice : IDeviceState
    {
        public static readonly DeviceType DeviceType = new("mixed", "urn:test:mixed", 1, 1, _ => new MixedDevice());
        private static readonly FieldSet Root = new("mixed");
        private static readonly FieldSpec<byte> U8Spec = Root.UInt8("u8", 0);
        private static readonly FieldSpec<sbyte> I8Spec = Root.Int8("i8", 1);
        private static readonly FieldSpec<ushort> U16Spec = Root.UInt16("u16", 30);
        private static readonly FieldSpec<short> I16Spec = Root.Int16("i16", 31);
        private static readonly FieldSpec<uint> U32Spec = Root.UInt32("u32", 100, skippable: true);
        private static readonly FieldSpec<int> I32Spec = Root.Int32("i32", 127);
        private static readonly FieldSpec<ulong> U64Spec = Root.UInt64("u64", 128);
        private static readonly FieldSpec<long> I64Spec = Root.Int64("i64", 5);
        private static readonly FieldSpec<ulong> U64bSpec = Root.UInt64("u64b", 6);
        private static readonly FieldSpec<uint> U32bSpec = Root.UInt32("u32b", 16384);
        private static readonly FieldSpec<bool> FlagSpec = Root.Bool("flag", 7);
        private static readonly FieldSpec<bool> FlagbSpec = Root.Bool("flagb", 200, skippable: true);
        private static readonly ArrayFieldSpec<byte> BufferSpec = Root.FixedBytes("buffer", 9, 8);
        private static readonly ArrayFieldSpec<ushort> Regs16Spec = Root.Array<ushort>("regs16", 10, 3);
        private static readonly ArrayFieldSpec<uint> Regs32Spec = Root.Array<uint>("regs32", 11, 5);
        private static readonly ArrayFieldSpec<ulong> Regs64Spec = Root.Array<ulong>("regs64", 12, 4);
        private static readonly FieldSpec<ushort> LastSpec = Root.UInt16("last", 13);

        public byte U8;
        public sbyte I8;
        public ushort U16;
        public short I16;
        public uint U32;
        public int I32;
        public ulong U64;
        public long I64;
        public ulong U64b;
        public uint U32b;
        public bool Flag;
        public bool Flagb;
        public byte[] Buffer = new byte[8];
        public ushort[] Regs16 = new ushort[3];
        public uint[] Regs32 = new uint[5];
        public ulong[] Regs64 = new ulong[4];
        public ushort Last;

        public DeviceType Type => DeviceType;

        public int Version => 1;

        public static MixedDevice Random(int seed)
        {
            var random = new Random(seed);
            ulong[] edges =
            [
                0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, long.MaxValue, 1UL << 63, ulong.MaxValue,
            ];
            ulong Next() => random.Next(3) == 0
                ? edges[random.Next(edges.Length)] ^ (random.Next(4) == 0 ? ulong.MaxValue : 0)
                : (ulong)random.NextInt64() << random.Next(2) >> random.Next(64);
            var d = new MixedDevice
            {
                U8 = (byte)Next(), I8 = (sbyte)Next(), U16 = (ushort)Next(), I16 = (short)Next(), U32 = (uint)Next(), I32 = (int)Next(),
                U64 = Next(), I64 = (long)Next(), U64b = Next(), U32b = (uint)Next(), Flag = random.Next(2) == 1, Flagb = random.Next(2) == 1,
                Last = (ushort)Next(),
            };
            random.NextBytes(d.Buffer);
            for (int i = 0; i < d.Regs16.Length; i++)
            {
                d.Regs16[i] = (ushort)Next();
            }

            for (int i = 0; i < d.Regs32.Length; i++)
            {
                d.Regs32[i] = (uint)Next();
            }

            for (int i = 0; i < d.Regs64.Length; i++)
            {
                d.Regs64[i] = Next();
            }

            return d;
        }

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct
        {
            visitor.Field(U8Spec, ref U8);
            visitor.Field(I8Spec, ref I8);
            visitor.Field(U16Spec, ref U16);
            visitor.Field(I16Spec, ref I16);
            visitor.Field(U32Spec, ref U32);
            visitor.Field(I32Spec, ref I32);
            visitor.Field(U64Spec, ref U64);
            visitor.Field(I64Spec, ref I64);
            visitor.Field(U64bSpec, ref U64b);
            visitor.Field(U32bSpec, ref U32b);
            visitor.Field(FlagSpec, ref Flag);
            visitor.Field(FlagbSpec, ref Flagb);
            visitor.Field(BufferSpec, Buffer.AsSpan());
            visitor.Field(Regs16Spec, Regs16.AsSpan());
            visitor.Field(Regs32Spec, Regs32.AsSpan());
            visitor.Field(Regs64Spec, Regs64.AsSpan());
            visitor.Field(LastSpec, ref Last);
        }
    }

    /// <summary>One uint8 field: for hand-written encodings of it.</summary>
    private sealed class SmallDevice : IDeviceState
    {
        public static readonly DeviceType DeviceType = new("small", "urn:test:small", 1, 1, _ => new SmallDevice());
        private static readonly FieldSpec<byte> ValueSpec = new FieldSet("test").UInt8("value", 0);

        public byte Value;

        public DeviceType Type => DeviceType;

        public int Version => 1;

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct => visitor.Field(ValueSpec, ref Value);
    }

    /// <summary>Every scalar, buffer and array kind, all under tag numbers of 31 and above, with 9-octet unsigned values.</summary>
    private sealed class WideDevice : IDeviceState
    {
        public static readonly DeviceType DeviceType = new("wide", "urn:test:wide", 1, 1, _ => new WideDevice());
        private static readonly FieldSpec<byte> U8Spec = new FieldSet("test").UInt8("u8", 31);
        private static readonly FieldSpec<sbyte> I8Spec = new FieldSet("test").Int8("i8", 32);
        private static readonly FieldSpec<ushort> U16Spec = new FieldSet("test").UInt16("u16", 33, skippable: true);
        private static readonly FieldSpec<short> I16Spec = new FieldSet("test").Int16("i16", 34);
        private static readonly FieldSpec<uint> U32Spec = new FieldSet("test").UInt32("u32", 35);
        private static readonly FieldSpec<int> I32Spec = new FieldSet("test").Int32("i32", 36);
        private static readonly FieldSpec<ulong> U64Spec = new FieldSet("test").UInt64("u64", 37);
        private static readonly FieldSpec<long> I64Spec = new FieldSet("test").Int64("i64", 38);
        private static readonly FieldSpec<bool> FlagSpec = new FieldSet("test").Bool("flag", 200);
        private static readonly ArrayFieldSpec<byte> BufferSpec = new FieldSet("test").FixedBytes("buffer", 300, 6);
        private static readonly ArrayFieldSpec<ushort> Regs16Spec = new FieldSet("test").Array<ushort>("regs16", 40, 3);
        private static readonly ArrayFieldSpec<ulong> Regs64Spec = new FieldSet("test").Array<ulong>("regs64", 16384, 3);

        public byte U8;
        public sbyte I8;
        public ushort U16;
        public short I16;
        public uint U32;
        public int I32;
        public ulong U64;
        public long I64;
        public bool Flag;
        public byte[] Buffer = new byte[6];
        public ushort[] Regs16 = new ushort[3];
        public ulong[] Regs64 = new ulong[3];

        public DeviceType Type => DeviceType;

        public int Version => 1;

        public static WideDevice Busy() => new()
        {
            U8 = 0xFF, I8 = -128, U16 = 0x8000, I16 = -2, U32 = 0xFFFFFFFF, I32 = int.MinValue, U64 = ulong.MaxValue - 5,
            I64 = long.MinValue + 1, Flag = true, Buffer = [1, 2, 3, 4, 5, 6], Regs16 = [0, 0x80, 0xFFFF],
            Regs64 = [1UL << 63, 0, long.MaxValue],
        };

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct
        {
            visitor.Field(U8Spec, ref U8);
            visitor.Field(I8Spec, ref I8);
            visitor.Field(U16Spec, ref U16);
            visitor.Field(I16Spec, ref I16);
            visitor.Field(U32Spec, ref U32);
            visitor.Field(I32Spec, ref I32);
            visitor.Field(U64Spec, ref U64);
            visitor.Field(I64Spec, ref I64);
            visitor.Field(FlagSpec, ref Flag);
            visitor.Field(BufferSpec, Buffer.AsSpan());
            visitor.Field(Regs16Spec, Regs16.AsSpan());
            visitor.Field(Regs64Spec, Regs64.AsSpan());
        }
    }

    /// <summary>Fields whose tag numbers take the long form (31 and above).</summary>
    private sealed class HighTagDevice : IDeviceState
    {
        public static readonly DeviceType DeviceType = new("high-tags", "urn:test:high-tags", 1, 1, _ => new HighTagDevice());
        private static readonly FieldSpec<byte> LowSpec = new FieldSet("test").UInt8("low", 0);
        private static readonly FieldSpec<uint> HighSpec = new FieldSet("test").UInt32("high", 200, skippable: true);
        private static readonly StructSpec GroupSpec = new FieldSet("test").Struct("group", 40);
        private static readonly FieldSpec<long> NestedSpec = new FieldSet("test").Int64("nested", 31);

        public byte Low;
        public uint High;
        public long Nested;

        public DeviceType Type => DeviceType;

        public int Version => 1;

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct
        {
            visitor.Field(LowSpec, ref Low);
            visitor.Field(HighSpec, ref High);
            if (visitor.BeginStruct(GroupSpec))
            {
                visitor.Field(NestedSpec, ref Nested);
                visitor.EndStruct();
            }
        }
    }
}
