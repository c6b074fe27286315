using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Net.Sockets;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using MigrationFormat.Samples;
using MigrationFormat.Session;
using MigrationFormat.Visitors;

namespace MigrationFormat.Benchmarks;

/// <summary>
/// An iterative device whose data is one large opaque blob (a VFIO device's state, a guest's memory region): the
/// source reads it from <see cref="Source"/>, the destination stages it into <see cref="Destination"/>, which becomes
/// current at the commit. No fields of its own.
/// </summary>
public sealed class BlobRegion(byte[] source, byte[] destination, bool switchoverAck = true) : IIterativeDevice
{
    public static readonly DeviceType DeviceType = new(
        "blob-region",
        "urn:migfmt:bench:blob-region",
        1,
        1,
        _ => new BlobRegion([], []),
        "Opaque region benchmark device");

    private long _sent;
    private long _received;

    public DeviceType Type => DeviceType;

    public int Version => 1;

    public bool SupportsSwitchoverAck => switchoverAck;

    public bool Committed { get; private set; }

    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
    }

    public void BeginSave() => _sent = 0;

    public PendingBytes QueryPending() => new(source.LongLength - _sent, 0);

    public int ReadSaveData(Span<byte> destination)
    {
        int count = (int)Math.Min(destination.Length, source.LongLength - _sent);
        source.AsSpan((int)_sent, count).CopyTo(destination);
        _sent += count;
        return count;
    }

    public void StopAndCopy()
    {
    }

    public void EndSave(bool migrated)
    {
    }

    public void BeginLoad()
    {
        _received = 0;
        Committed = false;
    }

    public void WriteLoadData(ReadOnlySpan<byte> data)
    {
        if (_received + data.Length > destination.LongLength)
        {
            throw new MigrationFormatException(MigrationErrorKind.LimitExceeded, "More data than the region holds.", _received);
        }

        data.CopyTo(destination.AsSpan((int)_received));
        _received += data.Length;
    }

    public void CompleteInitialData()
    {
        if (_received != destination.LongLength)
        {
            throw new MigrationFormatException(MigrationErrorKind.Truncated, "The region's initial data is incomplete.", _received);
        }
    }

    public void FinishLoad() => CompleteInitialData();

    public void EndLoad(bool commit) => Committed = commit;
}

/// <summary>A connected pair of Unix domain stream sockets.</summary>
public static class UnixSocketPair
{
    public static (Socket A, Socket B) Create()
    {
        string path = Path.Combine(Path.GetTempPath(), "migfmt-bench-" + Guid.NewGuid().ToString("N") + ".sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var a = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        a.Connect(new UnixDomainSocketEndPoint(path));
        Socket b = listener.Accept();
        File.Delete(path);
        return (a, b);
    }
}

/// <summary>
/// A migration session carrying the sample devices (the accelerator's 1 MiB in pre-copy) and a 1 GiB blob region over
/// a Unix socket, against copying the same number of bytes over the same kind of socket with no format at all (the
/// baseline: one send loop from the source array, one receive loop into the destination array).
/// </summary>
[MemoryDiagnoser]
public class SessionBenchmarks
{
    private const int BlobLength = 1 << 30;

    private byte[] _source = [];
    private byte[] _destination = [];
    private long _sessionBytes;
    private List<SessionDevice> _sourceDevices = [];
    private List<SessionDevice> _destinationDevices = [];

    /// <summary>Gets or sets the size of the transport's buffers (what one read from the socket can fill); the default unless set.</summary>
    public static int BufferSize { get; set; } = SessionTransport.DefaultBufferSize;

    /// <summary>Gets or sets whether the session negotiates CRC-32C checksums (each side sums every byte).</summary>
    [Params(false, true)]
    public bool Checksums { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _source = GC.AllocateUninitializedArray<byte>(BlobLength);
        _destination = GC.AllocateUninitializedArray<byte>(BlobLength);
        new Random(42).NextBytes(_source);

        // The devices are made once: an operation measures the session, not their construction (the destination's are
        // loaded over again each time, which is what a destination does).
        _sourceDevices = [.. SessionSamples.CreateSource(), new(new BlobRegion(_source, []))];
        _destinationDevices = [.. SessionSamples.CreateDestination(), new(new BlobRegion([], _destination))];
        _sessionBytes = Session().GetAwaiter().GetResult();
        if (!_source.AsSpan().SequenceEqual(_destination))
        {
            throw new InvalidOperationException("The session did not carry the blob.");
        }
    }

