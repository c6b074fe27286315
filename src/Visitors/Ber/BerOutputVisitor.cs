using System;
using System.Buffers;
using System.IO;
using System.Runtime.CompilerServices;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>
/// Saves a device's fields as tagged BER: each field an IMPLICIT <c>[n]</c> (must-parse) or <c>[PRIVATE n]</c>
/// (skippable), integers as minimal INTEGERs, constructed values with indefinite length so nothing is buffered.
/// </summary>
/// <remarks>It allocates nothing per field. Call <see cref="Flush"/> or <see cref="Dispose"/> when done.</remarks>
public ref struct BerOutputVisitor : IStateVisitor
{
    /// <summary>The default size of a blob segment: 64 KiB.</summary>
    public const int DefaultBlobSegmentSize = 64 * 1024;

    private BerWriter _writer;
    private readonly int _version;
    private readonly int _blobSegmentSize;
    private readonly Action? _drain;

    /// <summary>Creates a saving visitor.</summary>
    /// <param name="output">Where the encoding goes.</param>
    /// <param name="version">The version the device runs as.</param>
    /// <param name="blobSegmentSize">The size of blob segments; 0 for <see cref="DefaultBlobSegmentSize"/>.</param>
    /// <param name="drain">
    /// Called after each blob segment has been flushed to the writer's output, so that a pipe or stream can pass it
    /// on before the next one (bounded memory for large blobs); <see langword="null"/> when the output need not drain.
    /// </param>
    public BerOutputVisitor(IBufferWriter<byte> output, int version, int blobSegmentSize = 0, Action? drain = null)
    {
        _writer = new BerWriter(output);
        _version = version;
        _blobSegmentSize = blobSegmentSize > 0 ? blobSegmentSize : DefaultBlobSegmentSize;
        _drain = drain;
    }

    /// <summary>Gets the writer, to frame what the device writes (sections, headers) in the same output.</summary>
    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    public ref BerWriter Writer => ref _writer;

    /// <summary>Hands everything written to the output.</summary>
    public void Flush() => _writer.Flush();

    /// <summary>Flushes and releases pooled buffers.</summary>
    public void Dispose() => _writer.Dispose();

    /// <inheritdoc/>
    public readonly VisitDirection Direction => VisitDirection.Save;

    /// <inheritdoc/>
    public readonly int Version => _version;

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref byte value) => WriteSigned(field, value);

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref sbyte value) => WriteSigned(field, value);

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref ushort value) => WriteSigned(field, value);

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref short value) => WriteSigned(field, value);

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref uint value) => WriteSigned(field, value);

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref int value) => WriteSigned(field, value);

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref ulong value)
    {
        if (field.ExistsIn(_version))
        {
            _writer.WriteUnsigned(field.EncodedTag, value);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref long value) => WriteSigned(field, value);

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref bool value)
    {
        if (field.ExistsIn(_version))
        {
            _writer.WriteBoolean(field.EncodedTag, value);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref string value)
    {
        if (field.ExistsIn(_version))
        {
            _writer.WriteUtf8String(value ?? string.Empty, field.BerTag);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref byte[] value)
    {
        if (field.ExistsIn(_version))
        {
            _writer.WriteOctetString(field.EncodedTag, value ?? []);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, Span<byte> buffer)
    {
        if (field.ExistsIn(_version))
        {
            _writer.WriteOctetString(field.EncodedTag, buffer);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, Span<ushort> values) => WriteArray(field, values);

    /// <inheritdoc/>
    public void Field(FieldSpec field, Span<uint> values) => WriteArray(field, values);

    /// <inheritdoc/>
    public void Field(FieldSpec field, Span<ulong> values) => WriteArray(field, values);

    /// <inheritdoc/>
    public bool BeginStruct(FieldSpec field) => Open(field);

    /// <inheritdoc/>
    public void EndStruct() => _writer.PopConstructed();

    /// <inheritdoc/>
    public int BeginList(FieldSpec field, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!Open(field))
        {
            return -1;
        }

        // The element count leads the list, so a reader can size its list before the elements arrive.
        _writer.WriteInteger(EncodedTag.Integer, count);
        return count;
    }

    /// <inheritdoc/>
    public void BeginElement() => _writer.PushIndefinite(EncodedTag.Sequence);

    /// <inheritdoc/>
    public void EndElement() => _writer.PopConstructed();

    /// <inheritdoc/>
    public void EndList() => _writer.PopConstructed();

    /// <inheritdoc/>
    public bool BeginOptional(FieldSpec field, bool needed) => needed && Open(field);

    /// <inheritdoc/>
    public void EndOptional() => _writer.PopConstructed();

    /// <inheritdoc/>
    public void Blob(FieldSpec field, IBlobState blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (!field.ExistsIn(_version))
        {
            return;
        }

        _writer.PushIndefinite(field.EncodedTag);
        using (Stream source = blob.OpenRead())
        {
            // Each segment is read from the source straight into the output's memory.
            while (_writer.WriteOctetStringFrom(source, _blobSegmentSize) != 0)
            {
                if (_drain is not null)
                {
                    _writer.Flush();
                    _drain();
                }
            }
        }

        _writer.PopConstructed();
    }

    private void WriteArray<T>(FieldSpec field, Span<T> values)
        where T : unmanaged, System.Numerics.IUnsignedNumber<T>, System.Numerics.IBinaryInteger<T>
    {
        if (field.ExistsIn(_version))
        {
            _writer.PushIndefinite(field.EncodedTag);
            _writer.WriteUnsignedElements<T>(values);
            _writer.PopConstructed();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteSigned(FieldSpec field, long value)
    {
        if (field.ExistsIn(_version))
        {
            _writer.WriteInteger(field.EncodedTag, value);
        }
    }

    private bool Open(FieldSpec field)
    {
        if (!field.ExistsIn(_version))
        {
            return false;
        }

        _writer.PushIndefinite(field.EncodedTag);
        return true;
    }
}
