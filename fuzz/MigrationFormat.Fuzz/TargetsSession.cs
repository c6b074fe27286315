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
    /// Runs a source session against a destination that replies with <paramref name="data"/>: the first two bytes (little
    /// endian) say where it splits. What comes before the split (answer, acknowledgements, pings, an error report) is in the
    /// source's input from the start; what comes after (the commit) arrives once the source has sent its trailer, as a real
    /// destination's commit would; then the connection ends (at once when nothing comes after the split). The source must
    /// end with a result or a documented failure within <see cref="SessionBound"/>; it may wait out a timeout only while
    /// the rest is held back.
    /// </summary>
    /// <param name="data">The split, then the return path.</param>
    public static void SessionReturnPath(ReadOnlyMemory<byte> data) => _ = RunSource(data);

    /// <summary>Runs <see cref="SessionReturnPath"/> and says how the source ended.</summary>
    /// <param name="data">The split, then the return path.</param>
    /// <param name="timeout">The source's timeouts (1 s by default); they run on a clock that jumps over waits nothing else can end.</param>
    /// <returns><see langword="null"/> when the source saw the destination commit; otherwise its documented failure.</returns>
    /// <exception cref="FuzzInvariantException">The source hung or failed undocumented.</exception>
    public static MigrationSessionException? RunSource(ReadOnlyMemory<byte> data, TimeSpan? timeout = null)
    {
        int split = data.Length < 2 ? 0 : Math.Min(data.Length - 2, data.Span[0] | (data.Span[1] << 8));
        ReadOnlyMemory<byte> returnPath = data.Length < 2 ? ReadOnlyMemory<byte>.Empty : data[2..];
        var unbounded = new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false);
        var forward = new Pipe(unbounded);
        var back = new Pipe(unbounded);
        back.Writer.Write(returnPath.Span[..split]);
        _ = back.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
        IReadOnlyList<SessionDevice> devices = CreateSessionSource();
        var rest = new HeldBack(forward.Reader, back.Writer, returnPath[split..], devices[^1].Name);
        if (split == returnPath.Length)
        {
            // Nothing to hold back: the destination closes at once.
            rest.Release();
        }

        // The source has read all that comes before the split and the rest waits for its last section: whatever deadline it
        // waits for next will pass with nothing arriving, so the clock jumps there rather than making the run wait it out.
        WatchedPipeReader? input = null;
        var clock = new JumpingClock(() => input!.IsStarved && rest.IsHeldForLong);
        input = new WatchedPipeReader(back.Reader, clock.TryJump);
        SessionOptions options = FuzzReturnPathOptions(rest.OnEvent, timeout ?? TimeSpan.FromSeconds(1), clock);
        var transport = SessionTransport.Create(input, forward.Writer);
        MigrationSessionException? failure = RunSession(
            () => new MigrationSource(devices, options).RunAsync(transport),
            transport,
            () => rest.WasPendingAtFailure);
        rest.Wait();
        return failure;
    }

    /// <summary>The source's options, on a clock that jumps over waits for what is held back.</summary>
    private static SessionOptions FuzzReturnPathOptions(Action<SessionEvent> events, TimeSpan timeout, TimeProvider clock) => new()
    {
        TimeProvider = clock,
        Timeout = timeout,
        SwitchoverAckTimeout = timeout,
        DataChunkSize = 1024,
        MaxMessageLength = 64 * 1024,
        MaxPrecopyRounds = 4,
        PrecopyThreshold = 1024,
        Events = events,
    };

    private static void WriteAndClose(PipeWriter writer, ReadOnlyMemory<byte> data)
    {
        writer.Write(data.Span);
        writer.Complete();
    }

    /// <summary>Runs one side to its end and returns its failure (<see langword="null"/> on success); throws on anything undocumented.</summary>
    private static MigrationSessionException? RunSession(Func<Task<MigrationResult>> start, SessionTransport transport, Func<bool>? heldBack = null)
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

        // Its peer closed (or holds back only what comes after the trailer): waiting out a timeout instead of seeing the
        // end of the connection is a hang.
        bool timedOut = failure.Kind is SessionErrorKind.PeerSilent or SessionErrorKind.SwitchoverAckTimeout;
        if (failure.Kind == SessionErrorKind.Cancelled || (timedOut && heldBack?.Invoke() != true))
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

    /// <summary>
    /// The part of a return path a destination sends only after the source's trailer: released when the forward stream
    /// grows after the last device's section was sent (the trailer follows it), together with the end of the connection.
    /// </summary>
    private sealed class HeldBack(PipeReader forward, PipeWriter back, ReadOnlyMemory<byte> rest, string lastDevice)
    {
        private readonly object _gate = new();
        private Task _release = Task.CompletedTask;
        private bool _armed;
        private bool _released;
        private bool _pendingAtFailure;

        /// <summary>
        /// Gets a value indicating whether the rest is still to come at a time the source has not yet sent its last section
        /// (so nothing can release it soon).
        /// </summary>
        public bool IsHeldForLong
        {
            get
            {
                lock (_gate)
                {
                    return !_released && !_armed;
                }
            }
        }

        /// <summary>Gets a value indicating whether the rest was still held back when the source failed.</summary>
        public bool WasPendingAtFailure
        {
            get
            {
                lock (_gate)
                {
                    return _pendingAtFailure;
                }
            }
        }

        /// <summary>Watches the source's events for the last device's section, and for its failure.</summary>
        public void OnEvent(SessionEvent sessionEvent)
        {
            if (sessionEvent.Kind == SessionEventKind.Failed)
            {
                lock (_gate)
                {
                    _pendingAtFailure = !_released;
                }

                return;
            }

            if (sessionEvent.Kind != SessionEventKind.Section || sessionEvent.Device != lastDevice)
            {
                return;
            }

            lock (_gate)
            {
                if (_armed)
                {
                    return;
                }

                _armed = true;
            }

            // The section is flushed: everything the source wrote so far is in the pipe. What arrives next is the trailer.
            while (forward.TryRead(out ReadResult read))
            {
                forward.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            _release = Task.Run(async () =>
            {
                try
                {
                    ReadResult next = await forward.ReadAsync().ConfigureAwait(false);
                    forward.AdvanceTo(next.Buffer.End);
                }
                catch (InvalidOperationException)
                {
                    // The source's side is gone; release anyway.
                }

                Release();
            });
        }

        /// <summary>Releases the rest if the source never got to its trailer, and waits for any release under way.</summary>
        public void Wait()
        {
            _release.GetAwaiter().GetResult();
            Release();
            forward.Complete();
        }

        /// <summary>Sends the rest and ends the connection (once).</summary>
        public void Release()
        {
            lock (_gate)
            {
                if (_released)
                {
                    return;
                }

                _released = true;
            }

            back.Write(rest.Span);
            back.Complete();
        }
    }
}