    /// <summary>Copies as many bytes as the session puts on the wire, from the source array to the destination array, over a Unix socket.</summary>
    [Benchmark(Baseline = true)]
    public async Task<long> RawUnixSocketCopy()
    {
        (Socket a, Socket b) = UnixSocketPair.Create();
        using (a)
        using (b)
        {
            long total = _sessionBytes;
            const int Chunk = 1 << 20;
            Task sending = Task.Run(async () =>
            {
                for (long sent = 0; sent < total;)
                {
                    int at = (int)(sent % BlobLength);
                    sent += await a.SendAsync(_source.AsMemory(at, (int)Math.Min(Chunk, Math.Min(total - sent, BlobLength - at))), SocketFlags.None);
                }
            });
            long received = 0;
            while (received < total)
            {
                int at = (int)(received % BlobLength);
                int n = await b.ReceiveAsync(_destination.AsMemory(at, (int)Math.Min(Chunk, Math.Min(total - received, BlobLength - at))), SocketFlags.None);
                if (n == 0)
                {
                    throw new IOException("The socket closed early.");
                }

                received += n;
            }

            await sending;
            return received;
        }
    }

    /// <summary>The whole session: negotiation, pre-copy of the accelerator and the blob, switchover, sections, commit.</summary>
    [Benchmark]
    public async Task<long> Session()
    {
        (Socket a, Socket b) = UnixSocketPair.Create();
        await using SessionTransport sourceEnd = SessionTransport.FromSocket(a, BufferSize);
        await using SessionTransport destinationEnd = SessionTransport.FromSocket(b, BufferSize);
        SessionOptions options = Options(Checksums);
        Task<MigrationResult> receiving = Task.Run(() => new MigrationDestination(_destinationDevices, options).RunAsync(destinationEnd));
        MigrationResult sent = await new MigrationSource(_sourceDevices, options).RunAsync(sourceEnd);
        await receiving;
        return sent.BytesSent;
    }

    internal static SessionOptions Options(bool checksums) => new()
    {
        Capabilities = checksums
            ? [new(SessionFormat.SwitchoverAckCapability), new(SessionFormat.IntegrityCapability)]
            : [new(SessionFormat.SwitchoverAckCapability)],
        DataChunkSize = ChunkSize,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Gets or sets the most bytes in one data message; the default (256 KiB) unless set.</summary>
    public static int ChunkSize { get; set; } = SessionOptions.DefaultDataChunkSize;
}

/// <summary>
/// Sections written with <see cref="MigrationPipeWriter.WriteDeviceAsync(IDeviceState, uint, System.Threading.CancellationToken)"/> and
/// read with <see cref="MigrationPipeReader.ReadSectionAsync"/> over a pipe, all loaded and committed together: the
/// bytes allocated per operation do not grow with the number of sections once the buffers are warm.
/// </summary>
[MemoryDiagnoser]
public class PipeSectionBenchmarks
{
    private readonly DeviceLoadBatch _batch = new();
    private readonly IDeviceState _source = SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType, 3);
    private readonly IDeviceState _target = Mc146818Rtc.DeviceType.Create(3);

    [Params(1000, 4000)]
    public int Sections { get; set; }

    [Benchmark]
    public async Task<int> WriteReadLoadCommit()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        using var writer = new MigrationPipeWriter(pipe.Writer);
        using var reader = new MigrationPipeReader(pipe.Reader, _batch);
        for (int i = 0; i < Sections; i++)
        {
            await writer.WriteDeviceAsync(_source);
            if (!await reader.ReadSectionAsync())
            {
                throw new InvalidOperationException("The trailer came early.");
            }

            reader.LoadSection(_target);
        }

        await writer.CompleteAsync();
        if (await reader.ReadSectionAsync())
        {
            throw new InvalidOperationException("A section came after the last.");
        }

        reader.Commit();
        return Sections;
    }
}

