using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Threading.Tasks;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>
/// Writes a BER migration stream: the header, optional embedded schemas, the sections (one per device instance),
/// and the trailer, all with indefinite lengths so that nothing is buffered beyond a field or a blob segment.
/// </summary>
/// <remarks>
/// <para>
/// Call <see cref="Complete"/> to end the stream. Disposing a writer that was not completed ends the stream with a
/// mark (<see cref="MigrationStreamFormat.AbandonedTag"/>) in place of the trailer, so a reader reports it as cut
/// rather than taking a short stream for a whole one; after a write that threw, nothing more is written and the
/// stream ends where the failure left it, which a reader also reports as cut.
/// </para>
/// <para>
/// The schemas and the sections are each one constructed value (<c>[APPLICATION 3]</c>, <c>[APPLICATION 6]</c>) opened
/// by the first call that writes into it and closed by the first call that writes past it, so the stream is the value
/// the framing module of docs/wire-format.md describes, whatever the order of calls.
/// </para>
/// </remarks>
public sealed class MigrationStreamWriter : IDisposable
{
    private readonly IBufferWriter<byte> _output;
    private readonly ChecksumBufferWriter? _checksum;
    private readonly StreamBufferWriter? _streamOutput;
    private readonly Action? _drain;
    private readonly MigrationStreamWriterOptions _options;
    private readonly Stream? _ownedStream;
    private int _sections;
    private bool _headerWritten;
    private bool _schemasOpen;
    private bool _sectionsOpen;
    private bool _completed;
    private bool _failed;
    private bool _disposed;

    /// <summary>Creates a writer over a buffer writer, which the writer never completes or disposes.</summary>
    /// <param name="output">Where the stream goes.</param>
    /// <param name="options">Producer, capabilities, blob segment size.</param>
    public MigrationStreamWriter(IBufferWriter<byte> output, MigrationStreamWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _options = options ?? new MigrationStreamWriterOptions();
        _checksum = _options.Integrity ? new ChecksumBufferWriter(output) : null;
        _output = _checksum ?? output;
        if (output is PipeWriter pipe)
        {
            _drain = () => Flush(pipe);
        }
    }

    /// <summary>
    /// Creates a writer over a stream (a file, a socket, a pipe's stream). Like <see cref="StreamWriter"/>, the writer
    /// owns the stream and disposes it with itself unless <paramref name="leaveOpen"/> is <see langword="true"/>.
    /// </summary>
    /// <param name="output">Where the stream goes; written synchronously and forward only.</param>
    /// <param name="options">Producer, capabilities, blob segment size.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave <paramref name="output"/> open when the writer is disposed.</param>
    public MigrationStreamWriter(Stream output, MigrationStreamWriterOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        _ownedStream = leaveOpen ? null : output;
        _streamOutput = new StreamBufferWriter(output);
        _drain = _streamOutput.Drain;
        _options = options ?? new MigrationStreamWriterOptions();
        _checksum = _options.Integrity ? new ChecksumBufferWriter(_streamOutput) : null;
        _output = _checksum ?? (IBufferWriter<byte>)_streamOutput;
    }

    /// <summary>Gets the number of sections written so far.</summary>
    public int SectionCount => _sections;

    /// <summary>Writes the stream's first bytes and header; called by the first write if not called before.</summary>
    public void WriteHeader()
    {
        if (_headerWritten)
        {
            return;
        }

        ThrowIfUnusable();
        _headerWritten = true;
        var writer = new BerWriter(_output);
        writer.PushConstructed(MigrationStreamFormat.StreamTag, indefiniteLength: true);
        writer.PushConstructed(MigrationStreamFormat.HeaderTag, indefiniteLength: true);
        writer.WriteInteger((long)MigrationStreamFormat.FormatVersion);
        writer.WriteUtf8String(_options.Producer);
        writer.PushSequence(indefiniteLength: true);
        foreach (string capability in _options.Capabilities)
        {
            if (capability != MigrationStreamFormat.IntegrityCapability)
            {
                writer.WriteUtf8String(capability);
            }
        }

        if (_checksum is not null)
        {
            writer.WriteUtf8String(MigrationStreamFormat.IntegrityCapability);
        }

        writer.PopSequence();
        writer.PopConstructed();
        writer.Dispose();
        Drain();
    }

