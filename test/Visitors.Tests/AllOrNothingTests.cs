using MigrationFormat.Samples;

namespace MigrationFormat.Visitors.Tests;

/// <summary>A failed load leaves every part of the device as it was: optional groups and staged blobs included.</summary>
public class AllOrNothingTests
{
    [Fact]
    public void LoadSection_FailsAfterTheStateWasRead_RestoresAbsentOptionalGroupAndItsContents()
    {
        byte[] stream = StateDump.Save(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
        byte[] trailer = [0x64, 0x80];
        int cut = stream.AsSpan().IndexOf(trailer) - 4; // after the state's end, before the section's and the sections' ends
        var destination = new Uart16550(3);

        var ex = Assert.Throws<MigrationFormatException>(() =>
        {
            using var reader = new MigrationStreamReader(stream.AsMemory(0, cut));
            reader.TryReadSection(out _);
            reader.LoadSection(destination);
        });

        Assert.Equal(MigrationErrorKind.Truncated, ex.Kind);
        Assert.False(destination.FifoTimeoutArmed);
        Assert.Equal(0, destination.FifoTimeoutNs);
        Assert.Equal(12, destination.Divider);
    }

    [Fact]
    public void LoadSection_FailsAfterTheBlob_AbortsTheStagedBlob()
    {
        byte[] stream = StateDump.Save(SampleCatalog.CreateBusy(VhostUserBackend.DeviceType, 3));
        var destination = new VhostUserBackend(2) { BackendState = [1, 2, 3] };

        Assert.Throws<MigrationFormatException>(() => StateDump.Load(stream, destination));

        Assert.Equal(new byte[] { 1, 2, 3 }, destination.BackendState);
    }

    [Fact]
    public void LoadSection_Succeeds_CommitsTheStagedBlob()
    {
        var source = (VhostUserBackend)SampleCatalog.CreateBusy(VhostUserBackend.DeviceType, 3);
        var destination = new VhostUserBackend(3) { BackendState = [1, 2, 3] };

        StateDump.Load(StateDump.Save(source), destination);

        Assert.Equal(source.BackendState, destination.BackendState);
    }
}

/// <summary>The legacy serializer stages blobs like the BER path: made current on success, dropped on failure.</summary>
public class LegacyBlobTransactionTests
{
    [Fact]
    public void LegacyLoad_Succeeds_CommitsTheBlob()
    {
        var source = (VhostUserBackend)SampleCatalog.CreateBusy(VhostUserBackend.DeviceType, 3);
        byte[] payload = LegacyDeviceSerializer.Save(source);
        var destination = new VhostUserBackend(3);

        LegacyDeviceSerializer.Load(destination, payload, 3);

        Assert.NotEmpty(source.BackendState);
        Assert.Equal(source.BackendState, destination.BackendState);
    }

    [Fact]
    public void LegacyLoad_FailsAfterTheBlob_AbortsTheBlob()
    {
        var source = (VhostUserBackend)SampleCatalog.CreateBusy(VhostUserBackend.DeviceType, 3);
        byte[] payload = LegacyDeviceSerializer.Save(source);
        var destination = new VhostUserBackend(3) { BackendState = [1, 2, 3] };

        Assert.Throws<MigrationFormatException>(() => LegacyDeviceSerializer.Load(destination, payload.AsSpan(0, payload.Length - 3), 3));

        Assert.Equal(new byte[] { 1, 2, 3 }, destination.BackendState);
    }
}
