using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace MigrationFormat.Session.Tests;

/// <summary>
/// <c>migfmt migrate</c> as two real processes: the sample devices migrate over a Unix socket and over TCP loopback,
/// and killing either side at any point of the migration ends the other with exit code 1 and a clear message,
/// well within its timeout.
/// </summary>
public partial class ProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Migrate_TwoProcessesOverAUnixSocket_DestinationHoldsTheSourcesFinalState()
    {
        string path = SocketPath();
        using ToolProcess destination = ToolProcess.Start("migrate", "--listen", path, "--timeout", "5");
        await destination.SeenAsync("listening on").WaitAsync(Limit);
        using ToolProcess source = ToolProcess.Start("migrate", "--connect", path, "--timeout", "5", "--round-interval", "20");

        await AssertMigratedAsync(source, destination);
    }

    [Fact]
    public async Task Migrate_TwoProcessesOverTcpLoopback_DestinationHoldsTheSourcesFinalState()
    {
        string endpoint = "127.0.0.1:" + FreePort();
        using ToolProcess destination = ToolProcess.Start("migrate", "--listen", "--tcp", endpoint, "--timeout", "5", "--save-version", "serial=2");
        await destination.SeenAsync("listening on").WaitAsync(Limit);
        using ToolProcess source = ToolProcess.Start("migrate", "--connect", "--tcp", endpoint, "--timeout", "5", "--round-interval", "20");

        await AssertMigratedAsync(source, destination);
        Assert.Contains("serial#0 v2", destination.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_WithTheSimulatedVfioDevice_ItsMemoryAndRegistersArriveAndBothDevicesStop()
    {
        string path = SocketPath();
        using ToolProcess destination = ToolProcess.Start("migrate", "--listen", path, "--timeout", "5", "--vfio");
        await destination.SeenAsync("listening on").WaitAsync(Limit);
        using ToolProcess source = ToolProcess.Start("migrate", "--connect", path, "--timeout", "5", "--round-interval", "20", "--vfio");

        int sourceExit = await source.ExitAsync(Limit);
        int destinationExit = await destination.ExitAsync(Limit);
        output.WriteLine(source.Stderr);
        output.WriteLine(destination.Stderr);

        Assert.Equal((0, 0), (sourceExit, destinationExit));
        Assert.Contains("vfio-sim#0 v1 (pre-copy, switchover-ack)", destination.Stderr, StringComparison.Ordinal);
        Assert.Contains("vfio-sim#0: initial data loaded; acknowledged", destination.Stderr, StringComparison.Ordinal);
        string sourceFinal = VfioDigest().Matches(source.Stderr)[^1].Value;
        Assert.Equal(sourceFinal, VfioDigest().Matches(destination.Stderr)[^1].Value);
        Assert.StartsWith("vfio-sim#0: VFIO device STOP,", sourceFinal, StringComparison.Ordinal);
        Assert.NotEqual(VfioDigest().Matches(source.Stderr)[0].Value, sourceFinal);
        using JsonDocument states = JsonDocument.Parse(destination.Stdout);
        Assert.Equal(7, states.RootElement.GetProperty("vfio-sim#0").GetProperty("migration_flags").GetInt32());
    }

    /// <summary>Kill points: which side dies, once the other has logged a line matching the pattern.</summary>
    public static TheoryData<string, string, string> KillPoints => new()
    {
        // The survivor may finish the handshake between the line and the kill: a loaded machine is slow to deliver both.
        { "destination", "source connected", "handshake|pre-copy" },
        { "destination", "negotiated", "handshake|pre-copy" },
        { "destination", "pre-copy round 2", "pre-copy" },
        { "destination", "initial data loaded", "pre-copy" },
        { "source", "connected; the guest is running", "handshake|pre-copy" },
        { "source", "negotiated", "pre-copy" },
        { "source", "pre-copy round 2", "pre-copy" },
        { "source", "pre-copy round 3", "pre-copy" },
    };

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task Kill_OneSideDuringTheMigration_TheOtherExitsWithOneNamingThePhase(string victim, string line, string phase)
    {
        string path = SocketPath();
        var clock = new Stopwatch();
        using ToolProcess destination = ToolProcess.Start("migrate", "--listen", path, "--timeout", "5");
        await destination.SeenAsync("listening on").WaitAsync(Limit);
        using ToolProcess source = ToolProcess.Start("migrate", "--connect", path, "--timeout", "5", "--round-interval", "250");
        (ToolProcess killed, ToolProcess survivor) = victim == "source" ? (source, destination) : (destination, source);

        await killed.SeenAsync(Regex.Escape(line)).WaitAsync(Limit);
        killed.Kill();
        clock.Start();
        int exit = await survivor.ExitAsync(Limit);
        clock.Stop();

        output.WriteLine($"{victim} killed after '{line}'; the other exited {exit} after {clock.Elapsed.TotalSeconds:0.000} s:");
        output.WriteLine(survivor.Stderr);
        Assert.Equal(1, exit);
        Assert.Matches($"failed: Migration failed in ({phase})", survivor.Stderr);
        Assert.Contains(victim == "source" ? "the source" : "the destination", survivor.Stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the survivor took {clock.Elapsed} to notice; its timeout is 5 s");
        if (survivor == destination)
        {
            Assert.Equal(string.Empty, destination.Stdout);
        }
    }

    private async Task AssertMigratedAsync(ToolProcess source, ToolProcess destination)
    {
        int sourceExit = await source.ExitAsync(Limit);
        int destinationExit = await destination.ExitAsync(Limit);
        output.WriteLine(source.Stderr);
        output.WriteLine(destination.Stderr);

        Assert.Equal((0, 0), (sourceExit, destinationExit));
        using JsonDocument states = JsonDocument.Parse(destination.Stdout);
        Assert.Equal(
            ["serial#0", "mc146818rtc#0", "virtio-net#0", "vhost-user-backend#0", "vfio-accel#0"],
            states.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(4660, states.RootElement.GetProperty("serial#0").GetProperty("divider").GetInt32());
        Assert.Equal(0xC0DE, states.RootElement.GetProperty("vfio-accel#0").GetProperty("context_id").GetInt32());

        // The guest kept writing during pre-copy: the memory the destination ends with is the source's last.
        string sourceMemory = MemoryDigest().Matches(source.Stderr)[^1].Groups[1].Value;
        string destinationMemory = MemoryDigest().Matches(destination.Stderr)[^1].Groups[1].Value;
        Assert.Equal(sourceMemory, destinationMemory);
        Assert.NotEqual(MemoryDigest().Matches(source.Stderr)[0].Groups[1].Value, sourceMemory);
        Assert.Contains("switchover acknowledged", source.Stderr, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"vfio-sim#0: VFIO device [A-Z_]+, memory \d+ bytes sha256 [0-9a-f]{16}, registers sha256 [0-9a-f]{16}")]
    private static partial Regex VfioDigest();

    private static string SocketPath() => Path.Combine(Path.GetTempPath(), "migfmt-" + Guid.NewGuid().ToString("N")[..12] + ".sock");

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    [GeneratedRegex("device memory \\d+ bytes, sha256 ([0-9a-f]+)")]
    private static partial Regex MemoryDigest();
}