    /// <summary>
    /// Embeds schema documents (one per device type and version), each as UTF-8 JSON; write them before the sections.
    /// Several calls add to the one schemas value the stream carries.
    /// </summary>
    /// <param name="schemas">The documents, keyed by <c>id/vN</c> (e.g. <c>serial/v3</c>).</param>
    /// <exception cref="InvalidOperationException">A section was already written, the stream was completed, or an earlier write failed.</exception>
    public void WriteSchemas(IEnumerable<KeyValuePair<string, byte[]>> schemas)
    {
        ArgumentNullException.ThrowIfNull(schemas);
        ThrowIfUnusable();
        if (_sectionsOpen)
        {
            throw new InvalidOperationException("Schemas come before the first section.");
        }

        WriteHeader();
        var writer = new BerWriter(_output);
        if (!_schemasOpen)
        {
            // Left open (closed by the sections' start) so that later calls add to the same value.
            writer.PushConstructed(MigrationStreamFormat.SchemasTag, indefiniteLength: true);
            _schemasOpen = true;
        }

        WriteSchemaEntries(ref writer, schemas, _options.CompressSchemas);
        writer.Dispose();
        Drain();
    }

    /// <summary>
    /// Writes the <c>[APPLICATION 3]</c> block of embedded schemas with <paramref name="writer"/>: one
    /// <c>SEQUENCE { key UTF8String, document }</c> each, the document a DEFLATE-compressed <c>[0]</c> or a plain
    /// OCTET STRING. For writers that frame a stream themselves.
    /// </summary>
    /// <param name="writer">The writer, positioned after the header.</param>
    /// <param name="schemas">The documents, keyed by <c>id/vN</c>.</param>
    /// <param name="compress">Compress each document.</param>
    public static void WriteSchemaBlock(ref BerWriter writer, IEnumerable<KeyValuePair<string, byte[]>> schemas, bool compress = true)
    {
        ArgumentNullException.ThrowIfNull(schemas);
        writer.PushConstructed(MigrationStreamFormat.SchemasTag, indefiniteLength: true);
        WriteSchemaEntries(ref writer, schemas, compress);
        writer.PopConstructed();
    }

    private static void WriteSchemaEntries(ref BerWriter writer, IEnumerable<KeyValuePair<string, byte[]>> schemas, bool compress)
    {
        foreach (KeyValuePair<string, byte[]> schema in schemas)
        {
            writer.PushSequence(indefiniteLength: true);
            writer.WriteUtf8String(schema.Key);
            if (compress)
            {
                writer.WriteOctetString(SchemaCompression.Compress(schema.Value), MigrationStreamFormat.CompressedSchemaTag);
            }
            else
            {
                writer.WriteOctetString(schema.Value);
            }

            writer.PopSequence();
        }
    }

    /// <summary>Writes one device instance as a section.</summary>
    /// <param name="device">The device; saved at the version it runs as.</param>
    /// <param name="instanceId">The instance id, distinguishing devices of one type.</param>
    /// <exception cref="InvalidOperationException">The stream was completed, or an earlier write failed.</exception>
    public void WriteDevice(IDeviceState device, uint instanceId = 0)
    {
        ArgumentNullException.ThrowIfNull(device);
        ThrowIfUnusable();
        WriteHeader();
        OpenSections();
        _checksum?.MarkSection();
        var visitor = new BerOutputVisitor(_output, device.Version, _options.BlobSegmentSize, _drain);

        // Until the section is whole, a failure leaves the stream inside it: nothing may follow.
        _failed = true;
        try
        {
            ref BerWriter writer = ref visitor.Writer;
            writer.PushConstructed(MigrationStreamFormat.SectionTag, indefiniteLength: true);
            writer.WriteUtf8String(device.Type.Id);
            writer.WriteInteger((long)instanceId);
            writer.WriteInteger((long)device.Version);
            if (_options.IncludeConfiguration)
            {
                // Before the state, so that a destination checks it before it loads anything.
                device.Configuration.ToRecord().Write(ref writer);
            }

            writer.PushIndefinite(MigrationStreamFormat.EncodedStateTag);
            SaveHooks.BeforeSave(device);
            device.Visit(ref visitor);
            writer.PopConstructed();
            if (_checksum is not null)
            {
                writer.Flush();
                WriteChecksum(ref writer, _checksum.SectionChecksum);
            }

            writer.PopConstructed();
        }
        finally
        {
            visitor.Dispose();
        }

        _sections++;
        Drain();
        _failed = false;
    }

