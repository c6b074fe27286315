using MigrationFormat.Visitors;

namespace MigrationFormat.Visitors.Tests;

/// <summary>
/// Load failures are told apart by <see cref="MigrationFormatException.Kind"/> (never by their text), and both errors and
/// load reports name a field by its path from the device with its tag after it.
/// </summary>
public class LoadErrorTests
{
    // A valid state of Probe v1: level = 5, timer { deadline = 7 }, fifo { depth = 3 }, hint = 2.
    private const string Level = "80 01 05";
    private const string Timer = "A1 80 80 01 07 00 00";
    private const string Fifo = "A2 80 80 01 03 00 00";
    private const string Hint = "C3 01 02";

    [Fact]
    public void Load_ValidState_Succeeds()
    {
        var device = new Probe();

        LoadReport report = Load(State(Level, Timer, Fifo, Hint), device);

        Assert.Equal((5, 7L, (ushort)3, 2, true), (device.Level, device.Deadline, device.Depth, device.Hint, report.IsExact));
    }

    [Fact]
    public void Load_UInt8FieldHolding300_ThrowsIntegerOutOfRange()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => Load(State("80 02 01 2C", Timer, Fifo, Hint), new Probe()));

        Assert.Equal(MigrationErrorKind.IntegerOutOfRange, ex.Kind);
    }

    [Fact]
    public void Load_IntegerBeyondSixtyFourBits_ThrowsIntegerOutOfRange()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => Load(State(Level, "A1 80 80 09 01 00 00 00 00 00 00 00 00 00 00", Fifo, Hint), new Probe()));

        Assert.Equal(MigrationErrorKind.IntegerOutOfRange, ex.Kind);
    }

    [Fact]
    public void Load_NonMinimalInteger_ThrowsInvalidEncoding()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => Load(State("80 02 00 05", Timer, Fifo, Hint), new Probe()));

        Assert.Equal(MigrationErrorKind.InvalidEncoding, ex.Kind);
    }

    [Fact]
    public void Load_FailureInsideNestedStruct_NamesDottedPathWithTag()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => Load(State(Level, "A1 80 80 02 00 07 00 00", Fifo, Hint), new Probe()));

        Assert.Equal(("probe.timer.deadline [0]", "probe", 1, 1), (ex.FieldPath, ex.Device, ex.SourceVersion, ex.DestinationVersion));
        Assert.Contains("Field 'probe.timer.deadline [0]'.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FailureInsideOptionalGroup_NamesDottedPathWithTag()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => Load(State(Level, Timer, "A2 80 80 03 01 11 70 00 00", Hint), new Probe()));

        Assert.Equal("probe.fifo.depth [0]", ex.FieldPath);
        Assert.Contains("Field 'probe.fifo.depth [0]'.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SkippableFieldOutOfRange_NamesItWithItsPrivateTag()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => Load(State(Level, Timer, Fifo, "C3 02 01 00"), new Probe()));

        Assert.Equal((MigrationErrorKind.IntegerOutOfRange, "probe.hint [PRIVATE 3]"), (ex.Kind, ex.FieldPath));
    }

    [Fact]
    public void Load_UnknownMustParseFieldInOptionalGroup_NamesItByGroupPathAndTag()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => Load(State(Level, Timer, "A2 80 80 01 03 85 01 01 00 00", Hint), new Probe()));

        Assert.Equal((MigrationErrorKind.UnknownRequiredField, "probe.fifo.[5]"), (ex.Kind, ex.FieldPath));
    }

    [Fact]
    public void Load_UnknownSkippableField_ReportsItByPathAndTag()
    {
        LoadReport report = Load(State(Level, Timer, "A2 80 80 01 03 C9 01 01 00 00", Hint), new Probe());

        Assert.Equal(["probe.fifo.[PRIVATE 9]"], report.SkippedFields);
    }

    [Fact]
    public void Load_UnknownSkippableFieldTheResolverKnows_ReportsItsName()
    {
        var names = new RecordingNames("drops");

        LoadReport report = Load(State(Level, Timer, "A2 80 80 01 03 C9 01 01 00 00", Hint), new Probe(), names);

        Assert.Equal(["probe.fifo.drops [PRIVATE 9]"], report.SkippedFields);
    }

    [Fact]
    public void Load_UnknownFieldInOptionalGroup_AsksTheResolverWithTheGroupsTag()
    {
        var names = new RecordingNames(null);

        Load(State(Level, Timer, "A2 80 80 01 03 C9 01 01 00 00", Hint), new Probe(), names);

        Assert.Equal(["probe v1 [2] 9"], names.Calls);
    }

    [Fact]
    public void Load_MissingGroupFieldOfOlderStream_ReportsDefaultedByPathAndTag()
    {
        var device = new Probe(version: 2);

        LoadReport report = Load(State(Level, Timer, Fifo, Hint), device, streamVersion: 1);

        Assert.Equal(["probe.fifo.watermark [1]"], report.DefaultedFields);
    }

    private static byte[] State(params string[] fields) =>
        Convert.FromHexString(("62 80 " + string.Join(' ', fields) + " 00 00").Replace(" ", string.Empty, StringComparison.Ordinal));

    private static LoadReport Load(byte[] state, Probe device, IFieldNameResolver? names = null, int streamVersion = 1) =>
        new BerDeviceSerializer(new BerLoadOptions { FieldNames = names }).Load(device, state, streamVersion);

    private sealed class RecordingNames(string? name) : IFieldNameResolver
    {
        public List<string> Calls { get; } = [];

        public string? GetFieldName(string device, int version, ReadOnlySpan<int> scopeTags, int tag)
        {
            Calls.Add($"{device} v{version} [{string.Join(',', scopeTags.ToArray())}] {tag}");
            return name;
        }
    }

    /// <summary>A top-level integer, a nested structure, an optional group (which version 2 extends) and a skippable field.</summary>
    private sealed class Probe(int version = 1) : IDeviceState
    {
        public static readonly DeviceType DeviceType = new("probe", "urn:test:probe", 2, 1, v => new Probe(v));
        private static readonly FieldSet Root = new("probe");
        private static readonly FieldSpec<byte> LevelSpec = Root.UInt8("level", 0);
        private static readonly StructSpec TimerSpec = Root.Struct("timer", 1);
        private static readonly FieldSpec<long> DeadlineSpec = TimerSpec.Members.Int64("deadline", 0);
        private static readonly OptionalSpec FifoSpec = Root.Optional("fifo", 2);
        private static readonly FieldSpec<ushort> DepthSpec = FifoSpec.Members.UInt16("depth", 0);
        private static readonly FieldSpec<ushort> WatermarkSpec = FifoSpec.Members.UInt16("watermark", 1, since: 2);
        private static readonly FieldSpec<byte> HintSpec = Root.UInt8("hint", 3, skippable: true);

        private bool _fifoArmed = true;

        public byte Level;
        public long Deadline;
        public ushort Depth;
        public ushort Watermark;
        public byte Hint;

        public DeviceType Type => DeviceType;

        public int Version => version;

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct
        {
            visitor.Field(LevelSpec, ref Level);
            if (visitor.BeginStruct(TimerSpec))
            {
                visitor.Field(DeadlineSpec, ref Deadline);
                visitor.EndStruct();
            }

            if (visitor.BeginOptional(FifoSpec, needed: _fifoArmed).Track(ref _fifoArmed))
            {
                visitor.Field(DepthSpec, ref Depth);
                visitor.Field(WatermarkSpec, ref Watermark);
                visitor.EndOptional();
            }

            visitor.Field(HintSpec, ref Hint);
        }
    }
}
