using System;
using System.Buffers;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.IO;
using System.IO.Pipelines;
using System.Threading.Tasks;
using System.Text;
using MigrationFormat.Ber;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Qemu;

/// <summary>The way back: a transcoded BER stream to the QEMU bytes it came from, read forward in bounded memory.</summary>
public static partial class QemuTranscoder
{
    /// <summary>The largest device state or VM description held in memory at once (RAM travels in segments instead).</summary>
    private const int MaxBufferedState = 64 * 1024 * 1024;

    private static readonly BerTag OctetStringTag = new(BerTagClass.Universal, 4);
    private static readonly BerTag Utf8StringTag = new(BerTagClass.Universal, 12);
    private static readonly BerTag IntegerTag = new(BerTagClass.Universal, 2);
    private static readonly BerTag BlobTag = new(BerTagClass.ContextSpecific, 0, isConstructed: true);

    /// <summary>Converts a BER stream made by <see cref="ToBer(Stream, Stream, bool, ResourceBudget)"/> back into the original QEMU savevm stream.</summary>
    /// <param name="ber">The BER stream.</param>
    /// <param name="qemuOutput">Where the QEMU stream goes.</param>
    /// <returns>The number of QEMU bytes written.</returns>
    /// <exception cref="MigrationFormatException">The BER stream is malformed or was not made by the transcoder.</exception>
    public static long ToLegacy(Stream ber, Stream qemuOutput) => ToLegacy(ber, qemuOutput, default);

