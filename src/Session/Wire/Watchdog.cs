using System;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Threading;

namespace MigrationFormat.Session;

/// <summary>
/// Bounds every wait of one side of a session on its peer: a timer looks at the wait in progress (for bytes to
/// arrive, for room to send) and, when one lasts longer than the timeout, records why and cancels the session's token,
/// so that the awaiting code ends with that reason. The first failure recorded wins; later ones are consequences.
/// </summary>
internal sealed class Watchdog : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly CancellationTokenRegistration _userRegistration;
    private readonly ITimer _timer;
    private readonly TimeProvider _clock;
    private readonly long _limit;
    private readonly TimeSpan _timeout;
    private readonly string _peer;
    private long _receivingSince;
    private long _sendingSince;
    private MigrationSessionException? _failure;
    private volatile string? _device;
    private int _phase;

    public Watchdog(TimeSpan timeout, string peer, TimeProvider clock, CancellationToken cancellation)
    {
        _timeout = timeout;
        _peer = peer;
        _clock = clock;
        _limit = (long)(timeout.TotalSeconds * clock.TimestampFrequency);
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        _userRegistration = cancellation.Register(
            static state => ((Watchdog)state!).Fail(SessionErrorKind.Cancelled, null, "the session was cancelled"),
            this);
        TimeSpan period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 8, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _timer = clock.CreateTimer(static state => ((Watchdog)state!).Tick(), this, period, period);
    }

    /// <summary>Gets the token every wait of the session observes.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Gets or sets the phase failures are reported in.</summary>
    public SessionPhase Phase
    {
        get => (SessionPhase)Volatile.Read(ref _phase);
        set => Volatile.Write(ref _phase, (int)value);
    }

    /// <summary>Gets or sets the device failures are reported for, or <see langword="null"/>.</summary>
    public string? Device
    {
        get => _device;
        set => _device = value;
    }

    /// <summary>Gets or sets what names the message a timed-out wait was inside (device, message), when it was inside one.</summary>
    public Func<(string? Device, string? Message)>? DescribeWait { get; set; }

    /// <summary>Gets the first failure recorded, or <see langword="null"/>.</summary>
    public MigrationSessionException? Failure => Volatile.Read(ref _failure);

    /// <summary>Gets the timeout.</summary>
    public TimeSpan Timeout => _timeout;

    public void BeginReceive() => Volatile.Write(ref _receivingSince, _clock.GetTimestamp());

    public void EndReceive() => Volatile.Write(ref _receivingSince, 0);

    public void BeginSend() => Volatile.Write(ref _sendingSince, _clock.GetTimestamp());

    public void EndSend() => Volatile.Write(ref _sendingSince, 0);

    /// <summary>Records a failure (unless one is recorded already) and cancels every wait.</summary>
    public MigrationSessionException Fail(MigrationSessionException failure)
    {
        MigrationSessionException? first = Interlocked.CompareExchange(ref _failure, failure, null);
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session has ended; nothing waits any more.
        }

        return first ?? failure;
    }

    public MigrationSessionException Fail(SessionErrorKind kind, string? device, string detail, Exception? inner = null) =>
        Fail(new MigrationSessionException(kind, Phase, device ?? Device, detail, inner));

    /// <summary>Says what <paramref name="exception"/>, caught while the session ran, means for it: the recorded failure when there is one.</summary>
    public MigrationSessionException Translate(Exception exception)
    {
        if (Failure is { } failure)
        {
            return failure;
        }

        MigrationSessionException translated = exception switch
        {
            MigrationSessionException session => session,
            MigrationFormatException format when format.Kind == MigrationErrorKind.Truncated =>
                new(SessionErrorKind.PeerClosed, Phase, Device, $"the {_peer} closed the connection inside a message: {format.Message}", format),
            MigrationFormatException format when format.Kind == MigrationErrorKind.IntegrityCheckFailed =>
                new(SessionErrorKind.IntegrityCheckFailed, Phase, Device, format.Message, format),
            MigrationFormatException format => new(
                SessionErrorKind.MalformedMessage,
                Phase,
                Device,
                $"the {_peer} sent a malformed message: {format.Message}",
                format),
            OperationCanceledException => new(SessionErrorKind.Cancelled, Phase, Device, "the session was cancelled", exception),
            IOException or SocketException or ObjectDisposedException =>
                new(SessionErrorKind.PeerClosed, Phase, Device, $"the connection to the {_peer} broke: {exception.Message}", exception),
            _ => new(SessionErrorKind.DeviceFailed, Phase, Device, $"{exception.GetType().Name}: {exception.Message}", exception),
        };
        return Fail(translated);
    }

    public void Dispose()
    {
        _timer.Dispose();
        _userRegistration.Dispose();
        _cts.Dispose();
    }

    private void Tick()
    {
        long now = _clock.GetTimestamp();
        long receiving = Volatile.Read(ref _receivingSince);
        long sending = Volatile.Read(ref _sendingSince);
        string limit = _timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        if (receiving != 0 && now - receiving > _limit)
        {
            (string? device, string? inside) = DescribeWait?.Invoke() ?? default;
            Fail(
                SessionErrorKind.PeerSilent,
                device,
                $"nothing arrived from the {_peer} for {limit} s{(inside is null ? string.Empty : ", inside " + inside)}");
        }
        else if (sending != 0 && now - sending > _limit)
        {
            Fail(SessionErrorKind.PeerSilent, null, $"the {_peer} took nothing sent to it for {limit} s");
        }
    }
}
