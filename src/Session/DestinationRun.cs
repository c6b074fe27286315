using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MigrationFormat.Ber;
using MigrationFormat.Visitors;

namespace MigrationFormat.Session;

/// <summary>
/// One run of a <see cref="MigrationDestination"/> (docs/protocol.md, destination state machine): one task reads the
/// stream message by message, checks that each is allowed where it stands, and writes the return path's messages
/// in line. Loads are held open in a <see cref="DeviceLoadBatch"/> and iterative devices' loading sessions until the
/// trailer and the end of the stream have arrived; any failure aborts all of them.
/// </summary>
internal sealed class DestinationRun : IDisposable
{
    private readonly IReadOnlyList<SessionDevice> _devices;
    private readonly SessionOptions _options;
    private readonly SessionTransport _transport;
    private readonly Watchdog _watchdog;
    private readonly MessageReader _reader;
    private readonly MessageWriter? _writer;
    private readonly DeviceLoadBatch _batch;
    private readonly SectionCodec _sections = new();
    private readonly TimeProvider _clock;
    private readonly long _start;
    private readonly List<IIterativeDevice> _loading = [];

    private List<DeviceOffer> _offers = [];
    private SessionDevice[] _targets = [];
    private byte[][] _ids = [];
    private SessionAnswer _answer = new([], [], []);
    private bool _returnPath;
    private bool _checksums;
    private int _acksPending;
    private bool[] _acked = [];
    private bool[] _loaded = [];
    private long[] _dataBytes = [];
    private long[] _sectionBytes = [];
    private int _nextSection;
    private int _rounds;
    private bool _answerSent;
    private volatile string? _streaming;

    public DestinationRun(IReadOnlyList<SessionDevice> devices, SessionOptions options, SessionTransport transport, CancellationToken cancellation)
    {
        _devices = devices;
        _options = options;
        _transport = transport;
        _clock = options.TimeProvider;
        _start = _clock.GetTimestamp();
        _watchdog = new Watchdog(options.Timeout, "source", _clock, cancellation);
        _reader = new MessageReader(transport.Input!, _watchdog, options.MaxMessageLength);
        _writer = transport.Output is null ? null : new MessageWriter(transport.Output, _watchdog) { Summing = false };
        _batch = new DeviceLoadBatch(options.LoadOptions);
        _watchdog.DescribeWait = () =>
        {
            if (_streaming is { } streaming)
            {
                return (streaming, "device data");
            }

            if (_reader.PendingLength == 0)
            {
                return (null, null);
            }

            (string message, string? device) = DescribeCut(_reader.PendingPrefix);
            return (device, message);
        };
    }

    private CancellationToken Token => _watchdog.Token;

