using System.Formats.Asn1;

namespace MigrationFormat.Session.Tests;

/// <summary>Whole migrations in memory: what arrives, what is negotiated, what is refused.</summary>
public class SessionTests
{
    [Fact]
    public async Task Run_SampleDevicesWithARunningGuest_DestinationHoldsTheSourcesFinalState()
    {
        IReadOnlyList<SessionDevice> source = SessionSamples.CreateSource();
        IReadOnlyList<SessionDevice> destination = SessionSamples.CreateDestination();
        var accelerator = (VfioAccelerator)source[^1].Device;
        SessionOptions options = Migration.Quiet(new SessionOptions
        {
            RoundCompleted = round => SessionSamples.RunGuest(accelerator, round),
            DataChunkSize = 64 * 1024,
        });

        MigrationRun run = await Migration.RunAsync(source, destination, options, options);

        Assert.True(run.Source.Completed, run.Source.ToString());
        Assert.True(run.Destination.Completed, run.Destination.ToString());
        Assert.Equal(DeviceState.Of(source), DeviceState.Of(destination));
        Assert.True(run.Source.Result!.Rounds > 1);
        Assert.Equal(run.Source.Result.BytesSent, run.Destination.Result!.BytesReceived);
        Assert.All(run.Destination.Result.Devices, d => Assert.Equal(3, d.Version));
    }

