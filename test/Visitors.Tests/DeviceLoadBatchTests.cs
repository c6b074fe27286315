using System.Buffers;

namespace MigrationFormat.Visitors.Tests;

/// <summary>A batch of loads takes effect together at its commit, or not at all.</summary>
public class DeviceLoadBatchTests
{
    [Fact]
    public void Commit_TwoDevicesLoaded_BothTakeTheirNewStateAndPostLoadRuns()
    {
        var first = new Counter { Live = 1 };
        var second = new Counter { Live = 2 };
        var batch = new DeviceLoadBatch();

        batch.Load(first, Save(10), 1);
        batch.Load(second, Save(20), 1);
        Assert.Equal(2, batch.Count);
        batch.Commit();

        Assert.Equal((10, 20), (first.Live, second.Live));
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void Load_BeforeCommit_NoPostLoadHasRun()
    {
        var device = new Counter { Live = 1 };
        var batch = new DeviceLoadBatch();

        batch.Load(device, Save(10), 1);

        Assert.Equal(1, device.Live);
        Assert.DoesNotContain("PostLoad", device.Calls);
    }

    [Fact]
    public void Abort_TwoDevicesLoaded_BothAreAsBefore()
    {
        var first = Loaded(1);
        var second = Loaded(2);
        var batch = new DeviceLoadBatch();
        batch.Load(first, Save(10), 1);
        batch.Load(second, Save(20), 1);

        batch.Abort();

        Assert.Equal((1, 1), (first.Saved, first.Live));
        Assert.Equal((2, 2), (second.Saved, second.Live));
    }

    [Fact]
    public void Load_Malformed_ThatDeviceIsAsBeforeAndTheOthersStayPending()
    {
        var first = Loaded(1);
        var second = Loaded(2);
        var batch = new DeviceLoadBatch();
        batch.Load(first, Save(10), 1);

        byte[] truncated = Save(20)[..^2];
        Assert.Throws<MigrationFormatException>(() => batch.Load(second, truncated, 1));

        Assert.Equal(2, second.Saved);
        Assert.Equal(1, batch.Count);
        batch.Commit();
        Assert.Equal(10, first.Live);
    }

    [Fact]
    public void Commit_ALaterPostLoadRejects_EveryDeviceIsAsBeforeWithItsLiveStateRebuilt()
    {
        var first = Loaded(1);
        var second = Loaded(2);
        var batch = new DeviceLoadBatch();
        batch.Load(first, Save(10), 1);
        batch.Load(second, Save(Counter.Rejected), 1);

        Assert.Throws<MigrationFormatException>(batch.Commit);

        Assert.Equal((1, 1), (first.Saved, first.Live));
        Assert.Equal((2, 2), (second.Saved, second.Live));
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void Abort_OneDeviceLoadedTwice_GoesBackToItsFirstState()
    {
        var device = Loaded(1);
        var batch = new DeviceLoadBatch();
        batch.Load(device, Save(10), 1);
        batch.Load(device, Save(20), 1);

        batch.Abort();

        Assert.Equal(1, device.Saved);
    }

    [Fact]
    public void Load_VersionOlderThanTheDeviceLoads_FailsAndLoadsNothing()
    {
        var batch = new DeviceLoadBatch();

        var ex = Assert.Throws<MigrationFormatException>(() => batch.Load(new Counter(), Save(1), 0));

        Assert.Equal(MigrationErrorKind.UnsupportedVersion, ex.Kind);
        Assert.Equal(0, batch.Count);
    }

    private static Counter Loaded(int value)
    {
        var device = new Counter();
        new BerDeviceSerializer().Load(device, Save(value), 1);
        return device;
    }

    private static byte[] Save(int value)
    {
        var output = new ArrayBufferWriter<byte>();
        BerDeviceSerializer.Save(new Counter { Live = value }, output);
        return output.WrittenSpan.ToArray();
    }

    private sealed class Counter : IDeviceState, IStateHooks
    {
        public const int Rejected = -7;
        private static readonly DeviceType TypeOf = new("counter", "urn:test:counter", 1, 1, _ => new Counter());
        private static readonly FieldSpec<int> SavedSpec = new FieldSet("counter").Int32("saved", 0);
        private int _saved;

        public DeviceType Type => TypeOf;

        public int Version => 1;

        public int Live { get; set; }

        public int Saved => _saved;

        public List<string> Calls { get; } = [];

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct => visitor.Field(SavedSpec, ref _saved);

        public void PreSave() => _saved = Live;

        public void PreLoad() => Calls.Add("PreLoad");

        public void PostLoad(int sourceVersion)
        {
            Calls.Add("PostLoad");
            if (_saved == Rejected)
            {
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, "The device refuses this value.", 0);
            }

            Live = _saved;
        }
    }
}
