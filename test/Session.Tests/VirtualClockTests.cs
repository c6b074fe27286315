using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace MigrationFormat.Session.Tests;

/// <summary>
/// <see cref="SessionOptions.TimeProvider"/>: every timeout of a session runs on the clock it is given, so a test (or a
/// simulation) that owns the clock decides when a silent peer has been silent too long.
/// </summary>
public class VirtualClockTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Source_SilentDestination_GivesUpWhenTheGivenClockPassesTheTimeout()
    {
        (Outcome outcome, TimeSpan onClock, TimeSpan real) = await AgainstASilentPeerAsync(
            (options, transport) => new MigrationSource(FaultMatrixTests.Source(), options).RunAsync(transport),
            sessionIsFirst: true);

        Assert.Equal((SessionErrorKind.PeerSilent, SessionPhase.Handshake), (outcome.Failure!.Kind, outcome.Failure.Phase));
        Assert.Contains("an answer to the offer did not come within 10 s", outcome.Failure.Message, StringComparison.Ordinal);
        Assert.True(onClock >= Timeout, $"the source gave up after {onClock} on its clock");
        Assert.True(real < Timeout, $"the source waited {real} on the system clock");
    }

    [Fact]
    public async Task Destination_SilentSource_GivesUpWhenTheGivenClockPassesTheTimeout()
    {
        (Outcome outcome, TimeSpan onClock, TimeSpan real) = await AgainstASilentPeerAsync(
            (options, transport) => new MigrationDestination(FaultMatrixTests.Destination(), options).RunAsync(transport),
            sessionIsFirst: false);

        Assert.Equal(SessionErrorKind.PeerSilent, outcome.Failure!.Kind);
        Assert.Contains("nothing arrived from the source for 10 s", outcome.Failure.Message, StringComparison.Ordinal);
        Assert.True(onClock >= Timeout, $"the destination gave up after {onClock} on its clock");
        Assert.True(real < Timeout, $"the destination waited {real} on the system clock");
    }

    [Fact]
    public async Task Source_ClockThatDoesNotMove_KeepsWaitingPastTheTimeoutOnTheSystemClock()
    {
        var clock = new FakeTimeProvider();
        (SessionTransport transport, SessionTransport fake) = SessionTransport.CreatePair();
        await using FakePeer peer = await FakePeer.StartAsync(fake, []);
        using var cancel = new CancellationTokenSource();

        Task<Outcome> run = Migration.CaptureAsync(() => new MigrationSource(
            FaultMatrixTests.Source(),
            new SessionOptions { Timeout = TimeSpan.FromMilliseconds(50), TimeProvider = clock }).RunAsync(transport, cancel.Token));
        Task first = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(500)));
        await cancel.CancelAsync();
        Outcome outcome = await run.WaitAsync(TimeSpan.FromSeconds(30));
        await transport.DisposeAsync();

        Assert.NotSame(run, first);
        Assert.Equal(SessionErrorKind.Cancelled, outcome.Failure!.Kind);
    }

    [Fact]
    public void Options_WithoutAClock_AreRefusedWhenTheSideIsMade()
    {
        var options = new SessionOptions { TimeProvider = null! };

        Assert.Throws<ArgumentNullException>(() => new MigrationSource(FaultMatrixTests.Source(), options));
        Assert.Throws<ArgumentNullException>(() => new MigrationDestination(FaultMatrixTests.Destination(), options));
    }

    /// <summary>
    /// Runs one side, with <see cref="Timeout"/> on a <see cref="FakeTimeProvider"/>, against a peer that never sends a
    /// byte, moving the clock until the side ends; returns how it ended and how long that took on its clock and in reality.
    /// </summary>
    private static async Task<(Outcome Outcome, TimeSpan OnClock, TimeSpan Real)> AgainstASilentPeerAsync(
        Func<SessionOptions, SessionTransport, Task<MigrationResult>> run,
        bool sessionIsFirst)
    {
        var clock = new FakeTimeProvider();
        DateTimeOffset began = clock.GetUtcNow();
        (SessionTransport first, SessionTransport second) = SessionTransport.CreatePair();
        (SessionTransport transport, SessionTransport fake) = sessionIsFirst ? (first, second) : (second, first);
        await using FakePeer peer = await FakePeer.StartAsync(fake, []);
        var real = Stopwatch.StartNew();

        Task<Outcome> running = Migration.CaptureAsync(() => run(new SessionOptions { Timeout = Timeout, TimeProvider = clock }, transport));
        Outcome outcome = await AdvanceUntilDoneAsync(clock, running);
        await transport.DisposeAsync();
        return (outcome, clock.GetUtcNow() - began, real.Elapsed);
    }

    /// <summary>Moves the clock a second at a time (letting the session react between steps) until the run ends.</summary>
    private static async Task<Outcome> AdvanceUntilDoneAsync(FakeTimeProvider clock, Task<Outcome> run)
    {
        for (int step = 0; step < 600 && !run.IsCompleted; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(10)));
        }

        return await run.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
