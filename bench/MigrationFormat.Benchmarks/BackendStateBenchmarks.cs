using System;
using System.IO;
using System.Net.Sockets;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using MigrationFormat.DeviceState.Linux;
using MigrationFormat.DeviceState.VhostUser;
using MigrationFormat.Visitors;

namespace MigrationFormat.Benchmarks;

/// <summary>
/// A vhost-user back-end's state through the pipe and into the migration stream, against a plain copy of the same
/// bytes through a pipe of the same size, in the same run. The back-end is the library's (<see cref="VhostUserBackEnd"/>
/// on its own thread, over a real Unix socket), writing <see cref="StateBytes"/> bytes of opaque state in 1 MiB
/// writes, as the baseline's writer does.
/// </summary>
[MemoryDiagnoser]
public class BackendStateBenchmarks
{
    public const int StateBytes = 64 * 1024 * 1024;
    private const int PipeCapacity = 1024 * 1024;
    private const int WriteSize = 1024 * 1024;
    private static readonly byte[] State = CreateState();

    private readonly byte[] _readBuffer = new byte[WriteSize];
    private VhostUserFrontEnd _frontEnd = null!;
    private Task _serving = null!;
    private string _socketPath = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _socketPath = Path.Combine(Path.GetTempPath(), "migfmt-bench-" + Guid.NewGuid().ToString("N") + ".sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(_socketPath));
        listener.Listen(1);
        _frontEnd = VhostUserFrontEnd.Connect(_socketPath);
        _frontEnd.PipeCapacity = PipeCapacity;
        Socket accepted = listener.Accept();
        File.Delete(_socketPath);
        var backEnd = new VhostUserBackEnd(new RawStateHandler());
        _serving = Task.Run(() =>
        {
            using var connection = new VhostUserConnection(new UnixFdSocket(accepted));
            backEnd.Serve(connection);
        });
        _frontEnd.Negotiate();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _frontEnd.Dispose();
        _serving.Wait();
    }

    /// <summary>The floor: the same bytes written into a pipe by one thread and read out by another, nothing else.</summary>
    [Benchmark(Baseline = true)]
    public long PlainPipeCopy()
    {
        using LinuxPipe pipe = LinuxPipe.Create(PipeCapacity);
        FileStream write = LinuxPipe.OpenStream(pipe.WriteEnd, FileAccess.Write);
        Task writer = Task.Run(() =>
        {
            using (write)
            {
                WriteState(write);
            }
        });
        long total = 0;
        using (FileStream read = LinuxPipe.OpenStream(pipe.ReadEnd, FileAccess.Read))
        {
            int n;
            while ((n = read.Read(_readBuffer, 0, _readBuffer.Length)) > 0)
            {
                total += n;
            }
        }

        writer.Wait();
        return total;
    }

    /// <summary>
    /// SET_DEVICE_STATE_FD, the state read from the pipe into a BER stream's blob segments of 1 MiB (the back-end's write size), CHECK_DEVICE_STATE.
    /// </summary>
    [Benchmark]
    public long IntoBerStream()
    {
        var device = new VhostUserFrontEndDevice(_frontEnd);
        using (var writer = new MigrationStreamWriter(Stream.Null, new MigrationStreamWriterOptions { BlobSegmentSize = WriteSize }))
        {
            writer.WriteDevice(device);
            writer.Complete();
        }

        return device.Blob.BytesMoved;
    }

    /// <summary>As <see cref="IntoBerStream"/>, with the writer's default blob segments (64 KiB).</summary>
    [Benchmark]
    public long IntoBerStreamDefaultSegments()
    {
        var device = new VhostUserFrontEndDevice(_frontEnd);
        using (var writer = new MigrationStreamWriter(Stream.Null))
        {
            writer.WriteDevice(device);
            writer.Complete();
        }

        return device.Blob.BytesMoved;
    }

    /// <summary>SET_DEVICE_STATE_FD, the state read from the pipe into QEMU's be32-length chunks, CHECK_DEVICE_STATE.</summary>
    [Benchmark]
    public long IntoQemuChunks()
    {
        long total;
        using (Stream pipe = _frontEnd.BeginSave())
        {
            total = QemuChunkFraming.WriteChunks(pipe, Stream.Null);
        }

        _frontEnd.CheckDeviceState();
        return total;
    }

    private static void WriteState(Stream destination)
    {
        for (int offset = 0; offset < State.Length; offset += WriteSize)
        {
            destination.Write(State, offset, WriteSize);
        }
    }

    private static byte[] CreateState()
    {
        byte[] state = new byte[StateBytes];
        new Random(42).NextBytes(state);
        return state;
    }

    /// <summary>A back-end whose state is the opaque bytes themselves, written as the baseline writes them.</summary>
    private sealed class RawStateHandler : IVhostUserStateHandler
    {
        public void SaveState(Stream destination) => WriteState(destination);

        public void LoadState(Stream source) => source.CopyTo(Stream.Null);
    }
}