    /// <summary>
    /// Converts a BER stream made by <see cref="ToBer(Stream, Stream, bool, ResourceBudget)"/> back into the original QEMU
    /// savevm stream, checking both ends: the BER stream is first read through as a load reads it (nesting and length
    /// limits, framing, section count, checksums, embedded schemas within the budget), then converted forward in bounded
    /// memory (raw records, RAM included, copied segment by segment; one device state or the VM description held at a
    /// time), and the QEMU stream it gives is read back (header, every record's framing, each device section against the
    /// VM description) before success is reported.
    /// </summary>
    /// <param name="ber">The BER stream; read twice when it can seek, copied to memory first when it cannot.</param>
    /// <param name="qemuOutput">
    /// Where the QEMU stream goes. When it can seek and be read (a file opened for writing), the result is written to it
    /// and read back from it, and cut back to where it started if the check fails; otherwise the result is held in memory
    /// and written only once it has passed.
    /// </param>
    /// <param name="budget">Bounds the embedded schemas and the shapes the VM description expands into.</param>
    /// <returns>The number of QEMU bytes written.</returns>
    /// <exception cref="MigrationFormatException">
    /// The BER stream is malformed, was not made by the transcoder, or gives a QEMU stream that does not read back.
    /// </exception>
    public static long ToLegacy(Stream ber, Stream qemuOutput, ResourceBudget budget)
    {
        ArgumentNullException.ThrowIfNull(ber);
        ArgumentNullException.ThrowIfNull(qemuOutput);
        MemoryStream? copy = null;
        try
        {
            Stream source = ber;
            if (!ber.CanSeek)
            {
                copy = new MemoryStream();
                ber.CopyTo(copy);
                copy.Position = 0;
                source = copy;
            }

            long start = source.Position;
            ValidateBer(source, budget);
            source.Position = start;

            var input = new BerStreamInput(source);
            try
            {
                return qemuOutput.CanSeek && qemuOutput.CanRead
                    ? ConvertAndReadBack(input, qemuOutput, budget)
                    : ConvertThroughCheck(input, qemuOutput, budget);
            }
            catch (AsnContentException ex)
            {
                // AsnReader reports malformed BER only by throwing; this is where it becomes the documented exception.
                throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "The BER stream is malformed: " + ex.Message, input.Position, null, ex);
            }
        }
        finally
        {
            copy?.Dispose();
        }
    }

    /// <summary>Converts into an output that can be read back: written in place, read back, cut back to its start on failure.</summary>
    private static long ConvertAndReadBack(BerStreamInput input, Stream output, ResourceBudget budget)
    {
        long start = output.Position;
        try
        {
            long written = new LegacySession(input, output, new ResourceMeter(budget)).Run();
            output.Position = start;
            CheckQemuFraming(output, budget);
            output.Position = start + written;
            return written;
        }
        catch (Exception ex) when (ex is MigrationFormatException or AsnContentException)
        {
            output.SetLength(start);
            throw;
        }
    }

    /// <summary>
    /// Converts into an output that can only be written forward (a pipe, standard output): the QEMU bytes go through a
    /// bounded pipe to the framing check, which passes each piece on to the output once it has read it, so memory stays
    /// bounded whatever the stream's size. A failure of either side fails the call (what the output already took stays).
    /// </summary>
    private static long ConvertThroughCheck(BerStreamInput input, Stream output, ResourceBudget budget)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false));
        Task<long> converting = Task.Run(() =>
        {
            try
            {
                long written;
                using (Stream into = pipe.Writer.AsStream(leaveOpen: true))
                {
                    written = new LegacySession(input, into, new ResourceMeter(budget)).Run();
                }

                pipe.Writer.Complete();
                return written;
            }
            catch (Exception ex)
            {
                pipe.Writer.Complete(ex);
                throw;
            }
        });

        Exception? checkFailure = null;
        try
        {
            using var passed = new PassingOnStream(pipe.Reader.AsStream(leaveOpen: true), output);
            CheckQemuFraming(passed, budget);
            passed.CopyTo(Stream.Null);
        }
        catch (Exception ex)
        {
            checkFailure = ex;
        }
        finally
        {
            // A check that stopped early must not leave the conversion waiting on a full pipe.
            pipe.Reader.Complete();
        }

        long written = 0;
        Exception? conversionFailure = null;
        try
        {
            written = converting.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            conversionFailure = ex;
        }

        // A malformed input is the cause of whatever the check then saw; otherwise the check's own finding comes first.
        Exception? failure = conversionFailure is MigrationFormatException or AsnContentException ? conversionFailure : checkFailure ?? conversionFailure;
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return written;
    }

    /// <summary>A read-only stream that passes on to <paramref name="output"/> every byte its reader takes from <paramref name="inner"/>.</summary>
    private sealed class PassingOnStream(Stream inner, Stream output) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read = inner.Read(buffer);
            output.Write(buffer[..read]);
            return read;
        }

        public override void Flush() => output.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// Reads a QEMU savevm stream through to its end as <c>load</c> would (header, every record, each device section
    /// checked against the VM description), so that a converter never reports success for bytes QEMU would refuse.
    /// </summary>
    /// <param name="qemu">The whole QEMU stream.</param>
    /// <param name="budget">The resource budget for the check.</param>
    /// <exception cref="MigrationFormatException">The bytes are not a well-framed QEMU stream; the offset is in them.</exception>
    public static void CheckQemuFraming(ReadOnlyMemory<byte> qemu, ResourceBudget budget)
    {
        if (!System.Runtime.InteropServices.MemoryMarshal.TryGetArray(qemu, out ArraySegment<byte> segment))
        {
            segment = qemu.ToArray();
        }

        using var source = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
        CheckQemuFraming(source, budget);
    }

    /// <summary>Reads a QEMU savevm stream from <paramref name="qemu"/>'s position through to its end, as <c>load</c> would.</summary>
    /// <param name="qemu">The stream, positioned at the QEMU stream's magic; left at its end.</param>
    /// <param name="budget">The resource budget for the check.</param>
    /// <exception cref="MigrationFormatException">The bytes are not a well-framed QEMU stream; the offset is in them.</exception>
    public static void CheckQemuFraming(Stream qemu, ResourceBudget budget)
    {
        ArgumentNullException.ThrowIfNull(qemu);
        using var reader = new QemuStreamReader(qemu, new QemuStreamReaderOptions { Budget = budget }, leaveOpen: true);
        bool ended = false;
        while (reader.Read() is { } record)
        {
            ended |= record is QemuEndOfFileRecord;
        }

        if (!ended)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.Truncated,
                "The QEMU stream written has no end-of-file record (QEMU_VM_EOF); QEMU would wait for more.",
                qemu.CanSeek ? qemu.Position : -1);
        }
    }

    /// <summary>
    /// Reads the whole BER stream as a load does before any of it is converted: every nesting, length, framing, checksum
    /// and budget rule of <see cref="MigrationStreamReader"/>, so the converter's own reader only meets input loaders accept.
    /// </summary>
    private static void ValidateBer(Stream source, ResourceBudget budget)
    {
        using var reader = new MigrationStreamReader(source, new BerLoadOptions { Budget = budget }, leaveOpen: true);
        while (reader.TryReadSection(out _))
        {
            // Each section is passed over whole: its framing, length and nesting are checked on the way.
        }
    }

    /// <summary>One <see cref="ToLegacy(Stream, Stream, ResourceBudget)"/> run: the stream's framing walked header by header.</summary>
    private sealed class LegacySession(BerStreamInput input, Stream output, ResourceMeter meter)
    {
        private readonly ArrayBufferWriter<byte> _writer = new();
        private VmDescription? _description;
        private Dictionary<string, QemuShape?> _shapes = [];

        /// <summary>The section version of each old-style device (no version in the description) met so far.</summary>
        private readonly Dictionary<(string, uint), uint> _sectionVersions = [];
        private byte[]? _vmdescJson;
        private long _written;

        public long Run()
        {
            if (!MigrationStreamFormat.IsMigrationStream(input.Peek(MigrationStreamFormat.Magic.Length)))
            {
                throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "The input is not a BER migration stream.", 0);
            }

            BerHeaderRead stream = input.ReadHeader("the migration stream");
            BerHeaderRead header = Expect(input.ReadHeader("the stream header"), MigrationStreamFormat.HeaderTag, "the stream header");
            AsnReader headerReader = new AsnReader(input.CaptureValue(header, MaxBufferedState, "the stream header"), AsnEncodingRules.BER)
                .ReadSequence(AsnHeaderTag);
            if (!headerReader.TryReadInt32(out int formatVersion)
                || formatVersion is < MigrationStreamFormat.FirstFormatVersion or > MigrationStreamFormat.FormatVersion)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnsupportedVersion,
                    "The BER stream's format version is not one this reader supports.",
                    header.Offset);
            }

            bool trailer = false;
            long streamEnd = End(stream);
            while (!trailer && !AtEnd(stream, streamEnd))
            {
                BerHeaderRead value = input.ReadHeader("a section, the schemas or the trailer");
                if (value.Tag == MigrationStreamFormat.SchemasTag)
                {
                    input.SkipContents(value, "the schemas");
                }
                else if (value.Tag == MigrationStreamFormat.SectionsTag && formatVersion >= 2)
                {
                    long sectionsEnd = End(value);
                    while (!AtEnd(value, sectionsEnd))
                    {
                        WriteSection(Expect(input.ReadHeader("a section"), MigrationStreamFormat.SectionTag, "a section"));
                    }
                }
                else if (value.Tag == MigrationStreamFormat.SectionTag && formatVersion == MigrationStreamFormat.FirstFormatVersion)
                {
                    WriteSection(value);
                }
                else if (value.Tag == MigrationStreamFormat.TrailerTag)
                {
                    input.SkipContents(value, "the trailer");
                    trailer = true;
                }
                else
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.UnexpectedValue,
                        $"Expected a section, the schemas or the trailer of a transcoded stream; found {value.Tag}.",
                        value.Offset);
                }
            }

            if (!trailer)
            {
                throw new MigrationFormatException(MigrationErrorKind.Truncated, "The BER stream ends before its trailer.", input.Position);
            }

            if (_vmdescJson is not null)
            {
                _writer.Clear();
                using (var qemu = new QemuStreamWriter(_writer))
                {
                    qemu.WriteVmDescription(_vmdescJson);
                    qemu.Flush();
                }

                Emit();
            }

            return _written;
        }

        private void WriteSection(BerHeaderRead section)
        {
            string id = ReadId();
            if (!TryReadInteger(out long instance) || instance is < 0 or > uint.MaxValue
                || !TryReadInteger(out long version) || version is < int.MinValue or > int.MaxValue)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.IntegerOutOfRange,
                    $"Section '{id}' has an instance id or version out of range.",
                    input.Position);
            }

            BerHeaderRead state = Expect(input.ReadHeader($"the state of section '{id}'"), MigrationStreamFormat.StateTag, $"the state of section '{id}'");
            if (id == RecordSectionId)
            {
                CopyRecords(state);
            }
            else
            {
                AsnReader reader = new AsnReader(input.CaptureValue(state, MaxBufferedState, $"the state of section '{id}'"), AsnEncodingRules.BER)
                    .ReadSequence(AsnStateTag);
                WriteTypedSection(reader, id, (uint)instance, (int)version);
                reader.ThrowIfNotEmpty();
            }

            if (!AtEnd(section, End(section)))
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    $"Expected the end of section '{id}' after its state; found more.",
                    input.Position);
            }
        }

        /// <summary>Copies a record section's blob segments (raw QEMU bytes, RAM included) straight to the output.</summary>
        private void CopyRecords(BerHeaderRead state)
        {
            long stateEnd = End(state);
            BerHeaderRead blob = Expect(input.ReadHeader("the raw records' blob"), BlobTag, "the raw records' blob");
            CopySegments(blob, 0);
            if (!AtEnd(state, stateEnd))
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    "Expected the end of a raw records' state after its blob; found more.",
                    input.Position);
            }
        }

        private void CopySegments(BerHeaderRead container, int depth)
        {
            long end = End(container);
            while (!AtEnd(container, end))
            {
                BerHeaderRead segment = input.ReadHeader("a segment of raw QEMU records");
                if (segment.Tag.TagClass != BerTagClass.Universal || segment.Tag.TagNumber != OctetStringTag.TagNumber || depth > 8)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.UnexpectedValue,
                        $"Expected an OCTET STRING segment of raw QEMU records; found {segment.Tag}.",
                        segment.Offset);
                }

                if (segment.Tag.IsConstructed)
                {
                    CopySegments(segment, depth + 1);
                    continue;
                }

                input.CopyContents(segment.Length, output, "a segment of raw QEMU records");
                _written += segment.Length;
            }
        }

        private void WriteTypedSection(AsnReader state, string id, uint instance, int version)
        {
            _writer.Clear();
            if (id == VmDescriptionSectionId)
            {
                _vmdescJson = ReadBlob(state);
                _description = VmDescription.Parse(_vmdescJson);
                _shapes = BuildShapes(_description, _sectionVersions, meter, input.Position);
                return;
            }

            VmDeviceDescription device = _description?.FindDevice(id, instance)
                ?? throw new MigrationFormatException(
                    MigrationErrorKind.UnknownDevice,
                    $"Section '{id}' instance {instance} is not in the VM description.",
                    -1);
            // An old-style entry's version is its section's: learnt here, as the section arrives, instead of by a look ahead.
            if (device.Version is null && _description is not null && _sectionVersions.TryAdd((id, instance), (uint)version))
            {
                _shapes = BuildShapes(_description, _sectionVersions);
            }

            QemuShape shape = _shapes.GetValueOrDefault(DeviceCatalog.SchemaKey(id, version))
                ?? throw new MigrationFormatException(MigrationErrorKind.UnknownDevice, $"Section '{id}' version {version} has no usable description.", -1);
            if (!state.TryReadUInt32(out uint sectionId, new Asn1Tag(TagClass.Private, 0)))
            {
                throw new MigrationFormatException(MigrationErrorKind.IntegerOutOfRange, $"Section '{id}' has a QEMU section id out of range.", -1);
            }

            var payload = new ArrayBufferWriter<byte>();
            if (EncodeStruct(state, shape, device, payload) is { } mismatch)
            {
                throw mismatch;
            }

            using (var qemu = new QemuStreamWriter(_writer))
            {
                // A QEMU version the description gives (0 for vmmouse, which travels as 1); an old-style entry's is the section's.
                uint qemuVersion = device.Version is int described ? (uint)described : (uint)version;
                qemu.WriteFullSection(sectionId, id, instance, qemuVersion, payload.WrittenSpan, footer: false);
                qemu.Flush();
            }

            Emit();
        }

        private string ReadId()
        {
            BerHeaderRead header = Expect(input.ReadHeader("a section id"), Utf8StringTag, "a section id");
            byte[] bytes = input.ReadContents(header, byte.MaxValue, "a section id of 1 to 255 UTF-8 bytes, as a QEMU id string is");
            if (bytes.Length == 0)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    "Expected a section id of 1 to 255 UTF-8 bytes, as a QEMU id string is; found 0 bytes.",
                    header.Offset);
            }

            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException ex)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.InvalidEncoding,
                    "Expected a section id in UTF-8; found invalid UTF-8.",
                    header.Offset,
                    null,
                    ex);
            }
        }

        private bool TryReadInteger(out long value)
        {
            BerHeaderRead header = Expect(input.ReadHeader("an INTEGER"), IntegerTag, "an INTEGER");
            byte[] contents = input.ReadContents(header, 9, "an INTEGER");
            return BerDecoder.TryDecodeInt64(contents, out value) == BerDecodeStatus.Done;
        }

        private void Emit()
        {
            output.Write(_writer.WrittenSpan);
            _written += _writer.WrittenCount;
        }

        /// <summary>The offset where a definite-length value ends; -1 for an indefinite one.</summary>
        private static long End(BerHeaderRead header) => header.IsIndefinite ? -1 : header.Offset + header.Raw.Length + header.Length;

        /// <summary>Whether a constructed value's contents are over (consuming its end-of-contents when indefinite).</summary>
        private bool AtEnd(BerHeaderRead header, long end)
        {
            if (header.IsIndefinite)
            {
                return input.TryReadEndOfContents();
            }

            if (input.Position > end)
            {
                throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, $"A value runs past the end of its enclosing {header.Tag}.", end);
            }

            return input.Position == end;
        }

        private static BerHeaderRead Expect(BerHeaderRead header, BerTag tag, string what) =>
            header.Tag == tag
                ? header
                : throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Expected {what} ({tag}); found {header.Tag}.", header.Offset);
    }
}
