using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace MigrationFormat.Visitors;

/// <summary>
/// Saves a device's fields exactly as QEMU's VMState does: big-endian integers of each width, bool as one byte,
/// raw buffers and arrays, nested structures inline, optional groups as subsections
/// (<c>05</c>, name length, <c>parent/name</c>, be32 version, payload). Fields are gated on the version the device
/// runs as, as QEMU's <c>_V</c> macros gate them.
/// </summary>
/// <remarks>
/// What QEMU has no single form for is encoded as documented in docs/legacy-format.md: a variable byte string or
/// string is a be32 length and the bytes, a list is a be32 count and the elements, a blob is chunks of be32
/// length and bytes ended by a zero length. Call <see cref="Flush"/> when done.
/// </remarks>
public ref struct LegacyOutputVisitor : IStateVisitor
{
    private const int ChunkSize = 64 * 1024;

    private readonly IBufferWriter<byte> _output;
    private readonly int _version;
    private readonly string _deviceName;
    private Span<byte> _span;
    private int _buffered;
    private long _committed;
    private LegacyNameStack _names;

    /// <summary>Creates a saving visitor.</summary>
    /// <param name="output">Where the payload goes.</param>
    /// <param name="version">The version the device runs as; also the section version written by the container.</param>
    /// <param name="deviceName">The device's vmsd name, which prefixes the names of its subsections.</param>
    public LegacyOutputVisitor(IBufferWriter<byte> output, int version, string deviceName)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrEmpty(deviceName);
        _output = output;
        _version = version;
        _deviceName = deviceName;
        _span = default;
        _buffered = 0;
        _committed = 0;
        _names = default;
    }

    /// <inheritdoc/>
    public readonly VisitDirection Direction => VisitDirection.Save;

    /// <inheritdoc/>
    public readonly int Version => _version;

    /// <summary>Gets the number of bytes written, flushed or not.</summary>
    public readonly long BytesWritten => _committed + _buffered;

    /// <summary>Hands everything written to the output.</summary>
    public void Flush()
    {
        if (_buffered > 0)
        {
            _output.Advance(_buffered);
            _committed += _buffered;
        }

        _buffered = 0;
        _span = default;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (field.ExistsIn(_version))
        {
            BigEndian.Store(Reserve(Unsafe.SizeOf<T>()), value);
            _buffered += Unsafe.SizeOf<T>();
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec<bool> field, ref bool value)
    {
        if (field.ExistsIn(_version))
        {
            Reserve(1)[0] = value ? (byte)1 : (byte)0;
            _buffered += 1;
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec<string> field, ref string value)
    {
        if (field.ExistsIn(_version))
        {
            string text = value ?? string.Empty;
            int count = Encoding.UTF8.GetByteCount(text);
            BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), (uint)count);
            _buffered += 4;
            // Reserve first: a reservation that starts a new output span resets the count of buffered bytes.
            Span<byte> target = Reserve(count);
            _buffered += Encoding.UTF8.GetBytes(text, target);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec<byte[]> field, ref byte[] value)
    {
        if (field.ExistsIn(_version))
        {
            byte[] bytes = value ?? [];
            if (field.LegacyFraming.Kind == LegacyFramingKind.CountPrefix)
            {
                BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), (uint)bytes.Length);
                _buffered += 4;
            }

            WriteRaw(bytes);
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
            WriteRaw(MemoryMarshal.AsBytes(values));
            return;
        }

        int width = Unsafe.SizeOf<T>();
        Span<byte> span = Reserve(values.Length * width);
        for (int i = 0; i < values.Length; i++)
        {
            BigEndian.Store(span.Slice(i * width), values[i]);
        }

        _buffered += values.Length * width;
    }

    /// <inheritdoc/>
    public bool BeginStruct(StructSpec field)
    {
        if (!field.ExistsIn(_version))
        {
            return false;
        }

        _names.Push(field.Name);
        return true;
    }

    /// <inheritdoc/>
    public void EndStruct() => _names.Pop();

    /// <inheritdoc/>
    public int BeginList(ListSpec field, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!field.ExistsIn(_version))
        {
            return -1;
        }

        if (field.LegacyFraming.Kind == LegacyFramingKind.CountPrefix)
        {
            BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), (uint)count);
            _buffered += 4;
        }

        _names.Push(field.Name, field);
        return count;
    }

    /// <inheritdoc/>
    public void BeginElement()
    {
        if (_names.InnermostList is { LegacyFraming: { Kind: LegacyFramingKind.Markers } framing })
        {
            Reserve(1)[0] = framing.ElementMarker;
            _buffered += 1;
        }
    }

    /// <inheritdoc/>
    public readonly void EndElement()
    {
    }

    /// <inheritdoc/>
    public void EndList()
    {
        if (_names.InnermostList is { LegacyFraming: { Kind: LegacyFramingKind.Markers } framing })
        {
            Reserve(1)[0] = framing.EndMarker;
            _buffered += 1;
        }

        _names.Pop();
    }

    /// <inheritdoc/>
    public OptionalGroup BeginOptional(OptionalSpec field, bool needed)
    {
        if (!field.ExistsIn(_version))
        {
            return OptionalGroup.NotInVersion;
        }

        if (!needed)
        {
            return OptionalGroup.Absent;
        }

        string parent = _names.Innermost(_deviceName);
        int nameLength = LegacySubsection.NameLength(parent, field.Name);
        if (nameLength > 255)
        {
            throw new InvalidOperationException($"The subsection name of '{field.Name}' is longer than 255 bytes.");
        }

        Span<byte> span = Reserve(2 + nameLength + 4);
        span[0] = LegacySubsection.Marker;
        span[1] = (byte)nameLength;
        LegacySubsection.WriteName(span.Slice(2), parent, field.Name);
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(2 + nameLength), (uint)field.LegacyVersion);
        _buffered += 2 + nameLength + 4;
        _names.Push(field.SubsectionName(parent));
        return OptionalGroup.Present;
    }

    /// <inheritdoc/>
    public void EndOptional() => _names.Pop();

    /// <inheritdoc/>
    public void Blob(BlobSpec field, IBlobState blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (!field.ExistsIn(_version))
        {
            return;
        }

        using Stream source = blob.OpenRead();
        while (true)
        {
            Span<byte> span = Reserve(4 + ChunkSize);
            int filled = 0;
            while (filled < ChunkSize)
            {
                int read = source.Read(span.Slice(4 + filled, ChunkSize - filled));
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            BinaryPrimitives.WriteUInt32BigEndian(span, (uint)filled);
            _buffered += 4 + filled;
            Flush();
            if (filled == 0)
            {
                return;
            }
        }
    }


    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            Span<byte> span = Reserve(Math.Min(bytes.Length, ChunkSize));
            int count = Math.Min(span.Length, bytes.Length);
            bytes.Slice(0, count).CopyTo(span);
            _buffered += count;
            bytes = bytes.Slice(count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int count)
    {
        if (_span.Length - _buffered >= count)
        {
            return _span.Slice(_buffered);
        }

        Flush();
        _span = _output.GetSpan(Math.Max(count, 256));
        return _span;
    }
}

/// <summary>QEMU subsection framing shared by the legacy visitors.</summary>
internal static class LegacySubsection
{
    public const byte Marker = 0x05;

    public static string Name(string parent, string field) => field.Contains('/', StringComparison.Ordinal) ? field : parent + "/" + field;

    public static int NameLength(string parent, string field) =>
        field.Contains('/', StringComparison.Ordinal)
            ? Encoding.UTF8.GetByteCount(field)
            : Encoding.UTF8.GetByteCount(parent) + 1 + Encoding.UTF8.GetByteCount(field);

    public static int WriteName(Span<byte> destination, string parent, string field)
    {
        if (field.Contains('/', StringComparison.Ordinal))
        {
            return Encoding.UTF8.GetBytes(field, destination);
        }

        int written = Encoding.UTF8.GetBytes(parent, destination);
        destination[written++] = (byte)'/';
        return written + Encoding.UTF8.GetBytes(field, destination.Slice(written));
    }
}