    public async Task<MigrationResult> RunAsync()
    {
        bool committed = false;
        try
        {
            _watchdog.Phase = SessionPhase.Handshake;
            if (!await _reader.ReadPrefixAsync(MigrationStreamFormat.Magic, Token).ConfigureAwait(false))
            {
                throw new MigrationSessionException(
                    SessionErrorKind.PeerClosed,
                    SessionPhase.Handshake,
                    null,
                    "the source closed the connection before sending anything");
            }

            await NextAsync("the stream header").ConfigureAwait(false);
            Expect(MigrationStreamFormat.HeaderTag, "the stream header");
            (string producer, List<SessionCapability> capabilities) = MessageCodec.ReadHeader(_reader.GetContiguous(), _reader.ElementOffset);
            _reader.Consume();
            await EnterSectionsAsync().ConfigureAwait(false);
            await NextAsync("the offer").ConfigureAwait(false);
            Expect(SessionFormat.OfferTag, "the offer");
            int maxDevices = Math.Max(_devices.Count, 4096);
            (bool returnPath, List<DeviceOffer> offers) = MessageCodec.ReadOffer(_reader.GetContiguous(), _reader.ElementOffset, maxDevices);
            _reader.Consume();
            _offers = offers;
            var offer = new SessionOffer(producer, capabilities, returnPath, offers);
            _returnPath = returnPath && _writer is not null;
            Emit(
                SessionEventKind.Offered,
                $"offer from {producer}: {offers.Count} devices; capabilities {string.Join(", ", capabilities)}; {(_returnPath ? "return path" : "one-way")}");

            await NegotiateAsync(offer, returnPath).ConfigureAwait(false);

            _watchdog.Phase = SessionPhase.Precopy;
            await ReceiveAsync().ConfigureAwait(false);

            _watchdog.Phase = SessionPhase.Completion;
            foreach (IIterativeDevice device in _loading)
            {
                _watchdog.Device = NameOf(device);
                Load(device.FinishLoad, "its data stream is incomplete");
            }

            _watchdog.Device = null;
            try
            {
                _batch.Commit();
            }
            catch (MigrationFormatException exception)
            {
                throw new MigrationSessionException(
                    SessionErrorKind.LoadFailed,
                    SessionPhase.Completion,
                    exception.Device,
                    $"a device rejected its loaded state: {exception.Message}",
                    exception);
            }

            foreach (IIterativeDevice device in _loading)
            {
                device.EndLoad(commit: true);
            }

            _loading.Clear();
            committed = true;
            MigrationResult result = Result();
            await TellCommittedAsync().ConfigureAwait(false);
            await _transport.CloseOutputAsync().ConfigureAwait(false);
            Emit(
                SessionEventKind.Completed,
                Invariant($"completed: {_offers.Count} devices committed; received {_reader.Position} bytes in {result.Elapsed.TotalSeconds:0.000} s"),
                bytes: _reader.Position);
            return result;
        }
        catch (Exception exception) when (!committed)
        {
            MigrationSessionException failure = _watchdog.Translate(exception);
            _batch.Abort();
            foreach (IIterativeDevice device in _loading)
            {
                device.EndLoad(commit: false);
            }

            _loading.Clear();
            Emit(SessionEventKind.Failed, failure.Message, failure.Device);
            if (_returnPath && !(failure.Kind == SessionErrorKind.Refused && _answerSent))
            {
                await TryReportAsync(failure).ConfigureAwait(false);
            }

            await _transport.CloseOutputAsync().ConfigureAwait(false);
            throw failure;
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _watchdog.Dispose();
        _sections.Dispose();
    }

    private async Task NegotiateAsync(SessionOffer offer, bool sourceWantsAnswers)
    {
        var supported = new List<SessionCapability>(_options.Capabilities);
        if (sourceWantsAnswers && _writer is null)
        {
            throw new MigrationSessionException(
                SessionErrorKind.Refused,
                SessionPhase.Handshake,
                null,
                "the source expects a return path, and this destination reads one-way");
        }

        _answer = SessionNegotiator.Decide(offer, supported, _devices, _options.SaveVersions);
        _checksums = _answer.Has(SessionFormat.IntegrityCapability);
        _reader.Summing = _checksums;
        int count = _offers.Count;
        _targets = new SessionDevice[count];
        _ids = new byte[count][];
        _acked = new bool[count];
        _loaded = new bool[count];
        _dataBytes = new long[count];
        _sectionBytes = new long[count];
        for (int i = 0; i < count; i++)
        {
            _ids[i] = Encoding.UTF8.GetBytes(_offers[i].Id);
            if (_answer.Devices[i].Accepted)
            {
                _targets[i] = Find(_offers[i]);
                if (_answer.Devices[i].SwitchoverAck)
                {
                    _acksPending++;
                }
            }
        }

        if (_returnPath)
        {
            _writer!.Write(SessionFormat.ReturnPathMagic);
            MessageCodec.WriteAnswer(_writer, _answer);
            if (_answer.IsAccepted && _answer.Has(SessionFormat.SwitchoverAckCapability) && _acksPending == 0)
            {
                // Nothing needs acknowledging: the source may switch over whenever it is ready.
                MessageCodec.WriteEmpty(_writer, SessionFormat.SwitchoverAckTag);
            }

            await _writer.FlushAsync(Token).ConfigureAwait(false);
            _answerSent = true;
        }

        if (!_answer.IsAccepted)
        {
            var reasons = new List<string>(_answer.Refusals);
            string? device = null;
            for (int i = 0; i < count; i++)
            {
                if (!_answer.Devices[i].Accepted)
                {
                    reasons.Add(_answer.Devices[i].Refusal!);
                    device ??= _offers[i].Name;
                }
            }

            throw new MigrationSessionException(
                SessionErrorKind.Refused,
                SessionPhase.Handshake,
                reasons.Count == 1 ? device : null,
                "refused: " + string.Join("; ", reasons));
        }

        Emit(SessionEventKind.Negotiated, Describe());
        for (int i = 0; i < count; i++)
        {
            if (_targets[i].Iterative is { } iterative)
            {
                _watchdog.Device = _targets[i].Name;
                Load(iterative.BeginLoad, "it cannot start loading");
                _loading.Add(iterative);
            }
        }

        _watchdog.Device = null;
    }

    /// <summary>
    /// Enters the sections' value, <c>[APPLICATION 6]</c> with indefinite length, inside which the source sends every
    /// message and section of the forward stream (format version 2).
    /// </summary>
    private async Task EnterSectionsAsync()
    {
        bool read;
        try
        {
            read = await _reader.ReadOpeningAsync(Token).ConfigureAwait(false);
        }
        catch (MigrationFormatException exception) when (exception.Kind == MigrationErrorKind.Truncated)
        {
            throw new MigrationSessionException(
                SessionErrorKind.PeerClosed,
                _watchdog.Phase,
                null,
                "the source closed the connection inside the opening of the sections",
                exception);
        }
        catch (MigrationFormatException exception)
        {
            throw new MigrationSessionException(
                SessionErrorKind.MalformedMessage,
                _watchdog.Phase,
                null,
                "malformed bytes where the sections were due: " + exception.Message,
                exception);
        }

        if (!read)
        {
            throw new MigrationSessionException(
                SessionErrorKind.PeerClosed,
                _watchdog.Phase,
                null,
                "the source closed the connection before the sections");
        }

        if (_reader.IsEndOfContents || _reader.Tag != MigrationStreamFormat.SectionsTag || _reader.ContentLength >= 0)
        {
            string found = _reader.IsEndOfContents ? "the end of the stream" : _reader.Tag.ToString();
            throw Violation($"{found} where the sections {MigrationStreamFormat.SectionsTag} with indefinite length were due");
        }

        _reader.Consume();
    }

    /// <summary>Reads messages until the trailer and the end of the stream, enforcing where each may stand.</summary>
    private async Task ReceiveAsync()
    {
        bool trailer = false;
        bool sectionsClosed = false;
        while (true)
        {
            // Device data is taken as it arrives; anything else is waited for whole.
            string due = trailer ? "the end of the stream" : sectionsClosed ? "the trailer" : "the next message";
            await NextAsync(due, MessageCodec.MaxDataHeaderLength).ConfigureAwait(false);
            if (_reader.Tag == SessionFormat.DeviceDataTag && !_reader.IsEndOfContents)
            {
                await ReceiveDataAsync().ConfigureAwait(false);
                continue;
            }

            if (!_reader.IsWhole)
            {
                await NextAsync("the rest of a message").ConfigureAwait(false);
            }

            BerTag tag = _reader.Tag;
            if (_reader.IsEndOfContents)
            {
                if (trailer)
                {
                    _reader.Consume();
                    return;
                }

                if (sectionsClosed || _watchdog.Phase != SessionPhase.StopCopy || _nextSection != _offers.Count)
                {
                    throw Violation(sectionsClosed
                        ? "the end of the stream before its trailer"
                        : Invariant($"the end of the sections after {_nextSection} of {_offers.Count} sections"));
                }

                sectionsClosed = true;
                _reader.Consume();
                continue;
            }

            if (trailer)
            {
                throw Violation($"{tag} after the trailer");
            }

            if (sectionsClosed != (tag == MigrationStreamFormat.TrailerTag))
            {
                throw Violation(sectionsClosed ? $"{tag} after the end of the sections" : "the trailer inside the sections");
            }

            if (tag == SessionFormat.InitialDataSentTag)
            {
                await ReceiveInitialDataSentAsync().ConfigureAwait(false);
            }
            else if (tag == SessionFormat.RoundEndTag)
            {
                ReceiveRoundEnd();
            }
            else if (tag == SessionFormat.PingTag)
            {
                long sequence = MessageCodec.ReadInteger(_reader.GetContiguous(), _reader.ElementOffset, "a ping", "the sequence number", long.MaxValue);
                if (_returnPath)
                {
                    MessageCodec.WriteInteger(_writer!, SessionFormat.PongTag, sequence);
                    await _writer!.FlushAsync(Token).ConfigureAwait(false);
                }
            }
            else if (tag == SessionFormat.SwitchoverTag)
            {
                ReceiveSwitchover();
            }
            else if (tag == SessionFormat.AbortTag)
            {
                PeerFailure failure = MessageCodec.ReadFailure(_reader.GetContiguous(), _reader.ElementOffset, "an abort");
                throw new MigrationSessionException(
                    SessionErrorKind.PeerFailed,
                    _watchdog.Phase,
                    failure.Device,
                    $"the source gave up in {failure.Phase}: {failure.Reason}");
            }
            else if (tag == MigrationStreamFormat.SectionTag)
            {
                ReceiveSection();
            }
            else if (tag == MigrationStreamFormat.TrailerTag)
            {
                ReceiveTrailer();
                trailer = true;
            }
            else if (tag == MigrationStreamFormat.SchemasTag || tag.TagClass == BerTagClass.Private)
            {
                // Embedded schemas name fields for tools; this side needs none. Private messages are skippable.
            }
            else if (tag == MigrationStreamFormat.HeaderTag || tag == SessionFormat.OfferTag)
            {
                throw Violation($"a second {(tag == SessionFormat.OfferTag ? "offer" : "stream header")}");
            }
            else
            {
                throw Violation($"{tag}, a message this destination does not know and must not skip");
            }

            _reader.Consume();
        }
    }

    /// <summary>
    /// Hands a device-data message's bytes to its device as they arrive, rather than once the whole message is in:
    /// copying each piece while it is fresh keeps the transport flowing, as a plain copy would.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReceiveDataAsync()
    {
        long total = _reader.HeaderLength + _reader.ContentLength;
        int index = MessageCodec.ReadDataHeader(_reader.Element, _reader.HeaderLength, total, _reader.ElementOffset, out long dataStart, out long dataLength);
        if (_watchdog.Phase == SessionPhase.Completion || index >= _offers.Count || !_offers[index].Iterative)
        {
            throw Violation(Invariant($"device data for device {index}, which {(index < _offers.Count ? "sends none" : "was not offered")}"));
        }

        if (_loaded[index])
        {
            throw Violation($"device data for {_offers[index].Name} after its section");
        }

        IIterativeDevice device = _targets[index].Iterative!;
        string name = _offers[index].Name;
        _watchdog.Device = name;
        _streaming = name;
        _reader.ConsumeBytes(dataStart);
        long remaining = dataLength;
        while (remaining > 0)
        {
            ReadOnlySequence<byte> available = _reader.Available;
            if (available.IsEmpty)
            {
                if (!await _reader.ReadMoreAsync(Token).ConfigureAwait(false))
                {
                    throw new MigrationSessionException(
                        SessionErrorKind.PeerClosed,
                        _watchdog.Phase,
                        name,
                        Invariant($"the source closed the connection inside device data ({dataLength - remaining} of {dataLength} bytes arrived)"));
                }

                continue;
            }

            long take = Math.Min(available.Length, remaining);
            Deliver(device, name, available.Slice(0, take));
            _reader.ConsumeBytes(take);
            remaining -= take;
        }

        _dataBytes[index] += dataLength;
        _streaming = null;
        _watchdog.Device = null;
    }

    private void Deliver(IIterativeDevice device, string name, ReadOnlySequence<byte> data)
    {
        try
        {
            foreach (ReadOnlyMemory<byte> segment in data)
            {
                device.WriteLoadData(segment.Span);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new MigrationSessionException(SessionErrorKind.LoadFailed, _watchdog.Phase, name, $"its data did not load: {exception.Message}", exception);
        }
    }

    private async Task ReceiveInitialDataSentAsync()
    {
        int index = (int)MessageCodec.ReadInteger(_reader.GetContiguous(), _reader.ElementOffset, "an initial-data mark", "the device", int.MaxValue);
        if (_watchdog.Phase != SessionPhase.Precopy)
        {
            throw Violation("an initial-data mark after the switchover");
        }

        if (index >= _offers.Count || !_answer.Devices[index].SwitchoverAck)
        {
            string name = index < _offers.Count ? _offers[index].Name : Invariant($"device {index}");
            throw Violation($"an initial-data mark for {name}, but the switchover acknowledgement is not used for it");
        }

        if (_acked[index])
        {
            throw Violation($"a second initial-data mark for {_offers[index].Name}");
        }

        _watchdog.Device = _offers[index].Name;
        Load(_targets[index].Iterative!.CompleteInitialData, "its initial data is incomplete");
        _acked[index] = true;
        _acksPending--;
        if (_returnPath)
        {
            MessageCodec.WriteInteger(_writer!, SessionFormat.DeviceAckTag, index);
            if (_acksPending == 0)
            {
                MessageCodec.WriteEmpty(_writer!, SessionFormat.SwitchoverAckTag);
            }

            await _writer!.FlushAsync(Token).ConfigureAwait(false);
        }

        Emit(SessionEventKind.DeviceAcknowledged, $"{_offers[index].Name}: initial data loaded; acknowledged", _offers[index].Name);
        if (_acksPending == 0)
        {
            Emit(SessionEventKind.SwitchoverAcknowledged, "switchover acknowledged: every device's initial data is loaded");
        }

        _watchdog.Device = null;
    }

    private void ReceiveRoundEnd()
    {
        if (_watchdog.Phase != SessionPhase.Precopy)
        {
            throw Violation("a pre-copy round's end after the switchover");
        }

        RoundFigures figures = MessageCodec.ReadRoundEnd(_reader.GetContiguous(), _reader.ElementOffset);
        _rounds = figures.Round;
        if (Listening)
        {
            string text = Invariant($"pre-copy round {figures.Round}: received {figures.Bytes} bytes; ")
                + Invariant($"pending at the source {figures.PendingInitial} initial + {figures.PendingDirty} dirty");
            Emit(SessionEventKind.RoundCompleted, text, round: figures.Round, bytes: figures.Bytes);
        }
    }

    private void ReceiveSwitchover()
    {
        MessageCodec.ReadEmpty(_reader.GetContiguous(), _reader.ElementOffset, "the switchover");
        if (_watchdog.Phase != SessionPhase.Precopy)
        {
            throw Violation("a second switchover");
        }

        if (_acksPending > 0)
        {
            for (int i = 0; i < _offers.Count; i++)
            {
                if (_answer.Devices[i].SwitchoverAck && !_acked[i])
                {
                    throw new MigrationSessionException(
                        SessionErrorKind.ProtocolViolation,
                        SessionPhase.Precopy,
                        _offers[i].Name,
                        "the source switched over before this device's initial data was acknowledged");
                }
            }
        }

        _watchdog.Phase = SessionPhase.StopCopy;
        Emit(SessionEventKind.Switchover, "switchover: the source has stopped; stop-and-copy");
    }

    private void ReceiveSection()
    {
        if (_watchdog.Phase != SessionPhase.StopCopy)
        {
            throw Violation("a device section before the switchover");
        }

        if (_nextSection >= _offers.Count)
        {
            throw Violation(Invariant($"a section beyond the {_offers.Count} devices offered"));
        }

        int index = _nextSection;
        DeviceOffer offer = _offers[index];
        _watchdog.Device = offer.Name;
        ReadOnlyMemory<byte> section = _reader.GetContiguousMemory();
        SectionLayout layout = _sections.Read(section.Span, _reader.ElementOffset);
        if (!section.Span.Slice(layout.IdStart, layout.IdLength).SequenceEqual(_ids[index]) || layout.InstanceId != offer.InstanceId)
        {
            string found = SessionDevice.FormatName(Encoding.UTF8.GetString(section.Span.Slice(layout.IdStart, layout.IdLength)), layout.InstanceId);
            throw Violation($"the section of {found} where the section of {offer.Name} was due");
        }

        int version = _answer.Devices[index].Version;
        if (layout.Version != version)
        {
            throw Violation(Invariant($"{offer.Name} saved as version {layout.Version}; version {version} was agreed"));
        }

        SectionCodec.VerifyChecksum(section.Span, layout, _checksums, _reader.ElementOffset);
        IDeviceState device = _targets[index].Device;
        LoadReport report;
        try
        {
            layout.CheckConfiguration(section.Span, device, device.Type.Id, _reader.ElementOffset);
            report = _batch.Load(device, section.Slice(layout.StateStart, layout.StateLength), version);
        }
        catch (MigrationFormatException exception)
        {
            throw new MigrationSessionException(
                SessionErrorKind.LoadFailed,
                SessionPhase.StopCopy,
                offer.Name,
                $"its section did not load: {exception.Message}",
                exception.WithBaseOffset(_reader.ElementOffset + layout.StateStart));
        }

        _loaded[index] = true;
        _sectionBytes[index] = section.Length;
        _nextSection++;
        if (Listening)
        {
            string text = Invariant($"{offer.Name}: section loaded (v{version}, {section.Length} bytes; ")
                + Invariant($"{report.SkippedFields.Count} skipped, {report.DefaultedFields.Count} defaulted)");
            Emit(SessionEventKind.Section, text + "; held until the commit", offer.Name, bytes: section.Length);
        }

        _watchdog.Device = null;
    }

    private void ReceiveTrailer()
    {
        if (_watchdog.Phase != SessionPhase.StopCopy || _nextSection != _offers.Count)
        {
            string when = _watchdog.Phase == SessionPhase.StopCopy ? string.Empty : " and before the switchover";
            throw Violation(Invariant($"the trailer after {_nextSection} of {_offers.Count} sections{when}"));
        }

        long count = SectionCodec.ReadTrailer(_reader.GetContiguous(), _reader.ElementOffset, _reader.ChecksumState, _checksums);
        if (count != _offers.Count)
        {
            throw Violation(Invariant($"a trailer that counts {count} sections; {_offers.Count} came"));
        }

        _watchdog.Phase = SessionPhase.Completion;
    }

    private async Task TellCommittedAsync()
    {
        if (!_returnPath)
        {
            return;
        }

        try
        {
            MessageCodec.WriteInteger(_writer!, SessionFormat.CommittedTag, _offers.Count);
            _writer!.Write([0, 0]);
            await _writer.FlushAsync(Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The devices are committed: the migration has happened here. A source that misses this message reports
            // its own failure; nothing here can be undone for it.
            Emit(SessionEventKind.Warning, $"the commit could not be reported to the source: {exception.Message}");
        }
    }

    private async Task TryReportAsync(MigrationSessionException failure)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMilliseconds(Math.Min(1000, _options.Timeout.TotalMilliseconds)), _clock);
        try
        {
            if (!_answerSent)
            {
                _writer!.Write(SessionFormat.ReturnPathMagic);
            }

            MessageCodec.WriteFailure(_writer!, SessionFormat.ErrorTag, failure.Phase, failure.Detail, failure.Device);
            _writer!.Write([0, 0]);
            await _transport.Output!.FlushAsync(limit.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The connection may be what failed; the source then learns of the failure from its end.
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask NextAsync(string what, int prefix = int.MaxValue)
    {
        bool read;
        try
        {
            read = prefix == int.MaxValue
                ? await _reader.ReadAsync(Token).ConfigureAwait(false)
                : await _reader.ReadHeadAsync(prefix, Token).ConfigureAwait(false);
        }
        catch (MigrationFormatException exception) when (exception.Kind == MigrationErrorKind.Truncated)
        {
            (string message, string? device) = DescribeCut(_reader.PendingPrefix);
            long arrived = _reader.PendingLength;
            throw new MigrationSessionException(
                SessionErrorKind.PeerClosed,
                _watchdog.Phase,
                device,
                Invariant($"the source closed the connection inside {message} ({arrived} bytes of it arrived)"),
                exception);
        }

        if (!read)
        {
            throw new MigrationSessionException(
                SessionErrorKind.PeerClosed,
                _watchdog.Phase,
                _watchdog.Device,
                $"the source closed the connection where {what} was due");
        }
    }

    /// <summary>Names the message the connection ended inside, and its device when it has one.</summary>
    private (string Message, string? Device) DescribeCut(ReadOnlySpan<byte> prefix)
    {
        if (BerDecoder.TryReadTag(prefix, out BerTag tag, out _) != BerDecodeStatus.Done)
        {
            return ("a message", null);
        }

        if (tag == MigrationStreamFormat.SectionTag && _nextSection < _offers.Count)
        {
            return ("a section", _offers[_nextSection].Name);
        }

        if (tag == SessionFormat.DeviceDataTag && prefix.Length >= 9 && prefix[6] == 0x02 && prefix[7] == 1 && prefix[8] < _offers.Count)
        {
            return ("device data", _offers[prefix[8]].Name);
        }

        return ("a message " + tag, null);
    }

    private void Expect(BerTag tag, string what)
    {
        if (_reader.IsEndOfContents || _reader.Tag != tag)
        {
            throw Violation($"{(_reader.IsEndOfContents ? "the end of the stream" : _reader.Tag.ToString())} where {what} was due");
        }
    }

    private void Load(Action action, string what)
    {
        try
        {
            action();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new MigrationSessionException(SessionErrorKind.LoadFailed, _watchdog.Phase, _watchdog.Device, $"{what}: {exception.Message}", exception);
        }
    }

    private SessionDevice Find(DeviceOffer offer)
    {
        foreach (SessionDevice device in _devices)
        {
            if (device.InstanceId == offer.InstanceId && device.Device.Type.Id == offer.Id)
            {
                return device;
            }
        }

        throw new InvalidOperationException($"The negotiator accepted {offer.Name}, which is not here.");
    }

    private string NameOf(IIterativeDevice device)
    {
        foreach (SessionDevice candidate in _targets)
        {
            if (ReferenceEquals(candidate?.Device, device))
            {
                return candidate.Name;
            }
        }

        return device.Type.Id;
    }

    private MigrationSessionException Violation(string what) =>
        new(SessionErrorKind.ProtocolViolation, _watchdog.Phase, _watchdog.Device, $"the source sent {what}");

    private MigrationResult Result()
    {
        var devices = new List<DeviceMigration>(_offers.Count);
        for (int i = 0; i < _offers.Count; i++)
        {
            devices.Add(new DeviceMigration(
                _offers[i].Name,
                _answer.Devices[i].Version,
                _offers[i].Iterative,
                _answer.Devices[i].SwitchoverAck,
                _dataBytes[i],
                _sectionBytes[i]));
        }

        return new MigrationResult(_answer.Capabilities, devices, _rounds, _writer?.Position ?? 0, _reader.Position, _clock.GetElapsedTime(_start));
    }

    private string Describe()
    {
        var parts = new List<string>(_offers.Count);
        for (int i = 0; i < _offers.Count; i++)
        {
            string extra = (_offers[i].Iterative, _answer.Devices[i].SwitchoverAck) switch
            {
                (true, true) => " (pre-copy, switchover-ack)",
                (true, false) => " (pre-copy)",
                _ => string.Empty,
            };
            parts.Add(Invariant($"{_offers[i].Name} v{_answer.Devices[i].Version}{extra}"));
        }

        return $"negotiated: capabilities {string.Join(", ", _answer.Capabilities)}; {string.Join(", ", parts)}";
    }

    /// <summary>Gets a value indicating whether anyone receives events: per-section and per-round texts are built only then.</summary>
    private bool Listening => _options.Events is not null;

    private void Emit(SessionEventKind kind, string text, string? device = null, int round = 0, long bytes = 0) =>
        _options.Events?.Invoke(new SessionEvent(kind, _watchdog.Phase, text, device, round, bytes));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
