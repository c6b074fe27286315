using System;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using MigrationFormat.Ber;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool.Walking;

/// <summary>
/// How the tool shows a primitive value: integers in decimal when they fit 64 bits and in (shortened) hex otherwise,
/// so that formatting takes time linear in the value's size; bytes as lower-case hex; text quoted.
/// </summary>
internal static class ValueText
{
    /// <summary>The most bytes of a long value shown in hex; the rest is summarised by its length.</summary>
    public const int MaxHexBytes = 32;

    /// <summary>The outcome of reading INTEGER contents as a number.</summary>
    internal enum IntegerForm
    {
        Signed,
        Unsigned,
        TooLarge,
        Invalid,
    }

    /// <summary>Reads an INTEGER of a field kind's width and signedness.</summary>
    /// <param name="contents">The contents.</param>
    /// <param name="kind">An integer kind.</param>
    /// <param name="text">The value in decimal, when it fits.</param>
    /// <param name="why">What is wrong, when it does not.</param>
    /// <returns><see langword="true"/> when the contents are a valid INTEGER within the kind's range.</returns>
    public static bool TryGetInteger(ReadOnlySpan<byte> contents, FieldKind kind, out string text, out string? why)
    {
        text = string.Empty;
        why = null;
        bool signed = kind.IsSigned();
        int bits = kind.BitWidth();
        if (signed)
        {
            BerDecodeStatus status = BerDecoder.TryDecodeInt64(contents, out long value);
            if (status != BerDecodeStatus.Done)
            {
                why = Describe(status, contents, unsigned: false);
                return false;
            }

            long min = bits == 64 ? long.MinValue : -(1L << (bits - 1));
            long max = bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
            if (value < min || value > max)
            {
                why = string.Create(CultureInfo.InvariantCulture, $"{value}, outside {min} to {max}");
                return false;
            }

            text = value.ToString(CultureInfo.InvariantCulture);
            return true;
        }

        BerDecodeStatus unsignedStatus = BerDecoder.TryDecodeUInt64(contents, out ulong number);
        if (unsignedStatus != BerDecodeStatus.Done)
        {
            why = Describe(unsignedStatus, contents, unsigned: true);
            return false;
        }

        ulong limit = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        if (number > limit)
        {
            why = string.Create(CultureInfo.InvariantCulture, $"{number}, more than {limit}");
            return false;
        }

        text = number.ToString(CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>Says why INTEGER contents did not decode.</summary>
    /// <param name="status">The decoder's status.</param>
    /// <param name="contents">The contents.</param>
    /// <param name="unsigned">Whether an unsigned value was asked for.</param>
    /// <returns>A clause such as <c>an INTEGER of 10 octets</c>.</returns>
    public static string Describe(BerDecodeStatus status, ReadOnlySpan<byte> contents, bool unsigned) => status switch
    {
        BerDecodeStatus.InvalidEncoding => "an INTEGER with no content octets (X.690 8.3.1)",
        BerDecodeStatus.NonMinimal => "an INTEGER with a redundant leading octet (X.690 8.3.2)",
        BerDecodeStatus.OutOfRange when unsigned && contents.Length > 0 && (contents[0] & 0x80) != 0 => "a negative INTEGER",
        _ => string.Create(CultureInfo.InvariantCulture, $"an INTEGER of {contents.Length} octets, more than 64 bits"),
    };

    /// <summary>Reads any INTEGER as a 64-bit number when it fits.</summary>
    /// <param name="contents">The contents.</param>
    /// <param name="signed">The value, when <see cref="IntegerForm.Signed"/>.</param>
    /// <param name="unsigned">The value, when <see cref="IntegerForm.Unsigned"/> (nine octets led by 00).</param>
    /// <returns>How the contents read.</returns>
    public static IntegerForm ReadInteger(ReadOnlySpan<byte> contents, out long signed, out ulong unsigned)
    {
        unsigned = 0;
        BerDecodeStatus status = BerDecoder.TryDecodeInt64(contents, out signed);
        if (status == BerDecodeStatus.Done)
        {
            return IntegerForm.Signed;
        }

        if (status == BerDecodeStatus.OutOfRange && BerDecoder.TryDecodeUInt64(contents, out unsigned) == BerDecodeStatus.Done)
        {
            return IntegerForm.Unsigned;
        }

        return status == BerDecodeStatus.OutOfRange ? IntegerForm.TooLarge : IntegerForm.Invalid;
    }

    /// <summary>Gives an INTEGER in decimal, or, beyond 64 bits or when malformed, as shortened hex.</summary>
    /// <param name="contents">The contents.</param>
    /// <returns>The text.</returns>
    public static string Integer(ReadOnlySpan<byte> contents) => ReadInteger(contents, out long signed, out ulong unsigned) switch
    {
        IntegerForm.Signed => signed.ToString(CultureInfo.InvariantCulture),
        IntegerForm.Unsigned => unsigned.ToString(CultureInfo.InvariantCulture),
        IntegerForm.TooLarge => "0x" + Hex(contents),
        _ => "invalid INTEGER " + Hex(contents),
    };

    /// <summary>Gives bytes as lower-case hex, the first <see cref="MaxHexBytes"/> only, then their count.</summary>
    /// <param name="contents">The bytes.</param>
    /// <returns>The text.</returns>
    public static string Hex(ReadOnlySpan<byte> contents) => contents.Length <= MaxHexBytes
        ? Convert.ToHexStringLower(contents)
        : Convert.ToHexStringLower(contents[..MaxHexBytes]) + string.Create(CultureInfo.InvariantCulture, $"... ({contents.Length} bytes)");

    /// <summary>Gives text quoted and escaped as a JSON string.</summary>
    /// <param name="contents">UTF-8 bytes.</param>
    /// <returns>The quoted text, or hex when the bytes are not UTF-8.</returns>
    public static string Quoted(ReadOnlySpan<byte> contents)
    {
        if (!System.Text.Unicode.Utf8.IsValid(contents))
        {
            return "invalid UTF-8 " + Hex(contents);
        }

        return "\"" + JsonEncodedText.Encode(contents, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() + "\"";
    }

    /// <summary>Gives a primitive token's value as the text dump shows it.</summary>
    /// <param name="token">A primitive token.</param>
    /// <returns>The text, or <see langword="null"/> for none.</returns>
    public static string Of(WalkToken token)
    {
        ReadOnlySpan<byte> contents = token.Contents;
        if (token.Role == WalkRole.Checksum && token.Checksum is ChecksumCheck check)
        {
            return check.Matches
                ? string.Create(CultureInfo.InvariantCulture, $"{check.Computed:X8} (verified)")
                : string.Create(
                    CultureInfo.InvariantCulture,
                    $"{(check.Stored is uint stored ? stored.ToString("X8", CultureInfo.InvariantCulture) : Hex(contents))} "
                    + $"(MISMATCH: the bytes it covers sum to {check.Computed:X8})");
        }

        if (token.Role is WalkRole.SchemaDocument)
        {
            return Hex(contents);
        }

        if (token.Role is WalkRole.ConfigurationItem)
        {
            return Quoted(contents);
        }

        if (token.Field is { } field)
        {
            if (field.Kind.IsInteger())
            {
                return TryGetInteger(contents, field.Kind, out string text, out _) ? text : Integer(contents);
            }

            return field.Kind switch
            {
                FieldKind.Bool => contents.Length == 1 ? (contents[0] != 0 ? "TRUE" : "FALSE") : "invalid BOOLEAN " + Hex(contents),
                FieldKind.String => Quoted(contents),
                _ => Hex(contents),
            };
        }

        BerTag tag = token.Tag;
        if (tag.TagClass == BerTagClass.Universal)
        {
            switch (tag.TagNumber)
            {
                case 1:
                    return contents.Length == 1 ? (contents[0] != 0 ? "TRUE" : "FALSE") : "invalid BOOLEAN " + Hex(contents);
                case 2:
                    return Integer(contents);
                case 5:
                    return "NULL";
                case 12:
                    return Quoted(contents);
            }
        }

        return Hex(contents);
    }
}
