using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>
/// Builds and throws the <see cref="MigrationFormatException"/> of a failed BER device load: one method per error kind,
/// each filling in the device, both versions, the offset of the token being read and the field's path with its tag
/// (<c>serial.fifo_timeout.deadline_ns [0]</c>). They are never inlined, so that the hot load paths hold a call and
/// no message text; the text is put together only when a load fails.
/// </summary>
/// <remarks>A <see langword="null"/> field means the innermost open scope itself (<see cref="BerLoadSession.ScopePath"/>).</remarks>
internal static class LoadThrowHelper
{
    /// <summary>Throws <see cref="MigrationErrorKind.Truncated"/>: the input ended inside the innermost open scope.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowTruncated(BerLoadSession session, FieldSpec? field, string detail) =>
        throw Create(session, MigrationErrorKind.Truncated, detail, field);

    /// <summary>Throws <see cref="MigrationErrorKind.InvalidEncoding"/> for a field's contents.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowInvalidEncoding(BerLoadSession session, FieldSpec field, string detail) =>
        throw Create(session, MigrationErrorKind.InvalidEncoding, detail, field);

    /// <summary>Throws <see cref="MigrationErrorKind.UnexpectedValue"/>: a well-formed value stands where another is required.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowUnexpectedValue(BerLoadSession session, FieldSpec? field, string detail) =>
        throw Create(session, MigrationErrorKind.UnexpectedValue, detail, field);

    /// <summary>Throws <see cref="MigrationErrorKind.LimitExceeded"/> for a field's size or count.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowLimitExceeded(BerLoadSession session, FieldSpec? field, string detail) =>
        throw Create(session, MigrationErrorKind.LimitExceeded, detail, field);

    /// <summary>Throws <see cref="MigrationErrorKind.IntegerOutOfRange"/>: a decoded value does not fit the field's width.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowIntegerOutOfRange(BerLoadSession session, FieldSpec field, long value) =>
        throw Create(
            session,
            MigrationErrorKind.IntegerOutOfRange,
            string.Create(CultureInfo.InvariantCulture, $"Expected {Expected(field)}; the stream's value {value} does not fit."),
            field);

    /// <summary>
    /// Throws for INTEGER contents the decoder refused: <see cref="MigrationErrorKind.IntegerOutOfRange"/> when they
    /// are well formed but do not fit, <see cref="MigrationErrorKind.InvalidEncoding"/> when they break X.690.
    /// </summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowInteger(BerLoadSession session, FieldSpec field, BerDecodeStatus status, ReadOnlySpan<byte> content, bool unsigned)
    {
        string found = BerThrowHelper.DescribeInteger(status, content, content.Length, unsigned);
        string detail = string.Create(CultureInfo.InvariantCulture, $"Expected {Expected(field)}; {found}.");
        throw Create(session, status == BerDecodeStatus.OutOfRange ? MigrationErrorKind.IntegerOutOfRange : MigrationErrorKind.InvalidEncoding, detail, field);
    }

    /// <summary>Throws <see cref="MigrationErrorKind.UnknownRequiredField"/> for a must-parse field the destination does not know.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowUnknownRequiredField(BerLoadSession session, BerTag tag)
    {
        string detail = string.Create(
            CultureInfo.InvariantCulture,
            $"The stream carries must-parse field {tag.AsConstructed(false)}, which version {session.Version} does not know; it cannot be skipped safely.");
        throw new MigrationFormatException(
            MigrationErrorKind.UnknownRequiredField,
            detail,
            session.Input.TokenOffset,
            session.PathOfUnknown(tag),
            session.Device,
            session.StreamVersion,
            session.Version);
    }

    /// <summary>Throws <see cref="MigrationErrorKind.MissingRequiredField"/> for a must-parse field the stream's version has and the stream lacks.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowMissingRequiredField(BerLoadSession session, FieldSpec field) =>
        throw Create(
            session,
            MigrationErrorKind.MissingRequiredField,
            string.Create(
                CultureInfo.InvariantCulture,
                $"Expected must-parse field {field.Name}, which version {session.StreamVersion} has; found {session.Describe()}."),
            field);

    private static MigrationFormatException Create(BerLoadSession session, MigrationErrorKind kind, string detail, FieldSpec? field) =>
        new(
            kind,
            detail,
            session.Input.TokenOffset,
            field is null ? session.ScopePath() : session.PathOf(field),
            session.Device,
            session.StreamVersion,
            session.Version);

    /// <summary>Names what an integer of <paramref name="field"/> must be: "a value of type uint8", "an element of type uint16", "an element count".</summary>
    private static string Expected(FieldSpec field) => field.Kind switch
    {
        FieldKind.UInt16Array => "an element of type uint16",
        FieldKind.UInt32Array => "an element of type uint32",
        FieldKind.UInt64Array => "an element of type uint64",
        FieldKind.List => "an element count",
        _ => "a value of type " + field.Kind.SchemaName(),
    };
}
