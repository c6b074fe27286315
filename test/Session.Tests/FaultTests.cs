using System.Diagnostics;
using MigrationFormat.Ber;

namespace MigrationFormat.Session.Tests;

/// <summary>
/// Peers that go silent, stop reading, send garbage, send messages out of order or ones the other side does not know,
/// and sides that are cancelled: each ends within the timeout with an error naming the phase (and the device where
/// one is concerned), and the destination's devices are as they were.
/// </summary>
public class FaultTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task SilentSource_AfterItsOffer_DestinationGivesUpWithinTheTimeout()
    {
        MigrationRun recorded = await Recording.GetAsync();
        byte[] prefix = Recording.Prefix(recorded.Wire.Forward, e => e.Tag == SessionFormat.OfferTag);

        (Outcome destination, bool unchanged, TimeSpan elapsed) = await DestinationAgainstAsync(prefix);

        Assert.Equal((SessionErrorKind.PeerSilent, SessionPhase.Precopy), (destination.Failure!.Kind, destination.Failure.Phase));
        Assert.Contains("nothing arrived from the source for 0.4 s", destination.Failure.Message, StringComparison.Ordinal);
        Assert.True(unchanged);
        Assert.InRange(elapsed, Short, Short + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SilentSource_InsideASection_DestinationGivesUpNamingTheDevice()
    {
        MigrationRun recorded = await Recording.GetAsync();
        byte[] prefix = Recording.Prefix(recorded.Wire.Forward, e => e.Tag == MigrationStreamFormat.SectionTag && e.Length > 100_000, middle: true);

        (Outcome destination, bool unchanged, _) = await DestinationAgainstAsync(prefix);

        Assert.Equal(
            (SessionErrorKind.PeerSilent, SessionPhase.StopCopy, "vhost-user-backend#0"),
            (destination.Failure!.Kind, destination.Failure.Phase, destination.Failure.Device));
        Assert.True(unchanged);
    }

    [Fact]
    public async Task SilentDestination_NeverAnswers_SourceGivesUpWithinTheTimeout()
    {
        (Outcome source, TimeSpan elapsed) = await SourceAgainstAsync([]);

        Assert.Equal((SessionErrorKind.PeerSilent, SessionPhase.Handshake), (source.Failure!.Kind, source.Failure.Phase));
        Assert.Contains("an answer to the offer did not come within 0.4 s", source.Failure.Message, StringComparison.Ordinal);
        Assert.InRange(elapsed, Short, Short + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SilentDestination_AnswersThenNothing_SourcePingsAndGivesUp()
    {
        MigrationRun recorded = await Recording.GetAsync();
        byte[] answer = Recording.Prefix(recorded.Wire.Backward, e => e.Tag == SessionFormat.AnswerTag);

        (Outcome source, _) = await SourceAgainstAsync(answer, new SessionOptions { Timeout = Short, SwitchoverAckTimeout = TimeSpan.FromSeconds(30) });

        Assert.Equal((SessionErrorKind.PeerSilent, SessionPhase.Precopy), (source.Failure!.Kind, source.Failure.Phase));
        Assert.Contains("has not answered", source.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DestinationAliveButNeverAcknowledging_SourceGivesUpAfterTheAckTimeoutNamingTheDevice()
    {
        MigrationRun recorded = await Recording.GetAsync();
        byte[] answer = Recording.Prefix(recorded.Wire.Backward, e => e.Tag == SessionFormat.AnswerTag);

        (Outcome source, _) = await SourceAgainstAsync(answer, new SessionOptions { Timeout = TimeSpan.FromSeconds(20), SwitchoverAckTimeout = Short });

        Assert.Equal(
            (SessionErrorKind.SwitchoverAckTimeout, SessionPhase.Precopy, "vfio-accel#0"),
            (source.Failure!.Kind, source.Failure.Phase, source.Failure.Device));
    }

    [Fact]
    public async Task DestinationStopsReading_SourceGivesUpWhenItCannotSend()
    {
        IReadOnlyList<SessionDevice> devices = [new(SessionSamples.CreateBusyAccelerator())];
        MigrationRun recorded = await Migration.RunAsync(devices, [new(new VfioAccelerator())], Migration.Quiet(), Migration.Quiet());
        byte[] answer = Recording.Prefix(recorded.Wire.Backward, e => e.Tag == SessionFormat.AnswerTag);
        (SessionTransport source, SessionTransport fake) = SessionTransport.CreatePair(pauseThreshold: 64 * 1024);

        await using FakePeer peer = await FakePeer.StartAsync(fake, answer, read: false);
        Outcome outcome = await Migration.CaptureAsync(() => new MigrationSource([new(SessionSamples.CreateBusyAccelerator())], Quick()).RunAsync(source));
        await source.DisposeAsync();

        Assert.Equal((SessionErrorKind.PeerSilent, SessionPhase.Precopy), (outcome.Failure!.Kind, outcome.Failure.Phase));
        Assert.Contains("took nothing sent to it", outcome.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_InsteadOfTheStream_DestinationFailsInTheHandshakeUnchanged()
    {
        byte[] garbage = new byte[300];
        new Random(5).NextBytes(garbage);

        (Outcome destination, bool unchanged, _) = await DestinationAgainstAsync(garbage);

        Assert.Equal((SessionErrorKind.MalformedMessage, SessionPhase.Handshake), (destination.Failure!.Kind, destination.Failure.Phase));
        Assert.IsType<MigrationFormatException>(destination.Failure.InnerException);
        Assert.True(unchanged);
    }

    [Fact]
    public async Task Garbage_InsteadOfTheReturnPath_SourceFailsInTheHandshake()
    {
        byte[] garbage = new byte[300];
        new Random(6).NextBytes(garbage);

        (Outcome source, _) = await SourceAgainstAsync(garbage);

        Assert.Equal((SessionErrorKind.MalformedMessage, SessionPhase.Handshake), (source.Failure!.Kind, source.Failure.Phase));
    }

    [Fact]
    public async Task Garbage_InPlaceOfDeviceData_DestinationFailsInPrecopyUnchanged()
    {
        MigrationRun recorded = await Recording.GetAsync();
        byte[] stream = recorded.Wire.Forward;
        Element data = Elements.Split(stream).First(e => e.Tag == SessionFormat.DeviceDataTag);
        stream.AsSpan((int)data.Offset, 64).Fill(0xFF);

        (Outcome destination, bool unchanged, _) = await DestinationAgainstAsync(stream);

        Assert.Equal((SessionErrorKind.MalformedMessage, SessionPhase.Precopy), (destination.Failure!.Kind, destination.Failure.Phase));
        Assert.True(unchanged);
    }

    [Fact]
    public async Task FlippedByteInASection_ChecksumsNegotiated_FailsNamingTheDeviceUnchanged()
    {
        MigrationRun recorded = await Recording.GetAsync();
        byte[] stream = recorded.Wire.Forward;
        Element section = Elements.Split(stream).Where(e => e.Tag == MigrationStreamFormat.SectionTag).ElementAt(2);
        stream[section.Offset + (section.Length / 2)] ^= 0x10;

        (Outcome destination, bool unchanged, _) = await DestinationAgainstAsync(stream);

        Assert.Equal(
            (SessionErrorKind.IntegrityCheckFailed, SessionPhase.StopCopy, "virtio-net#0"),
            (destination.Failure!.Kind, destination.Failure.Phase, destination.Failure.Device));
        Assert.True(unchanged);
    }

    [Fact]
    public async Task FlippedByteInDeviceData_ChecksumsNegotiated_TheTrailerCatchesItUnchanged()
    {
        MigrationRun recorded = await Recording.GetAsync();
        byte[] stream = recorded.Wire.Forward;
        Element data = Elements.Split(stream).Where(e => e.Tag == SessionFormat.DeviceDataTag).ElementAt(1);
        stream[data.Offset + (data.Length / 2)] ^= 0x01;

        (Outcome destination, bool unchanged, _) = await DestinationAgainstAsync(stream);

        Assert.Equal((SessionErrorKind.IntegrityCheckFailed, SessionPhase.StopCopy), (destination.Failure!.Kind, destination.Failure.Phase));
        Assert.Contains("CRC-32C of the stream", destination.Failure.Message, StringComparison.Ordinal);
        Assert.True(unchanged);
    }

    [Fact]
    public async Task OutOfOrder_SectionBeforeTheSwitchover_ViolationInPrecopyUnchanged()
    {
        byte[] stream = await ReorderedAsync(elements =>
        {
            Element section = elements.First(e => e.Tag == MigrationStreamFormat.SectionTag);
            elements.Remove(section);
            elements.Insert(elements.FindIndex(e => e.Tag == SessionFormat.SwitchoverTag), section);
        });

        (Outcome destination, bool unchanged, _) = await DestinationAgainstAsync(stream);

        Assert.Equal((SessionErrorKind.ProtocolViolation, SessionPhase.Precopy), (destination.Failure!.Kind, destination.Failure.Phase));
        Assert.Contains("section before the switchover", destination.Failure.Message, StringComparison.Ordinal);
        Assert.True(unchanged);
    }

    [Fact]
    public async Task OutOfOrder_TrailerBeforeTheLastSection_ViolationUnchanged()
    {
        byte[] stream = await ReorderedAsync(elements => elements.Remove(elements.Last(e => e.Tag == MigrationStreamFormat.SectionTag)));

        (Outcome destination, bool unchanged, _) = await DestinationAgainstAsync(stream);

        Assert.Equal((SessionErrorKind.ProtocolViolation, SessionPhase.StopCopy), (destination.Failure!.Kind, destination.Failure.Phase));
        Assert.Contains("after 4 of 5 sections", destination.Failure.Message, StringComparison.Ordinal);
        Assert.True(unchanged);
    }

    [Fact]
    public async Task OutOfOrder_SectionsSwapped_ViolationNamingTheDeviceDueUnchanged()
    {
        byte[] stream = await ReorderedAsync(elements =>
        {
            int first = elements.FindIndex(e => e.Tag == MigrationStreamFormat.SectionTag);
            (elements[first], elements[first + 1]) = (elements[first + 1], elements[first]);
        });

        (Outcome destination, bool unchanged, _) = await DestinationAgainstAsync(stream);

        Assert.Equal((SessionErrorKind.ProtocolViolation, "serial#0"), (destination.Failure!.Kind, destination.Failure.Device));
        Assert.True(unchanged);
    }

    [Fact]
    public async Task OutOfOrder_SwitchoverBeforeTheInitialDataMark_ViolationNamingTheDeviceUnchanged()
    {
        byte[] stream = await ReorderedAsync(elements => elements.RemoveAll(e => e.Tag == SessionFormat.InitialDataSentTag));

        (Outcome destination, bool unchanged, _) = await DestinationAgainstAsync(stream);

        Assert.Equal(
            (SessionErrorKind.ProtocolViolation, SessionPhase.Precopy, "vfio-accel#0"),
            (destination.Failure!.Kind, destination.Failure.Phase, destination.Failure.Device));
        Assert.True(unchanged);
    }

    [Fact]
    public async Task OutOfOrder_SecondOffer_ViolationUnchanged()
    {
        byte[] stream = await ReorderedAsync(elements => elements.Insert(2, elements.First(e => e.Tag == SessionFormat.OfferTag)));

        (Outcome destination, bool unchanged, _) = await DestinationAgainstAsync(stream);

        Assert.Contains("second offer", destination.Failure!.Message, StringComparison.Ordinal);
        Assert.True(unchanged);
    }

    [Fact]
    public async Task OutOfOrder_CommitBeforeTheStreamIsComplete_SourceRejectsIt()
    {
        MigrationRun recorded = await Recording.GetAsync();

        (Outcome source, _) = await SourceAgainstAsync(recorded.Wire.Backward);

        Assert.Equal(SessionErrorKind.ProtocolViolation, source.Failure!.Kind);
        Assert.Contains("commit before the stream was complete", source.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownMustParseMessage_FromTheSource_EndsTheSessionUnchanged()
    {
        MigrationRun recorded = await Recording.GetAsync();
        long afterOffer = Elements.Split(recorded.Wire.Forward).First(e => e.Tag == SessionFormat.OfferTag).End;
        byte[] unknown = Recording.Message(new BerTag(BerTagClass.Application, 30, isConstructed: true), 0x02, 0x01, 0x07);
        IReadOnlyList<SessionDevice> destination = FaultMatrixTests.Destination();
        string[] before = DeviceState.Of(destination);

        MigrationRun run = await Migration.RunAsync(
            FaultMatrixTests.Source(),
            destination,
            FaultMatrixTests.Options(),
            FaultMatrixTests.Options(),
            injection: new Injection(true, afterOffer, unknown));

        Assert.Equal(SessionErrorKind.ProtocolViolation, run.Destination.Failure!.Kind);
        Assert.Contains("must not skip", run.Destination.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(SessionErrorKind.PeerFailed, run.Source.Failure!.Kind);
        Assert.Equal(before, DeviceState.Of(destination));
    }

    [Fact]
    public async Task UnknownSkippableMessage_FromTheSource_IsSkippedAndTheMigrationCompletes()
    {
        SessionOptions options = Migration.Quiet(new SessionOptions { Capabilities = [new(SessionFormat.SwitchoverAckCapability)], DataChunkSize = 8192 });
        MigrationRun recorded = await Migration.RunAsync(FaultMatrixTests.Source(), FaultMatrixTests.Destination(), options, options);
        long afterOffer = Elements.Split(recorded.Wire.Forward).First(e => e.Tag == SessionFormat.OfferTag).End;
        byte[] unknown = Recording.Message(new BerTag(BerTagClass.Private, 30, isConstructed: true), 0x02, 0x01, 0x07);
        IReadOnlyList<SessionDevice> source = FaultMatrixTests.Source();
        IReadOnlyList<SessionDevice> destination = FaultMatrixTests.Destination();

        MigrationRun run = await Migration.RunAsync(source, destination, options, options, injection: new Injection(true, afterOffer, unknown));

        Assert.True(run.Destination.Completed, run.Destination.ToString());
        Assert.Equal(DeviceState.Of(source), DeviceState.Of(destination));
    }

    [Fact]
    public async Task UnknownSkippableMessage_InjectedUnderChecksums_IsCaughtByTheStreamChecksum()
    {
        MigrationRun recorded = await Recording.GetAsync();
        long afterOffer = Elements.Split(recorded.Wire.Forward).First(e => e.Tag == SessionFormat.OfferTag).End;
        byte[] unknown = Recording.Message(new BerTag(BerTagClass.Private, 30, isConstructed: true), 0x02, 0x01, 0x07);
        IReadOnlyList<SessionDevice> destination = FaultMatrixTests.Destination();
        string[] before = DeviceState.Of(destination);

        MigrationRun run = await Migration.RunAsync(
            FaultMatrixTests.Source(),
            destination,
            FaultMatrixTests.Options(),
            FaultMatrixTests.Options(),
            injection: new Injection(true, afterOffer, unknown));

        Assert.Equal(SessionErrorKind.IntegrityCheckFailed, run.Destination.Failure!.Kind);
        Assert.Equal(before, DeviceState.Of(destination));
    }

    [Fact]
    public async Task UnknownMustParseMessage_OnTheReturnPath_SourceEndsTheSessionAndNothingChanges()
    {
        MigrationRun recorded = await Recording.GetAsync();
        long afterAnswer = Elements.Split(recorded.Wire.Backward).First(e => e.Tag == SessionFormat.AnswerTag).End;
        byte[] unknown = Recording.Message(new BerTag(BerTagClass.Application, 31, isConstructed: true));
        IReadOnlyList<SessionDevice> destination = FaultMatrixTests.Destination();
        string[] before = DeviceState.Of(destination);

        MigrationRun run = await Migration.RunAsync(
            FaultMatrixTests.Source(),
            destination,
            FaultMatrixTests.Options(),
            FaultMatrixTests.Options(),
            injection: new Injection(false, afterAnswer, unknown));

        Assert.Equal(SessionErrorKind.ProtocolViolation, run.Source.Failure!.Kind);
        Assert.Contains("must not skip", run.Source.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(SessionErrorKind.PeerFailed, run.Destination.Failure!.Kind);
        Assert.Equal(before, DeviceState.Of(destination));
    }

    [Fact]
    public async Task UnknownSkippableMessage_OnTheReturnPath_IsSkippedAndTheMigrationCompletes()
    {
        MigrationRun recorded = await Recording.GetAsync();
        long afterAnswer = Elements.Split(recorded.Wire.Backward).First(e => e.Tag == SessionFormat.AnswerTag).End;
        byte[] unknown = Recording.Message(new BerTag(BerTagClass.Private, 31, isConstructed: true), 0x0C, 0x02, 0x68, 0x69);
        IReadOnlyList<SessionDevice> source = FaultMatrixTests.Source();
        IReadOnlyList<SessionDevice> destination = FaultMatrixTests.Destination();

        MigrationRun run = await Migration.RunAsync(
            source,
            destination,
            FaultMatrixTests.Options(),
            FaultMatrixTests.Options(),
            injection: new Injection(false, afterAnswer, unknown));

        Assert.True(run.Source.Completed, run.Source.ToString());
        Assert.Equal(DeviceState.Of(source), DeviceState.Of(destination));
    }

    [Fact]
    public async Task Cancel_SourceDuringPrecopy_BothEndAndTheDestinationIsToldWhyUnchanged()
    {
        using var cancel = new CancellationTokenSource();
        IReadOnlyList<SessionDevice> destination = FaultMatrixTests.Destination();
        string[] before = DeviceState.Of(destination);
        SessionOptions slow = Slow(round => cancel.Cancel());

        MigrationRun run = await Migration.RunAsync(FaultMatrixTests.Source(), destination, slow, Patient(), sourceCancellation: cancel.Token);

        Assert.Equal((SessionErrorKind.Cancelled, SessionPhase.Precopy), (run.Source.Failure!.Kind, run.Source.Failure.Phase));
        Assert.Equal(SessionErrorKind.PeerFailed, run.Destination.Failure!.Kind);
        Assert.Contains("cancelled", run.Destination.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(before, DeviceState.Of(destination));
    }

    [Fact]
    public async Task Cancel_DestinationDuringPrecopy_BothEndAndTheSourceIsToldWhyUnchanged()
    {
        using var cancel = new CancellationTokenSource();
        IReadOnlyList<SessionDevice> destination = FaultMatrixTests.Destination();
        string[] before = DeviceState.Of(destination);
        SessionOptions slow = Slow(round => cancel.Cancel());

        MigrationRun run = await Migration.RunAsync(FaultMatrixTests.Source(), destination, slow, Patient(), destinationCancellation: cancel.Token);

        Assert.Equal((SessionErrorKind.Cancelled, SessionPhase.Precopy), (run.Destination.Failure!.Kind, run.Destination.Failure.Phase));
        Assert.Equal(SessionErrorKind.PeerFailed, run.Source.Failure!.Kind);
        Assert.Contains("cancelled", run.Source.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(before, DeviceState.Of(destination));
    }

    [Fact]
    public async Task Cancel_BeforeTheStart_EndsAtOnceWithNothingChanged()
    {
        IReadOnlyList<SessionDevice> destination = FaultMatrixTests.Destination();
        string[] before = DeviceState.Of(destination);

        MigrationRun run = await Migration.RunAsync(
            FaultMatrixTests.Source(),
            destination,
            Quick(),
            Quick(),
            sourceCancellation: new CancellationToken(canceled: true));

        Assert.Equal(SessionErrorKind.Cancelled, run.Source.Failure!.Kind);
        Assert.False(run.Destination.Completed);
        Assert.Equal(before, DeviceState.Of(destination));
    }

    private static SessionOptions Quick() => new() { Timeout = Short, DataChunkSize = 8192 };

    /// <summary>
    /// A destination for the cancellation tests: it waits as long as their source, so that on a loaded machine a slow first
    /// round cannot end it with a timeout before the cancellation the test is about.
    /// </summary>
    private static SessionOptions Patient() => new() { Timeout = TimeSpan.FromSeconds(5), DataChunkSize = 8192 };

    /// <summary>A source that takes its time between rounds, calling <paramref name="afterRound"/> after each.</summary>
    private static SessionOptions Slow(Action<int> afterRound) => new()
    {
        Timeout = TimeSpan.FromSeconds(5),
        RoundInterval = TimeSpan.FromMilliseconds(50),
        DataChunkSize = 8192,
        PrecopyThreshold = 0,
        MaxPrecopyRounds = 1000,
        RoundCompleted = afterRound,
    };

    /// <summary>The recorded forward stream with its elements rearranged by <paramref name="change"/>.</summary>
    private static async Task<byte[]> ReorderedAsync(Action<List<Element>> change)
    {
        MigrationRun recorded = await Recording.GetAsync();
        List<Element> elements = Elements.Split(recorded.Wire.Forward);
        change(elements);
        return Elements.Join(recorded.Wire.Forward, elements);
    }

    /// <summary>Runs the fault matrix's destination against a fake source that sends <paramref name="stream"/> and then stays silent.</summary>
    private static async Task<(Outcome Outcome, bool Unchanged, TimeSpan Elapsed)> DestinationAgainstAsync(byte[] stream)
    {
        IReadOnlyList<SessionDevice> destination = FaultMatrixTests.Destination();
        string[] before = DeviceState.Of(destination);
        (SessionTransport fake, SessionTransport transport) = SessionTransport.CreatePair();
        await using FakePeer peer = await FakePeer.StartAsync(fake, stream);
        var clock = Stopwatch.StartNew();
        Outcome outcome = await Migration.CaptureAsync(() => new MigrationDestination(
            destination,
            Quick()).RunAsync(transport)).WaitAsync(TimeSpan.FromSeconds(30));
        TimeSpan elapsed = clock.Elapsed;
        await transport.DisposeAsync();
        return (outcome, before.SequenceEqual(DeviceState.Of(destination)), elapsed);
    }

    /// <summary>Runs the fault matrix's source against a fake destination that answers with <paramref name="returnPath"/> and then stays silent.</summary>
    private static async Task<(Outcome Outcome, TimeSpan Elapsed)> SourceAgainstAsync(byte[] returnPath, SessionOptions? options = null)
    {
        (SessionTransport transport, SessionTransport fake) = SessionTransport.CreatePair();
        await using FakePeer peer = await FakePeer.StartAsync(fake, returnPath);
        var clock = Stopwatch.StartNew();
        SessionOptions chosen = options is null
            ? Quick()
            : new SessionOptions { Timeout = options.Timeout, SwitchoverAckTimeout = options.SwitchoverAckTimeout, DataChunkSize = 8192 };
        Outcome outcome = await Migration.CaptureAsync(() => new MigrationSource(
            FaultMatrixTests.Source(),
            chosen).RunAsync(transport)).WaitAsync(TimeSpan.FromSeconds(30));
        TimeSpan elapsed = clock.Elapsed;
        await transport.DisposeAsync();
        return (outcome, elapsed);
    }
}