/// <summary>
/// The <c>session-alloc</c> console mode: bytes allocated per section and per data message in steady state, from the
/// difference between runs of different sizes (so that what a session allocates once cancels out).
/// </summary>
public static class SessionAlloc
{
    public static int Run()
    {
        var c = CultureInfo.InvariantCulture;
        var sections = new PipeSectionBenchmarks { Sections = 1000 };
        Measure(() => sections.WriteReadLoadCommit());
        long small = Measure(() => sections.WriteReadLoadCommit());
        sections.Sections = 5000;
        Measure(() => sections.WriteReadLoadCommit());
        long large = Measure(() => sections.WriteReadLoadCommit());
        double perSection = (large - small) / 4000.0;
        Console.WriteLine(string.Format(c, "sections: {0} B for 1000, {1} B for 5000: {2:F2} B per section", small, large, perSection));

        const int Chunk = 64 * 1024;
        long smallBlob = long.MaxValue, largeBlob = long.MaxValue;
        foreach (int mebibytes in new[] { 64, 256 })
        {
            byte[] from = new byte[mebibytes << 20];
            byte[] to = new byte[mebibytes << 20];
            Measure(() => Transfer(from, to));

            // Other threads (the pool's, timers) allocate now and then: the least of a few runs is the session's own.
            for (int i = 0; i < 3; i++)
            {
                long bytes = Measure(() => Transfer(from, to));
                (smallBlob, largeBlob) = mebibytes == 64 ? (Math.Min(smallBlob, bytes), largeBlob) : (smallBlob, Math.Min(largeBlob, bytes));
            }
        }

        double perChunk = (largeBlob - smallBlob) / (double)((256 - 64) * (1 << 20) / Chunk);
        Console.WriteLine(string.Format(
            c,
            "data: {0} B for a 64 MiB session, {1} B for 256 MiB: {2:F2} B per 64 KiB data message",
            smallBlob,
            largeBlob,
            perChunk));

        // Threads of the pool, timers and the runtime's socket operations allocate a few bytes now and then, in both runs;
        // an allocation per message would show as at least a few dozen bytes per message.
        return perSection < 1 && perChunk < 8 ? 0 : 1;
    }

    private static async Task Transfer(byte[] from, byte[] to)
    {
        (Socket a, Socket b) = UnixSocketPair.Create();
        await using SessionTransport sourceEnd = SessionTransport.FromSocket(a);
        await using SessionTransport destinationEnd = SessionTransport.FromSocket(b);
        SessionOptions options = new() { Capabilities = [], DataChunkSize = 64 * 1024, Timeout = TimeSpan.FromSeconds(60) };
        Task<MigrationResult> receiving = Task.Run(() => new MigrationDestination([new(new BlobRegion([], to))], options).RunAsync(destinationEnd));
        await new MigrationSource([new(new BlobRegion(from, []))], options).RunAsync(sourceEnd);
        await receiving;
    }

    private static long Measure(Func<Task> action)
    {
        GC.Collect();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        action().GetAwaiter().GetResult();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    private static long Measure(Func<Task<int>> action) => Measure(() => (Task)action());
}

/// <summary>
/// The <c>session-throughput</c> console mode: the raw socket copy and the session (without, then with checksums)
/// run alternately, pair after pair, so that a busy machine slows both sides of each pair alike; prints every pair, the
/// medians and the throughput ratio (raw time / session time).
/// </summary>
public static class SessionThroughput
{
    public static int Run(int pairs)
    {
        var c = CultureInfo.InvariantCulture;
        var failed = false;
        foreach (bool checksums in new[] { false, true })
        {
            var bench = new SessionBenchmarks { Checksums = checksums };
            bench.Setup();
            var raw = new List<double>();
            var session = new List<double>();
            var ratios = new List<double>();
            for (int i = 0; i < pairs; i++)
            {
                // Alternate which goes first, so that neither always runs on a warmer or colder machine.
                double first = Time(i % 2 == 0 ? bench.RawUnixSocketCopy : bench.Session);
                double second = Time(i % 2 == 0 ? bench.Session : bench.RawUnixSocketCopy);
                (double r, double s) = i % 2 == 0 ? (first, second) : (second, first);
                raw.Add(r);
                session.Add(s);
                ratios.Add(r / s);
                Console.WriteLine(string.Format(c, "checksums {0}, pair {1}: raw {2:F1} ms, session {3:F1} ms, ratio {4:F2}", checksums, i + 1, r, s, r / s));
            }

            double bytes = bench.Session().GetAwaiter().GetResult();
            double rawMedian = Median(raw), sessionMedian = Median(session), ratio = Median(ratios);
            Console.WriteLine(string.Format(
                c,
                "checksums {0}: {1:F0} bytes; raw median {2:F1} ms ({3:F2} GB/s), session median {4:F1} ms ({5:F2} GB/s); median pair ratio {6:F2}",
                checksums,
                bytes,
                rawMedian,
                bytes / rawMedian / 1e6,
                sessionMedian,
                bytes / sessionMedian / 1e6,
                ratio));
            Console.WriteLine(string.Format(
                c,
                "checksums {0}: least times raw {1:F1} ms, session {2:F1} ms; ratio of the least times {3:F2}",
                checksums,
                raw.Min(),
                session.Min(),
                raw.Min() / session.Min()));
            failed |= !checksums && ratio < 0.8;
        }

        return failed ? 1 : 0;
    }

    private static double Time(Func<Task<long>> action)
    {
        var watch = Stopwatch.StartNew();
        action().GetAwaiter().GetResult();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = new List<double>(values);
        sorted.Sort();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
