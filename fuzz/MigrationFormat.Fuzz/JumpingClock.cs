using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace MigrationFormat.Fuzz;

/// <summary>
/// A clock that runs with the system's, except that it can jump ahead: when whoever drives it knows that nothing but
/// time can change what a waiting session sees (its peer has sent all it will send until the session acts), it moves
/// the clock to the next one-shot deadline, so that the wait ends at once instead of after the real timeout. Without
/// jumps it behaves like <see cref="TimeProvider.System"/>.
/// </summary>
internal sealed class JumpingClock : TimeProvider
{
    private readonly object _gate = new();
    private readonly HashSet<JumpingTimer> _timers = [];
    private readonly Func<bool> _mayJump;
    private long _offset;

    /// <param name="mayJump">Says whether a jump is safe now: asked under the clock's lock, so it must not call back into the clock.</param>
    public JumpingClock(Func<bool> mayJump) => _mayJump = mayJump;

    /// <summary>Gets how many times the clock jumped.</summary>
    public int Jumps { get; private set; }

    public override long TimestampFrequency => Stopwatch.Frequency;

    public override long GetTimestamp() => Stopwatch.GetTimestamp() + Volatile.Read(ref _offset);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromSeconds(Volatile.Read(ref _offset) / (double)Stopwatch.Frequency);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new JumpingTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Jumps to the earliest one-shot deadline, if <c>mayJump</c> allows it now; every timer due by then fires.</summary>
    public void TryJump()
    {
        lock (_gate)
        {
            if (!_mayJump())
            {
                return;
            }

            long next = long.MaxValue;
            foreach (JumpingTimer timer in _timers)
            {
                if (timer.IsOneShot && timer.DueAt < next)
                {
                    next = timer.DueAt;
                }
            }

            long now = GetTimestamp();
            if (next == long.MaxValue || next <= now)
            {
                return;
            }

            _offset += next - now;
            Jumps++;
            foreach (JumpingTimer timer in _timers)
            {
                timer.Schedule(next);
            }
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>A timer whose deadline is on the jumping clock; a system timer wakes it when the deadline may have come.</summary>
    private sealed class JumpingTimer : ITimer
    {
        private readonly JumpingClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private readonly Timer _wake;
        private long _period;
        private bool _disposed;

        public JumpingTimer(JumpingClock clock, TimerCallback callback, object? state)
        {
            _clock = clock;
            _callback = callback;
            _state = state;
            _wake = new Timer(static self => ((JumpingTimer)self!).Wake(), this, Timeout.Infinite, Timeout.Infinite);
        }

        /// <summary>Gets when it fires next on the clock (<see cref="long.MaxValue"/>: never).</summary>
        public long DueAt { get; private set; } = long.MaxValue;

        public bool IsOneShot => _period == 0 && DueAt != long.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            bool oneShot;
            lock (_clock._gate)
            {
                if (_disposed)
                {
                    return false;
                }

                long now = _clock.GetTimestamp();
                _period = period == Timeout.InfiniteTimeSpan ? 0 : Ticks(period);
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : now + Ticks(dueTime);
                _clock._timers.Add(this);
                Schedule(now);
                oneShot = IsOneShot;
            }

            if (oneShot)
            {
                _clock.TryJump();
            }

            return true;
        }

        /// <summary>Sets the system timer to the time left until the deadline, seen from <paramref name="now"/>. Called under the clock's lock.</summary>
        public void Schedule(long now)
        {
            if (DueAt == long.MaxValue)
            {
                _wake.Change(Timeout.Infinite, Timeout.Infinite);
                return;
            }

            long left = Math.Max(0, DueAt - now);
            _wake.Change((long)Math.Ceiling(left * 1000.0 / Stopwatch.Frequency), Timeout.Infinite);
        }

        public void Dispose()
        {
            lock (_clock._gate)
            {
                _disposed = true;
                _clock._timers.Remove(this);
                _wake.Dispose();
            }
        }

        public System.Threading.Tasks.ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }

        private void Wake()
        {
            lock (_clock._gate)
            {
                long now = _clock.GetTimestamp();
                if (_disposed || DueAt == long.MaxValue)
                {
                    return;
                }

                if (DueAt > now)
                {
                    Schedule(now);
                    return;
                }

                DueAt = _period == 0 ? long.MaxValue : now + _period;
                Schedule(now);
            }

            _callback(_state);
        }
    }
}
