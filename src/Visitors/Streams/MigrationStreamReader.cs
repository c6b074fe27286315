using System;
using System.Collections.Generic;
using System.IO;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>The header of a BER migration stream.</summary>
/// <param name="FormatVersion">The format version.</param>
/// <param name="Producer">The producer's name.</param>
/// <param name="Capabilities">The capabilities the producer announced.</param>
public sealed record MigrationStreamHeader(int FormatVersion, string Producer, IReadOnlyList<string> Capabilities);

/// <summary>The header of one device section.</summary>
/// <param name="Id">The device's section id string.</param>
/// <param name="InstanceId">The instance id.</param>
/// <param name="Version">The device version the section was saved with.</param>
/// <param name="Offset">The absolute offset where the section begins.</param>
public sealed record SectionHeader(string Id, uint InstanceId, int Version, long Offset)
{
    /// <summary>
    /// Gets the device's model and effective configuration the section carries, or <see langword="null"/> when it
    /// carries none (streams written without it, and those of other writers). A load checks it before the state.
    /// </summary>
    public ConfigurationRecord? Configuration { get; init; }

    /// <summary>Gets the absolute offset of the configuration, or -1 when the section carries none.</summary>
    public long ConfigurationOffset { get; init; } = -1;
}

/// <summary>One section of a whole-stream load (<see cref="MigrationStreamReader.LoadAll"/>).</summary>
/// <param name="Section">The section's header.</param>
/// <param name="Device">The device it loaded into, or <see langword="null"/> when it was passed over.</param>
/// <param name="Report">The load's report, or <see langword="null"/> when it was passed over.</param>
public sealed record SectionLoadResult(SectionHeader Section, IDeviceState? Device, LoadReport? Report);

/// <summary>
/// Reads a BER migration stream section by section, from memory or incrementally from a <see cref="Stream"/>.
/// Each device section loads into a device all or nothing: on any failure the device is restored to the state it
/// had before the load, and <see cref="MigrationFormatException"/> names the device, the field path, the offset
/// and both versions.
/// </summary>
/// <remarks>After a failed load the reader's position is inside the failed section; stop reading the stream.</remarks>
public sealed class MigrationStreamReader : IDisposable
{
    private readonly BerInputSource _input;
    private readonly Stream? _ownedStream;
    private readonly BerLoadSession _session;
    private readonly LoadTransaction _transaction = new();
    private readonly Dictionary<string, byte[]> _schemas = new(StringComparer.Ordinal);
    private readonly ResourceMeter _meter;
    private SectionHeader? _current;
    private bool _atEnd;
    private bool _integrity;
    private int _sections;
    private SectionsValue _sectionsValue;

    /// <summary>Creates a reader over a stream held in memory and reads its header.</summary>
    /// <param name="data">The whole stream.</param>
    /// <param name="options">Limits.</param>
    /// <exception cref="MigrationFormatException">The input is not a migration stream or its header is malformed.</exception>
    public MigrationStreamReader(ReadOnlyMemory<byte> data, BerLoadOptions options = default)
        : this(new BerInputSource(data, options.Reader), options, owned: null)
    {
    }

    /// <summary>
    /// Creates a reader that pulls from <paramref name="input"/> as it goes, and reads the header. Like
    /// <see cref="StreamReader"/>, the reader owns the stream and disposes it with itself (also when this constructor
    /// throws) unless <paramref name="leaveOpen"/> is <see langword="true"/>.
    /// </summary>
    /// <param name="input">The stream; read synchronously and forward only, never seeked.</param>
    /// <param name="options">Limits.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave <paramref name="input"/> open when the reader is disposed.</param>
    /// <exception cref="MigrationFormatException">The input is not a migration stream or its header is malformed.</exception>
    public MigrationStreamReader(Stream input, BerLoadOptions options = default, bool leaveOpen = false)
        : this(new BerInputSource(input, options.Reader), options, leaveOpen ? null : input)
    {
    }