    [Fact]
    public async Task Run_SourceAcksXNotYDestinationAcksBoth_CompletesWaitingOnlyForX()
    {
        var x = SessionSamples.CreateBusyAccelerator(pageSize: 512, pageCount: 32, switchoverAck: true);
        var y = SessionSamples.CreateBusyAccelerator(pageSize: 512, pageCount: 32, switchoverAck: false);
        SessionDevice[] source = [new(x, 0), new(y, 1)];
        SessionDevice[] destination = [
            new(new VfioAccelerator(3, 512, 32, switchoverAck: true), 0),
            new(new VfioAccelerator(3, 512, 32, switchoverAck: true), 1)];

        MigrationRun run = await Migration.RunAsync(source, destination, Migration.Quiet(), Migration.Quiet());

        Assert.True(run.Destination.Completed, run.Destination.ToString());
        Assert.True(run.Source.Completed, run.Source.ToString());
        Assert.Equal([true, false], run.Source.Result!.Devices.Select(d => d.SwitchoverAck));
        Assert.Single(run.Log, line => line.StartsWith("destination: vfio-accel#0: initial data loaded", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Log, line => line.Contains("vfio-accel#1: initial data", StringComparison.Ordinal));
        Assert.Equal(DeviceState.Of(source), DeviceState.Of(destination));
    }

    [Fact]
    public async Task Run_SourceAcksDestinationDoesNot_BothFailAtSetupWithTheReasonAndNothingMoves()
    {
        SessionDevice[] source = [new(SessionSamples.CreateBusyAccelerator(pageSize: 512, pageCount: 32, switchoverAck: true))];
        var target = new VfioAccelerator(3, 512, 32, switchoverAck: false);
        SessionDevice[] destination = [new(target)];
        string before = DeviceState.Of(target);

        MigrationRun run = await Migration.RunAsync(source, destination, Migration.Quiet(), Migration.Quiet());

        foreach (Outcome side in new[] { run.Source, run.Destination })
        {
            Assert.Equal(SessionErrorKind.Refused, side.Failure!.Kind);
            Assert.Equal(SessionPhase.Handshake, side.Failure.Phase);
            Assert.Equal("vfio-accel#0", side.Failure.Device);
            Assert.Contains("switchover acknowledgement", side.Failure.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, DeviceState.Of(target));
        Assert.DoesNotContain(run.Log, line => line.Contains("round", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_DestinationAsksForOlderVersions_LoadsWhatAnOlderDeviceKnows()
    {
        IReadOnlyList<SessionDevice> source = SessionSamples.CreateSource();
        var versions = new Dictionary<string, int> { ["serial"] = 1, ["virtio-net"] = 2, ["vfio-accel"] = 1 };
        IReadOnlyList<SessionDevice> destination = SessionSamples.CreateDestination(versions);
        byte[][] before = destination.Select(d => DeviceState.SaveAt(d.Device, d.Device.Version)).ToArray();
        SessionOptions asking = Migration.Quiet(new SessionOptions { SaveVersions = versions });

        MigrationRun run = await Migration.RunAsync(source, destination, Migration.Quiet(), asking);

        Assert.True(run.Destination.Completed, run.Destination.ToString());
        for (int i = 0; i < source.Count; i++)
        {
            int version = run.Destination.Result!.Devices[i].Version;
            Assert.Equal(versions.GetValueOrDefault(source[i].Device.Type.Id, 3), version);
            byte[]? memory = (source[i].Device as VfioAccelerator)?.Memory.ToArray();
            Assert.Equal(DeviceState.Expected(destination[i].Device, before[i], source[i].Device, version, memory), DeviceState.Of(destination[i].Device));
        }
    }

    [Fact]
    public async Task Run_SourceRequiresACapabilityTheDestinationLacks_RefusedNamingIt()
    {
        SessionOptions offering = Migration.Quiet(new SessionOptions { Capabilities = [new("x-compressed-pages", Required: true)] });
        IReadOnlyList<SessionDevice> destination = SessionSamples.CreateDestination();
        string[] before = DeviceState.Of(destination);

        MigrationRun run = await Migration.RunAsync(SessionSamples.CreateSource(), destination, offering, Migration.Quiet());

        Assert.Equal(SessionErrorKind.Refused, run.Source.Failure!.Kind);
        Assert.Equal(SessionErrorKind.Refused, run.Destination.Failure!.Kind);
        Assert.Contains("'x-compressed-pages'", run.Source.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(before, DeviceState.Of(destination));
    }

    [Fact]
    public async Task Run_DestinationRequiresACapabilityTheSourceLacks_RefusedNamingIt()
    {
        SessionOptions requiring = Migration.Quiet(new SessionOptions { Capabilities = [new(SessionFormat.IntegrityCapability, Required: true)] });
        SessionOptions offering = Migration.Quiet(new SessionOptions { Capabilities = [] });

        MigrationRun run = await Migration.RunAsync(SessionSamples.CreateSource(), SessionSamples.CreateDestination(), offering, requiring);

        Assert.Equal(SessionErrorKind.Refused, run.Source.Failure!.Kind);
        Assert.Contains("'crc32c'", run.Destination.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownOptionalCapability_IsLeftOutAndTheMigrationCompletes()
    {
        SessionOptions offering = Migration.Quiet(new SessionOptions { Capabilities = [new("x-future"), new(SessionFormat.IntegrityCapability)] });
        IReadOnlyList<SessionDevice> source = SessionSamples.CreateSource();
        IReadOnlyList<SessionDevice> destination = SessionSamples.CreateDestination();

        MigrationRun run = await Migration.RunAsync(source, destination, offering, Migration.Quiet());

        Assert.True(run.Destination.Completed, run.Destination.ToString());
        Assert.Equal(["session", "crc32c"], run.Destination.Result!.Capabilities);
        Assert.Equal(DeviceState.Of(source), DeviceState.Of(destination));
    }

    [Fact]
    public async Task Run_AcceleratorConfiguredDifferently_FailsInPrecopyNamingItAndTheSourceIsToldWhy()
    {
        SessionDevice[] source = [
            new(SessionSamples.CreateBusyAccelerator(pageSize: 512, pageCount: 32)),
            new(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3))];
        var target = new VfioAccelerator(3, 512, 16);
        var uart = new Uart16550();
        string[] before = [DeviceState.Of(target), DeviceState.Of(uart)];

        MigrationRun run = await Migration.RunAsync(source, [new(target), new(uart)], Migration.Quiet(), Migration.Quiet());

        Assert.Equal(SessionErrorKind.LoadFailed, run.Destination.Failure!.Kind);
        Assert.Equal((SessionPhase.Precopy, "vfio-accel#0"), (run.Destination.Failure.Phase, run.Destination.Failure.Device));
        Assert.Equal(SessionErrorKind.PeerFailed, run.Source.Failure!.Kind);
        Assert.Contains("16 pages", run.Source.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(before, new[] { DeviceState.Of(target), DeviceState.Of(uart) });
    }

    [Fact]
    public async Task Run_DeviceMissingAtTheDestination_RefusedBeforeAnyStateMoves()
    {
        IReadOnlyList<SessionDevice> destination = SessionSamples.CreateDestination().Where(d => d.Device.Type.Id != "virtio-net").ToList();

        MigrationRun run = await Migration.RunAsync(SessionSamples.CreateSource(), destination, Migration.Quiet(), Migration.Quiet());

        Assert.Equal(SessionErrorKind.Refused, run.Destination.Failure!.Kind);
        Assert.Equal("virtio-net#0", run.Source.Failure!.Device);
    }

    [Fact]
    public async Task Run_DeviceConfiguredWithAnotherLayoutAtTheDestination_RefusedBeforeAnyStateMoves()
    {
        List<SessionDevice> source = [new(SampleCatalog.CreateBusy(VirtioNet.DeviceType, 3))];
        IDeviceState configured = VirtioNet.DeviceType.Create("rx-filter-size=64");
        List<SessionDevice> destination = [new(configured)];
        string before = DeviceState.Of(configured);

        MigrationRun run = await Migration.RunAsync(source, destination, Migration.Quiet(), Migration.Quiet());

        Assert.Equal(SessionErrorKind.Refused, run.Destination.Failure!.Kind);
        Assert.Equal("virtio-net#0", run.Source.Failure!.Device);
        Assert.Contains("rx-filter-size", run.Source.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(before, DeviceState.Of(configured));
    }

    [Fact]
    public async Task RunOneWay_ToAFileAndBack_DestinationHoldsTheSourcesState()
    {
        IReadOnlyList<SessionDevice> source = SessionSamples.CreateSource();
        byte[] file = await WriteOneWayAsync(source, Migration.Quiet());
        IReadOnlyList<SessionDevice> destination = SessionSamples.CreateDestination();

        MigrationResult result = await new MigrationDestination(destination, Migration.Quiet()).RunAsync(SessionTransport.ForReading(new MemoryStream(file)));

        Assert.Equal(DeviceState.Of(source), DeviceState.Of(destination));
        Assert.DoesNotContain(SessionFormat.SwitchoverAckCapability, result.Capabilities);
        Assert.All(result.Devices, d => Assert.False(d.SwitchoverAck));
    }

    [Fact]
    public async Task RunOneWay_FileRequiresACapabilityTheReaderLacks_FailsNamingItBeforeAnyDevice()
    {
        SessionOptions requiring = Migration.Quiet(new SessionOptions { Capabilities = [new("x-compressed-pages", Required: true)] });
        byte[] file = await WriteOneWayAsync(SessionSamples.CreateSource(), requiring);
        IReadOnlyList<SessionDevice> destination = SessionSamples.CreateDestination();
        string[] before = DeviceState.Of(destination);

        var ex = await Assert.ThrowsAsync<MigrationSessionException>(() => new MigrationDestination(
            destination,
            Migration.Quiet()).RunAsync(SessionTransport.ForReading(new MemoryStream(file))));

        Assert.Equal((SessionErrorKind.Refused, SessionPhase.Handshake), (ex.Kind, ex.Phase));
        Assert.Contains("'x-compressed-pages'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, DeviceState.Of(destination));
    }

    [Fact]
    public async Task RunOneWay_FileWithAnUnknownOptionalCapability_LoadsIgnoringIt()
    {
        SessionOptions offering = Migration.Quiet(new SessionOptions { Capabilities = [new("x-future")] });
        IReadOnlyList<SessionDevice> source = SessionSamples.CreateSource();
        byte[] file = await WriteOneWayAsync(source, offering);
        IReadOnlyList<SessionDevice> destination = SessionSamples.CreateDestination();

        await new MigrationDestination(destination, Migration.Quiet()).RunAsync(SessionTransport.ForReading(new MemoryStream(file)));

        Assert.Equal(DeviceState.Of(source), DeviceState.Of(destination));
    }

    [Fact]
    public async Task SessionFile_PlainStreamReader_RefusesItNamingTheSessionCapability()
    {
        byte[] file = await WriteOneWayAsync(SessionSamples.CreateSource(), Migration.Quiet());

        var ex = Assert.Throws<MigrationFormatException>(() => new MigrationStreamReader(file));

        Assert.Contains("'session'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionStreams_BothDirections_AreWalkedWholeByAsnReader()
    {
        MigrationRun run = await Migration.RunAsync(SessionSamples.CreateSource(), SessionSamples.CreateDestination(), Migration.Quiet(), Migration.Quiet());
        Assert.True(run.Destination.Completed, run.Destination.ToString());

        foreach (byte[] stream in new[] { run.Wire.Forward, run.Wire.Backward })
        {
            var reader = new AsnReader(stream, AsnEncodingRules.BER);
            AsnReader outer = reader.ReadSequence(reader.PeekTag());
            int messages = 0;
            while (outer.HasData)
            {
                outer.ReadEncodedValue();
                messages++;
            }

            Assert.False(reader.HasData);
            Assert.True(messages >= 3);
        }
    }

    private static async Task<byte[]> WriteOneWayAsync(IReadOnlyList<SessionDevice> source, SessionOptions options)
    {
        var file = new MemoryStream();
        await using (SessionTransport transport = SessionTransport.ForWriting(new NonClosingStream(file)))
        {
            await new MigrationSource(source, options).RunAsync(transport);
        }

        return file.ToArray();
    }

    /// <summary>Keeps the memory stream readable after the transport disposes what it writes to.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
