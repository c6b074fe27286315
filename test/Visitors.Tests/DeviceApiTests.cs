using System.Buffers;
using MigrationFormat.Samples;

namespace MigrationFormat.Visitors.Tests;

/// <summary>The device API's declarations: field sets, paths, tags within a structure.</summary>
public class FieldSetTests
{
    [Fact]
    public void Declare_TagTakenInTheSameVersions_Throws()
    {
        var root = new FieldSet("dev");
        root.UInt8("a", 3);

        var ex = Assert.Throws<ArgumentException>(() => root.UInt16("b", 3, since: 2));

        Assert.Contains("'dev.b' takes tag 3, which 'dev.a' already has", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Declare_TagOfAFieldRemovedBeforeThisOneBegins_IsAccepted()
    {
        var root = new FieldSet("dev");
        FieldSpec<ushort> narrow = root.UInt16("count", 0, removedIn: 3);

        FieldSpec<uint> wide = root.UInt32("count", 0, since: 3);

        Assert.Equal([narrow, wide], root.Fields);
    }

    [Fact]
    public void Declare_SameTagInTwoStructures_IsAccepted()
    {
        var root = new FieldSet("dev");
        StructSpec first = root.Struct("first", 0);
        StructSpec second = root.Struct("second", 1);

        FieldSpec<byte> a = first.Members.UInt8("value", 0);
        FieldSpec<byte> b = second.Members.UInt8("value", 0);

        Assert.Equal("dev.first.value [0]", a.ToString());
        Assert.Equal("dev.second.value [0]", b.ToString());
    }

    [Fact]
    public void Path_OfAMemberOfAnOptionalGroup_NamesTheDeviceAndTheGroup()
    {
        Assert.Equal("serial.fifo_timeout.deadline_ns", Uart16550.Fields.FifoTimeoutNs.Path);
        Assert.Same(Uart16550.Fields.FifoTimeout, Uart16550.Fields.FifoTimeoutNs.Owner.Owner);
    }

    [Fact]
    public void ToString_OfASkippableField_ShowsThePrivateTag()
    {
        Assert.Equal("serial.tx_count [PRIVATE 9]", Uart16550.Fields.TxCount.ToString());
    }

    [Fact]
    public void Kind_FollowsTheTypeParameter()
    {
        var root = new FieldSet("dev");

        Assert.Equal(FieldKind.Int16, root.Integer<short>("a", 0).Kind);
        Assert.Equal(FieldKind.UInt64Array, root.Array<ulong>("b", 1, 4).Kind);
        Assert.Equal(FieldKind.FixedBytes, root.FixedBytes("c", 2, 4).Kind);
    }

    [Fact]
    public void Array_OfBytes_IsRejectedInFavourOfFixedBytes()
    {
        var root = new FieldSet("dev");

        Assert.Throws<ArgumentException>(() => root.Array<byte>("b", 0, 4));
    }

    [Fact]
    public void Describe_FieldVisitedOutsideTheStructureThatDeclaresIt_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => StateLayout.Describe(new MisplacedDevice(), 1));

        Assert.Contains("'misplaced.group.inner' is declared among the members of 'misplaced.group'", ex.Message, StringComparison.Ordinal);
    }

    private sealed class MisplacedDevice : IDeviceState
    {
        private static readonly FieldSet Root = new("misplaced");
        private static readonly StructSpec Group = Root.Struct("group", 0);
        private static readonly FieldSpec<byte> Inner = Group.Members.UInt8("inner", 0);
        private static readonly DeviceType TypeOf = new("misplaced", "urn:test:misplaced", 1, 1, _ => new MisplacedDevice());
        private byte _inner;

        public DeviceType Type => TypeOf;

        public int Version => 1;

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct => visitor.Field(Inner, ref _inner);
    }
}

/// <summary>What <see cref="IStateVisitor.BeginOptional"/> tells a device, in each direction.</summary>
public class OptionalGroupTests
{
    [Fact]
    public void BeginOptional_SavingANeededGroup_IsPresent()
    {
        var device = new ProbeDevice(3) { Armed = true };

        StateDump.Save(device);

        Assert.Equal(OptionalPresence.Present, device.LastPresence);
    }

