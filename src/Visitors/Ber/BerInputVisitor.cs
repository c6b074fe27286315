using System;
using System.Globalization;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>
/// Loads a device's fields from tagged BER, following the cross-version rules: unknown <c>[PRIVATE n]</c> fields
/// are skipped and reported, unknown <c>[n]</c> fields fail, integers are range-checked against the destination's
/// widths, fields the stream's version requires must be present, and fields the stream lacks keep their values.
/// </summary>
/// <remarks>
/// Use it through <see cref="BerDeviceLoader"/> or <see cref="MigrationStreamReader"/>, which make a load all or
/// nothing; by itself it writes fields as it goes.
/// </remarks>
public readonly ref struct BerInputVisitor : IStateVisitor
{
    private readonly BerLoadSession _session;

    internal BerInputVisitor(BerLoadSession session) => _session = session;

    /// <inheritdoc/>
    public VisitDirection Direction => VisitDirection.Load;

    /// <inheritdoc/>
    public int Version => _session.Version;

    /// <summary>Gets the version the stream was saved with.</summary>
    public int StreamVersion => _session.StreamVersion;

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref byte value)
    {
        if (ReadScalar(field))
        {
            value = (byte)Range(field, _session.DecodeSigned(field), byte.MinValue, byte.MaxValue);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref sbyte value)
    {
        if (ReadScalar(field))
        {
            value = (sbyte)Range(field, _session.DecodeSigned(field), sbyte.MinValue, sbyte.MaxValue);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref ushort value)
    {
        if (ReadScalar(field))
        {
            value = (ushort)Range(field, _session.DecodeSigned(field), ushort.MinValue, ushort.MaxValue);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref short value)
    {
        if (ReadScalar(field))
        {
            value = (short)Range(field, _session.DecodeSigned(field), short.MinValue, short.MaxValue);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref uint value)
    {
        if (ReadScalar(field))
        {
            value = (uint)Range(field, _session.DecodeSigned(field), uint.MinValue, uint.MaxValue);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref int value)
    {
        if (ReadScalar(field))
        {
            value = (int)Range(field, _session.DecodeSigned(field), int.MinValue, int.MaxValue);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref ulong value)
    {
        if (ReadScalar(field))
        {
            value = _session.DecodeUnsigned(field);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref long value)
    {
        if (ReadScalar(field))
        {
            value = _session.DecodeSigned(field);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref bool value)
    {
        if (ReadScalar(field))
        {
            if (BerDecoder.TryDecodeBoolean(_session.Input.Value, out bool decoded, out string? error) != System.Buffers.OperationStatus.Done)
            {
                throw _session.Fail(MigrationErrorKind.InvalidEncoding, $"Field '{field.Name}': {error}.", field.Name);
            }

            value = decoded;
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref string value)
    {
        if (ReadScalar(field))
        {
            value = _session.DecodeString(field);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, ref byte[] value)
    {
        if (ReadScalar(field))
        {
            ReadOnlySpan<byte> content = _session.Input.Value;
            _session.CheckMaxLength(field, content.Length);
            value = content.ToArray();
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, Span<byte> buffer)
    {
        if (ReadScalar(field))
        {
            ReadOnlySpan<byte> content = _session.Input.Value;
            if (content.Length != buffer.Length)
            {
                throw _session.Fail(MigrationErrorKind.UnexpectedValue, $"Field '{field.Name}' is a buffer of {buffer.Length} bytes; the stream has {content.Length}.", field.Name);
            }

            content.CopyTo(buffer);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, Span<ushort> values)
    {
        if (OpenArray(field))
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (ushort)Range(field, ArrayElement(field, i, values.Length), ushort.MinValue, ushort.MaxValue);
            }

            CloseArray(field, values.Length);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, Span<uint> values)
    {
        if (OpenArray(field))
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (uint)Range(field, ArrayElement(field, i, values.Length), uint.MinValue, uint.MaxValue);
            }

            CloseArray(field, values.Length);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec field, Span<ulong> values)
    {
        if (OpenArray(field))
        {
            for (int i = 0; i < values.Length; i++)
            {
                NextArrayElement(field, i, values.Length);
                values[i] = _session.DecodeUnsigned(field);
            }

            CloseArray(field, values.Length);
        }
    }

    /// <inheritdoc/>
    public bool BeginStruct(FieldSpec field)
    {
        if (!_session.Seek(field))
        {
            return false;
        }

        _session.OpenFrame(field);
        return true;
    }

    /// <inheritdoc/>
    public void EndStruct() => _session.CloseFrame();

    /// <inheritdoc/>
    public int BeginList(FieldSpec field, int count)
    {
        if (!_session.Seek(field))
        {
            return -1;
        }

        _session.OpenFrame(field);
        return _session.ReadListCount(field);
    }

    /// <inheritdoc/>
    public void BeginElement() => _session.OpenElement();

    /// <inheritdoc/>
    public void EndElement() => _session.CloseElement();

    /// <inheritdoc/>
    public void EndList() => _session.CloseList();

    /// <inheritdoc/>
    public bool BeginOptional(FieldSpec field, bool needed)
    {
        if (!_session.Seek(field))
        {
            return false;
        }

        _session.OpenFrame(field);
        return true;
    }

    /// <inheritdoc/>
    public void EndOptional() => _session.CloseFrame();

    /// <inheritdoc/>
    public void Blob(FieldSpec field, IBlobState blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (!_session.Seek(field))
        {
            return;
        }

        _session.Input.Accept();
        using var source = new BlobInputStream(_session, field);
        _session.Blobs.Add(blob);
        blob.Load(source);
        source.Drain();
    }

    private bool ReadScalar(FieldSpec field)
    {
        if (!_session.Seek(field))
        {
            return false;
        }

        _session.Input.Accept();
        return true;
    }

    private long Range(FieldSpec field, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            throw _session.OutOfRange(field, value.ToString(CultureInfo.InvariantCulture));
        }

        return value;
    }

    private bool OpenArray(FieldSpec field)
    {
        if (!_session.Seek(field))
        {
            return false;
        }

        _session.Input.Accept();
        return true;
    }

    private long ArrayElement(FieldSpec field, int index, int count)
    {
        NextArrayElement(field, index, count);
        return _session.DecodeSigned(field);
    }

    private void NextArrayElement(FieldSpec field, int index, int count)
    {
        BerInputSource input = _session.Input;
        if (!input.Peek() || input.TokenType != BerTokenType.Primitive || input.Tag != BerTag.Integer)
        {
            throw _session.Fail(MigrationErrorKind.UnexpectedValue, $"Array '{field.Name}' has {count} elements; element {index} should be an INTEGER, found {_session.Describe()}.", field.Name);
        }

        input.Accept();
    }

    private void CloseArray(FieldSpec field, int count)
    {
        BerInputSource input = _session.Input;
        if (!input.Peek() || input.TokenType != BerTokenType.EndConstructed)
        {
            throw _session.Fail(MigrationErrorKind.UnexpectedValue, $"Array '{field.Name}' has {count} elements; the stream carries more.", field.Name);
        }

        input.Accept();
    }
}
