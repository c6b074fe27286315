using System.Buffers;

namespace MigrationFormat.Visitors.Tests;

/// <summary>Pre-save, pre-load and post-load hooks: called by every format's save and load, never after a failed load.</summary>
public class HookTests
{
    [Fact]
    public void BerSave_CallsPreSaveBeforeTheFieldsAreRead()
    {
        var device = new HookedDevice { Live = 41 };

        var output = new ArrayBufferWriter<byte>();
        BerDeviceSerializer.Save(device, output);
        var copy = new HookedDevice();
        new BerDeviceSerializer().Load(copy, output.WrittenMemory, 1);

        Assert.Equal(["PreSave"], device.Calls);
        Assert.Equal(41, copy.Live);
    }

    [Fact]
    public void LegacySave_CallsPreSave()
    {
        var device = new HookedDevice { Live = 7 };

        LegacyDeviceSerializer.Save(device);

        Assert.Equal(["PreSave"], device.Calls);
    }

    [Fact]
    public void StreamWrite_CallsPreSave()
    {
        var device = new HookedDevice { Live = 7 };

        StateDump.Save(device);

        Assert.Equal(["PreSave"], device.Calls);
    }

    [Fact]
    public void Load_Succeeds_CallsPreLoadThenPostLoadWithTheSourceVersion()
    {
        byte[] stream = StateDump.Save(new HookedDevice { Live = 9 });
        var destination = new HookedDevice();

        StateDump.Load(stream, destination);

        Assert.Equal(["PreLoad", "PostLoad(1)"], destination.Calls);
        Assert.Equal(9, destination.Live);
    }

    [Fact]
    public void Load_Fails_NeverCallsPostLoadAndPutsBackWhatPreLoadChanged()
    {
        byte[] stream = StateDump.Save(new HookedDevice { Live = 9 });
        var destination = new HookedDevice { Live = 3 };
        destination.SetSaved(3);

        int cut = stream.AsSpan().IndexOf(new byte[] { 0x64, 0x80 }) - 4; // after the state, before the section's and the sections' ends

        Assert.Throws<MigrationFormatException>(() => StateDump.Load(stream.AsSpan(0, cut).ToArray(), destination));
        Assert.Contains("PreLoad", destination.Calls);

        Assert.DoesNotContain(destination.Calls, call => call.StartsWith("PostLoad", StringComparison.Ordinal));
        Assert.Equal(3, destination.Saved);
        Assert.Equal(3, destination.Live);
    }

    [Fact]
    public void PostLoad_Rejects_DeviceIsAsItWasAndTheErrorPropagates()
    {
        byte[] stream = StateDump.Save(new HookedDevice { Live = HookedDevice.Rejected });
        var destination = new HookedDevice { Live = 3 };
        destination.SetSaved(3);

        var ex = Assert.Throws<MigrationFormatException>(() => StateDump.Load(stream, destination));

        Assert.Equal(MigrationErrorKind.UnexpectedValue, ex.Kind);
        Assert.Equal(3, destination.Saved);
        Assert.Equal(3, destination.Live);
    }

    [Fact]
    public void LegacyLoad_Succeeds_CallsPreLoadThenPostLoad()
    {
        byte[] payload = LegacyDeviceSerializer.Save(new HookedDevice { Live = 12 });
        var destination = new HookedDevice();

        LegacyDeviceSerializer.Load(destination, payload, 1);

        Assert.Equal(["PreLoad", "PostLoad(1)"], destination.Calls);
        Assert.Equal(12, destination.Live);
    }

    [Fact]
    public void Snapshot_AndDescribe_NeverCallHooks()
    {
        var device = new HookedDevice();

        StateLayout.Describe(device, 1);
        StateDump.Of(device);

        Assert.Empty(device.Calls);
    }

    /// <summary>Migrates <see cref="Saved"/>, which its hooks derive from and into <see cref="Live"/>.</summary>
    private sealed class HookedDevice : IDeviceState, IStateHooks
    {
        public const int Rejected = 666;
        private static readonly DeviceType TypeOf = new("hooked", "urn:test:hooked", 1, 1, _ => new HookedDevice());
        private static readonly FieldSpec<int> SavedSpec = new FieldSet("hooked").Int32("saved", 0);
        private int _saved;

        public DeviceType Type => TypeOf;

        public int Version => 1;

        public int Live { get; set; }

        public int Saved => _saved;

        public List<string> Calls { get; } = [];

        public void SetSaved(int value) => _saved = value;

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct => visitor.Field(SavedSpec, ref _saved);

        public void PreSave()
        {
            Calls.Add("PreSave");
            _saved = Live;
        }

        public void PreLoad()
        {
            Calls.Add("PreLoad");
            _saved = -1;
        }

        public void PostLoad(int sourceVersion)
        {
            Calls.Add("PostLoad(" + sourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
            if (_saved == Rejected)
            {
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, "The saved value is one the device refuses.", 0);
            }

            Live = _saved;
        }
    }
}