    private MigrationStreamReader(BerInputSource input, BerLoadOptions options, Stream? owned)
    {
        _input = input;
        _ownedStream = owned;
        _meter = new ResourceMeter(options.Budget);
        try
        {
            _input.TrackChecksums = true;
            _session = new BerLoadSession(input, options);
            Header = ReadHeader();
        }
        catch
        {
            // The caller gets no reader to dispose: release what it would have released.
            Dispose();
            throw;
        }

        _integrity = System.Linq.Enumerable.Contains(Header.Capabilities, MigrationStreamFormat.IntegrityCapability);

        // The header was summed in case it announced checksums; without them, summing every later byte (blobs
        // included) would be wasted, because a checksum in such a stream is an error, not something to verify.
        _input.TrackChecksums = _integrity;
    }

    /// <summary>Gets the stream's header.</summary>
    public MigrationStreamHeader Header { get; }

    /// <summary>Gets the embedded schema documents read so far, keyed by <c>id/vN</c> (e.g. <c>serial/v3</c>).</summary>
    public IReadOnlyDictionary<string, byte[]> Schemas => _schemas;

    /// <summary>
    /// Gets or sets what names the stream's fields that a destination does not know, in errors and load reports; the
    /// Schema layer's <c>SchemaFieldNames</c> names them from <see cref="Schemas"/>. Initially
    /// <see cref="BerLoadOptions.FieldNames"/>; <see langword="null"/> shows such fields by their tag.
    /// </summary>
    public IFieldNameResolver? FieldNames
    {
        get => _session.FieldNames;
        set => _session.FieldNames = value;
    }

    /// <summary>Gets the report of the last successful <see cref="LoadSection"/>.</summary>
    public LoadReport LastReport => _session.Report;

