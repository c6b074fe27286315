using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Threading.Tasks;
using MigrationFormat.Samples;
using MigrationFormat.Session;
using MigrationFormat.Visitors;

namespace MigrationFormat.Fuzz;

/// <summary>
/// Targets for the migration session (src/Session): the forward stream as a destination reads it, and the return path as
/// a source reads it. Each runs one real side of a session over in-memory pipes against a peer that writes the fuzz bytes
/// and closes its side, so the session must end on its own: with a result, or with <see cref="MigrationSessionException"/>
/// whose causes are all documented failures. Anything else, or a session still running after <see cref="SessionBound"/>,
/// is a finding.
/// </summary>
public static partial class Targets
{
    /// <summary>The longest a fuzzed session may run: its peer has closed, so waiting for anything is a hang.</summary>
    public static readonly TimeSpan SessionBound = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Gets the options both session targets run with: short timeouts (a closed peer needs none) and small data chunks. Made
    /// on each use: nothing instrumented may run while the harness starts, before the fuzzer's coverage map is there.
    /// </summary>
    public static SessionOptions FuzzSessionOptions => new()
    {
        Timeout = TimeSpan.FromSeconds(2),
        SwitchoverAckTimeout = TimeSpan.FromSeconds(2),
        DataChunkSize = 1024,
        MaxMessageLength = 64 * 1024,
        MaxPrecopyRounds = 4,
        PrecopyThreshold = 1024,
    };

    /// <summary>Creates the devices the session targets' destination loads into: a serial port, an RTC, a vhost-user back-end, an accelerator.</summary>
    /// <returns>The devices in their reset states.</returns>
    public static IReadOnlyList<SessionDevice> CreateSessionDestination() =>
    [
        new(new Uart16550()),
        new(new Mc146818Rtc()),
        new(new VhostUserBackend()),
        new(new VfioAccelerator(3, 512, 8)),
    ];

