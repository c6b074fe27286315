using MigrationFormat.DeviceState.Vfio;

namespace MigrationFormat.Session.Tests;

/// <summary>
/// The simulated VFIO device (src/DeviceState's driver, planner and channels) migrated by a session: pre-copy rounds
/// while the guest runs, the switchover acknowledgement, and the device's own checks of its stream.
/// </summary>
public class VfioSessionTests
{
    private const int Pages = 64;

    [Fact]
    public async Task Run_RunningGuest_PrecopyRoundsSwitchoverAckAndEqualState()
    {
        VfioSessionDevice source = VfioSessionSamples.CreateSource(pageCount: Pages);
        VfioSessionDevice destination = VfioSessionSamples.CreateDestination(pageCount: Pages);
        SessionOptions options = Migration.Quiet(new SessionOptions
        {
            RoundCompleted = round => VfioSessionSamples.RunGuest(source, round),
            PrecopyThreshold = 8 * 1024,
        });

        MigrationRun run = await Migration.RunAsync([new(source)], [new(destination)], options, options);

        Assert.True(run.Source.Completed, run.Source.ToString());
        Assert.True(run.Destination.Completed, run.Destination.ToString());
        Assert.True(run.Source.Result!.Rounds > 1, string.Join("\n", run.Log));
        Assert.True(run.Source.Result.Devices.Single().SwitchoverAck);
        Assert.Contains(run.Log, line => line.StartsWith("source: vfio-sim#0: initial data sent", StringComparison.Ordinal));
        Assert.Contains(run.Log, line => line.StartsWith("destination: vfio-sim#0: initial data loaded", StringComparison.Ordinal));
        Assert.True(Simulated(source).StateEquals(Simulated(destination)));
        Assert.Equal(((VfioPciConfig)source.Fields).Config, ((VfioPciConfig)destination.Fields).Config);
        Assert.Equal(VfioMigrationFeatures.All, ((VfioPciConfig)destination.Fields).MigrationFlags);
    }

    [Fact]
    public async Task Run_GuestDirtiesPagesBetweenRounds_DirtyPagesResentAndTheLastWritesArrive()
    {
        VfioSessionDevice source = VfioSessionSamples.CreateSource(pageCount: Pages);
        VfioSessionDevice destination = VfioSessionSamples.CreateDestination(pageCount: Pages);
        SessionOptions options = Migration.Quiet(new SessionOptions
        {
            RoundCompleted = round => VfioSessionSamples.RunGuest(source, round),
            PrecopyThreshold = 8 * 1024,
        });

        MigrationRun run = await Migration.RunAsync([new(source)], [new(destination)], options, options);

        long fullStream = Simulated(source).FullStreamLength;
        Assert.True(run.Destination.Completed, run.Destination.ToString());
        Assert.True(run.Source.Result!.Devices.Single().DataBytes > fullStream, "dirty pages are sent again");
        Assert.Equal(run.Source.Result.Devices.Single().DataBytes, destination.DataBytes);
        Assert.True(Simulated(source).StateEquals(Simulated(destination)));
    }

    [Fact]
    public async Task Run_Completed_SourceDeviceStoppedDestinationDeviceStopped()
    {
        VfioSessionDevice source = VfioSessionSamples.CreateSource(pageCount: Pages);
        VfioSessionDevice destination = VfioSessionSamples.CreateDestination(pageCount: Pages);

        MigrationRun run = await Migration.RunAsync([new(source)], [new(destination)], Migration.Quiet(), Migration.Quiet());

        Assert.True(run.Destination.Completed, run.Destination.ToString());
        Assert.Equal(VfioDeviceState.Stop, source.Device.State);
        Assert.Equal(VfioDeviceState.Stop, destination.Device.State);
    }