    /// <summary>Moves to the next device section, passing over any section not loaded or skipped.</summary>
    /// <param name="section">The section's header, when there is one.</param>
    /// <returns><see langword="false"/> at the trailer, which is checked, along with the end of the stream.</returns>
    /// <exception cref="MigrationFormatException">The stream is malformed or ends early.</exception>
    public bool TryReadSection(out SectionHeader section)
    {
        if (_current is not null)
        {
            SkipSection();
        }

        section = null!;
        if (_atEnd)
        {
            return false;
        }

        BerTag tag = ReadToSectionOrTrailer(out long offset);
        if (tag == MigrationStreamFormat.TrailerTag)
        {
            ReadTrailer();
            return false;
        }

        _input.MarkSection();
        _input.Accept();
        string id = ReadString("the section's device id");
        long instance = ReadInteger("the section's instance id", 0, uint.MaxValue);
        long version = ReadInteger("the section's version", 1, int.MaxValue);
        Expect(BerTokenType.StartConstructed, "the device state");
        ConfigurationRecord? configuration = null;
        long configurationOffset = -1;
        if (_input.Tag == MigrationStreamFormat.ConfigurationTag)
        {
            configurationOffset = _input.TokenOffset;
            configuration = ReadConfiguration(id, (int)version);
            Expect(BerTokenType.StartConstructed, "the device state");
        }

        if (_input.Tag != MigrationStreamFormat.StateTag)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"Expected the device state {MigrationStreamFormat.StateTag}; found {_input.Tag}.",
                _input.TokenOffset,
                null,
                id,
                (int)version,
                null);
        }

        _input.Accept();
        section = new SectionHeader(id, (uint)instance, (int)version, offset) { Configuration = configuration, ConfigurationOffset = configurationOffset };
        _current = section;
        _sections++;
        return true;
    }

    /// <summary>Loads the current section into <paramref name="device"/>, all or nothing.</summary>
    /// <param name="device">The destination device, running as the version it will load as.</param>
    /// <returns>The load report: skipped and defaulted fields.</returns>
    /// <exception cref="InvalidOperationException">No section is current.</exception>
    /// <exception cref="MigrationFormatException">The section cannot be loaded; <paramref name="device"/> is unchanged.</exception>
    public LoadReport LoadSection(IDeviceState device)
    {
        LoadCurrent(device, _transaction);
        _transaction.Commit();
        return _session.Report;
    }

    /// <summary>
    /// What one entry of <see cref="LoadAll"/>'s result counts against the resource budget (<see cref="BerLoadOptions.Budget"/>),
    /// besides two bytes per character of the section's id: the entry and the section's header take about this many bytes,
    /// many more than a small section's own.
    /// </summary>
    public const int LoadResultCost = 192;

    /// <summary>
    /// Loads every remaining section of the stream into the device <paramref name="resolve"/> gives for it, and
    /// commits the devices only once the trailer has been read (with its checksum, when the stream announces
    /// them): until then nothing is changed for good, and on any failure every device is put back as it was.
    /// Every entry of the result, a section passed over too, is charged to the budget (<see cref="LoadResultCost"/>).
    /// </summary>
    /// <param name="resolve">Gives the device a section loads into, or <see langword="null"/> to pass the section over.</param>
    /// <returns>One entry per section read, in stream order: its header, the device, and its load report (null for a section passed over).</returns>
    /// <exception cref="MigrationFormatException">A section does not load, or the stream is malformed, cut before its trailer or fails a checksum; every device
    /// is unchanged.</exception>
    public IReadOnlyList<SectionLoadResult> LoadAll(Func<SectionHeader, IDeviceState?> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        var results = new List<SectionLoadResult>();
        var open = new List<LoadTransaction>();
        try
        {
            while (TryReadSection(out SectionHeader section))
            {
                ChargeResult(section);
                IDeviceState? device = resolve(section);
                if (device is null)
                {
                    results.Add(new SectionLoadResult(section, null, null));
                    continue;
                }

                var transaction = new LoadTransaction();
                LoadCurrent(device, transaction);
                open.Add(transaction);
                results.Add(new SectionLoadResult(section, device, _session.Report.Clone()));
            }
        }
        catch
        {
            // Newest first: a device loaded twice goes back through each of its snapshots in turn.
            for (int i = open.Count - 1; i >= 0; i--)
            {
                open[i].Abort();
            }

            throw;
        }

        // The trailer (and every checksum) has been verified; only now does any device take its new state.
        for (int i = 0; i < open.Count; i++)
        {
            try
            {
                open[i].Commit();
            }
            catch
            {
                for (int j = i - 1; j >= 0; j--)
                {
                    open[j].Abort();
                }

                for (int j = i + 1; j < open.Count; j++)
                {
                    open[j].Abort();
                }

                throw;
            }
        }

        return results;
    }

    /// <summary>Charges one entry of <see cref="LoadAll"/>'s result, with the bytes read so far: those before the section.</summary>
    private void ChargeResult(SectionHeader section)
    {
        long cost = LoadResultCost + (2L * section.Id.Length);
        if (!_meter.TryCharge(cost, section.Offset))
        {
            throw _meter.Exceeded(cost, section.Offset, $"the load's entry for section '{section.Id}'", section.Offset);
        }
    }

    /// <summary>Loads the current section into <paramref name="device"/> inside <paramref name="transaction"/>, which the caller commits; aborts it on
    /// failure.</summary>
    private void LoadCurrent(IDeviceState device, LoadTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(device);
        SectionHeader section = _current ?? throw new InvalidOperationException("No section is current; call TryReadSection first.");
        if (!string.Equals(section.Id, device.Type.Id, StringComparison.Ordinal))
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnknownDevice,
                $"The section is for device '{section.Id}', not '{device.Type.Id}'.",
                section.Offset,
                null,
                section.Id,
                section.Version,
                device.Version);
        }

        if (section.Version < device.Type.MinimumVersion)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnsupportedVersion,
                $"Version {section.Version} is older than the oldest version {device.Type.MinimumVersion} the destination loads.",
                section.Offset,
                null,
                section.Id,
                section.Version,
                device.Version);
        }

        ConfigurationCheck? configuration = CheckConfiguration(section, device);
        StateLayout layout = StateLayout.For(device.Configuration);
        transaction.Begin(device, section.Version);
        _session.Transaction = transaction;
        _session.Begin(section.Id, layout, section.Version);
        if (configuration is not null)
        {
            _session.Report.AddConfigurationNotes(configuration);
        }

        try
        {
            _session.VisitState(device);
            _session.End();
            CloseSection();
        }
        catch
        {
            transaction.Abort();
            _current = null;
            _atEnd = true;
            throw;
        }

        _current = null;
    }

    /// <summary>
    /// Checks the configuration the section carries against the device's before anything is loaded
    /// (docs/catalog.md §3), failing with <see cref="MigrationErrorKind.ConfigurationMismatch"/> naming the first issue.
    /// </summary>
    private ConfigurationCheck? CheckConfiguration(SectionHeader section, IDeviceState device)
    {
        if (section.Configuration is not { } incoming)
        {
            return null;
        }

        ConfigurationCheck check = device.Configuration.Check(incoming);
        if (!check.IsCompatible)
        {
            _current = null;
            _atEnd = true;
            check.ThrowIfIncompatible(section.ConfigurationOffset, section.Id, section.Version, device.Version);
        }

        return check;
    }

    /// <summary>
    /// Reads a section's <c>[APPLICATION 8]</c> configuration: the model, then <c>name=value</c> items tagged
    /// <c>[0]</c> (must-parse) or <c>[PRIVATE 0]</c> (skippable), at most <see cref="ConfigurationRecord.MaxItems"/>;
    /// values a later format version appends after the items are skipped.
    /// </summary>
    private ConfigurationRecord ReadConfiguration(string id, int version)
    {
        long offset = _input.TokenOffset;
        _input.Accept();
        string model = ReadString("the configuration's model");
        Expect(BerTokenType.StartConstructed, "the configuration's parameters");
        if (_input.Tag != BerTag.Sequence)
        {
            throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Expected the configuration's parameters (SEQUENCE); found {_input.Tag}.",
                _input.TokenOffset, "configuration", id, version, null);
        }

        _input.Accept();
        var items = new List<ConfigurationItem>();
        while (Expect(BerTokenType.None, "a configuration parameter") != BerTokenType.EndConstructed)
        {
            long itemOffset = _input.TokenOffset;
            bool mustParse = _input.Tag == MigrationStreamFormat.MustParseItemTag;
            if (_input.TokenType != BerTokenType.Primitive || (!mustParse && _input.Tag != MigrationStreamFormat.SkippableItemTag))
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    $"Expected a configuration parameter {MigrationStreamFormat.MustParseItemTag} or {MigrationStreamFormat.SkippableItemTag}; "
                        + $"found {_input.Tag}.",
                    itemOffset,
                    "configuration",
                    id,
                    version,
                    null);
            }

            if (items.Count == ConfigurationRecord.MaxItems)
            {
                throw new MigrationFormatException(MigrationErrorKind.LimitExceeded,
                    $"A configuration holds at most {ConfigurationRecord.MaxItems} parameters.", itemOffset, "configuration", id, version, null);
            }

            items.Add(ConfigurationRecord.ParseItem(ReadString("a configuration parameter", _input.Tag), mustParse, itemOffset));
        }

        ExpectEnd("the configuration's parameters");
        while (_input.Peek() && _input.TokenType != BerTokenType.EndConstructed)
        {
            _input.SkipValue();
        }

        ExpectEnd("the configuration");
        return ConfigurationRecord.Create(model, items, offset);
    }

    /// <summary>Passes over the current section without loading it.</summary>
    public void SkipSection()
    {
        if (_current is null)
        {
            return;
        }

        // Inside the state value: skip its contents, then the section's end.
        int depth = _input.Depth;
        while (_input.Depth >= depth)
        {
            if (!_input.Peek())
            {
                throw new MigrationFormatException(MigrationErrorKind.Truncated, "The input ended inside a section.", _input.Position);
            }

            _input.Accept();
        }

        CloseSection();
        _current = null;
    }

    /// <summary>Releases the input's buffer and, unless the reader was created with <c>leaveOpen</c>, disposes the input stream.</summary>
    public void Dispose()
    {
        _input.Dispose();
        _ownedStream?.Dispose();
    }

    /// <summary>
    /// Reads up to the identifier of the next section or of the trailer, through the schemas and, in format version 2,
    /// the start and end of the sections' value: a section only inside it, the trailer only after it, the schemas at
    /// most once and before it. Version 1 streams carry their sections unwrapped, after any number of schema blocks.
    /// </summary>
    private BerTag ReadToSectionOrTrailer(out long offset)
    {
        bool wrapped = Header.FormatVersion >= 2;
        bool schemasRead = false;

        // A loop, never recursion, so that a version 1 stream of nothing but schema blocks costs time and no stack.
        while (true)
        {
            if (Expect(BerTokenType.None, "a section, the schemas or the trailer") == BerTokenType.EndConstructed
                && wrapped && _sectionsValue == SectionsValue.Open)
            {
                _input.Accept();
                _sectionsValue = SectionsValue.Closed;
                continue;
            }

            Expect(BerTokenType.StartConstructed, "a section, the schemas or the trailer");
            BerTag tag = _input.Tag;
            offset = _input.TokenOffset;
            if (tag == MigrationStreamFormat.SchemasTag && !(wrapped && (schemasRead || _sectionsValue != SectionsValue.NotYet)))
            {
                ReadSchemas();
                schemasRead = true;
                continue;
            }

            if (wrapped && tag == MigrationStreamFormat.SectionsTag && _sectionsValue == SectionsValue.NotYet)
            {
                _input.Accept();
                _sectionsValue = SectionsValue.Open;
                continue;
            }

            if (tag == MigrationStreamFormat.AbandonedTag && (!wrapped || _sectionsValue == SectionsValue.Closed))
            {
                ThrowAbandoned(offset);
            }

            bool expected = wrapped
                ? (tag == MigrationStreamFormat.SectionTag && _sectionsValue == SectionsValue.Open)
                    || (tag == MigrationStreamFormat.TrailerTag && _sectionsValue == SectionsValue.Closed)
                : tag == MigrationStreamFormat.SectionTag || tag == MigrationStreamFormat.TrailerTag;
            if (!expected)
            {
                string where = !wrapped ? $"a section {MigrationStreamFormat.SectionTag}, the schemas or the trailer"
                    : _sectionsValue switch
                    {
                        SectionsValue.NotYet => $"the schemas or the sections {MigrationStreamFormat.SectionsTag}",
                        SectionsValue.Open => $"a section {MigrationStreamFormat.SectionTag} or the end of the sections",
                        _ => $"the trailer {MigrationStreamFormat.TrailerTag}",
                    };
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Expected {where}; found {tag}.", offset);
            }

            return tag;
        }
    }

    private MigrationStreamHeader ReadHeader()
    {
        if (!_input.Peek())
        {
            throw new MigrationFormatException(MigrationErrorKind.Truncated, "The input is empty; a migration stream was expected.", 0);
        }

        if (_input.TokenType != BerTokenType.StartConstructed || _input.Tag != MigrationStreamFormat.StreamTag)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"Not a BER migration stream: expected {MigrationStreamFormat.StreamTag} (bytes 7F CD 46), found {_input.Tag}.",
                0);
        }

        _input.Accept();
        Expect(BerTokenType.StartConstructed, "the header");
        if (_input.Tag != MigrationStreamFormat.HeaderTag)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"Expected the header {MigrationStreamFormat.HeaderTag}; found {_input.Tag}.",
                _input.TokenOffset);
        }

        _input.Accept();
        long formatVersion = ReadInteger("the format version", 1, int.MaxValue);
        if (formatVersion is < MigrationStreamFormat.FirstFormatVersion or > MigrationStreamFormat.FormatVersion)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnsupportedVersion,
                $"The stream's format version is {formatVersion}; this reader supports versions "
                    + $"{MigrationStreamFormat.FirstFormatVersion} to {MigrationStreamFormat.FormatVersion}.",
                _input.TokenOffset);
        }

        string producer = ReadString("the producer");
        Expect(BerTokenType.StartConstructed, "the capabilities");
        _input.Accept();
        var capabilities = new List<string>();
        while (_input.Peek() && _input.TokenType != BerTokenType.EndConstructed)
        {
            capabilities.Add(ReadCapability());
        }

        ExpectEnd("the capabilities");

        // Fields a later format version adds to the header are skipped.
        while (_input.Peek() && _input.TokenType != BerTokenType.EndConstructed)
        {
            _input.SkipValue();
        }

        ExpectEnd("the header");
        return new MigrationStreamHeader((int)formatVersion, producer, capabilities);
    }

    private void ReadSchemas()
    {
        _input.Accept();
        while (Expect(BerTokenType.None, "a schema or the end of the schemas") != BerTokenType.EndConstructed)
        {
            if (_input.TokenType != BerTokenType.StartConstructed || _input.Tag != BerTag.Sequence)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    $"Expected an embedded schema (SEQUENCE); found {_input.Tag}.",
                    _input.TokenOffset);
            }

            _input.Accept();
            string key = ReadString("the schema's key");
            Expect(BerTokenType.Primitive, "the schema document");
            BerTag tag = _input.Tag;
            long offset = _input.TokenOffset;
            _input.Accept();
            byte[] value = _input.Value.ToArray();

            // Each document is bounded on its own, and all of them together by the budget: their sum grows with the input.
            long read = offset + value.Length;
            string what = "the embedded schema '" + key + "'";
            if (tag == MigrationStreamFormat.CompressedSchemaTag)
            {
                _schemas[key] = SchemaCompression.Decompress(value, _meter, read, what, offset);
            }
            else if (tag == BerTag.OctetString)
            {
                _meter.Charge(value.Length, read, what, offset);
                _schemas[key] = value;
            }
            else
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    $"Expected a schema document (OCTET STRING, or [0] compressed); found {tag}.",
                    offset);
            }
            ExpectEnd("an embedded schema");
        }

        ExpectEnd("the schemas");
    }

    private void ReadTrailer()
    {
        _input.Accept();
        long count = ReadInteger("the section count", 0, int.MaxValue);
        if (count != _sections)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"The trailer counts {count} sections; the stream carried {_sections}.",
                _input.TokenOffset);
        }

        CheckIntegrity(_input.StreamChecksum, "the stream");

        while (_input.Peek() && _input.TokenType != BerTokenType.EndConstructed)
        {
            _input.SkipValue();
        }

        ExpectEnd("the trailer");
        ExpectEnd("the stream");
        if (_input.Peek())
        {
            throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "Bytes follow the end of the migration stream.", _input.TokenOffset);
        }

        _atEnd = true;
    }

    /// <summary>Reports the mark a writer leaves when it is disposed before <c>Complete</c>: the stream is cut, on purpose.</summary>
    private void ThrowAbandoned(long offset)
    {
        _input.Accept();
        long written = ReadInteger("the abandoned stream's section count", 0, int.MaxValue);
        _atEnd = true;
        throw new MigrationFormatException(
            MigrationErrorKind.Truncated,
            string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"Expected a section or the trailer; found the mark {MigrationStreamFormat.AbandonedTag} of a writer disposed before it completed the stream, "
                    + $"after {written} section(s): the stream is incomplete."),
            offset);
    }

    private void CloseSection()
    {
        CheckIntegrity(_input.SectionChecksum, "the section");

        // Values a later format version adds after the state are skipped.
        while (_input.Peek() && _input.TokenType != BerTokenType.EndConstructed)
        {
            _input.SkipValue();
        }

        ExpectEnd("the section");
    }

    /// <summary>
    /// Verifies the checksum that closes a section or the trailer when the header announced checksums, and rejects
    /// one that stands where none was announced: either way a changed capability name cannot switch checking off.
    /// </summary>
    private void CheckIntegrity(uint computed, string what)
    {
        if (_integrity)
        {
            VerifyChecksum(computed, what);
            return;
        }

        if (NextIsChecksum())
        {
            throw new MigrationFormatException(
                MigrationErrorKind.IntegrityCheckFailed,
                $"{char.ToUpperInvariant(what[0])}{what[1..]} carries a checksum {MigrationStreamFormat.ChecksumTag}, but the header does not announce "
                    + $"\"{MigrationStreamFormat.IntegrityCapability}\".",
                _input.TokenOffset,
                null,
                _current?.Id,
                _current?.Version,
                null);
        }
    }

    private bool NextIsChecksum() =>
        _input.Peek() && _input.TokenType == BerTokenType.Primitive && _input.Tag == MigrationStreamFormat.ChecksumTag;

    /// <summary>Reads a checksum element and compares it with <paramref name="computed"/>, the CRC-32C of every byte before it.</summary>
    private void VerifyChecksum(uint computed, string what)
    {
        if (!_input.Peek() || _input.TokenType != BerTokenType.Primitive || _input.Tag != MigrationStreamFormat.ChecksumTag)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.IntegrityCheckFailed,
                $"The stream announces CRC-32C checksums but {what} has none where its checksum {MigrationStreamFormat.ChecksumTag} was expected.",
                _input.TokenOffset,
                null,
                _current?.Id,
                _current?.Version,
                null);
        }

        long offset = _input.TokenOffset;
        _input.Accept();
        ReadOnlySpan<byte> stored = _input.Value;
        uint expected = stored.Length == 4 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(stored) : ~computed;
        if (expected != computed)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.IntegrityCheckFailed,
                $"The CRC-32C of {what} is {computed:X8} but the stream says "
                    + $"{(stored.Length == 4 ? expected.ToString("X8", System.Globalization.CultureInfo.InvariantCulture) : stored.Length + " bytes")}: the "
                    + "bytes were changed.",
                offset,
                null,
                _current?.Id,
                _current?.Version,
                null);
        }
    }

    private BerTokenType Expect(BerTokenType type, string what)
    {
        if (!_input.Peek())
        {
            throw new MigrationFormatException(MigrationErrorKind.Truncated, $"The input ended where {what} was expected.", _input.Position);
        }

        if (type != BerTokenType.None && _input.TokenType != type)
        {
            string found = _input.TokenType == BerTokenType.EndConstructed ? "an end of contents" : _input.Tag.ToString();
            throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Expected {what}; found {found}.", _input.TokenOffset);
        }

        return _input.TokenType;
    }

    private void ExpectEnd(string what)
    {
        Expect(BerTokenType.EndConstructed, "the end of " + what);
        _input.Accept();
    }

    private long ReadInteger(string what, long min, long max)
    {
        Expect(BerTokenType.Primitive, what);
        if (_input.Tag != BerTag.Integer)
        {
            throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Expected {what} as an INTEGER; found {_input.Tag}.", _input.TokenOffset);
        }

        _input.Accept();
        ReadOnlySpan<byte> content = _input.Value;
        BerDecodeStatus status = BerDecoder.TryDecodeInt64(content, out long value);
        if (status == BerDecodeStatus.OutOfRange)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"Expected {what} between {min} and {max}; found an INTEGER of {content.Length} octets.",
                _input.TokenOffset);
        }

        if (status != BerDecodeStatus.Done)
        {
            throw new MigrationFormatException(
                BerThrowHelper.KindOf(status),
                $"Expected {what}; {BerThrowHelper.DescribeInteger(status, content, content.Length, unsigned: false)}.",
                _input.TokenOffset);
        }

        if (value < min || value > max)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"Expected {what} between {min} and {max}; found {value}.",
                _input.TokenOffset);
        }

        return value;
    }

    /// <summary>
    /// Reads a capability: a UTF8String the reader may ignore, or a <c>[0]</c> one it must understand; this reader
    /// understands only <see cref="MigrationStreamFormat.IntegrityCapability"/>, so it fails on any other required one
    /// before it reads a section.
    /// </summary>
    private string ReadCapability()
    {
        Expect(BerTokenType.Primitive, "a capability");
        if (_input.Tag != MigrationStreamFormat.RequiredCapabilityTag)
        {
            return ReadString("a capability");
        }

        long offset = _input.TokenOffset;
        string name = ReadString("a required capability", MigrationStreamFormat.RequiredCapabilityTag);
        if (name != MigrationStreamFormat.IntegrityCapability)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnsupportedVersion,
                $"The stream requires capability '{name}', which this reader does not understand.",
                offset);
        }

        return name;
    }

    private string ReadString(string what) => ReadString(what, BerTag.Utf8String);

    private string ReadString(string what, BerTag tag)
    {
        Expect(BerTokenType.Primitive, what);
        if (_input.Tag != tag)
        {
            throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Expected {what} as a UTF8String; found {_input.Tag}.", _input.TokenOffset);
        }

        _input.Accept();
        ReadOnlySpan<byte> content = _input.Value;
        if (!System.Text.Unicode.Utf8.IsValid(content))
        {
            throw new MigrationFormatException(
                MigrationErrorKind.InvalidEncoding,
                $"Expected {what} as UTF-8 text; it is not valid UTF-8.",
                _input.TokenOffset);
        }

        return System.Text.Encoding.UTF8.GetString(content);
    }

    /// <summary>Where a format version 2 reader is with respect to the sections' value.</summary>
    private enum SectionsValue
    {
        /// <summary>Not yet opened: the schemas or the sections' start come next.</summary>
        NotYet,

        /// <summary>Open: a section or its end comes next.</summary>
        Open,

        /// <summary>Closed: the trailer comes next.</summary>
        Closed,
    }
}
