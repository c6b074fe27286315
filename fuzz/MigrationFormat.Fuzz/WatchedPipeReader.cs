using System;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;

namespace MigrationFormat.Fuzz;

/// <summary>
/// A pipe reader that knows when its consumer has read everything there is: it waits for bytes that are not there, or
/// has seen the end. A harness whose writer wrote all it will write until the consumer acts uses this to tell that the
/// consumer's side can only wait.
/// </summary>
internal sealed class WatchedPipeReader(PipeReader inner, Action onStarved) : PipeReader
{
    private volatile bool _waiting;
    private volatile bool _ended;

    /// <summary>Gets a value indicating whether the consumer waits for bytes, or has seen the end (or stopped reading).</summary>
    public bool IsStarved => _waiting || _ended;

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null)
    {
        _ended = true;
        inner.Complete(exception);
        onStarved();
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ValueTask<ReadResult> read = inner.ReadAsync(cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            Note(read.Result);
            return read;
        }

        return WaitAsync(read);
    }

    public override bool TryRead(out ReadResult result)
    {
        bool read = inner.TryRead(out result);
        if (read)
        {
            Note(result);
        }

        return read;
    }

    private async ValueTask<ReadResult> WaitAsync(ValueTask<ReadResult> read)
    {
        _waiting = true;
        onStarved();
        try
        {
            ReadResult result = await read.ConfigureAwait(false);
            Note(result);
            return result;
        }
        finally
        {
            _waiting = false;
        }
    }

    private void Note(ReadResult result)
    {
        if (result.IsCompleted)
        {
            _ended = true;
            onStarved();
        }
    }
}
