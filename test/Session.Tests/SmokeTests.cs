using MigrationFormat.Testing;

namespace MigrationFormat.Session.Tests;

public class SmokeTests
{
    [Fact]
    public async Task Migrate_SampleDevicesInMemory_DestinationEqualsSource()
    {
        IReadOnlyList<SessionDevice> source = SessionSamples.CreateSource();
        IReadOnlyList<SessionDevice> destination = SessionSamples.CreateDestination();
        var log = new List<string>();
        var options = new SessionOptions { Events = e => { lock (log) { log.Add(e.Text); } }, RoundCompleted = r => SessionSamples.RunGuest((VfioAccelerator)source[^1].Device, r) };
        (SessionTransport a, SessionTransport b) = SessionTransport.CreatePair();
        Task<MigrationResult> receiving = new MigrationDestination(destination, options).RunAsync(b);
        MigrationResult sent = await new MigrationSource(source, options).RunAsync(a);
        MigrationResult received = await receiving;
        foreach (string line in log) { Console.WriteLine(line); }
        for (int i = 0; i < source.Count; i++)
        {
            Assert.Equal(StateFingerprint.Of(source[i].Device).ToString(), StateFingerprint.Of(destination[i].Device).ToString());
        }

        Assert.True(((VfioAccelerator)source[^1].Device).Memory.SequenceEqual(((VfioAccelerator)destination[^1].Device).Memory));
        Assert.Equal(sent.BytesSent, received.BytesReceived);
    }
}
