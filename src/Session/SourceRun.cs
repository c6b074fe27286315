using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using MigrationFormat.Visitors;

namespace MigrationFormat.Session;

/// <summary>
/// One run of a <see cref="MigrationSource"/> (docs/protocol.md, source state machine). The main task writes the
/// stream; a second task reads the return path and records what arrives (answer, acknowledgements, pongs, the commit,
/// an error), waking the main task; any failure on either is recorded by the watchdog, which cancels the other.
/// </summary>
internal sealed class SourceRun : IDisposable
{
    private readonly IReadOnlyList<SessionDevice> _devices;
    private readonly SessionOptions _options;
    private readonly SessionTransport _transport;
    private readonly Watchdog _watchdog;
    private readonly MessageWriter _writer;
    private readonly SectionCodec _sections = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _returnPathStop = new();
    private readonly bool _duplex;
    private readonly TimeProvider _clock;
    private readonly long _start;

    private List<DeviceOffer> _offers = [];
    private readonly HashSet<string> _offered = new(StringComparer.Ordinal);
    private SessionAnswer? _answer;
    private bool[] _deviceAcked = [];
    private bool[] _ackUsed = [];
    private long[] _dataBytes = [];
    private long[] _sectionBytes = [];
    private volatile bool _switchoverAcked;
    private volatile bool _committed;
    private volatile bool _trailerSent;
    private volatile bool _answered;
    private long _lastHeard;
    private long _pingSequence;
    private long _bytesReceived;
    private bool _anyAck;
    private int _rounds;

    public SourceRun(IReadOnlyList<SessionDevice> devices, SessionOptions options, SessionTransport transport, CancellationToken cancellation)
    {
        _devices = devices;
        _options = options;
        _transport = transport;
        _duplex = transport.IsDuplex;
        _clock = options.TimeProvider;
        _start = _clock.GetTimestamp();
        _watchdog = new Watchdog(options.Timeout, "destination", _clock, cancellation);
        _writer = new MessageWriter(transport.Output!, _watchdog);
        _lastHeard = _start;
    }

    private CancellationToken Token => _watchdog.Token;

