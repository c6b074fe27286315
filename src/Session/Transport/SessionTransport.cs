using System;
using System.IO;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace MigrationFormat.Session;

/// <summary>
/// The byte pipes a session runs over: <see cref="Input"/> from the peer and <see cref="Output"/> to it. A duplex
/// transport (a connected socket, a duplex stream, a pair of pipes) has both and carries a return path; a one-way
/// transport (a file) has one. Adapters use <see cref="PipeReader.Create(Stream, StreamPipeReaderOptions?)"/> and
/// <see cref="PipeWriter.Create(Stream, StreamPipeWriterOptions?)"/>.
/// </summary>
public sealed class SessionTransport : IAsyncDisposable
{
    /// <summary>
    /// The size of the buffers the stream adapters read into and write from: 1 MiB, so that one system call moves as
    /// much as a socket holds (measured in bench/: 256 KiB cost a tenth of the throughput of a 1 GiB session).
    /// </summary>
    public const int DefaultBufferSize = 1024 * 1024;

    private readonly Socket? _socket;
    private readonly Stream? _stream;
    private bool _outputClosed;

    private SessionTransport(PipeReader? input, PipeWriter? output, Socket? socket, Stream? stream)
    {
        Input = input;
        Output = output;
        _socket = socket;
        _stream = stream;
    }

    /// <summary>Gets the bytes from the peer, or <see langword="null"/> on a one-way transport that only writes.</summary>
    public PipeReader? Input { get; }

    /// <summary>Gets the bytes to the peer, or <see langword="null"/> on a one-way transport that only reads.</summary>
    public PipeWriter? Output { get; }

    /// <summary>Gets a value indicating whether the transport carries both directions (a return path).</summary>
    public bool IsDuplex => Input is not null && Output is not null;

    /// <summary>Creates a duplex transport over a pair of pipes; disposing it completes both.</summary>
    /// <param name="input">The bytes from the peer.</param>
    /// <param name="output">The bytes to the peer.</param>
    /// <returns>The transport.</returns>
    public static SessionTransport Create(PipeReader input, PipeWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        return new SessionTransport(input, output, null, null);
    }

    /// <summary>Creates a duplex transport over a connected stream socket (Unix domain or TCP); disposing it closes the socket.</summary>
    /// <param name="socket">The connected socket; the transport owns it.</param>
    /// <param name="bufferSize">The size of the adapters' buffers.</param>
    /// <returns>The transport.</returns>
    public static SessionTransport FromSocket(Socket socket, int bufferSize = DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (socket.ProtocolType == ProtocolType.Tcp)
        {
            // Messages are small and answered: do not hold them back to fill a segment.
            socket.NoDelay = true;
        }

        var stream = new NetworkStream(socket, ownsSocket: false);
        return new SessionTransport(CreateReader(stream, bufferSize), CreateWriter(stream, bufferSize), socket, stream);
    }

    /// <summary>Creates a duplex transport over a stream that reads and writes (a pipe's stream, an SSL stream); disposing it disposes the stream.</summary>
    /// <param name="stream">The stream; the transport owns it.</param>
    /// <param name="bufferSize">The size of the adapters' buffers.</param>
    /// <returns>The transport.</returns>
    public static SessionTransport FromStream(Stream stream, int bufferSize = DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new SessionTransport(CreateReader(stream, bufferSize), CreateWriter(stream, bufferSize), null, stream);
    }

    /// <summary>Creates a one-way transport that writes a session to a stream (a file); there is no return path.</summary>
    /// <param name="stream">The stream; the transport owns it.</param>
    /// <param name="bufferSize">The size of the adapter's buffers.</param>
    /// <returns>The transport.</returns>
    public static SessionTransport ForWriting(Stream stream, int bufferSize = DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new SessionTransport(null, CreateWriter(stream, bufferSize), null, stream);
    }

    /// <summary>Creates a one-way transport that reads a session from a stream (a file written one-way).</summary>
    /// <param name="stream">The stream; the transport owns it.</param>
    /// <param name="bufferSize">The size of the adapter's buffers.</param>
    /// <returns>The transport.</returns>
    public static SessionTransport ForReading(Stream stream, int bufferSize = DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new SessionTransport(CreateReader(stream, bufferSize), null, null, stream);
    }

    /// <summary>
    /// Creates two connected transports in memory, source and destination, over two pipes. A writer pauses once
    /// <paramref name="pauseThreshold"/> bytes wait unread, which must exceed the longest message.
    /// </summary>
    /// <param name="pauseThreshold">Bytes in flight before a writer waits.</param>
    /// <returns>The source's and the destination's ends.</returns>
    public static (SessionTransport Source, SessionTransport Destination) CreatePair(long pauseThreshold = 4 * SessionOptions.DefaultMaxMessageLength)
    {
        var options = new PipeOptions(pauseWriterThreshold: pauseThreshold, resumeWriterThreshold: pauseThreshold / 2, useSynchronizationContext: false);
        var forward = new Pipe(options);
        var back = new Pipe(options);
        return (Create(back.Reader, forward.Writer), Create(forward.Reader, back.Writer));
    }

    /// <summary>
    /// Says that this side will write nothing more: the output pipe is completed and, on a socket, the sending
    /// direction is shut down so that the peer reads the end at once.
    /// </summary>
    /// <returns>A task that completes when the output is closed.</returns>
    public async ValueTask CloseOutputAsync()
    {
        if (Output is null || _outputClosed)
        {
            return;
        }

        _outputClosed = true;
        try
        {
            await Output.CompleteAsync().ConfigureAwait(false);
            _socket?.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
        {
            // The peer is gone already; closing our side is all that was asked.
        }
    }

    /// <summary>Completes both pipes and releases the socket or stream.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Input is not null)
        {
            await Input.CompleteAsync().ConfigureAwait(false);
        }

        if (Output is not null && !_outputClosed)
        {
            _outputClosed = true;
            try
            {
                await Output.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
            {
                // Flushing the last bytes to a peer that is gone fails; they had nowhere to go.
            }
        }

        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        _socket?.Dispose();
    }

    private static PipeReader CreateReader(Stream stream, int bufferSize) =>
        PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: bufferSize, minimumReadSize: Math.Min(bufferSize, 16 * 1024), leaveOpen: true));

    private static PipeWriter CreateWriter(Stream stream, int bufferSize) =>
        PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: bufferSize, leaveOpen: true));
}