    [Fact]
    public void BeginOptional_SavingAGroupNotNeeded_IsAbsent()
    {
        var device = new ProbeDevice(3) { Armed = false };

        StateDump.Save(device);

        Assert.Equal(OptionalPresence.Absent, device.LastPresence);
    }

    [Fact]
    public void BeginOptional_VersionWithoutTheGroup_IsNotInVersion()
    {
        var device = new ProbeDevice(2) { Armed = true };

        StateDump.Save(device);

        Assert.Equal(OptionalPresence.NotInVersion, device.LastPresence);
    }

    [Fact]
    public void BeginOptional_LoadingAStreamThatCarriesTheGroup_IsPresentAndSetsTheFlag()
    {
        byte[] stream = StateDump.Save(new ProbeDevice(3) { Armed = true, Deadline = 77 });
        var destination = new ProbeDevice(3) { Armed = false };

        StateDump.Load(stream, destination);

        Assert.Equal(OptionalPresence.Present, destination.LastPresence);
        Assert.True(destination.Armed);
        Assert.Equal(77, destination.Deadline);
    }

    [Fact]
    public void BeginOptional_LoadingAStreamWithoutTheGroup_IsAbsentAndClearsTheFlag()
    {
        byte[] stream = StateDump.Save(new ProbeDevice(3) { Armed = false });
        var destination = new ProbeDevice(3) { Armed = true, Deadline = 5 };

        StateDump.Load(stream, destination);

        Assert.Equal(OptionalPresence.Absent, destination.LastPresence);
        Assert.False(destination.Armed);
        Assert.Equal(5, destination.Deadline);
    }

    [Fact]
    public void BeginOptional_LoadingAnOlderStreamIntoAVersionWithTheGroup_IsAbsent()
    {
        byte[] stream = StateDump.Save(new ProbeDevice(2));
        var destination = new ProbeDevice(3) { Armed = true };

        StateDump.Load(stream, destination);

        Assert.Equal(OptionalPresence.Absent, destination.LastPresence);
        Assert.False(destination.Armed);
    }

    [Fact]
    public void Track_NotInVersion_LeavesTheFlagAlone()
    {
        bool flag = true;

        bool present = OptionalGroup.NotInVersion.Track(ref flag);

        Assert.False(present);
        Assert.True(flag);
    }

    [Fact]
    public void LegacyLoad_GroupNotInTheStream_IsAbsentAndClearsTheFlag()
    {
        byte[] payload = LegacyDeviceSerializer.Save(new ProbeDevice(3) { Armed = false });
        var destination = new ProbeDevice(3) { Armed = true };

        LegacyDeviceSerializer.Load(destination, payload, 3);

        Assert.Equal(OptionalPresence.Absent, destination.LastPresence);
        Assert.False(destination.Armed);
    }

    /// <summary>A flag whose group arrived in version 3; the device records the last presence it was told.</summary>
    internal sealed class ProbeDevice(int version) : IDeviceState
    {
        public static readonly DeviceType DeviceType = new("probe", "urn:test:probe", 3, 1, v => new ProbeDevice(v));
        private static readonly FieldSet Root = new("probe");
        private static readonly FieldSpec<uint> Counter = Root.UInt32("counter", 0);
        private static readonly OptionalSpec Timer = Root.Optional("timer", 1, since: 3);
        private static readonly FieldSpec<long> DeadlineSpec = Timer.Members.Int64("deadline", 0, since: 3);
        private uint _counter = 1;
        private bool _armed;
        private long _deadline;

        public DeviceType Type => DeviceType;

        public int Version { get; } = version;

        public bool Armed { get => _armed; set => _armed = value; }

        public long Deadline { get => _deadline; set => _deadline = value; }

        public OptionalPresence LastPresence { get; private set; } = (OptionalPresence)(-1);

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct
        {
            visitor.Field(Counter, ref _counter);
            // The last visit is the one a test looks at: a load's snapshot is taken before it, and put back only on failure.
            OptionalGroup timer = visitor.BeginOptional(Timer, needed: _armed);
            LastPresence = timer.Presence;
            if (timer.Track(ref _armed))
            {
                visitor.Field(DeadlineSpec, ref _deadline);
                visitor.EndOptional();
            }
        }
    }
}
