using System;
using System.IO;

namespace MigrationFormat.Fuzz;

/// <summary>A read-only stream over bytes that returns at most a few of them per read, as a slow socket would.</summary>
internal sealed class TrickleStream(byte[] data, int bytesPerRead) : MemoryStream(data, writable: false)
{
    /// <inheritdoc/>
    public override int Read(Span<byte> buffer) => base.Read(buffer.Slice(0, Math.Min(bytesPerRead, buffer.Length)));

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(bytesPerRead, count));
}