    /// <summary>Creates the devices the session targets' source sends: the destination's devices in their busy states.</summary>
    /// <returns>The devices.</returns>
    public static IReadOnlyList<SessionDevice> CreateSessionSource() =>
    [
        new(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3)),
        new(SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType, 3)),
        new(SmallBusyBackend()),
        new(SessionSamples.CreateBusyAccelerator(pageSize: 512, pageCount: 8)),
    ];

    /// <summary>The sample back-end in its busy state, with 2 kB of opaque state instead of 200 kB: a seed AFL can mutate quickly.</summary>
    private static VhostUserBackend SmallBusyBackend()
    {
        var backend = (VhostUserBackend)SampleCatalog.CreateBusy(VhostUserBackend.DeviceType, 3);
        backend.BackendState = backend.BackendState.AsSpan(0, 2048).ToArray();
        return backend;
    }

    /// <summary>
    /// Runs a destination session whose forward stream (stream header, offer, messages, sections, device data, trailer) is
    /// <paramref name="data"/>, followed by the end of the connection. The destination must end with a result or a
    /// documented failure within <see cref="SessionBound"/>, and when it fails every device must be as it was before.
    /// </summary>
    /// <param name="data">The forward stream.</param>
    public static void SessionForward(ReadOnlyMemory<byte> data) => _ = RunDestination(data);

    /// <summary>Runs <see cref="SessionForward"/> and says how the destination ended.</summary>
    /// <param name="data">The forward stream.</param>
    /// <returns><see langword="null"/> when the destination committed; otherwise its documented failure.</returns>
    /// <exception cref="FuzzInvariantException">The destination hung, failed undocumented, or changed its devices in failing.</exception>
    public static MigrationSessionException? RunDestination(ReadOnlyMemory<byte> data)
    {
        IReadOnlyList<SessionDevice> devices = CreateSessionDestination();
        byte[] before = Snapshot(devices);
        var unbounded = new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false);
        var forward = new Pipe(unbounded);
        var back = new Pipe(unbounded);
        WriteAndClose(forward.Writer, data);
        var transport = SessionTransport.Create(forward.Reader, back.Writer);
        MigrationSessionException? failure = RunSession(() => new MigrationDestination(devices, FuzzSessionOptions).RunAsync(transport), transport);
        back.Reader.Complete();
        if (failure is not null && !before.AsSpan().SequenceEqual(Snapshot(devices)))
        {
            throw new FuzzInvariantException($"The destination failed ({failure.Kind}: {failure.Message}) but changed its devices.", failure);
        }

        return failure;
    }

    /// <summary>
    /// Runs a source session whose return path (the destination's answer, acknowledgements, pings, commit or failure report)
    /// is <paramref name="data"/>, followed by the end of the connection. The source must end with a result or a documented
    /// failure within <see cref="SessionBound"/>.
    /// </summary>
    /// <param name="data">The return path.</param>
    public static void SessionReturnPath(ReadOnlyMemory<byte> data) => _ = RunSource(data);

    /// <summary>Runs <see cref="SessionReturnPath"/> and says how the source ended.</summary>
    /// <param name="data">The return path.</param>
    /// <returns><see langword="null"/> when the source saw the destination commit; otherwise its documented failure.</returns>
    /// <exception cref="FuzzInvariantException">The source hung or failed undocumented.</exception>
    public static MigrationSessionException? RunSource(ReadOnlyMemory<byte> data)
    {
        var unbounded = new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false);
        var forward = new Pipe(unbounded);
        var back = new Pipe(unbounded);
        WriteAndClose(back.Writer, data);
        var transport = SessionTransport.Create(back.Reader, forward.Writer);
        IReadOnlyList<SessionDevice> devices = CreateSessionSource();
        MigrationSessionException? failure = RunSession(() => new MigrationSource(devices, FuzzSessionOptions).RunAsync(transport), transport);
        forward.Reader.Complete();
        return failure;
    }

    private static void WriteAndClose(PipeWriter writer, ReadOnlyMemory<byte> data)
    {
        writer.Write(data.Span);
        writer.Complete();
    }

    /// <summary>Runs one side to its end and returns its failure (<see langword="null"/> on success); throws on anything undocumented.</summary>
    private static MigrationSessionException? RunSession(Func<Task<MigrationResult>> start, SessionTransport transport)
    {
        Task<MigrationResult> run = Task.Run(start);
        if (Task.WaitAny([run], SessionBound) < 0)
        {
            throw new FuzzInvariantException($"The session was still running {SessionBound.TotalSeconds} s after its peer closed.");
        }

        transport.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (run.IsCompletedSuccessfully)
        {
            return null;
        }

        Exception escaped = run.Exception!.InnerException!;
        if (escaped is not MigrationSessionException failure)
        {
            throw new FuzzInvariantException($"The session ended with {escaped.GetType().Name}, not MigrationSessionException.", escaped);
        }

        // Its peer closed: a session waiting out a timeout instead of seeing the end of the connection is a hang.
        if (failure.Kind is SessionErrorKind.PeerSilent or SessionErrorKind.SwitchoverAckTimeout or SessionErrorKind.Cancelled)
        {
            throw new FuzzInvariantException($"The session waited for a closed peer: {failure.Kind}: {failure.Message}", failure);
        }

        for (Exception? cause = failure.InnerException; cause is not null; cause = cause.InnerException)
        {
            if (cause is not (MigrationFormatException or MigrationSessionException or IOException))
            {
                throw new FuzzInvariantException($"The session's failure ({failure.Kind}) was caused by {cause.GetType().Name}: {cause.Message}", failure);
            }
        }

        return failure;
    }

    private static byte[] Snapshot(IReadOnlyList<SessionDevice> devices)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (SessionDevice device in devices)
        {
            BerDeviceSerializer.Save(device.Device, output);
        }

        return output.WrittenSpan.ToArray();
    }
}
