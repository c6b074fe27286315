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
