using System;
using System.Numerics;
using System.Runtime.InteropServices;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>
/// Loads a device's fields from tagged BER, following the cross-version rules: unknown <c>[PRIVATE n]</c> fields
/// are skipped and reported, unknown <c>[n]</c> fields fail, integers are range-checked against the destination's
/// widths, fields the stream's version requires must be present, and fields the stream lacks keep their values.
/// </summary>
/// <remarks>
/// Use it through <see cref="BerDeviceSerializer"/> or <see cref="MigrationStreamReader"/>, which make a load all or
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
    public void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (ReadScalar(field))
        {
            value = Integer<T>(field);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec<bool> field, ref bool value)
    {
        if (ReadScalar(field))
        {
            ReadOnlySpan<byte> content = _session.Input.Value;
            if (BerDecoder.TryDecodeBoolean(content, out bool decoded) != BerDecodeStatus.Done)
            {
                LoadThrowHelper.ThrowInvalidEncoding(_session, field, "Expected a bool; " + BerThrowHelper.DescribeBoolean(content.Length) + ".");
            }

            value = decoded;
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec<string> field, ref string value)
    {
        if (ReadScalar(field))
        {
            value = _session.DecodeString(field);
        }
    }

    /// <inheritdoc/>
    public void Field(FieldSpec<byte[]> field, ref byte[] value)
    {
        if (ReadScalar(field))
        {
            ReadOnlySpan<byte> content = _session.Input.Value;
            _session.CheckMaxLength(field, content.Length);
            value = content.ToArray();
        }
    }

    /// <inheritdoc/>
    public void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (!ReadScalar(field))
        {
            return;
        }

        if (typeof(T) == typeof(byte))
        {
            ReadOnlySpan<byte> content = _session.Input.Value;
            if (content.Length != values.Length)
            {
                LoadThrowHelper.ThrowUnexpectedValue(_session, field, $"Expected a buffer of {values.Length} bytes; the stream has {content.Length}.");
            }

            content.CopyTo(MemoryMarshal.AsBytes(values));
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            NextArrayElement(field, i, values.Length);
            values[i] = Integer<T>(field);
        }

        CloseArray(field, values.Length);
    }

    /// <inheritdoc/>
    public bool BeginStruct(StructSpec field)
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
    public int BeginList(ListSpec field, int count)
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
    public OptionalGroup BeginOptional(OptionalSpec field, bool needed)
    {
        if (!field.ExistsIn(_session.Version))
        {
            return OptionalGroup.NotInVersion;
        }

        if (!_session.Seek(field))
        {
            return OptionalGroup.Absent;
        }

        _session.OpenFrame(field);
        return OptionalGroup.Present;
    }

    /// <inheritdoc/>
    public void EndOptional() => _session.CloseFrame();

    /// <inheritdoc/>
    public void Blob(BlobSpec field, IBlobState blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (!_session.Seek(field))
        {
            return;
        }

        _session.Input.Accept();
        using var source = new BlobInputStream(_session, field);
        _session.Transaction.Stage(blob);
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

    /// <summary>Decodes the current INTEGER as a <typeparamref name="T"/>, failing when it does not fit (never truncating).</summary>
    private T Integer<T>(FieldSpec field)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(ulong))
        {
            return T.CreateTruncating(_session.DecodeUnsigned(field));
        }

        long value = _session.DecodeSigned(field);
        if (!IntegerKind.Fits<T>(value))
        {
            LoadThrowHelper.ThrowIntegerOutOfRange(_session, field, value);
        }

        return T.CreateTruncating(value);
    }

    private void NextArrayElement(FieldSpec field, int index, int count)
    {
        BerInputSource input = _session.Input;
        if (!input.Peek() || input.TokenType != BerTokenType.Primitive || input.Tag != BerTag.Integer)
        {
            LoadThrowHelper.ThrowUnexpectedValue(_session, field, $"Expected element {index} of {count} as an INTEGER; found {_session.Describe()}.");
        }

        input.Accept();
    }

    private void CloseArray(FieldSpec field, int count)
    {
        BerInputSource input = _session.Input;
        if (!input.Peek() || input.TokenType != BerTokenType.EndConstructed)
        {
            LoadThrowHelper.ThrowUnexpectedValue(_session, field, $"Expected the end of the array after its {count} elements; found {_session.Describe()}.");
        }

        input.Accept();
    }
}