    [Fact]
    public async Task Run_DeviceWithoutPrecopy_EverythingAfterTheStopAndNoAcknowledgement()
    {
        VfioSessionDevice source = VfioSessionSamples.CreateSource(VfioMigrationFeatures.StopCopy, Pages);
        VfioSessionDevice destination = VfioSessionSamples.CreateDestination(VfioMigrationFeatures.StopCopy, Pages);

        MigrationRun run = await Migration.RunAsync([new(source)], [new(destination)], Migration.Quiet(), Migration.Quiet());

        Assert.True(run.Destination.Completed, run.Destination.ToString());
        Assert.False(run.Source.Result!.Devices.Single().SwitchoverAck);
        Assert.DoesNotContain(run.Log, line => line.Contains("initial data", StringComparison.Ordinal));
        Assert.Equal(Simulated(source).FullStreamLength, destination.DataBytes);
        Assert.True(Simulated(source).StateEquals(Simulated(destination)));
    }

    [Fact]
    public async Task Run_WithTheSampleDevicesAndTheAccelerator_AllArriveAndBothIterativeDevicesAreAcknowledged()
    {
        List<SessionDevice> source = [.. SessionSamples.CreateSource(), new(VfioSessionSamples.CreateSource(pageCount: Pages))];
        List<SessionDevice> destination = [.. SessionSamples.CreateDestination(), new(VfioSessionSamples.CreateDestination(pageCount: Pages))];

        MigrationRun run = await Migration.RunAsync(source, destination, Migration.Quiet(), Migration.Quiet());

        Assert.True(run.Destination.Completed, run.Destination.ToString());
        Assert.Equal(DeviceState.Of(source), DeviceState.Of(destination));
        Assert.True(Simulated((VfioSessionDevice)source[^1].Device).StateEquals(Simulated((VfioSessionDevice)destination[^1].Device)));
        Assert.Equal(2, run.Source.Result!.Devices.Count(d => d.SwitchoverAck));
    }

    [Fact]
    public async Task Run_DestinationOfAnotherModel_RefusesTheStreamAtItsHeaderAndBothSidesAreAsBefore()
    {
        VfioSessionDevice source = VfioSessionSamples.CreateSource(pageCount: Pages);
        VfioSessionDevice destination = VfioSessionSamples.CreateDestination(pageCount: Pages, model: 0x8086_0001);
        uint[] registers = Simulated(source).Registers;

        MigrationRun run = await Migration.RunAsync([new(source)], [new(destination)], Migration.Quiet(), Migration.Quiet());

        Assert.Equal(
            (SessionErrorKind.LoadFailed, SessionPhase.Precopy, "vfio-sim#0"),
            (run.Destination.Failure!.Kind, run.Destination.Failure.Phase, run.Destination.Failure.Device));
        Assert.Equal(SessionErrorKind.PeerFailed, run.Source.Failure!.Kind);
        Assert.Equal(VfioDeviceState.Running, source.Device.State);
        Assert.Equal(registers, Simulated(source).Registers);
        AssertFresh(destination);
    }

