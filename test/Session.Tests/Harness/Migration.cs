using System.Buffers;
using System.Security.Cryptography;
using MigrationFormat.Testing;

namespace MigrationFormat.Session.Tests;

/// <summary>How one side of a migration ended: its result, or its failure.</summary>
internal sealed record Outcome(MigrationResult? Result, MigrationSessionException? Failure)
{
    public bool Completed => Result is not null;

    public override string ToString() => Completed ? "completed" : $"failed ({Failure!.Kind}: {Failure.Message})";
}

/// <summary>Both sides of a migration over a <see cref="TestWire"/>.</summary>
internal sealed record MigrationRun(Outcome Source, Outcome Destination, TestWire Wire, IReadOnlyList<string> Log);

/// <summary>Runs a source and a destination against each other in memory and says how each ended.</summary>
internal static class Migration
{
    /// <summary>Options that keep the byte streams deterministic: no pings unless a wait lasts seconds.</summary>
    public static SessionOptions Quiet(SessionOptions? options = null) => new()
    {
        Capabilities = options?.Capabilities ?? new SessionOptions().Capabilities,
        Timeout = options?.Timeout ?? TimeSpan.FromSeconds(10),
        KeepaliveInterval = options?.KeepaliveInterval ?? TimeSpan.FromSeconds(10),
        SwitchoverAckTimeout = options?.SwitchoverAckTimeout ?? TimeSpan.FromSeconds(10),
        DataChunkSize = options?.DataChunkSize ?? 4096,
        SaveVersions = options?.SaveVersions,
        RoundCompleted = options?.RoundCompleted,
        PrecopyThreshold = options?.PrecopyThreshold ?? 64 * 1024,
    };

    public static async Task<MigrationRun> RunAsync(
        IReadOnlyList<SessionDevice> source,
        IReadOnlyList<SessionDevice> destination,
        SessionOptions sourceOptions,
        SessionOptions destinationOptions,
        Cut? cut = null,
        Injection? injection = null,
        CancellationToken sourceCancellation = default,
        CancellationToken destinationCancellation = default)
    {
        var wire = new TestWire(cut, injection);
        var log = new List<string>();
        Task<Outcome> receiving = CaptureAsync(() => new MigrationDestination(
            destination,
            WithLog(destinationOptions, log, "destination")).RunAsync(wire.Destination, destinationCancellation));
        Task<Outcome> sending = CaptureAsync(() => new MigrationSource(
            source,
            WithLog(sourceOptions, log, "source")).RunAsync(wire.Source, sourceCancellation));

        // Generous: a side that hangs fails the test here instead of hanging it.
        TimeSpan guard = TimeSpan.FromSeconds(30);
        Outcome sent = await sending.WaitAsync(guard);
        Outcome received = await receiving.WaitAsync(guard);
        await wire.Source.DisposeAsync();
        await wire.Destination.DisposeAsync();
        await wire.Drained.WaitAsync(guard);
        wire.Dispose();
        return new MigrationRun(sent, received, wire, log);
    }

    public static async Task<Outcome> CaptureAsync(Func<Task<MigrationResult>> run)
    {
        try
        {
            return new Outcome(await run(), null);
        }
        catch (MigrationSessionException failure)
        {
            return new Outcome(null, failure);
        }
    }

    private static SessionOptions WithLog(SessionOptions options, List<string> log, string side) => new()
    {
        Capabilities = options.Capabilities,
        Timeout = options.Timeout,
        KeepaliveInterval = options.KeepaliveInterval,
        SwitchoverAckTimeout = options.SwitchoverAckTimeout,
        DataChunkSize = options.DataChunkSize,
        MaxMessageLength = options.MaxMessageLength,
        SaveVersions = options.SaveVersions,
        RoundCompleted = options.RoundCompleted,
        RoundInterval = options.RoundInterval,
        PrecopyThreshold = options.PrecopyThreshold,
        MaxPrecopyRounds = options.MaxPrecopyRounds,
        Events = e =>
        {
            lock (log)
            {
                log.Add($"{side}: {e.Text}");
            }

            options.Events?.Invoke(e);
        },
    };
}

/// <summary>A device's whole state: its fields' fingerprint and, for an accelerator, a digest of its memory.</summary>
internal static class DeviceState
{
    public static string Of(IDeviceState device)
    {
        string fields = StateFingerprint.Of(device).ToString();
        return device is VfioAccelerator accelerator ? fields + "\nmemory=" + Convert.ToHexString(SHA256.HashData(accelerator.Memory)) : fields;
    }

    public static string[] Of(IReadOnlyList<SessionDevice> devices) => devices.Select(d => Of(d.Device)).ToArray();

    /// <summary>Saves <paramref name="device"/> as <paramref name="version"/>, the way a section carries it.</summary>
    public static byte[] SaveAt(IDeviceState device, int version)
    {
        var output = new ArrayBufferWriter<byte>();
        (device as IStateHooks)?.PreSave();
        var visitor = new BerOutputVisitor(output, version);
        visitor.Writer.PushConstructed(MigrationStreamFormat.StateTag, indefiniteLength: true);
        device.Visit(ref visitor);
        visitor.Writer.PopConstructed();
        visitor.Dispose();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// What the destination's device should hold after a migration that saved <paramref name="source"/> as
    /// <paramref name="version"/>: a copy of the destination's device as it was (<paramref name="before"/>, saved at
    /// its own version), loaded straight from that state.
    /// </summary>
    public static string Expected(IDeviceState destination, byte[] before, IDeviceState source, int version, byte[]? memory)
    {
        IDeviceState copy = destination.Type.Create(destination.Version);
        new BerDeviceSerializer().Load(copy, before, destination.Version);
        new BerDeviceSerializer().Load(copy, SaveAt(source, version), version);
        string fields = StateFingerprint.Of(copy).ToString();
        return memory is null ? fields : fields + "\nmemory=" + Convert.ToHexString(SHA256.HashData(memory));
    }
}
