using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace MigrationFormat.Qemu;

/// <summary>
/// Reads a QEMU savevm stream (QEMU 7.2, stream version 3) record by record from a <see cref="Stream"/>, never holding more
/// than one record in memory: RAM pages pass through one <see cref="QemuRamRecord"/> at a time.
/// </summary>
/// <remarks>
/// <para>
/// Device sections (<c>SECTION_FULL</c>) carry no length. The reader delimits each one with the VM description: the one in
/// <see cref="QemuStreamReaderOptions.Description"/>, or the stream's own trailer, which it reads first when the stream can
/// seek. It then decodes the payload with <see cref="VmStateDecoder"/> to check that the description and the bytes agree.
/// Without a description (a pipe), a section ends at the first footer <c>7E &lt;section id&gt;</c> followed by a record type
/// byte; when the trailer arrives, every such section's length is checked against it.
/// </para>
/// <para>
/// Every malformed, truncated or hostile input ends in <see cref="MigrationFormatException"/> with the absolute offset
/// (relative to the stream's position when the reader was created); limits come from <see cref="QemuStreamReaderOptions"/>.
/// After such an exception the reader is faulted.
/// </para>
/// </remarks>
public sealed class QemuStreamReader : IDisposable
{
    private static readonly Dictionary<QemuCommand, int> FixedCommandLengths = new()
    {
        [QemuCommand.OpenReturnPath] = 0,
        [QemuCommand.Ping] = 4,
        [QemuCommand.PostcopyListen] = 0,
        [QemuCommand.PostcopyRun] = 0,
        [QemuCommand.Packaged] = 4,
        [QemuCommand.EnableColo] = 0,
        [QemuCommand.PostcopyResume] = 0,
        [QemuCommand.SwitchoverStart] = 0,
    };

    /// <summary>
    /// What one byte of VM description JSON counts as against the resource budget once parsed: the tree of its values and the
    /// descriptions made of it take about this many bytes for each byte of JSON.
    /// </summary>
    public const int DescriptionCostPerByte = 12;

    /// <summary>
    /// What a section counts against the resource budget, besides its payload and id string, while it is held: by this
    /// reader (every section's header, which later parts may refer to, as QEMU's loader allows, and which is checked against
    /// a VM description that comes after it) or by a caller until a later part of the stream arrives (<see cref="ChargeHeld"/>).
    /// A record and its bookkeeping take about this many bytes, many more than the 14-byte header of a small section.
    /// </summary>
    public const int HeldSectionCost = 256;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly QemuInput _input;
    private readonly QemuStreamReaderOptions _options;
    private readonly long _origin;
    private readonly Dictionary<uint, SectionInfo> _sections = [];
    private readonly List<(SectionInfo Section, long Offset, int Length)> _unchecked = [];
    private readonly QemuRamSummary _ram = new();
    private readonly ResourceMeter _meter;
    private State _state;
    private SectionInfo? _current;
    private VmDescription? _description;
    private long _lookaheadOffset = -1;
    private int _pageSize;
    private uint? _configPageBits;
    private bool _ignoreShared;
    private bool _footersSeen;
    private Func<ReadOnlySpan<byte>, bool>? _isPlausibleRecord;
    private string? _lastRamBlock;

    /// <summary>Creates a reader.</summary>
    /// <param name="stream">The stream, positioned at the magic. Offsets are relative to this position.</param>
    /// <param name="options">Limits and choices; <c>default</c> is safe.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave <paramref name="stream"/> open on <see cref="Dispose"/>.</param>
    public QemuStreamReader(Stream stream, QemuStreamReaderOptions options = default, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        }

