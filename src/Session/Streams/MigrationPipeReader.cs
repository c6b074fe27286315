using System;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MigrationFormat.Ber;
using MigrationFormat.Visitors;

namespace MigrationFormat.Session;

/// <summary>
/// Reads a BER migration stream (docs/wire-format.md) from a <see cref="PipeReader"/> asynchronously, section by
/// section: <see cref="ReadSectionAsync"/> waits until the next section has arrived whole (definite or indefinite
/// length, up to a limit), <see cref="LoadSection"/> loads it, and every load is held in a
/// <see cref="DeviceLoadBatch"/> until <see cref="Commit"/>, which the trailer (and its checksum) must have
/// preceded: the stream loads all or nothing. A steady-state section allocates nothing.
/// </summary>
public sealed class MigrationPipeReader : IDisposable
{
    private readonly MessageReader _input;
    private readonly DeviceLoadBatch _batch;
    private readonly SectionCodec _sections = new();
    private readonly List<string> _capabilities = [];
    private MigrationStreamHeader? _header;
    private ReadOnlyMemory<byte> _section;
    private SectionLayout _layout;
    private bool _hasSection;
    private bool _checksums;
    private bool _atEnd;
    private int _count;

    // Format version 2 wraps the sections in one [APPLICATION 6] value; version 1 streams carry them unwrapped.
    private bool _wrapped;
    private SectionsValue _sectionsValue;