    /// <summary>Writes the trailer and the end of the stream, and drains the output.</summary>
    /// <exception cref="InvalidOperationException">An earlier write failed, or the writer was disposed.</exception>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            return;
        }

        ThrowIfUnusable();
        WriteHeader();
        OpenSections();
        _completed = true;
        var writer = new BerWriter(_output);

        // The sections' value was opened by OpenSections' writer; its end-of-contents closes it.
        writer.WriteEndOfContents();
        writer.PushConstructed(MigrationStreamFormat.TrailerTag, indefiniteLength: true);
        writer.WriteInteger((long)_sections);
        if (_checksum is not null)
        {
            writer.Flush();
            WriteChecksum(ref writer, _checksum.StreamChecksum);
        }

        writer.PopConstructed();

        // The outer value was opened by the header's writer; its end-of-contents closes the stream.
        writer.WriteEndOfContents();
        writer.Dispose();
        Drain();
    }

    /// <summary>
    /// Ends a stream that was not completed with the abandoned mark (unless a write failed, which leaves it cut where
    /// it failed), releases the output buffer, and disposes the output stream when the writer owns it.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            if (!_completed && !_failed)
            {
                WriteAbandoned();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The output is gone (closed, completed, broken pipe): the stream is cut where it stopped, which a reader
            // also reports as cut, and Dispose must not throw while an exception may already be unwinding.
        }
        finally
        {
            _disposed = true;
            _streamOutput?.Dispose();
            _ownedStream?.Dispose();
        }
    }

    private void WriteAbandoned()
    {
        WriteHeader();
        OpenSections();
        _completed = true;
        var writer = new BerWriter(_output);

        // The mark stands where the trailer would: after the sections' value, which its end-of-contents closes.
        writer.WriteEndOfContents();
        writer.PushConstructed(MigrationStreamFormat.AbandonedTag, indefiniteLength: true);
        writer.WriteInteger((long)_sections);
        writer.PopConstructed();
        writer.WriteEndOfContents();
        writer.Dispose();
        Drain();
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The stream is complete.");
        }

        if (_failed)
        {
            throw new InvalidOperationException("An earlier write failed inside a section; the stream is cut there and cannot go on.");
        }
    }

    private void Drain() => _drain?.Invoke();

    /// <summary>Closes the schemas, if open, and opens the sections' value, once.</summary>
    private void OpenSections()
    {
        if (_sectionsOpen)
        {
            return;
        }

        var writer = new BerWriter(_output);
        if (_schemasOpen)
        {
            writer.WriteEndOfContents();
            _schemasOpen = false;
        }

        writer.PushConstructed(MigrationStreamFormat.SectionsTag, indefiniteLength: true);
        writer.Dispose();
        _sectionsOpen = true;
    }

    /// <summary>Flushes a pipe synchronously; a flush that completes at once allocates nothing.</summary>
    private static void Flush(PipeWriter pipe)
    {
        ValueTask<FlushResult> flush = pipe.FlushAsync();
        if (flush.IsCompletedSuccessfully)
        {
            _ = flush.Result;
            return;
        }

        flush.AsTask().GetAwaiter().GetResult();
    }

    private static void WriteChecksum(ref BerWriter writer, uint checksum)
    {
        Span<byte> value = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(value, checksum);
        writer.WriteOctetString(value, MigrationStreamFormat.ChecksumTag);
    }
}

/// <summary>Options for <see cref="MigrationStreamWriter"/>.</summary>
public sealed class MigrationStreamWriterOptions
{
    /// <summary>Gets the producer's name and version, written in the header.</summary>
    public string Producer { get; init; } = "MigrationFormat";

    /// <summary>Gets the capabilities the producer announces, written in the header.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>
    /// Gets a value indicating whether the stream carries CRC-32C checksums: one closing each section (over the
    /// section's bytes) and one in the trailer (over every byte before it). A reader then detects any single-bit
    /// flip and fails the section's load before it takes effect. It announces the <c>crc32c</c> capability.
    /// </summary>
    public bool Integrity { get; init; }

    /// <summary>Gets a value indicating whether embedded schemas are DEFLATE-compressed (the default).</summary>
    public bool CompressSchemas { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether each section carries the device's model and effective configuration (the
    /// default), which a destination checks before it loads the state (docs/catalog.md §3).
    /// </summary>
    public bool IncludeConfiguration { get; init; } = true;

    /// <summary>Gets the size of blob segments; 0 for <see cref="BerOutputVisitor.DefaultBlobSegmentSize"/>.</summary>
    public int BlobSegmentSize { get; init; }
}