        options.Validate();
        _stream = stream;
        _leaveOpen = leaveOpen;
        _options = options;
        _input = new QemuInput(stream);
        _origin = stream.CanSeek ? stream.Position : 0;
        _description = options.Description;
        _meter = new ResourceMeter(options.Budget);
    }

    private enum State
    {
        Header,
        AfterHeader,
        TopLevel,
        RamBody,
        AfterBody,
        AfterEof,
        AfterDescription,
        Done,
        Faulted,
    }

    /// <summary>Gets the options.</summary>
    public QemuStreamReaderOptions Options => _options;

    /// <summary>Gets the absolute offset of the next unread byte.</summary>
    public long Position => _input.Position;

    /// <summary>Gets the file header, once read.</summary>
    public QemuFileHeaderRecord? Header { get; private set; }

    /// <summary>Gets the configuration record, once read (streams of machine types 2.3 and older have none).</summary>
    public QemuConfigurationRecord? Configuration { get; private set; }

    /// <summary>
    /// Gets the VM description: the one from the options, or the stream's trailer, known after the header when the stream can
    /// seek and otherwise once the trailer has been read.
    /// </summary>
    public VmDescription? Description => _description;

    /// <summary>Gets the RAM summary, accumulated as records are read.</summary>
    public QemuRamSummary RamSummary => _ram;

    /// <summary>
    /// Gets the meter of what is held for this stream beyond the input itself, against <see cref="QemuStreamReaderOptions.Budget"/>:
    /// the sections this reader keeps, the parsed VM description, and what callers charge with <see cref="ChargeHeld"/>.
    /// </summary>
    public ResourceMeter Meter => _meter;

    /// <summary>
    /// Charges the budget for a section record the caller keeps until later in the stream (to decode it with the VM
    /// description, say): <see cref="HeldSectionCost"/> plus its payload and id string. Call it before adding the record to
    /// what is kept.
    /// </summary>
    /// <param name="section">The record.</param>
    /// <exception cref="MigrationFormatException">The budget does not allow it (<see cref="MigrationErrorKind.LimitExceeded"/>).</exception>
    public void ChargeHeld(QemuSectionRecord section)
    {
        ArgumentNullException.ThrowIfNull(section);
        long cost = HeldSectionCost + (long)section.Payload.Length + section.IdStrBytes.Length;
        if (!_meter.TryCharge(cost, _input.Position))
        {
            throw _meter.Exceeded(cost, _input.Position, $"section {section.SectionId} '{section.IdStr}', held until the end of the stream,", section.Offset);
        }
    }

    /// <summary>Reads the next record.</summary>
    /// <returns>The record, or <see langword="null"/> at the end of the stream.</returns>
    /// <exception cref="MigrationFormatException">The stream is malformed, truncated or exceeds a limit.</exception>
    /// <exception cref="InvalidOperationException">An earlier call failed.</exception>
    public QemuRecord? Read()
    {
        if (_state == State.Faulted)
        {
            throw new InvalidOperationException("The reader failed on an earlier record and cannot go on.");
        }

        try
        {
            return ReadCore();
        }
        catch
        {
            _state = State.Faulted;
            throw;
        }
    }

    /// <summary>Reads every remaining record.</summary>
    /// <returns>The records, lazily.</returns>
    public IEnumerable<QemuRecord> ReadAll()
    {
        while (Read() is { } record)
        {
            yield return record;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private QemuRecord? ReadCore()
    {
        switch (_state)
        {
            case State.Header:
                return ReadHeader();
            case State.AfterHeader:
                _state = State.TopLevel;
                if (_input.TryPeekByte(out byte next) && next == QemuStreamFormat.Configuration)
                {
                    return ReadConfiguration();
                }

                return ReadTopLevel();
            case State.TopLevel:
                return ReadTopLevel();
            case State.RamBody:
                return ReadRamRecord();
            case State.AfterBody:
                return ReadFooterOrNext();
            case State.AfterEof:
                return ReadAfterEof();
            case State.AfterDescription:
                if (!_input.AtEnd)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.InvalidEncoding,
                        $"Expected the end of the stream after the VM description, found more bytes (0x{_input.Buffered[0]:x2}).",
                        _input.Position);
                }

                _state = State.Done;
                return null;
            default:
                return null;
        }
    }

    private QemuFileHeaderRecord ReadHeader()
    {
        uint magic = _input.ReadUInt32("the file magic 'QEVM'");
        if (magic != QemuStreamFormat.Magic)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"Expected the magic 0x5145564d ('QEVM'), found 0x{magic:x8}: this is not a QEMU migration stream.",
                0);
        }

        uint version = _input.ReadUInt32("the stream version");
        if (version == QemuStreamFormat.ObsoleteVersion)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnsupportedVersion,
                "Expected stream version 3, found 2: the SaveVM v2 format is obsolete.",
                4);
        }

        if (version != QemuStreamFormat.Version)
        {
            throw new MigrationFormatException(MigrationErrorKind.UnsupportedVersion, $"Expected stream version 3, found {version}.", 4);
        }

        Header = new QemuFileHeaderRecord(version, 0);
        _state = State.AfterHeader;
        LookAhead();
        return Header;
    }

    private void LookAhead()
    {
        if (_description is not null || _options.SkipDescriptionLookahead || !_stream.CanSeek)
        {
            return;
        }

        // A description that does not parse is reported where the trailer is met in stream order, with the same offset.
        // One that does not fit the budget is not even read ahead: the sections are delimited by their footers, and the
        // trailer, met in stream order, fails there.
        long affordable = _options.Budget.Allowance(_stream.Length - _origin) / DescriptionCostPerByte;
        if (VmDescriptionLocator.TryLocate(
                _stream, _origin, (int)Math.Min(_options.EffectiveMaxVmDescriptionLength, affordable), out long offset, out byte[] json)
            && VmDescription.TryParse(json, _options.EffectiveMaxJsonDepth, offset + 5, out VmDescription? description, out _))
        {
            _description = description;
            _lookaheadOffset = offset;
        }
    }

    private QemuConfigurationRecord ReadConfiguration()
    {
        long offset = _input.Position;
        _input.ReadByte("the configuration record type");
        uint length = _input.ReadUInt32("the machine type length");
        if (length > (uint)_options.EffectiveMaxSectionLength)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.LimitExceeded,
                $"The machine type name is {length} bytes long, more than the limit of {_options.EffectiveMaxSectionLength} (MaxSectionLength).",
                offset + 1);
        }

        byte[] machine = _input.ReadBytes((int)length, "the machine type name");
        uint? pageBits = null;
        byte[][] capabilities = [];
        byte[]? uuid = null;
        var order = new List<string>();
        while (_input.TryPeekByte(out byte next) && next == QemuStreamFormat.Subsection)
        {
            long subOffset = _input.Position;
            _input.ReadByte("the subsection marker");
            string name = QemuText.Decode(_input.ReadCounted("the configuration subsection name"));
            uint version = _input.ReadUInt32("the configuration subsection version");
            if (version != 1)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnsupportedVersion,
                    $"Expected version 1 of the configuration subsection '{name}', found {version}.",
                    subOffset,
                    name);
            }

            switch (name)
            {
                case QemuConfigurationRecord.TargetPageBitsSubsection:
                    pageBits = _input.ReadUInt32("the target page bits");
                    if (pageBits is < 9 or > 20)
                    {
                        throw new MigrationFormatException(
                            MigrationErrorKind.UnexpectedValue,
                            $"Expected target page bits between 9 and 20, found {pageBits}.",
                            _input.Position - 4,
                            name);
                    }

                    break;
                case QemuConfigurationRecord.CapabilitiesSubsection:
                    uint count = _input.ReadUInt32("the capability count");
                    if (count > 256)
                    {
                        throw new MigrationFormatException(
                            MigrationErrorKind.LimitExceeded,
                            $"The configuration lists {count} capabilities; at most 256 are accepted.",
                            _input.Position - 4,
                            name);
                    }

                    capabilities = new byte[count][];
                    for (int i = 0; i < capabilities.Length; i++)
                    {
                        capabilities[i] = _input.ReadCounted("a capability name");
                        if (QemuText.Decode(capabilities[i]) == "x-ignore-shared")
                        {
                            _ignoreShared = true;
                        }
                    }

                    break;
                case QemuConfigurationRecord.UuidSubsection:
                    uuid = _input.ReadBytes(16, "the VM UUID");
                    break;
                default:
                    throw new MigrationFormatException(
                        MigrationErrorKind.UnexpectedValue,
                        $"Unknown configuration subsection '{name}': expected target-page-bits, capabilities or uuid.",
                        subOffset,
                        name);
            }

            order.Add(name);
        }

        _configPageBits = pageBits;
        Configuration = new QemuConfigurationRecord(machine, pageBits, capabilities, uuid, order, offset);
        return Configuration;
    }

    private QemuRecord ReadTopLevel()
    {
        long offset = _input.Position;
        if (_input.AtEnd)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.Truncated,
                "Expected a record type byte (at least the EOF record 0x00), but the stream ends.",
                offset);
        }

        byte type = _input.ReadByte("a record type");
        switch (type)
        {
            case QemuStreamFormat.EndOfFile:
                _state = State.AfterEof;
                return new QemuEndOfFileRecord(offset);
            case QemuStreamFormat.SectionStart:
            case QemuStreamFormat.SectionFull:
                return ReadSectionWithHeader(type, offset);
            case QemuStreamFormat.SectionPart:
            case QemuStreamFormat.SectionEnd:
                return ReadSectionPartOrEnd(type, offset);
            case QemuStreamFormat.Command:
                return ReadCommand(offset);
            case QemuStreamFormat.SectionFooter:
                throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "Found a section footer (0x7E) that follows no section body.", offset);
            case QemuStreamFormat.Configuration:
                throw new MigrationFormatException(
                    MigrationErrorKind.InvalidEncoding,
                    "Found a configuration record (0x07) that does not directly follow the file header.",
                    offset);
            case QemuStreamFormat.VmDescription:
                throw new MigrationFormatException(
                    MigrationErrorKind.InvalidEncoding,
                    "Found the VM description record (0x06) before the EOF record (0x00).",
                    offset);
            default:
                throw new MigrationFormatException(
                    MigrationErrorKind.InvalidEncoding,
                    $"Unknown record type 0x{type:x2}: expected 0x00 (EOF), 0x01-0x04 (sections) or 0x08 (command).",
                    offset);
        }
    }

    private QemuSectionRecord ReadSectionWithHeader(byte type, long offset)
    {
        uint sectionId = _input.ReadUInt32("the section id");
        byte[] idStr = _input.ReadCounted("the section id string");
        uint instanceId = _input.ReadUInt32("the instance id");
        uint versionId = _input.ReadUInt32("the version id");
        bool full = type == QemuStreamFormat.SectionFull;
        var info = new SectionInfo(sectionId, idStr, instanceId, versionId, !full && IsRam(idStr, instanceId));
        Hold(info, offset);
        _sections[sectionId] = info;
        _current = info;
        QemuRecordKind kind = full ? QemuRecordKind.SectionFull : QemuRecordKind.SectionStart;
        if (info.IsRam)
        {
            _state = State.RamBody;
            _ram.WireBytes += 14 + idStr.Length;
            return new QemuSectionRecord(kind, sectionId, idStr, instanceId, versionId, QemuSectionBody.Ram, default, offset);
        }

        ReadOnlyMemory<byte> payload = full ? ReadDevicePayload(info) : ReadOpaqueBody(info);
        _state = State.AfterBody;
        return new QemuSectionRecord(kind, sectionId, idStr, instanceId, versionId, full ? QemuSectionBody.VmState : QemuSectionBody.Opaque, payload, offset);
    }

    private QemuSectionRecord ReadSectionPartOrEnd(byte type, long offset)
    {
        uint sectionId = _input.ReadUInt32("the section id");
        if (!_sections.TryGetValue(sectionId, out SectionInfo? info))
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"The {QemuStreamFormat.GetRecordTypeName(type)} record refers to section id {sectionId}, which no SECTION_START opened.",
                offset);
        }

        _current = info;
        QemuRecordKind kind = type == QemuStreamFormat.SectionEnd ? QemuRecordKind.SectionEnd : QemuRecordKind.SectionPart;
        if (info.IsRam)
        {
            _state = State.RamBody;
            _ram.WireBytes += 5;
            return new QemuSectionRecord(kind, sectionId, info.IdStr, info.InstanceId, info.VersionId, QemuSectionBody.Ram, default, offset);
        }

        ReadOnlyMemory<byte> payload = ReadOpaqueBody(info);
        _state = State.AfterBody;
        return new QemuSectionRecord(kind, sectionId, info.IdStr, info.InstanceId, info.VersionId, QemuSectionBody.Opaque, payload, offset);
    }

    private ReadOnlyMemory<byte> ReadOpaqueBody(SectionInfo info) =>
        _input.ReadUntilFooter(info.Id, _options.EffectiveMaxSectionLength, $"section {info.Id} '{info.Name}'", _isPlausibleRecord ??= IsPlausibleRecord);

    /// <summary>
    /// Whether the bytes after a candidate footer look like the start of the next record, so that footer bytes inside a payload
    /// (QEMU 10.0's <c>timer</c> section can hold <c>7E 00 00 00 00</c> and then a zero byte) are not taken for the footer.
    /// </summary>
    private bool IsPlausibleRecord(ReadOnlySpan<byte> next)
    {
        if (next.IsEmpty)
        {
            return true;
        }

        switch (next[0])
        {
            case QemuStreamFormat.EndOfFile:
                // The end of the stream, or the VM description: 06, be32 length, '{'.
                return next.Length == 1 || (next[1] == QemuStreamFormat.VmDescription && (next.Length < 7 || next[6] == (byte)'{'));
            case QemuStreamFormat.SectionStart or QemuStreamFormat.SectionFull:
                if (next.Length < 6)
                {
                    return true;
                }

                int length = next[5];
                ReadOnlySpan<byte> name = next.Slice(6, Math.Min(length, next.Length - 6));
                return length > 0 && !name.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E);
            case QemuStreamFormat.SectionPart or QemuStreamFormat.SectionEnd:
                return next.Length < 5 || _sections.ContainsKey(BinaryPrimitives.ReadUInt32BigEndian(next.Slice(1)));
            case QemuStreamFormat.Command:
                return next.Length < 3 || BinaryPrimitives.ReadUInt16BigEndian(next.Slice(1)) is >= 1 and <= (ushort)QemuCommand.SwitchoverStart;
            default:
                return false;
        }
    }

    private ReadOnlyMemory<byte> ReadDevicePayload(SectionInfo info)
    {
        long payloadOffset = _input.Position;
        VmDeviceDescription? device = _description?.FindDevice(info.Name, info.InstanceId);
        if (device is null)
        {
            ReadOnlyMemory<byte> scanned = ReadOpaqueBody(info);
            _unchecked.Add((info, payloadOffset, scanned.Length));
            return scanned;
        }

        try
        {
            long length = device.GetPayloadLength();
            if (length > _options.EffectiveMaxSectionLength)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.LimitExceeded,
                    $"The VM description gives the device section a payload of {length} bytes, more than the limit of {_options.EffectiveMaxSectionLength} "
                        + "(MaxSectionLength).",
                    payloadOffset);
            }

            byte[] payload = _input.ReadBytes((int)length, $"the payload of device section {info.Id} '{info.Name}' (its length from the VM description)");
            if (!_options.SkipDeviceValidation)
            {
                if (!VmStateDecoder.TryDecode(device, payload, payloadOffset, _options.Budget, out _, out MigrationFormatException? error))
                {
                    throw error;
                }
            }

            return payload;
        }
        catch (MigrationFormatException ex) when (ex.Device is null)
        {
            throw ex.WithDevice(info.Name, (int)Math.Min(info.VersionId, int.MaxValue), null);
        }
    }

    private QemuRecord? ReadFooterOrNext()
    {
        SectionInfo section = _current!;
        long offset = _input.Position;
        if (_input.TryPeekByte(out byte next) && next == QemuStreamFormat.SectionFooter)
        {
            _input.ReadByte("the footer type");
            uint id = _input.ReadUInt32("the section id of the footer");
            if (id != section.Id)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    $"Mismatched section id in footer: expected {section.Id} ('{section.Name}'), found {id}.",
                    offset);
            }

            _footersSeen = true;
            if (section.IsRam)
            {
                _ram.WireBytes += 5;
            }

            _state = State.TopLevel;
            return new QemuSectionFooterRecord(id, offset);
        }

        if (_footersSeen)
        {
            string found = _input.Available > 0 ? $"0x{next:x2}" : "the end of the stream";
            throw new MigrationFormatException(
                _input.Available > 0 ? MigrationErrorKind.InvalidEncoding : MigrationErrorKind.Truncated,
                $"Missing section footer: expected 0x7E and section id {section.Id} after the body of '{section.Name}', found {found}.",
                offset);
        }

        _state = State.TopLevel;
        return ReadTopLevel();
    }

    private QemuRamRecord ReadRamRecord()
    {
        SectionInfo section = _current!;
        int pageSize = ResolvePageSize();
        long offset = _input.Position;
        ulong word = _input.ReadUInt64("a RAM record header word");
        ulong mask = (ulong)pageSize - 1;
        var flags = (QemuRamFlagBits)(long)(word & mask);
        ulong address = word & ~mask;
        bool continues = (flags & QemuRamFlagBits.Continue) != 0;
        QemuRamFlagBits kind = flags & ~QemuRamFlagBits.Continue;
        QemuRamRecord record;
        switch (kind)
        {
            case QemuRamFlagBits.MemSize:
                record = new QemuRamRecord(
                    QemuRamRecordType.BlockList,
                    word,
                    pageSize,
                    section.Id,
                    null,
                    null,
                    0,
                    0,
                    default,
                    ReadBlockList(address, offset),
                    offset);
                break;
            case QemuRamFlagBits.Zero:
            {
                (byte[]? name, string block) = ReadBlockName(continues, offset);
                byte fill = _input.ReadByte("the fill byte of a zero page");
                record = new QemuRamRecord(QemuRamRecordType.ZeroPage, word, pageSize, section.Id, name, block, fill, 0, default, null, offset);
                break;
            }

            case QemuRamFlagBits.Page:
            {
                (byte[]? name, string block) = ReadBlockName(continues, offset);
                byte[] data = _input.ReadBytes(pageSize, "a RAM page");
                record = new QemuRamRecord(QemuRamRecordType.Page, word, pageSize, section.Id, name, block, 0, 0, data, null, offset);
                break;
            }

            case QemuRamFlagBits.CompressPage:
            {
                (byte[]? name, string block) = ReadBlockName(continues, offset);
                long lengthOffset = _input.Position;
                uint length = _input.ReadUInt32("the compressed page length");
                long bound = (long)pageSize + (pageSize >> 12) + (pageSize >> 14) + (pageSize >> 25) + 13;
                if (length > bound)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.UnexpectedValue,
                        $"Invalid compressed page length {length}: at most {bound} for a {pageSize}-byte page.",
                        lengthOffset);
                }

                byte[] data = _input.ReadBytes((int)length, "the compressed page data");
                record = new QemuRamRecord(QemuRamRecordType.CompressedPage, word, pageSize, section.Id, name, block, 0, 0, data, null, offset);
                break;
            }

            case QemuRamFlagBits.Xbzrle:
            {
                (byte[]? name, string block) = ReadBlockName(continues, offset);
                long encodingOffset = _input.Position;
                byte encoding = _input.ReadByte("the XBZRLE encoding flag");
                if (encoding != 1)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.UnexpectedValue,
                        $"Expected the XBZRLE encoding flag 0x01, found 0x{encoding:x2}.",
                        encodingOffset);
                }

                ushort length = _input.ReadUInt16("the XBZRLE data length");
                if (length > pageSize)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.UnexpectedValue,
                        $"Invalid XBZRLE data length {length}: at most the page size {pageSize}.",
                        encodingOffset + 1);
                }

                byte[] data = _input.ReadBytes(length, "the XBZRLE data");
                record = new QemuRamRecord(QemuRamRecordType.XbzrlePage, word, pageSize, section.Id, name, block, 0, encoding, data, null, offset);
                break;
            }

            case QemuRamFlagBits.EndOfSection:
                record = new QemuRamRecord(QemuRamRecordType.EndOfSection, word, pageSize, section.Id, null, null, 0, 0, default, null, offset);
                _state = State.AfterBody;
                break;
            case QemuRamFlagBits.Hook:
                record = new QemuRamRecord(QemuRamRecordType.Hook, word, pageSize, section.Id, null, null, 0, 0, default, null, offset);
                break;
            case QemuRamFlagBits.MultifdFlush:
                record = new QemuRamRecord(QemuRamRecordType.MultifdFlush, word, pageSize, section.Id, null, null, 0, 0, default, null, offset);
                break;
            default:
                throw new MigrationFormatException(
                    MigrationErrorKind.InvalidEncoding,
                    $"Unknown combination of RAM flags 0x{(int)flags:x} in the header word 0x{word:x16} (page size {pageSize}).",
                    offset);
        }

        _ram.Add(record);
        return record;
    }

    private (byte[]? Name, string Block) ReadBlockName(bool continues, long offset)
    {
        if (continues)
        {
            return _lastRamBlock is null
                ? throw new MigrationFormatException(
                    MigrationErrorKind.InvalidEncoding,
                    "A RAM page record says CONTINUE (same block as the previous page), but no page record named a block before it.",
                    offset)
                : (null, _lastRamBlock);
        }

        byte[] name = _input.ReadCounted("the RAM block name");
        _lastRamBlock = QemuText.Decode(name);
        return (name, _lastRamBlock);
    }

    private List<QemuRamBlock> ReadBlockList(ulong total, long offset)
    {
        var blocks = new List<QemuRamBlock>();
        ulong remaining = total;
        while (remaining != 0)
        {
            if (blocks.Count >= _options.EffectiveMaxRamBlocks)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.LimitExceeded,
                    $"The RAM block list has more than {_options.EffectiveMaxRamBlocks} entries (MaxRamBlocks).",
                    _input.Position);
            }

            long entryOffset = _input.Position;
            byte[] name = _input.ReadCounted("a RAM block name");
            ulong length = _input.ReadUInt64("a RAM block length");
            ulong? address = _ignoreShared ? _input.ReadUInt64("a RAM block guest address") : null;
            if (length > remaining)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    $"The RAM block '{QemuText.Decode(name)}' is 0x{length:x} bytes long, but only 0x{remaining:x} of the declared total 0x{total:x} remain.",
                    entryOffset);
            }

            remaining -= length;
            blocks.Add(new QemuRamBlock(name, length, null, address));
        }

        return blocks;
    }

    private QemuCommandRecord ReadCommand(long offset)
    {
        ushort command = _input.ReadUInt16("the command number");
        ushort length = _input.ReadUInt16("the command data length");
        var known = (QemuCommand)command;
        if (command == 0 || command > (ushort)QemuCommand.SwitchoverStart)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue, $"Unknown command {command} (length {length}): expected 1 to 11.", offset + 1);
        }

        if (FixedCommandLengths.TryGetValue(known, out int expected) && expected != length)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"The command {known} has {expected} bytes of data, but the record says {length}.",
                offset + 3);
        }

        byte[] data = _input.ReadBytes(length, $"the data of command {known}");
        ReadOnlyMemory<byte> packaged = default;
        if (known == QemuCommand.Packaged)
        {
            uint packagedLength = BinaryPrimitives.ReadUInt32BigEndian(data);
            if (packagedLength > (uint)_options.EffectiveMaxSectionLength)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.LimitExceeded,
                    $"The packaged stream is {packagedLength} bytes long, more than the limit of {_options.EffectiveMaxSectionLength} (MaxSectionLength).",
                    offset + 5);
            }

            packaged = _input.ReadBytes((int)packagedLength, "the packaged stream");
        }

        return new QemuCommandRecord(command, data, packaged, offset);
    }

    private QemuVmDescriptionRecord? ReadAfterEof()
    {
        long offset = _input.Position;
        if (_input.AtEnd)
        {
            _state = State.Done;
            return null;
        }

        byte type = _input.ReadByte("the VM description record type");
        if (type != QemuStreamFormat.VmDescription)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.InvalidEncoding,
                $"Expected the VM description record (0x06) or the end of the stream after the EOF record, found 0x{type:x2}.",
                offset);
        }

        uint length = _input.ReadUInt32("the VM description length");
        if (length > (uint)_options.EffectiveMaxVmDescriptionLength)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.LimitExceeded,
                $"The VM description is declared as {length} bytes, more than the limit of {_options.EffectiveMaxVmDescriptionLength} "
                    + "(MaxVmDescriptionLength).",
                offset + 1);
        }

        byte[] json = _input.ReadBytes((int)length, "the VM description JSON");
        VmDescription description;
        if (_lookaheadOffset >= 0 && _lookaheadOffset == offset)
        {
            description = _description!;
        }
        else
        {
            _meter.Charge(json.LongLength * DescriptionCostPerByte, offset + 5 + json.LongLength, "the VM description, parsed", offset);
            description = VmDescription.Parse(json, _options.EffectiveMaxJsonDepth, offset + 5);
            if (_lookaheadOffset >= 0)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.InvalidEncoding,
                    $"The VM description found at the end of the stream starts at offset {_lookaheadOffset}, but the records lead to one at offset {offset}.",
                    offset);
            }
        }

        CheckAgainst(description, offset);
        _description ??= description;
        _state = State.AfterDescription;
        return new QemuVmDescriptionRecord(json, description, offset);
    }

    private void CheckAgainst(VmDescription description, long offset)
    {
        if (_pageSize != 0 && description.PageSize != _pageSize)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"The RAM records were read with a page size of {_pageSize}, but the VM description gives {description.PageSize}.",
                offset);
        }

        foreach ((SectionInfo section, long payloadOffset, int length) in _unchecked)
        {
            VmDeviceDescription? device = description.FindDevice(section.Name, section.InstanceId);
            if (device is null)
            {
                continue;
            }

            long expected;
            try
            {
                expected = device.GetPayloadLength();
            }
            catch (MigrationFormatException ex)
            {
                throw ex.WithDevice(section.Name, (int)Math.Min(section.VersionId, int.MaxValue), null);
            }

            if (expected != length)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    $"The device section ended at the first footer after {length} payload bytes, but the VM description gives it {expected}.",
                    payloadOffset,
                    null,
                    section.Name,
                    (int)Math.Min(section.VersionId, int.MaxValue),
                    null);
            }
        }
    }

    private int ResolvePageSize()
    {
        if (_pageSize == 0)
        {
            _pageSize = _options.TargetPageSize != 0 ? _options.TargetPageSize
                : _configPageBits is { } bits ? 1 << (int)bits
                : _description?.PageSize ?? QemuStreamFormat.DefaultTargetPageSize;
            _ram.PageSize = _pageSize;
        }

        return _pageSize;
    }

    /// <summary>Charges a section this reader keeps (see <see cref="HeldSectionCost"/>).</summary>
    private void Hold(SectionInfo info, long offset)
    {
        long cost = HeldSectionCost + (long)info.IdStr.Length;
        if (!_meter.TryCharge(cost, _input.Position))
        {
            throw _meter.Exceeded(cost, _input.Position, $"the header of section {info.Id} '{info.Name}'", offset);
        }
    }

    private static bool IsRam(byte[] idStr, uint instanceId) =>
        instanceId == 0 && idStr.AsSpan().SequenceEqual("ram"u8);

    private sealed class SectionInfo(uint id, byte[] idStr, uint instanceId, uint versionId, bool isRam)
    {
        public uint Id { get; } = id;

        public byte[] IdStr { get; } = idStr;

        public string Name { get; } = QemuText.Decode(idStr);

        public uint InstanceId { get; } = instanceId;

        public uint VersionId { get; } = versionId;

        public bool IsRam { get; } = isRam;
    }
}
