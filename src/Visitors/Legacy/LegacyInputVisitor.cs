using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace MigrationFormat.Visitors;

/// <summary>
/// Loads a device's fields from a legacy QEMU VMState payload, as QEMU's loader does: a field is read when the
/// stream's section version has it (<see cref="FieldSpec.Since"/> &lt;= stream version), subsections are matched by
/// name, and every read is bounds-checked against the payload.
/// </summary>
/// <remarks>
/// Use it through <see cref="LegacyDeviceSerializer"/>, which makes a load all or nothing and checks that the whole
/// payload was consumed.
/// </remarks>
public ref struct LegacyInputVisitor : IStateVisitor
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _baseOffset;
    private readonly int _version;
    private readonly int _streamVersion;
    private readonly string _deviceName;
    private readonly LegacyLoadOptions _options;
    private int _position;
    private LegacyNameStack _names;

    /// <summary>Gets the transaction that stages delivered blobs until the load commits; without one a blob's state is made current as soon as it
    /// arrives.</summary>
    internal LoadTransaction? Transaction { get; init; }

    /// <summary>Gets the device's counter of marker-framed lists (<see cref="LegacyFramingKind.Markers"/>), or <see langword="null"/>.</summary>
    public ILegacyListCounter? ListCounter { get; init; }

    /// <summary>Creates a loading visitor over one device's payload.</summary>
    /// <param name="payload">The payload bytes.</param>
    /// <param name="version">The version the destination device runs as.</param>
    /// <param name="streamVersion">The section version in the stream.</param>
    /// <param name="deviceName">The device's vmsd name (subsection prefix).</param>
    /// <param name="baseOffset">The payload's offset in the whole stream, for error messages.</param>
    /// <param name="options">Limits.</param>
    public LegacyInputVisitor(
        ReadOnlySpan<byte> payload,
        int version,
        int streamVersion,
        string deviceName,
        long baseOffset = 0,
        LegacyLoadOptions options = default)
    {
        _data = payload;
        _version = version;
        _streamVersion = streamVersion;
        _deviceName = deviceName;
        _baseOffset = baseOffset;
        _options = options;
        _position = 0;
        _names = default;
    }

    /// <inheritdoc/>
    public readonly VisitDirection Direction => VisitDirection.Load;

    /// <inheritdoc/>
    public readonly int Version => _version;

    /// <summary>Gets the number of payload bytes consumed.</summary>
    public readonly int BytesConsumed => _position;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (Present(field))
        {
            value = BigEndian.Load<T>(Take(field, Unsafe.SizeOf<T>()));
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec<bool> field, ref bool value)
    {
        if (Present(field))
        {
            value = Take(field, 1)[0] != 0;
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec<string> field, ref string value)
    {
        if (Present(field))
        {
            ReadOnlySpan<byte> bytes = TakeCounted(field);
            if (!System.Text.Unicode.Utf8.IsValid(bytes))
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.InvalidEncoding,
                    $"Field '{field.Name}' is not valid UTF-8.",
                    _baseOffset + _position - bytes.Length,
                    _names.Path(field.Name));
            }

            value = Encoding.UTF8.GetString(bytes);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec<byte[]> field, ref byte[] value)
    {
        if (!Present(field))
        {
            return;
        }

        if (field.LegacyFraming.Kind == LegacyFramingKind.Implied)
        {
            // The device sized the array from state it has already loaded; a new array keeps the old one for a rollback.
            int length = value?.Length ?? 0;
            if (field.Length > 0 && length > field.Length)
            {
                throw Error(
                    MigrationErrorKind.LimitExceeded, $"Field '{field.Name}' holds at most {field.Length} bytes; the device expects {length}.", field.Name,
                    _position);
            }

            value = Take(field, length).ToArray();
            return;
        }

        value = TakeCounted(field).ToArray();
    }

    /// <inheritdoc/>
    public void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (!Present(field))
        {
            return;
        }

        int width = Unsafe.SizeOf<T>();
        ReadOnlySpan<byte> bytes = Take(field, values.Length * width);
        if (typeof(T) == typeof(byte))
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(values));
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BigEndian.Load<T>(bytes.Slice(i * width));
        }
    }

    /// <inheritdoc/>
    public bool BeginStruct(StructSpec field)
    {
        if (!Present(field))
        {
            return false;
        }

        _names.Push(field.Name);
        return true;
    }

    /// <inheritdoc/>
    public void EndStruct() => EndScope();

    /// <inheritdoc/>
    public int BeginList(ListSpec field, int count)
    {
        if (!Present(field))
        {
            return -1;
        }

        int max = field.Length > 0 ? field.Length : _options.EffectiveMaxListCount;
        int at = _position;
        long declared;
        switch (field.LegacyFraming.Kind)
        {
            case LegacyFramingKind.Implied:
                declared = count;
                break;
            case LegacyFramingKind.Markers:
                declared = ListCounter is null
                    ? throw Error(
                        MigrationErrorKind.UnexpectedValue, $"List '{field.Name}' is framed by markers, and the device counts no such list.", field.Name, at)
                    : ListCounter.CountLegacyElements(field, _data.Slice(_position), _streamVersion);
                if (declared < 0)
                {
                    throw Error(
                        MigrationErrorKind.UnexpectedValue,
                        $"List '{field.Name}' is not a run of elements each after 0x{field.LegacyFraming.ElementMarker:x2}, "
                        + $"ended by 0x{field.LegacyFraming.EndMarker:x2}.",
                        field.Name,
                        at);
                }

                break;
            default:
                declared = BinaryPrimitives.ReadUInt32BigEndian(Take(field, 4));
                break;
        }

        if (declared < 0 || declared > max)
        {
            throw Error(MigrationErrorKind.LimitExceeded, $"List '{field.Name}' declares {declared} elements; at most {max} are accepted.", field.Name, at);
        }

        _names.Push(field.Name, field);
        return (int)declared;
    }

    /// <inheritdoc/>
    public void BeginElement()
    {
        if (_names.InnermostList is { LegacyFraming: { Kind: LegacyFramingKind.Markers } framing } list)
        {
            ExpectMarker(list, framing.ElementMarker);
        }
    }

    /// <inheritdoc/>
    public readonly void EndElement()
    {
    }

    /// <inheritdoc/>
    public void EndList()
    {
        if (_names.InnermostList is { LegacyFraming: { Kind: LegacyFramingKind.Markers } framing } list)
        {
            ExpectMarker(list, framing.EndMarker);
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

        if (!field.ExistsIn(_streamVersion))
        {
            return OptionalGroup.Absent;
        }

        string parent = _names.Innermost(_deviceName);
        int nameLength = LegacySubsection.NameLength(parent, field.Name);
        ReadOnlySpan<byte> rest = _data.Slice(_position);
        if (rest.Length < 2 || rest[0] != LegacySubsection.Marker || rest[1] != nameLength || rest.Length < 2 + nameLength)
        {
            return OptionalGroup.Absent;
        }

        Span<byte> expected = nameLength <= 256 ? stackalloc byte[nameLength] : new byte[nameLength];
        LegacySubsection.WriteName(expected, parent, field.Name);
        if (!rest.Slice(2, nameLength).SequenceEqual(expected))
        {
            return OptionalGroup.Absent;
        }

        _position += 2 + nameLength;
        uint subsectionVersion = BinaryPrimitives.ReadUInt32BigEndian(Take(field, 4));
        if (subsectionVersion > (uint)field.LegacyVersion)
        {
            throw Error(
                MigrationErrorKind.UnsupportedVersion,
                $"Subsection '{LegacySubsection.Name(parent, field.Name)}' has version {subsectionVersion}; this destination loads up to "
                    + $"{field.LegacyVersion}.",
                field.Name,
                _position - 4);
        }

        _names.Push(field.SubsectionName(parent));
        return OptionalGroup.Present;
    }

    /// <inheritdoc/>
    public void EndOptional() => EndScope();

    /// <inheritdoc/>
    public void Blob(BlobSpec field, IBlobState blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (!Present(field))
        {
            return;
        }

        // Walk the chunks first: the payload is in memory, so the blob's extent and bounds are checked before the device sees a byte.
        int start = _position;
        long total = 0;
        long max = field.Length > 0 ? field.Length : _options.EffectiveMaxBlobLength;
        while (true)
        {
            uint chunk = BinaryPrimitives.ReadUInt32BigEndian(Take(field, 4));
            if (chunk == 0)
            {
                break;
            }

            total += chunk;
            if (total > max)
            {
                throw Error(MigrationErrorKind.LimitExceeded, $"Blob '{field.Name}' exceeds its limit of {max} bytes.", field.Name, _position - 4);
            }

            Take(field, (int)Math.Min(chunk, int.MaxValue));
        }

        using var source = new LegacyBlobStream(_data.Slice(start, _position - start).ToArray());
        blob.Load(source);
        if (Transaction is not null)
        {
            Transaction.Stage(blob);
        }
        else
        {
            blob.CommitLoad();
        }
    }

    /// <summary>Checks that no subsection of the device is left unread, as QEMU's loader does.</summary>
    /// <exception cref="MigrationFormatException">A subsection of this device's name was not recognised.</exception>
    public readonly void CheckNoUnknownSubsection()
    {
        ReadOnlySpan<byte> rest = _data.Slice(_position);
        if (rest.Length >= 2 && rest[0] == LegacySubsection.Marker && rest.Length >= 2 + rest[1])
        {
            string name = Encoding.UTF8.GetString(rest.Slice(2, rest[1]));
            if (name.StartsWith(_deviceName + "/", StringComparison.Ordinal))
            {
                throw Error(MigrationErrorKind.UnknownRequiredField, $"Subsection '{name}' is not known to version {_version}.", name, _position);
            }
        }
    }

    private bool Present(FieldSpec field) => field.ExistsIn(_version) && field.ExistsIn(_streamVersion);

    private void ExpectMarker(ListSpec list, byte expected)
    {
        byte found = Take(list, 1)[0];
        if (found != expected)
        {
            throw Error(
                MigrationErrorKind.UnexpectedValue, $"List '{list.Name}' expects the marker 0x{expected:x2} here, found 0x{found:x2}.", list.Name,
                _position - 1);
        }
    }

    private void EndScope()
    {
        _names.Pop();
    }

    private ReadOnlySpan<byte> Take(FieldSpec field, int count)
    {
        if (count < 0 || _data.Length - _position < count)
        {
            throw Error(
                MigrationErrorKind.Truncated,
                $"Field '{field.Name}' ({field.Kind.SchemaName()}) needs {count} bytes; {_data.Length - _position} remain in the section.",
                field.Name,
                _position);
        }

        ReadOnlySpan<byte> bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    private ReadOnlySpan<byte> TakeCounted(FieldSpec field)
    {
        uint length = BinaryPrimitives.ReadUInt32BigEndian(Take(field, 4));
        if (field.Length > 0 && length > (uint)field.Length)
        {
            throw Error(
                MigrationErrorKind.LimitExceeded,
                $"Field '{field.Name}' holds at most {field.Length} bytes; the stream declares {length}.",
                field.Name,
                _position - 4);
        }

        return Take(field, length > int.MaxValue ? -1 : (int)length);
    }

    private readonly MigrationFormatException Error(MigrationErrorKind kind, string detail, string leaf, int position) =>
        new(kind, detail, _baseOffset + position, _names.Path(leaf), _deviceName, _streamVersion, _version);
}

/// <summary>Limits for loading legacy payloads. Zero means the safe default.</summary>
public readonly struct LegacyLoadOptions
{
    /// <summary>Gets the largest list count accepted when the field sets no bound.</summary>
    public int MaxListCount { get; init; }

    /// <summary>Gets the largest blob accepted when the field sets no bound.</summary>
    public long MaxBlobLength { get; init; }

    internal int EffectiveMaxListCount => MaxListCount > 0 ? MaxListCount : BerLoadOptions.DefaultMaxListCount;

    internal long EffectiveMaxBlobLength => MaxBlobLength > 0 ? MaxBlobLength : BerLoadOptions.DefaultMaxBlobLength;
}

/// <summary>Reads the chunked blob encoding (be32 length, bytes; a zero length ends it) as a stream of its bytes.</summary>
internal sealed class LegacyBlobStream(byte[] chunks) : Stream
{
    private int _position;
    private int _remainingInChunk;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_remainingInChunk == 0)
        {
            if (_position + 4 > chunks.Length)
            {
                return 0;
            }

            _remainingInChunk = (int)BinaryPrimitives.ReadUInt32BigEndian(chunks.AsSpan(_position));
            _position += 4;
            if (_remainingInChunk == 0)
            {
                _position = chunks.Length;
                return 0;
            }
        }

        int count = Math.Min(buffer.Length, _remainingInChunk);
        chunks.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        _remainingInChunk -= count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
