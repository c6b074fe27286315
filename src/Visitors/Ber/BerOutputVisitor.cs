using System;
using System.Buffers;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (!field.ExistsIn(_version))
        {
            return;
        }

        // When the output has to grow, the whole field is written out of line: then nothing the inline path uses
        // (the tag, the value, the writer's address) is live across a call and has to be kept on the stack.
        if (!_writer.HasRoomForValue)
        {
            FieldAfterGrowing(field, ref value);
            return;
        }

        ref byte start = ref _writer.NextValue;
        int written = typeof(T) == typeof(ulong) ? BerWriter.StoreUnsigned(ref start, field.EncodedTag, ulong.CreateTruncating(value))
            : IsUnsigned<T>() ? BerWriter.StoreUnsigned(ref start, field.EncodedTag, uint.CreateTruncating(value))
            : BerWriter.StoreInteger(ref start, field.EncodedTag, long.CreateTruncating(value));
        _writer.Advance(written);
    }

    /// <inheritdoc/>
    public void Field(FieldSpec<bool> field, ref bool value)
    {
        if (!field.ExistsIn(_version))
        {
            return;
        }

        if (!_writer.HasRoomForValue)
        {
            FieldAfterGrowing(field, ref value);
            return;
        }

        _writer.Advance(BerWriter.StoreBoolean(ref _writer.NextValue, field.EncodedTag, value));
    }

    /// <inheritdoc/>
    public void Field(FieldSpec<string> field, ref string value)
    {
        if (field.ExistsIn(_version))
        {
            _writer.WriteUtf8String(value ?? string.Empty, field.BerTag);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec<byte[]> field, ref byte[] value)
    {
        if (field.ExistsIn(_version))
        {
            _writer.WriteOctetString(field.EncodedTag, value ?? []);
        }
    }

    /// <inheritdoc/>
    public void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (!field.ExistsIn(_version))
        {
            return;
        }

        if (typeof(T) == typeof(byte))
        {
            _writer.WriteOctetString(field.EncodedTag, MemoryMarshal.AsBytes(values));
        }
        else
        {
            _writer.PushIndefinite(field.EncodedTag);
            _writer.WriteUnsignedElements<T>(values);
            _writer.PopConstructed();
        }
    }

    /// <inheritdoc/>
    public bool BeginStruct(StructSpec field) => Open(field);

    /// <inheritdoc/>
    public void EndStruct() => _writer.PopConstructed();

    /// <inheritdoc/>
    public int BeginList(ListSpec field, int count)
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
    public OptionalGroup BeginOptional(OptionalSpec field, bool needed) =>
        !field.ExistsIn(_version) ? OptionalGroup.NotInVersion
        : needed && Open(field) ? OptionalGroup.Present
        : OptionalGroup.Absent;

    /// <inheritdoc/>
    public void EndOptional() => _writer.PopConstructed();

    /// <inheritdoc/>
    public void Blob(BlobSpec field, IBlobState blob)
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

    /// <summary>Whether <typeparamref name="T"/> is one of the unsigned widths, whose length needs no sign test (a constant per instantiation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsUnsigned<T>() =>
        typeof(T) == typeof(byte) || typeof(T) == typeof(ushort) || typeof(T) == typeof(uint) || typeof(T) == typeof(ulong);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FieldAfterGrowing<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        _writer.ReserveValue();
        Field(field, ref value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FieldAfterGrowing(FieldSpec<bool> field, ref bool value)
    {
        _writer.ReserveValue();
        Field(field, ref value);
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