    public async Task<MigrationResult> RunAsync()
    {
        Task? returnPath = null;
        var saving = new List<SessionDevice>();
        bool stopped = false;
        try
        {
            _watchdog.Phase = SessionPhase.Handshake;
            SessionOffer offer = BuildOffer();
            _writer.Write(MigrationStreamFormat.Magic);
            MessageCodec.WriteHeader(_writer, offer.Producer, offer.Capabilities);
            SectionCodec.WriteSectionsOpening(_writer);
            MessageCodec.WriteOffer(_writer, offer.ReturnPath, offer.Devices);
            await _writer.FlushAsync(Token).ConfigureAwait(false);
            Emit(
                SessionEventKind.Offered,
                $"offer sent: {_offers.Count} devices; capabilities {string.Join(", ", offer.Capabilities)}; {(_duplex ? "return path" : "one-way")}");

            SessionAnswer answer;
            if (_duplex)
            {
                returnPath = Task.Run(ReadReturnPathAsync);
                await WaitAsync(() => _answered, _options.Timeout, "an answer to the offer", SessionErrorKind.PeerSilent).ConfigureAwait(false);
                answer = _answer!;
                CheckAnswer(answer);
            }
            else
            {
                answer = OneWayAnswer(offer);
            }

            bool checksums = answer.Has(SessionFormat.IntegrityCapability);
            _writer.Summing = checksums;
            if (!_duplex)
            {
                _ackUsed = new bool[_offers.Count];
            }

            _anyAck = Array.IndexOf(_ackUsed, true) >= 0;

            Emit(SessionEventKind.Negotiated, Describe(answer));

            _watchdog.Phase = SessionPhase.Precopy;
            var iterative = new List<int>();
            for (int i = 0; i < _devices.Count; i++)
            {
                if (_devices[i].Iterative is { } device)
                {
                    iterative.Add(i);
                    CallDevice(i, device.BeginSave);
                    saving.Add(_devices[i]);
                }
            }

            if (iterative.Count > 0)
            {
                await PrecopyAsync(iterative).ConfigureAwait(false);
            }

            _watchdog.Phase = SessionPhase.StopCopy;
            if (_options.StopGuest is { } stop)
            {
                await stop(Token).ConfigureAwait(false);
            }

            stopped = true;
            foreach (int i in iterative)
            {
                CallDevice(i, _devices[i].Iterative!.StopAndCopy);
            }

            MessageCodec.WriteEmpty(_writer, SessionFormat.SwitchoverTag);
            Emit(SessionEventKind.Switchover, "switchover: the guest is stopped; stop-and-copy");
            foreach (int i in iterative)
            {
                _dataBytes[i] += await SendDataAsync(i, long.MaxValue).ConfigureAwait(false);
            }

            for (int i = 0; i < _devices.Count; i++)
            {
                SessionDevice device = _devices[i];
                _watchdog.Device = device.Name;
                int version = answer.Devices[i].Version;
                try
                {
                    _sectionBytes[i] = _sections.Write(_writer, device.Device, device.InstanceId, version, checksums);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    throw new MigrationSessionException(
                        SessionErrorKind.DeviceFailed,
                        SessionPhase.StopCopy,
                        device.Name,
                        $"saving its state failed: {exception.Message}",
                        exception);
                }

                await _writer.FlushAsync(Token).ConfigureAwait(false);
                if (Listening)
                {
                    Emit(
                        SessionEventKind.Section,
                        Invariant($"{device.Name}: section sent (v{version}, {_sectionBytes[i]} bytes)"),
                        device.Name,
                        bytes: _sectionBytes[i]);
                }
            }

            _watchdog.Device = null;
            SectionCodec.WriteTrailer(_writer, _devices.Count, checksums);
            _trailerSent = true;
            await _writer.FlushAsync(Token).ConfigureAwait(false);

            _watchdog.Phase = SessionPhase.Completion;
            if (_duplex)
            {
                await WaitAsync(() => _committed, _options.Timeout, "the destination's commit", SessionErrorKind.PeerSilent).ConfigureAwait(false);
            }

            await _transport.CloseOutputAsync().ConfigureAwait(false);
            EndSaving(saving, migrated: true);
            MigrationResult result = Result(answer);
            string how = _duplex ? "committed by the destination" : "written";
            Emit(
                SessionEventKind.Completed,
                Invariant($"completed: {_devices.Count} devices {how}; sent {_writer.Position} bytes in {result.Elapsed.TotalSeconds:0.000} s"),
                bytes: _writer.Position);
            return result;
        }
        catch (Exception exception)
        {
            if (returnPath is not null && exception is not MigrationSessionException && _watchdog.Failure is null)
            {
                // A broken connection is often the destination's way of ending after it reported why: let its error
                // arrive, so that the failure carries its reason rather than just the broken pipe.
                TimeSpan grace = TimeSpan.FromMilliseconds(Math.Min(500, _options.Timeout.TotalMilliseconds));
                await Task.WhenAny(returnPath, Task.Delay(grace, _clock, CancellationToken.None)).ConfigureAwait(false);
            }

            MigrationSessionException failure = _watchdog.Translate(exception);
            Emit(SessionEventKind.Failed, failure.Message, failure.Device);
            if (failure.Kind != SessionErrorKind.PeerFailed && failure.Kind != SessionErrorKind.Refused)
            {
                await TryAbortAsync(failure).ConfigureAwait(false);
            }

            await _transport.CloseOutputAsync().ConfigureAwait(false);
            EndSaving(saving, migrated: false);
            if (stopped && _options.ResumeGuest is { } resume)
            {
                await resume().ConfigureAwait(false);
            }

            throw failure;
        }
        finally
        {
            await _returnPathStop.CancelAsync().ConfigureAwait(false);
            if (returnPath is not null)
            {
                await returnPath.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public void Dispose()
    {
        _watchdog.Dispose();
        _sections.Dispose();
        _signal.Dispose();
        _returnPathStop.Dispose();
    }

    private SessionOffer BuildOffer()
    {
        var capabilities = new List<SessionCapability> { new(SessionFormat.SessionCapability, Required: true) };
        bool ackOffered = false;
        foreach (SessionCapability capability in _options.Capabilities)
        {
            if (capability.Name == SessionFormat.SessionCapability)
            {
                continue;
            }

            if (capability.Name == SessionFormat.SwitchoverAckCapability)
            {
                // The acknowledgement travels on the return path; one-way, there is none to offer.
                if (!_duplex)
                {
                    continue;
                }

                ackOffered = true;
            }

            capabilities.Add(capability);
        }

        foreach (SessionCapability capability in capabilities)
        {
            _offered.Add(capability.Name);
        }

        _offers = new List<DeviceOffer>(_devices.Count);
        foreach (SessionDevice device in _devices)
        {
            IIterativeDevice? iterative = device.Iterative;
            int newest = device.Device.Version;
            int oldest = _duplex ? Math.Min(device.Device.Type.MinimumVersion, newest) : newest;
            _offers.Add(new DeviceOffer(
                device.Device.Type.Id,
                device.InstanceId,
                oldest,
                newest,
                iterative is not null,
                ackOffered && iterative is { SupportsSwitchoverAck: true })
            {
                Configuration = device.Device.Configuration.ToRecord(),
            });
        }

        _deviceAcked = new bool[_offers.Count];
        _dataBytes = new long[_offers.Count];
        _sectionBytes = new long[_offers.Count];
        return new SessionOffer(_options.Producer, capabilities, _duplex, _offers);
    }

    /// <summary>One-way: nobody answers, so the source decides alone: every device as it runs, every capability it offers.</summary>
    private SessionAnswer OneWayAnswer(SessionOffer offer)
    {
        var capabilities = new List<string>();
        foreach (SessionCapability capability in offer.Capabilities)
        {
            capabilities.Add(capability.Name);
        }

        var decisions = new List<DeviceDecision>();
        foreach (DeviceOffer device in _offers)
        {
            decisions.Add(DeviceDecision.Accept(device.MaxVersion, switchoverAck: false));
        }

        return new SessionAnswer(capabilities, decisions, []);
    }

    /// <summary>Checks the answer against the offer; a refusal ends the session before any state has moved.</summary>
    private void CheckAnswer(SessionAnswer answer)
    {
        if (answer.Devices.Count != _offers.Count)
        {
            throw new MigrationSessionException(
                SessionErrorKind.ProtocolViolation,
                SessionPhase.Handshake,
                null,
                Invariant($"the answer decides {answer.Devices.Count} devices; the offer has {_offers.Count}"));
        }

        var reasons = new List<string>(answer.Refusals);
        string? firstDevice = null;
        for (int i = 0; i < _offers.Count; i++)
        {
            DeviceDecision decision = answer.Devices[i];
            DeviceOffer offer = _offers[i];
            if (!decision.Accepted)
            {
                reasons.Add(decision.Refusal ?? $"{offer.Name} refused");
                firstDevice ??= offer.Name;
                continue;
            }

            if (decision.Version < offer.MinVersion || decision.Version > offer.MaxVersion || (decision.SwitchoverAck && !offer.SwitchoverAck))
            {
                string ack = decision.SwitchoverAck ? " with a switchover acknowledgement" : string.Empty;
                throw new MigrationSessionException(
                    SessionErrorKind.ProtocolViolation,
                    SessionPhase.Handshake,
                    offer.Name,
                    Invariant($"the answer asks for version {decision.Version}{ack}, which the offer did not make"));
            }
        }

        if (reasons.Count > 0)
        {
            throw new MigrationSessionException(
                SessionErrorKind.Refused,
                SessionPhase.Handshake,
                reasons.Count == 1 ? firstDevice : null,
                "the destination refused: " + string.Join("; ", reasons));
        }

        foreach (string capability in answer.Capabilities)
        {
            if (!_offered.Contains(capability))
            {
                throw new MigrationSessionException(
                    SessionErrorKind.ProtocolViolation,
                    SessionPhase.Handshake,
                    null,
                    $"the answer puts capability '{capability}' in force, which the source did not offer");
            }
        }
    }

    private async Task PrecopyAsync(List<int> iterative)
    {
        bool[] initialMarked = new bool[_offers.Count];
        while (true)
        {
            int round = ++_rounds;
            long roundBytes = 0;
            foreach (int i in iterative)
            {
                _watchdog.Device = _devices[i].Name;
                long sent = await SendDataAsync(i, Query(i).Total).ConfigureAwait(false);
                _dataBytes[i] += sent;
                roundBytes += sent;
                if (_ackUsed[i] && !initialMarked[i] && Query(i).InitialBytes == 0)
                {
                    initialMarked[i] = true;
                    MessageCodec.WriteInteger(_writer, SessionFormat.InitialDataSentTag, i);
                    Emit(
                        SessionEventKind.DeviceAcknowledged,
                        $"{_devices[i].Name}: initial data sent; the destination is to acknowledge it",
                        _devices[i].Name,
                        round);
                }
            }

            _watchdog.Device = null;
            await _writer.FlushAsync(Token).ConfigureAwait(false);
            if (_options.RoundInterval > TimeSpan.Zero)
            {
                await WaitAsync(static () => false, _options.RoundInterval, "the next round", kind: null).ConfigureAwait(false);
            }

            // The guest has run meanwhile; what it wrote is what the next round, or the stop-and-copy, must send.
            _options.RoundCompleted?.Invoke(round);
            PendingBytes pending = Pending(iterative);
            MessageCodec.WriteRoundEnd(_writer, new RoundFigures(round, roundBytes, pending.InitialBytes, pending.DirtyBytes));
            await _writer.FlushAsync(Token).ConfigureAwait(false);
            if (Listening)
            {
                Emit(
                    SessionEventKind.RoundCompleted,
                    Invariant($"pre-copy round {round}: sent {roundBytes} bytes; pending {pending.InitialBytes} initial + {pending.DirtyBytes} dirty"),
                    round: round,
                    bytes: roundBytes);
            }

            if (pending.Total > _options.PrecopyThreshold && round < _options.MaxPrecopyRounds)
            {
                continue;
            }

            if (_anyAck && !_switchoverAcked)
            {
                await WaitAsync(
                    () => _switchoverAcked,
                    _options.SwitchoverAckTimeout,
                    "the switchover acknowledgement",
                    SessionErrorKind.SwitchoverAckTimeout).ConfigureAwait(false);
            }

            return;
        }
    }

    /// <summary>Sends an iterative device's data in messages of at most the chunk size, each filled by the device straight into the transport's
    /// buffer.</summary>
    private async ValueTask<long> SendDataAsync(int index, long budget)
    {
        IIterativeDevice device = _devices[index].Iterative!;
        int headerLength = MessageCodec.DataHeaderLength(index);
        long sent = 0;
        while (budget > 0)
        {
            int want = (int)Math.Min(_options.DataChunkSize, budget);
            Memory<byte> memory = _writer.GetMemory(headerLength + want);
            int count;
            try
            {
                count = device.ReadSaveData(memory.Span.Slice(headerLength, want));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                throw new MigrationSessionException(
                    SessionErrorKind.DeviceFailed,
                    _watchdog.Phase,
                    _devices[index].Name,
                    $"reading its data failed: {exception.Message}",
                    exception);
            }

            if (count <= 0)
            {
                break;
            }

            if (count > want)
            {
                throw new MigrationSessionException(
                    SessionErrorKind.DeviceFailed,
                    _watchdog.Phase,
                    _devices[index].Name,
                    Invariant($"it reported {count} bytes read into a buffer of {want}"));
            }

            MessageCodec.WriteDataHeader(memory.Span, index, count);
            _writer.Advance(headerLength + count);
            sent += count;
            budget -= count;
            await _writer.FlushAsync(Token).ConfigureAwait(false);
        }

        return sent;
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, for at most <paramref name="limit"/>, pinging the destination
    /// every keepalive interval and failing when it has been silent for the timeout.
    /// </summary>
    /// <param name="condition">What to wait for.</param>
    /// <param name="limit">How long at most.</param>
    /// <param name="what">What is awaited, for the error.</param>
    /// <param name="kind">The failure when the limit passes, or <see langword="null"/> to return quietly then.</param>
    private async Task WaitAsync(Func<bool> condition, TimeSpan limit, string what, SessionErrorKind? kind)
    {
        long start = _clock.GetTimestamp();
        long lastPing = start;
        TimeSpan keepalive = _options.EffectiveKeepalive;
        while (!condition())
        {
            if (_watchdog.Failure is { } failure)
            {
                throw failure;
            }

            long now = _clock.GetTimestamp();
            TimeSpan waited = _clock.GetElapsedTime(start, now);
            if (waited >= limit)
            {
                if (kind is null)
                {
                    return;
                }

                string seconds = limit.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                throw new MigrationSessionException(kind.Value, _watchdog.Phase, FirstUnacknowledged(kind.Value), $"{what} did not come within {seconds} s");
            }

            if (_duplex && _clock.GetElapsedTime(Math.Max(Volatile.Read(ref _lastHeard), start), now) >= _options.Timeout)
            {
                string seconds = _options.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                throw new MigrationSessionException(SessionErrorKind.PeerSilent, _watchdog.Phase, null, $"the destination has not answered for {seconds} s");
            }

            if (_duplex && _answered && _clock.GetElapsedTime(lastPing, now) >= keepalive)
            {
                lastPing = now;
                MessageCodec.WriteInteger(_writer, SessionFormat.PingTag, Interlocked.Increment(ref _pingSequence));
                await _writer.FlushAsync(Token).ConfigureAwait(false);
            }
            else if (!_duplex && _clock.GetElapsedTime(lastPing, now) >= keepalive)
            {
                // One-way: nobody answers, but a reader following the stream live still wants to know the source lives.
                lastPing = now;
                MessageCodec.WriteInteger(_writer, SessionFormat.PingTag, ++_pingSequence);
                await _writer.FlushAsync(Token).ConfigureAwait(false);
            }

            // Sleep until the nearest deadline that applies: the limit, the next ping (only once pings are sent), and the
            // time the destination counts as silent; waking sooner would only find nothing to do.
            TimeSpan slice = limit - _clock.GetElapsedTime(start);
            if (!_duplex || _answered)
            {
                slice = Min(slice, keepalive - _clock.GetElapsedTime(lastPing));
            }

            if (_duplex)
            {
                slice = Min(slice, _options.Timeout - _clock.GetElapsedTime(Math.Max(Volatile.Read(ref _lastHeard), start)));
            }

            await WaitForSignalAsync(Max(slice, TimeSpan.FromMilliseconds(1))).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the return path wakes the main task, or <paramref name="slice"/> passes on the session's clock.</summary>
    private async Task WaitForSignalAsync(TimeSpan slice)
    {
        if (ReferenceEquals(_clock, TimeProvider.System))
        {
            await _signal.WaitAsync(slice, Token).ConfigureAwait(false);
            return;
        }

        // The semaphore's own timeout runs on the system clock; another clock's timer cancels the wait instead.
        using var elapsed = new CancellationTokenSource(slice, _clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(Token, elapsed.Token);
        try
        {
            await _signal.WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!Token.IsCancellationRequested)
        {
            // The slice passed: the caller looks at its deadlines again.
        }
    }

    private string? FirstUnacknowledged(SessionErrorKind kind)
    {
        if (kind != SessionErrorKind.SwitchoverAckTimeout)
        {
            return null;
        }

        for (int i = 0; i < _ackUsed.Length; i++)
        {
            if (_ackUsed[i] && !_deviceAcked[i])
            {
                return _devices[i].Name;
            }
        }

        return null;
    }

    /// <summary>Reads the return path until the commit, recording each message and waking the main task.</summary>
    private async Task ReadReturnPathAsync()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token, _returnPathStop.Token);
        using var reader = new MessageReader(_transport.Input!, _watchdog, _options.MaxMessageLength, boundWaits: false);
        try
        {
            if (!await reader.ReadPrefixAsync(SessionFormat.ReturnPathMagic, stop.Token).ConfigureAwait(false))
            {
                throw new MigrationSessionException(
                    SessionErrorKind.PeerClosed,
                    _watchdog.Phase,
                    null,
                    "the destination closed the connection before it answered");
            }

            while (!_committed)
            {
                if (!await reader.ReadAsync(stop.Token).ConfigureAwait(false) || reader.IsEndOfContents)
                {
                    throw new MigrationSessionException(
                        SessionErrorKind.PeerClosed,
                        _watchdog.Phase,
                        null,
                        "the destination closed the return path before it committed");
                }

                Volatile.Write(ref _lastHeard, _clock.GetTimestamp());
                bool refused = Handle(reader);
                _bytesReceived = reader.Position + reader.Element.Length;
                reader.Consume();
                _signal.Release();
                if (refused)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (!_returnPathStop.IsCancellationRequested)
        {
            _watchdog.Translate(exception is MigrationFormatException { Kind: not MigrationErrorKind.Truncated } format
                ? new MigrationSessionException(
                    SessionErrorKind.MalformedMessage,
                    _watchdog.Phase,
                    null,
                    $"the destination sent a malformed message: {format.Message}",
                    format)
                : exception);
            _signal.Release();
        }
    }

    /// <summary>Records one return-path message; returns whether it was an answer that refuses (nothing more is read then).</summary>
    private bool Handle(MessageReader reader)
    {
        ReadOnlySpan<byte> element = reader.GetContiguous();
        long offset = reader.ElementOffset;
        Ber.BerTag tag = reader.Tag;
        if (tag == SessionFormat.AnswerTag)
        {
            if (_answered)
            {
                throw Violation("a second answer");
            }

            SessionAnswer answer = MessageCodec.ReadAnswer(element, offset);

            // Acknowledgements may follow at once: which devices use them is settled here, not by the main task.
            bool[] ackUsed = new bool[_offers.Count];
            for (int i = 0; i < ackUsed.Length && i < answer.Devices.Count; i++)
            {
                ackUsed[i] = answer.Devices[i].SwitchoverAck;
            }

            _ackUsed = ackUsed;
            _answer = answer;
            _answered = true;
            return !_answer.IsAccepted;
        }

        if (!_answered && tag.TagClass != Ber.BerTagClass.Private)
        {
            throw Violation($"{tag} before the answer");
        }

        if (tag == SessionFormat.DeviceAckTag)
        {
            int index = (int)MessageCodec.ReadInteger(element, offset, "a device acknowledgement", "the device", int.MaxValue);
            if (index >= _ackUsed.Length || !_ackUsed[index] || _deviceAcked[index])
            {
                string why = index < _ackUsed.Length && _deviceAcked[index] ? "was acknowledged already" : "does not use one";
                throw Violation(Invariant($"an acknowledgement for device {index}, which {why}"));
            }

            _deviceAcked[index] = true;
            Emit(SessionEventKind.DeviceAcknowledged, $"{_devices[index].Name}: initial data acknowledged by the destination", _devices[index].Name);
        }
        else if (tag == SessionFormat.SwitchoverAckTag)
        {
            MessageCodec.ReadEmpty(element, offset, "the switchover acknowledgement");
            if (_switchoverAcked)
            {
                throw Violation("a second switchover acknowledgement");
            }

            for (int i = 0; i < _ackUsed.Length; i++)
            {
                if (_ackUsed[i] && !_deviceAcked[i])
                {
                    throw Violation($"the switchover acknowledgement while {_devices[i].Name} has not acknowledged");
                }
            }

            _switchoverAcked = true;
            Emit(SessionEventKind.SwitchoverAcknowledged, "switchover acknowledged by the destination");
        }
        else if (tag == SessionFormat.PongTag)
        {
            long sequence = MessageCodec.ReadInteger(element, offset, "a pong", "the sequence number", long.MaxValue);
            if (sequence > Interlocked.Read(ref _pingSequence))
            {
                throw Violation(Invariant($"a pong for ping {sequence}, which was never sent"));
            }
        }
        else if (tag == SessionFormat.ErrorTag)
        {
            PeerFailure failure = MessageCodec.ReadFailure(element, offset, "an error");
            throw new MigrationSessionException(
                SessionErrorKind.PeerFailed,
                _watchdog.Phase,
                failure.Device,
                $"the destination failed in {failure.Phase}: {failure.Reason}");
        }
        else if (tag == SessionFormat.CommittedTag)
        {
            long sections = MessageCodec.ReadInteger(element, offset, "the commit", "the section count", int.MaxValue);
            if (!_trailerSent)
            {
                throw Violation("a commit before the stream was complete");
            }

            if (sections != _devices.Count)
            {
                throw Violation(Invariant($"a commit of {sections} sections; {_devices.Count} were sent"));
            }

            _committed = true;
        }
        else if (tag.TagClass != Ber.BerTagClass.Private)
        {
            // Skippable messages are private; anything else this side does not know must not be ignored.
            throw Violation($"{tag}, a message this source does not know and must not skip");
        }

        return false;
    }

    private MigrationSessionException Violation(string what) =>
        new(SessionErrorKind.ProtocolViolation, _watchdog.Phase, null, $"the destination sent {what}");

    private async Task TryAbortAsync(MigrationSessionException failure)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMilliseconds(Math.Min(1000, _options.Timeout.TotalMilliseconds)), _clock);
        try
        {
            MessageCodec.WriteFailure(_writer, SessionFormat.AbortTag, failure.Phase, failure.Detail, failure.Device);
            _writer.Write([0, 0]);
            await _transport.Output!.FlushAsync(limit.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The connection may be what failed; the destination then learns of the failure from its end.
        }
    }

    private void EndSaving(List<SessionDevice> saving, bool migrated)
    {
        foreach (SessionDevice device in saving)
        {
            try
            {
                device.Iterative!.EndSave(migrated);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Emit(SessionEventKind.Warning, $"{device.Name}: ending its saving session failed: {exception.Message}", device.Name);
            }
        }

        saving.Clear();
    }

    private void CallDevice(int index, Action action)
    {
        try
        {
            action();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new MigrationSessionException(SessionErrorKind.DeviceFailed, _watchdog.Phase, _devices[index].Name, exception.Message, exception);
        }
    }

    private PendingBytes Query(int index)
    {
        try
        {
            return _devices[index].Iterative!.QueryPending();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new MigrationSessionException(
                SessionErrorKind.DeviceFailed,
                _watchdog.Phase,
                _devices[index].Name,
                $"querying its pending bytes failed: {exception.Message}",
                exception);
        }
    }

    private PendingBytes Pending(List<int> iterative)
    {
        long initial = 0, dirty = 0;
        foreach (int i in iterative)
        {
            PendingBytes pending = Query(i);
            initial += pending.InitialBytes;
            dirty += pending.DirtyBytes;
        }

        return new PendingBytes(initial, dirty);
    }

    private MigrationResult Result(SessionAnswer answer)
    {
        var devices = new List<DeviceMigration>(_devices.Count);
        for (int i = 0; i < _devices.Count; i++)
        {
            devices.Add(new DeviceMigration(_devices[i].Name, answer.Devices[i].Version, _offers[i].Iterative, _ackUsed[i], _dataBytes[i], _sectionBytes[i]));
        }

        return new MigrationResult(answer.Capabilities, devices, _rounds, _writer.Position, _bytesReceived, _clock.GetElapsedTime(_start));
    }

    private string Describe(SessionAnswer answer)
    {
        var parts = new List<string>(_offers.Count);
        for (int i = 0; i < _offers.Count; i++)
        {
            string extra = (_offers[i].Iterative, answer.Devices[i].SwitchoverAck) switch
            {
                (true, true) => " (pre-copy, switchover-ack)",
                (true, false) => " (pre-copy)",
                _ => string.Empty,
            };
            parts.Add(Invariant($"{_offers[i].Name} v{answer.Devices[i].Version}{extra}"));
        }

        return $"negotiated: capabilities {string.Join(", ", answer.Capabilities)}; {string.Join(", ", parts)}";
    }

    /// <summary>Gets a value indicating whether anyone receives events: per-section and per-round texts are built only then.</summary>
    private bool Listening => _options.Events is not null;

    private void Emit(SessionEventKind kind, string text, string? device = null, int round = 0, long bytes = 0) =>
        _options.Events?.Invoke(new SessionEvent(kind, _watchdog.Phase, text, device, round, bytes));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
