using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using MigrationFormat.Ber;

namespace MigrationFormat.Session;

/// <summary>
/// One side's outgoing byte stream: an <see cref="IBufferWriter{T}"/> over a <see cref="PipeWriter"/> that counts what
/// it is given and, once checksums are in force, keeps the running CRC-32C of everything written since the start.
/// Flushes are bounded by the session's watchdog and report a peer that stopped reading.
/// </summary>
internal sealed class MessageWriter : IBufferWriter<byte>
{
    private readonly PipeWriter _pipe;
    private readonly Watchdog? _watchdog;
    private Memory<byte> _last;
    private uint _checksum = Crc32C.Initial;
    private long _position;

    public MessageWriter(PipeWriter pipe, Watchdog? watchdog)
    {
        _pipe = pipe;
        _watchdog = watchdog;
    }

    /// <summary>Gets or sets a value indicating whether written bytes feed the stream checksum; it sums from the start regardless.</summary>
    public bool Summing { get; set; } = true;

    /// <summary>Gets the number of bytes written.</summary>
    public long Position => _position;

    /// <summary>Gets the running CRC-32C state of every byte written (pass it to <see cref="Crc32C.Finish"/>).</summary>
    public uint ChecksumState => _checksum;

    public void Advance(int count)
    {
        if (Summing)
        {
            _checksum = Crc32C.Append(_checksum, _last.Span.Slice(0, count));
        }

        _pipe.Advance(count);
        _position += count;
        _last = default;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _last = _pipe.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => (_last = _pipe.GetMemory(sizeHint)).Span;

    /// <summary>Writes raw bytes.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            Span<byte> span = GetSpan(Math.Min(bytes.Length, 64 * 1024));
            int count = Math.Min(span.Length, bytes.Length);
            bytes.Slice(0, count).CopyTo(span);
            Advance(count);
            bytes = bytes.Slice(count);
        }
    }

    /// <summary>Hands everything written to the transport, waiting (within the timeout) while the peer is slow to take it.</summary>
    /// <exception cref="IOException">The peer stopped reading.</exception>
    /// <exception cref="OperationCanceledException">The session was cancelled, or the watchdog gave up.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FlushAsync(CancellationToken cancellation)
    {
        _watchdog?.BeginSend();
        FlushResult result;
        try
        {
            result = await _pipe.FlushAsync(cancellation).ConfigureAwait(false);
        }
        finally
        {
            _watchdog?.EndSend();
        }

        if (result.IsCanceled)
        {
            throw new OperationCanceledException(cancellation);
        }

        if (result.IsCompleted)
        {
            throw new IOException("The peer stopped reading.");
        }
    }

    /// <summary>Completes the pipe: nothing more will be written.</summary>
    public ValueTask CompleteAsync(Exception? exception = null) => _pipe.CompleteAsync(exception);
}
