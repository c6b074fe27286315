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
        var clock = new FakeTimeProvider();
        DateTimeOffset began = clock.GetUtcNow();
        (SessionTransport transport, SessionTransport fake) = SessionTransport.CreatePair();
        await using FakePeer peer = await FakePeer.StartAsync(fake, []);
        var real = Stopwatch.StartNew();

        Task<Outcome> run = Migration.CaptureAsync(() => new MigrationSource(
            FaultMatrixTests.Source(),
            new SessionOptions { Timeout = Timeout, TimeProvider = clock }).RunAsync(transport));
        Outcome outcome = await AdvanceUntilDoneAsync(clock, run);
        await transport.DisposeAsync();

        Assert.Equal((SessionErrorKind.PeerSilent, SessionPhase.Handshake), (outcome.Failure!.Kind, outcome.Failure.Phase));
        Assert.Contains("an answer to the offer did not come within 10 s", outcome.Failure.Message, StringComparison.Ordinal);
        Assert.True(clock.GetUtcNow() - began >= Timeout, $"the source gave up after {clock.GetUtcNow() - began} on its clock");
        Assert.True(real.Elapsed < Timeout, $"the source waited {real.Elapsed} on the system clock");
    }

    [Fact]
    public async Task Destination_SilentSource_GivesUpWhenTheGivenClockPassesTheTimeout()
    {
        var clock = new FakeTimeProvider();
        DateTimeOffset began = clock.GetUtcNow();
        (SessionTransport fake, SessionTransport transport) = SessionTransport.CreatePair();
        await using FakePeer peer = await FakePeer.StartAsync(fake, []);
        var real = Stopwatch.StartNew();

        Task<Outcome> run = Migration.CaptureAsync(() => new MigrationDestination(
            FaultMatrixTests.Destination(),
            new SessionOptions { Timeout = Timeout, TimeProvider = clock }).RunAsync(transport));
        Outcome outcome = await AdvanceUntilDoneAsync(clock, run);
        await transport.DisposeAsync();

        Assert.Equal(SessionErrorKind.PeerSilent, outcome.Failure!.Kind);
        Assert.Contains("nothing arrived from the source for 10 s", outcome.Failure.Message, StringComparison.Ordinal);
        Assert.True(clock.GetUtcNow() - began >= Timeout, $"the destination gave up after {clock.GetUtcNow() - began} on its clock");
        Assert.True(real.Elapsed < Timeout, $"the destination waited {real.Elapsed} on the system clock");
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
