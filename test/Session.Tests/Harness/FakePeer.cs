using System.Buffers;
using System.IO.Pipelines;

namespace MigrationFormat.Session.Tests;

/// <summary>
/// A peer that is not a session: it writes bytes it was given (a recording, altered or cut short), reads and drops
/// whatever it is sent unless told to stop reading, and leaves the connection open until the test ends, as a hung
/// process would.
/// </summary>
internal sealed class FakePeer : IAsyncDisposable
{
    private readonly SessionTransport _transport;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _draining;

    private FakePeer(SessionTransport transport, bool read)
    {
        _transport = transport;
        _draining = read ? Task.Run(DrainAsync) : Task.CompletedTask;
    }

    /// <summary>Writes <paramref name="bytes"/> on <paramref name="transport"/> and then stays silent (or closes, when <paramref name="close"/>).</summary>
    public static async Task<FakePeer> StartAsync(SessionTransport transport, byte[] bytes, bool close = false, bool read = true)
    {
        var peer = new FakePeer(transport, read);
        await transport.Output!.WriteAsync(bytes);
        if (close)
        {
            await transport.Output.CompleteAsync();
        }

        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _draining;
        await _transport.DisposeAsync();
        _stop.Dispose();
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                ReadResult result = await _transport.Input!.ReadAsync(_stop.Token);
                _transport.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The test is over.
        }
    }
}

/// <summary>Recordings of a real session, to replay whole, in part, or altered.</summary>
internal static class Recording
{
    private static readonly Lazy<Task<MigrationRun>> Reference = new(() =>
        Migration.RunAsync(FaultMatrixTests.Source(), FaultMatrixTests.Destination(), FaultMatrixTests.Options(), FaultMatrixTests.Options()));

    /// <summary>Gets a completed run of the fault matrix's devices, recorded both ways.</summary>
    public static async Task<MigrationRun> GetAsync()
    {
        MigrationRun run = await Reference.Value;
        Assert.True(run.Destination.Completed, run.Destination.ToString());
        return run;
    }

    /// <summary>The recorded bytes up to the end of the first element <paramref name="until"/> accepts (inclusive), or up to its middle.</summary>
    public static byte[] Prefix(byte[] stream, Func<Element, bool> until, bool middle = false)
    {
        Element element = Elements.Split(stream).First(until);
        long end = middle ? element.Offset + (element.Length / 2) : element.End;
        return stream.AsSpan(0, (int)end).ToArray();
    }

    /// <summary>A message with <paramref name="tag"/> and the contents <paramref name="contents"/>.</summary>
    public static byte[] Message(Ber.BerTag tag, params byte[] contents)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new Ber.BerWriter(output);
        writer.PushConstructed(tag);
        writer.WriteRaw(contents);
        writer.PopConstructed();
        writer.Dispose();
        return output.WrittenSpan.ToArray();
    }
}
