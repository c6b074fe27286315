using MigrationFormat.Session;
using Xunit;

namespace MigrationFormat.Fuzz.Tests;

/// <summary>
/// The session targets drive real sessions: their seeds are recorded sessions that complete, and a cut or altered stream
/// ends in a documented failure, quickly, with the destination's devices as they were.
/// </summary>
public class SessionTargetTests
{
    private static byte[] Seed(string target, string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", target, name));

    [Theory]
    [InlineData("seed-session.bin")]
    [InlineData("seed-no-integrity.bin")]
    [InlineData("seed-one-way.bin")]
    public void RunDestination_RecordedForwardStream_Commits(string seed)
    {
        MigrationSessionException? failure = Targets.RunDestination(Seed("session-forward", seed));

        Assert.Null(failure);
    }

    [Fact]
    public void RunDestination_StreamCutInTheMiddle_FailsAsPeerClosed()
    {
        byte[] stream = Seed("session-forward", "seed-session.bin");

        MigrationSessionException? failure = Targets.RunDestination(stream.AsMemory(0, stream.Length / 2));

        Assert.NotNull(failure);
        Assert.Equal(SessionErrorKind.PeerClosed, failure.Kind);
    }

    [Fact]
    public void RunDestination_ByteChangedInsideADeviceSection_FailsWithoutChangingDevices()
    {
        byte[] stream = Seed("session-forward", "seed-session.bin");
        stream[stream.Length * 3 / 4] ^= 0xFF;

        // RunDestination itself checks that a failed destination's devices are unchanged.
        MigrationSessionException? failure = Targets.RunDestination(stream);

        Assert.NotNull(failure);
    }

    [Theory]
    [InlineData("seed-session.bin")]
    [InlineData("seed-no-integrity.bin")]
    public void RunSource_RecordedReturnPathWithTheCommitAfterTheTrailer_SeesTheCommit(string seed)
    {
        MigrationSessionException? failure = Targets.RunSource(Seed("session-return-path", seed), TimeSpan.FromSeconds(10));

        Assert.Null(failure);
    }

    [Fact]
    public void RunSource_RecordedReturnPathAllAtOnce_RefusesTheEarlyCommit()
    {
        byte[] seed = Seed("session-return-path", "seed-session.bin");
        int length = seed.Length - 2;
        seed[0] = (byte)length;
        seed[1] = (byte)(length >> 8);

        MigrationSessionException? failure = Targets.RunSource(seed, TimeSpan.FromSeconds(10));

        Assert.NotNull(failure);
        Assert.Equal(SessionErrorKind.ProtocolViolation, failure.Kind);
        Assert.Contains("commit before the stream was complete", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunSource_AnswerHeldBackUntilTheTrailer_TimesOutWaitingForIt()
    {
        byte[] seed = Seed("session-return-path", "seed-session.bin");
        seed[0] = 0;
        seed[1] = 0;

        MigrationSessionException? failure = Targets.RunSource(seed);

        Assert.NotNull(failure);
        Assert.Equal(SessionErrorKind.PeerSilent, failure.Kind);
    }

    [Fact]
    public void RunSource_AnswerHeldBackWithTimeoutsLongerThanTheSessionBound_TimesOutOnTheJumpingClock()
    {
        byte[] seed = Seed("session-return-path", "seed-session.bin");
        seed[0] = 0;
        seed[1] = 0;

        // Waited out in real time, a 60 s timeout would outlast the target's bound (4 s) and be reported as a hang.
        MigrationSessionException? failure = Targets.RunSource(seed, TimeSpan.FromSeconds(60));

        Assert.NotNull(failure);
        Assert.Equal(SessionErrorKind.PeerSilent, failure.Kind);
        Assert.Contains("within 60 s", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunSource_RecordedRefusal_FailsAsRefused()
    {
        MigrationSessionException? failure = Targets.RunSource(Seed("session-return-path", "seed-refused.bin"), TimeSpan.FromSeconds(10));

        Assert.NotNull(failure);
        Assert.Equal(SessionErrorKind.Refused, failure.Kind);
    }

    [Fact]
    public void RunSource_EmptyReturnPath_FailsAsPeerClosed()
    {
        MigrationSessionException? failure = Targets.RunSource(ReadOnlyMemory<byte>.Empty, TimeSpan.FromSeconds(10));

        Assert.NotNull(failure);
        Assert.Equal(SessionErrorKind.PeerClosed, failure.Kind);
    }
}
