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

    /// <summary>Fields whose tag numbers take the long form (31 and above).</summary>
    private sealed class HighTagDevice : IDeviceState
    {
        public static readonly DeviceType DeviceType = new("high-tags", "urn:test:high-tags", 1, 1, _ => new HighTagDevice());
        private static readonly FieldSpec LowSpec = FieldSpec.UInt8("low", 0);
        private static readonly FieldSpec HighSpec = FieldSpec.UInt32("high", 200, skippable: true);
        private static readonly FieldSpec GroupSpec = FieldSpec.Struct("group", 40);
        private static readonly FieldSpec NestedSpec = FieldSpec.Int64("nested", 31);

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
