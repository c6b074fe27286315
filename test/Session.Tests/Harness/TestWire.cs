using System.Buffers;
using System.IO.Pipelines;

namespace MigrationFormat.Session.Tests;

/// <summary>Where a <see cref="TestWire"/> breaks the connection: after <see cref="Offset"/> bytes in one direction.</summary>
/// <param name="Forward">True for the source-to-destination direction, false for the return path.</param>
/// <param name="Offset">How many bytes of that direction get through.</param>
internal sealed record Cut(bool Forward, long Offset)
{
    public override string ToString() => $"{(Forward ? "forward" : "return")}@{Offset}";
}

/// <summary>Bytes a <see cref="TestWire"/> slips into one direction after <see cref="Offset"/> bytes of it.</summary>
internal sealed record Injection(bool Forward, long Offset, byte[] Bytes);

/// <summary>
/// A connection between a source and a destination in memory that records every byte each way and can break: once
/// the direction named by the cut has carried its bytes and more arrive, both directions end at once, as when a
/// connection is reset (the peers see the end of their input, and their writes fail).
/// </summary>
internal sealed class TestWire : IDisposable
{
    private readonly Pipe _sourceOut = NewPipe();
    private readonly Pipe _destinationIn = NewPipe();
    private readonly Pipe _destinationOut = NewPipe();
    private readonly Pipe _sourceIn = NewPipe();
    private readonly CancellationTokenSource _broken = new();
    private readonly ArrayBufferWriter<byte> _forward = new();
    private readonly ArrayBufferWriter<byte> _backward = new();
    private readonly Task _pumps;

    public TestWire(Cut? cut = null, Injection? injection = null)
    {
        Cut = cut;
        Source = SessionTransport.Create(_sourceIn.Reader, _sourceOut.Writer);
        Destination = SessionTransport.Create(_destinationIn.Reader, _destinationOut.Writer);
        _pumps = Task.WhenAll(
            Task.Run(() => PumpAsync(
                _sourceOut.Reader,
                _destinationIn.Writer,
                _forward,
                cut is { Forward: true } ? cut.Offset : long.MaxValue,
                injection is { Forward: true } ? injection : null)),
            Task.Run(() => PumpAsync(
                _destinationOut.Reader,
                _sourceIn.Writer,
                _backward,
                cut is { Forward: false } ? cut.Offset : long.MaxValue,
                injection is { Forward: false } ? injection : null)));
    }

    public Cut? Cut { get; }

    public SessionTransport Source { get; }

    public SessionTransport Destination { get; }

    /// <summary>Gets a value indicating whether the connection broke.</summary>
    public bool Broke => _broken.IsCancellationRequested;

    /// <summary>Gets the bytes the destination received.</summary>
    public byte[] Forward
    {
        get
        {
            lock (_forward)
            {
                return _forward.WrittenSpan.ToArray();
            }
        }
    }

    /// <summary>Gets the bytes the source received on the return path.</summary>
    public byte[] Backward
    {
        get
        {
            lock (_backward)
            {
                return _backward.WrittenSpan.ToArray();
            }
        }
    }

    /// <summary>Waits until both directions have ended (the peers completed their output, or the wire broke).</summary>
    public Task Drained => _pumps;

    public void Dispose() => _broken.Dispose();

    private static Pipe NewPipe() => new(new PipeOptions(pauseWriterThreshold: 64L << 20, resumeWriterThreshold: 32L << 20, useSynchronizationContext: false));

    private async Task PumpAsync(PipeReader from, PipeWriter to, ArrayBufferWriter<byte> record, long limit, Injection? injection)
    {
        long passed = 0;
        bool injected = injection is null;
        try
        {
            while (true)
            {
                ReadResult result = await from.ReadAsync(_broken.Token);
                ReadOnlySequence<byte> buffer = result.Buffer;
                long allowed = limit - passed;
                ReadOnlySequence<byte> through = buffer.Length <= allowed ? buffer : buffer.Slice(0, allowed);
                if (!injected && passed + through.Length >= injection!.Offset)
                {
                    long before = injection.Offset - passed;
                    await ForwardAsync(through.Slice(0, before), to, record);
                    await ForwardAsync(new ReadOnlySequence<byte>(injection.Bytes), to, record);
                    await ForwardAsync(through.Slice(before), to, record);
                    injected = true;
                }
                else
                {
                    await ForwardAsync(through, to, record);
                }

                // The buffer is the pipe's until AdvanceTo; nothing about it may be read afterwards.
                bool cut = through.Length < buffer.Length;
                passed += through.Length;
                from.AdvanceTo(buffer.End);
                if (cut)
                {
                    await _broken.CancelAsync();
                    break;
                }

                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The other direction broke the wire.
        }

        await to.CompleteAsync();
        await from.CompleteAsync();
    }

    private static async Task ForwardAsync(ReadOnlySequence<byte> bytes, PipeWriter to, ArrayBufferWriter<byte> record)
    {
        foreach (ReadOnlyMemory<byte> segment in bytes)
        {
            lock (record)
            {
                record.Write(segment.Span);
            }

            await to.WriteAsync(segment);
        }
    }
}