    [Fact]
    public async Task Run_SourceAcksDestinationDoesNot_RefusedAtSetupBeforeTheDeviceLeavesRunning()
    {
        VfioSessionDevice source = VfioSessionSamples.CreateSource(pageCount: Pages);
        VfioSessionDevice destination = VfioSessionSamples.CreateDestination(pageCount: Pages, switchoverAck: false);

        MigrationRun run = await Migration.RunAsync([new(source)], [new(destination)], Migration.Quiet(), Migration.Quiet());

        Assert.Equal((SessionErrorKind.Refused, SessionPhase.Handshake), (run.Source.Failure!.Kind, run.Source.Failure.Phase));
        Assert.Equal((SessionErrorKind.Refused, SessionPhase.Handshake), (run.Destination.Failure!.Kind, run.Destination.Failure.Phase));
        Assert.Equal(0, source.DataBytes);
        Assert.Equal(VfioDeviceState.Running, source.Device.State);
        AssertFresh(destination);
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public async Task Run_ConnectionCutInTheDeviceData_BothFailSourceRunsAgainDestinationAsBefore(double where)
    {
        VfioSessionDevice reference = VfioSessionSamples.CreateSource(pageCount: Pages);
        MigrationRun whole = await Migration.RunAsync(
            [new(reference)], [new(VfioSessionSamples.CreateDestination(pageCount: Pages))], Migration.Quiet(), Migration.Quiet());
        Element[] data = [.. Elements.Split(whole.Wire.Forward).Where(e => e.Tag == SessionFormat.DeviceDataTag)];
        Element cutInside = data[(int)(data.Length * where)];
        VfioSessionDevice source = VfioSessionSamples.CreateSource(pageCount: Pages);
        VfioSessionDevice destination = VfioSessionSamples.CreateDestination(pageCount: Pages);

        MigrationRun run = await Migration.RunAsync(
            [new(source)], [new(destination)], Migration.Quiet(), Migration.Quiet(), new Cut(Forward: true, cutInside.Offset + (cutInside.Length / 2)));

        Assert.False(run.Source.Completed);
        Assert.Equal(SessionErrorKind.PeerClosed, run.Destination.Failure!.Kind);
        Assert.Equal(VfioDeviceState.Running, source.Device.State);
        AssertFresh(destination);
    }

    [Fact]
    public async Task RunOneWay_AFlippedByteInTheDeviceStream_TheDeviceRefusesItAndIsReset()
    {
        VfioSessionDevice source = VfioSessionSamples.CreateSource(pageCount: Pages);
        SessionOptions noChecksums = Migration.Quiet(new SessionOptions { Capabilities = [new(SessionFormat.SwitchoverAckCapability)] });
        byte[] file = await WriteOneWayAsync(source, noChecksums);
        Element data = Elements.Split(file).First(e => e.Tag == SessionFormat.DeviceDataTag);
        file[data.Offset + (data.Length / 2)] ^= 0x01;
        VfioSessionDevice destination = VfioSessionSamples.CreateDestination(pageCount: Pages);

        var ex = await Assert.ThrowsAsync<MigrationSessionException>(() =>
            new MigrationDestination([new(destination)], noChecksums).RunAsync(SessionTransport.ForReading(new MemoryStream(file))));

        Assert.Equal((SessionErrorKind.LoadFailed, "vfio-sim#0"), (ex.Kind, ex.Device));
        Assert.IsType<MigrationFormatException>(ex.InnerException);
        AssertFresh(destination);
    }

    [Fact]
    public async Task RunOneWay_ToAFileAndBack_DeviceStateEqual()
    {
        VfioSessionDevice source = VfioSessionSamples.CreateSource(pageCount: Pages);
        byte[] file = await WriteOneWayAsync(source, Migration.Quiet());
        VfioSessionDevice destination = VfioSessionSamples.CreateDestination(pageCount: Pages);

        await new MigrationDestination([new(destination)], Migration.Quiet()).RunAsync(SessionTransport.ForReading(new MemoryStream(file)));

        Assert.True(Simulated(source).StateEquals(Simulated(destination)));
    }

    private static SimulatedVfioDevice Simulated(VfioSessionDevice device) => (SimulatedVfioDevice)device.Device;

    private static void AssertFresh(VfioSessionDevice device)
    {
        SimulatedVfioDevice fresh = new(device.Device.Features, Simulated(device).Model, VfioSessionSamples.RegisterCount, Pages);
        Assert.Equal(VfioDeviceState.Running, device.Device.State);
        Assert.True(Simulated(device).StateEquals(fresh), "the device holds its reset state");
        Assert.All(((VfioPciConfig)device.Fields).Config, b => Assert.Equal(0, b));
        Assert.Equal((VfioMigrationFeatures)0, ((VfioPciConfig)device.Fields).MigrationFlags);
    }

    private static async Task<byte[]> WriteOneWayAsync(VfioSessionDevice device, SessionOptions options)
    {
        using var file = new MemoryStream();
        await new MigrationSource([new(device)], options).RunAsync(SessionTransport.ForWriting(file));
        return file.ToArray();
    }
}
