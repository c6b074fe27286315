using System;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using MigrationFormat.Visitors;

namespace MigrationFormat.Session;

/// <summary>
/// Writes a BER migration stream (docs/wire-format.md) to a <see cref="PipeWriter"/> asynchronously: the header, one
/// section per <see cref="WriteDeviceAsync(IDeviceState, uint, int, CancellationToken)"/>, and the trailer. Each section
/// is saved into a pooled buffer and written with definite lengths, then flushed; a steady-state section allocates
/// nothing. The stream is the one <see cref="MigrationStreamWriter"/> writes, lengths aside, and
/// <see cref="MigrationStreamReader"/> reads it.
/// </summary>
public sealed class MigrationPipeWriter : IDisposable
{
    private readonly MessageWriter _output;
    private readonly SectionCodec _sections = new();
    private readonly MigrationStreamWriterOptions _options;
    private bool _headerWritten;
    private bool _completed;
    private int _count;

    /// <summary>Creates a writer.</summary>
    /// <param name="output">Where the stream goes; not completed by the writer.</param>
    /// <param name="options">Producer, capabilities, checksums; the blob segment size does not apply (sections are written whole).</param>
    public MigrationPipeWriter(PipeWriter output, MigrationStreamWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _options = options ?? new MigrationStreamWriterOptions();
        _output = new MessageWriter(output, null) { Summing = _options.Integrity };
    }

    /// <summary>Gets the number of sections written so far.</summary>
    public int SectionCount => _count;

    /// <summary>Gets the number of bytes written so far.</summary>
    public long BytesWritten => _output.Position;

    /// <summary>Writes the stream's first bytes and its header into the pipe; the next flush sends them. Called by the first write if not before.</summary>
    public void WriteHeader()
    {
        if (_headerWritten)
        {
            return;
        }

        _headerWritten = true;
        var capabilities = new List<SessionCapability>();
        foreach (string capability in _options.Capabilities)
        {
            if (capability != MigrationStreamFormat.IntegrityCapability)
            {
                capabilities.Add(new SessionCapability(capability));
            }
        }

        if (_options.Integrity)
        {
            capabilities.Add(new SessionCapability(MigrationStreamFormat.IntegrityCapability));
        }

        _output.Write(MigrationStreamFormat.Magic);
        MessageCodec.WriteHeader(_output, _options.Producer, capabilities);
        SectionCodec.WriteSectionsOpening(_output);
    }

    /// <summary>Writes one device as a section, saved at the version it runs as, and flushes it.</summary>
    /// <param name="device">The device.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellation">Cancels the flush.</param>
    /// <returns>A task that completes when the section is flushed.</returns>
    public ValueTask WriteDeviceAsync(IDeviceState device, uint instanceId = 0, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        return WriteDeviceAsync(device, instanceId, device.Version, cancellation);
    }

    /// <summary>Writes one device as a section saved as <paramref name="version"/> (its fields gated on that version), and flushes it.</summary>
    /// <param name="device">The device.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="version">The version to save it as, at most the one it runs as.</param>
    /// <param name="cancellation">Cancels the flush.</param>
    /// <returns>A task that completes when the section is flushed.</returns>
    /// <exception cref="InvalidOperationException">The stream is complete.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteDeviceAsync(IDeviceState device, uint instanceId, int version, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, device.Type.MinimumVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(version, device.Version);
        ObjectDisposedException.ThrowIf(_completed, this);
        WriteHeader();
        _sections.Write(_output, device, instanceId, version, _options.Integrity);
        _count++;
        await _output.FlushAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>Writes the trailer and the end of the stream, and flushes them.</summary>
    /// <param name="cancellation">Cancels the flush.</param>
    /// <returns>A task that completes when the stream is flushed.</returns>
    public async ValueTask CompleteAsync(CancellationToken cancellation = default)
    {
        if (_completed)
        {
            return;
        }

        WriteHeader();
        _completed = true;
        SectionCodec.WriteTrailer(_output, _count, _options.Integrity);
        await _output.FlushAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>Returns the pooled section buffer.</summary>
    public void Dispose() => _sections.Dispose();
}