    /// <summary>Creates a reader.</summary>
    /// <param name="input">The stream's bytes; not completed by the reader.</param>
    /// <param name="batch">Where loads wait for the commit; pass one to reuse its buffers across streams, or <see langword="null"/> for a new one.</param>
    /// <param name="maxSectionLength">The longest section (or other top-level value) accepted; a longer one fails before it is buffered.</param>
    public MigrationPipeReader(PipeReader input, DeviceLoadBatch? batch = null, int maxSectionLength = SessionOptions.DefaultMaxMessageLength)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = new MessageReader(input, null, maxSectionLength);
        _batch = batch ?? new DeviceLoadBatch();
    }

    /// <summary>Gets the stream's header, once read.</summary>
    public MigrationStreamHeader Header => _header ?? throw new InvalidOperationException("The header has not been read.");

    /// <summary>Gets the current section's device id, as UTF-8 (valid until the next read).</summary>
    public ReadOnlySpan<byte> SectionIdUtf8 => Current.Span.Slice(_layout.IdStart, _layout.IdLength);

    /// <summary>Gets the current section's device id (a new string each time).</summary>
    public string SectionId => Encoding.UTF8.GetString(SectionIdUtf8);

    /// <summary>Gets the current section's instance id.</summary>
    public uint SectionInstanceId => _hasSection ? _layout.InstanceId : throw NoSection();

    /// <summary>Gets the version the current section was saved as.</summary>
    public int SectionVersion => _hasSection ? _layout.Version : throw NoSection();

    /// <summary>Gets the stream offset of the current section.</summary>
    public long SectionOffset => _hasSection ? _input.ElementOffset : throw NoSection();

    private ReadOnlyMemory<byte> Current => _hasSection ? _section : throw NoSection();

    /// <summary>Reads the stream's first bytes and its header; called by the first section read if not before.</summary>
    /// <param name="cancellation">Cancels the wait.</param>
    /// <returns>The header.</returns>
    /// <exception cref="MigrationFormatException">
    /// Not a migration stream, a malformed header, or a required capability this reader does not understand (it
    /// understands only <c>crc32c</c>).
    /// </exception>
    public async ValueTask<MigrationStreamHeader> ReadHeaderAsync(CancellationToken cancellation = default)
    {
        if (_header is not null)
        {
            return _header;
        }

        if (!await _input.ReadPrefixAsync(MigrationStreamFormat.Magic, cancellation).ConfigureAwait(false))
        {
            throw new MigrationFormatException(MigrationErrorKind.Truncated, "The input is empty; a migration stream was expected.", 0);
        }

        if (!await _input.ReadAsync(cancellation).ConfigureAwait(false) || _input.IsEndOfContents || _input.Tag != MigrationStreamFormat.HeaderTag)
        {
            throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Expected the header {MigrationStreamFormat.HeaderTag}.", _input.Position);
        }

        (string producer, List<SessionCapability> capabilities) = MessageCodec.ReadHeader(
            _input.GetContiguous(),
            _input.ElementOffset,
            MigrationStreamFormat.FirstFormatVersion,
            out int formatVersion);
        foreach (SessionCapability capability in capabilities)
        {
            if (capability.Required && capability.Name != MigrationStreamFormat.IntegrityCapability)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnsupportedVersion,
                    $"The stream requires capability '{capability.Name}', which this reader does not understand.",
                    _input.ElementOffset);
            }

            _capabilities.Add(capability.Name);
        }

        _checksums = _capabilities.Contains(MigrationStreamFormat.IntegrityCapability);
        _input.Consume();
        _input.Summing = _checksums;
        _wrapped = formatVersion >= 2;
        _header = new MigrationStreamHeader(formatVersion, producer, _capabilities);
        return _header;
    }

    /// <summary>Waits for the next section, passing over embedded schemas and any section not loaded.</summary>
    /// <param name="cancellation">Cancels the wait.</param>
    /// <returns><see langword="false"/> at the trailer, which is checked (count and checksum), along with the end of the stream.</returns>
    /// <exception cref="MigrationFormatException">The stream is malformed, ends early, or fails a checksum.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadSectionAsync(CancellationToken cancellation = default)
    {
        if (_header is null)
        {
            await ReadHeaderAsync(cancellation).ConfigureAwait(false);
        }

        if (_hasSection)
        {
            _hasSection = false;
            _input.Consume();
        }

        while (!_atEnd)
        {
            // Only the opening of the sections' value is taken by itself: its contents come section by section.
            if (!await _input.ReadOpeningAsync(cancellation).ConfigureAwait(false))
            {
                throw new MigrationFormatException(MigrationErrorKind.Truncated, "The stream ended before its trailer.", _input.Position);
            }

            if (_input.IsEndOfContents)
            {
                if (_sectionsValue != SectionsValue.Open)
                {
                    throw new MigrationFormatException(MigrationErrorKind.Truncated, "The stream ended before its trailer.", _input.Position);
                }

                _input.Consume();
                _sectionsValue = SectionsValue.Closed;
                continue;
            }

            if (_wrapped && _input.Tag == MigrationStreamFormat.SectionsTag && _sectionsValue == SectionsValue.NotYet)
            {
                if (_input.ContentLength >= 0)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.LimitExceeded,
                        "The sections have a definite length; this reader takes them as they arrive only with an indefinite one.",
                        _input.ElementOffset);
                }

                _input.Consume();
                _sectionsValue = SectionsValue.Open;
                continue;
            }

            if (!await _input.ReadAsync(cancellation).ConfigureAwait(false))
            {
                throw new MigrationFormatException(MigrationErrorKind.Truncated, "The stream ended before its trailer.", _input.Position);
            }

            BerTag tag = _input.Tag;
            if (tag == MigrationStreamFormat.SchemasTag && (!_wrapped || _sectionsValue == SectionsValue.NotYet))
            {
                _input.Consume();
                continue;
            }

            if (tag == MigrationStreamFormat.TrailerTag && (!_wrapped || _sectionsValue == SectionsValue.Closed))
            {
                await ReadTrailerAsync(cancellation).ConfigureAwait(false);
                return false;
            }

            if (tag == MigrationStreamFormat.AbandonedTag && (!_wrapped || _sectionsValue == SectionsValue.Closed))
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.Truncated,
                    "The stream was abandoned: its writer was disposed before it completed the stream.",
                    _input.ElementOffset);
            }

            if (tag != MigrationStreamFormat.SectionTag || (_wrapped && _sectionsValue != SectionsValue.Open))
            {
                string expected = !_wrapped ? $"a section {MigrationStreamFormat.SectionTag}, the schemas or the trailer"
                    : _sectionsValue switch
                    {
                        SectionsValue.NotYet => $"the schemas or the sections {MigrationStreamFormat.SectionsTag}",
                        SectionsValue.Open => $"a section {MigrationStreamFormat.SectionTag} or the end of the sections",
                        _ => $"the trailer {MigrationStreamFormat.TrailerTag}",
                    };
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Expected {expected}; found {tag}.", _input.ElementOffset);
            }

            _section = _input.GetContiguousMemory();
            _layout = _sections.Read(_section.Span, _input.ElementOffset);
            SectionCodec.VerifyChecksum(_section.Span, _layout, _checksums, _input.ElementOffset);
            _hasSection = true;
            _count++;
            return true;
        }

        return false;
    }

    /// <summary>Gets a value indicating whether the current section is for a device of <paramref name="type"/>, without allocating.</summary>
    /// <param name="type">A device type.</param>
    /// <returns><see langword="true"/> when the section's id is the type's.</returns>
    public bool IsFor(DeviceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        ReadOnlySpan<byte> id = SectionIdUtf8;
        Span<byte> expected = stackalloc byte[256];
        return Encoding.UTF8.TryGetBytes(type.Id, expected, out int length) && id.SequenceEqual(expected.Slice(0, length));
    }

    /// <summary>Loads the current section into <paramref name="device"/>; it takes the state only at <see cref="Commit"/>.</summary>
    /// <param name="device">The destination, running as the version it loads as.</param>
    /// <returns>The load report; valid until the next load.</returns>
    /// <exception cref="MigrationFormatException">The section is for another device or does not load; the device is as it was.</exception>
    public LoadReport LoadSection(IDeviceState device)
    {
        ArgumentNullException.ThrowIfNull(device);
        ReadOnlyMemory<byte> section = Current;
        if (!IsFor(device.Type))
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnknownDevice,
                $"The section is for device '{SectionId}', not '{device.Type.Id}'.",
                _input.ElementOffset,
                null,
                SectionId,
                _layout.Version,
                device.Version);
        }

        _layout.CheckConfiguration(section.Span, device, SectionId, _input.ElementOffset);
        try
        {
            return _batch.Load(device, section.Slice(_layout.StateStart, _layout.StateLength), _layout.Version);
        }
        catch (MigrationFormatException exception)
        {
            throw exception.WithBaseOffset(_input.ElementOffset + _layout.StateStart);
        }
    }

    /// <summary>Makes every loaded device take its new state; only after the trailer has been read and checked.</summary>
    /// <exception cref="InvalidOperationException">The trailer has not been read.</exception>
    /// <exception cref="MigrationFormatException">A device's post-load hook rejected its state; no device changed.</exception>
    public void Commit()
    {
        if (!_atEnd)
        {
            throw new InvalidOperationException("The stream's trailer has not been read: nothing can be committed yet.");
        }

        _batch.Commit();
    }

    /// <summary>Puts every device loaded and not committed back as it was.</summary>
    public void Abort() => _batch.Abort();

    /// <summary>Puts back any device loaded and not committed, and gives the pipe back what was read.</summary>
    public void Dispose()
    {
        _batch.Abort();
        _input.Dispose();
        _sections.Dispose();
    }

    private async ValueTask ReadTrailerAsync(CancellationToken cancellation)
    {
        long count = SectionCodec.ReadTrailer(_input.GetContiguous(), _input.ElementOffset, _input.ChecksumState, _checksums);
        if (count != _count)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"The trailer counts {count} sections; the stream carried {_count}.",
                _input.ElementOffset);
        }

        _input.Consume();
        if (!await _input.ReadAsync(cancellation).ConfigureAwait(false) || !_input.IsEndOfContents)
        {
            throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "Expected the end of the stream after its trailer.", _input.Position);
        }

        _input.Consume();

        // The stream is complete here; what has already arrived behind it is an error, and nothing more is waited for.
        if (_input.Buffered > 0)
        {
            throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "Bytes follow the end of the migration stream.", _input.Position);
        }

        _atEnd = true;
    }

    private static InvalidOperationException NoSection() => new("No section is current; call ReadSectionAsync first.");

    /// <summary>Where a format version 2 stream stands with respect to its sections' value.</summary>
    private enum SectionsValue
    {
        NotYet,
        Open,
        Closed,
    }
}
