using System;
using System.Buffers;
using System.Globalization;

namespace MigrationFormat.Ber;

/// <content>The contents check of REAL (X.690 8.5).</content>
public static partial class BerValidator
{
    private static void CheckReal(ref BerReader reader)
    {
        string? error;
        if (!reader.HasValueSequence)
        {
            error = GetRealContentsError(reader.ValueSpan);
        }
        else
        {
            // The contents have arrived whole (the reader's primitive length limit bounds them); copy them once.
            ReadOnlySequence<byte> sequence = reader.ValueSequence;
            int length = (int)sequence.Length;
            byte[] rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                sequence.CopyTo(rented);
                error = GetRealContentsError(rented.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        if (error is not null)
        {
            throw ContentError(ref reader, "REAL", error);
        }
    }

    /// <summary>Checks REAL contents octets and says what is wrong with them, or returns <see langword="null"/>.</summary>
    /// <param name="contents">The contents octets.</param>
    /// <returns>A description of the fault, or <see langword="null"/> when the contents are valid.</returns>
    internal static string? GetRealContentsError(ReadOnlySpan<byte> contents)
    {
        if (contents.IsEmpty)
        {
            return null; // plus zero (X.690 8.5.2)
        }

        byte first = contents[0];
        if ((first & 0x80) != 0)
        {
            return GetBinaryRealError(contents);
        }

        if ((first & 0x40) != 0)
        {
            if (first > 0x43)
            {
                return $"the first contents octet {Hex(first)} is not a special real value; 40 (PLUS-INFINITY), 41 (MINUS-INFINITY), 42 (NOT-A-NUMBER) and 43 "
                    + "(minus zero) are defined (X.690 8.5.9)";
            }

            if (contents.Length != 1)
            {
                return $"the special real value {Hex(first)} is one contents octet, found {Count(contents.Length)} (X.690 8.5.9)";
            }

            return null;
        }

        return GetDecimalRealError(contents);
    }

    private static string? GetBinaryRealError(ReadOnlySpan<byte> contents)
    {
        byte first = contents[0];
        if (((first >> 4) & 3) == 3)
        {
            return $"the first contents octet {Hex(first)} has base bits 6-5 set to 11, a reserved value; "
                + "00, 01 and 10 select base 2, 8 and 16 (X.690 8.5.7.2)";
        }

        int exponentFormat = first & 3;
        int exponentStart = 1;
        int exponentLength = exponentFormat + 1;
        if (exponentFormat == 3)
        {
            if (contents.Length < 2)
            {
                return "expected a second contents octet giving the number of exponent octets, found none (X.690 8.5.7.4 d)";
            }

            exponentStart = 2;
            exponentLength = contents[1];
            if (exponentLength == 0)
            {
                return "the exponent is said to take zero octets; it shall take at least one (X.690 8.5.7.4 d)";
            }
        }

        if (contents.Length < exponentStart + exponentLength)
        {
            return $"the contents end inside the {Count(exponentLength)}-octet exponent (X.690 8.5.7.4)";
        }

        if (exponentFormat == 3 && exponentLength > 1)
        {
            int leadingNine = (contents[2] << 1) | (contents[3] >> 7);
            if (leadingNine == 0 || leadingNine == 0x1FF)
            {
                return $"the {Count(exponentLength)}-octet exponent begins with nine {(leadingNine == 0 ? "zero" : "one")} bits; in the long form they shall "
                    + "not be all zeros or all ones (X.690 8.5.7.4 d)";
            }
        }

        ReadOnlySpan<byte> mantissa = contents.Slice(exponentStart + exponentLength);
        if (mantissa.IsEmpty)
        {
            return "no contents octets remain for the mantissa N (X.690 8.5.7.5)";
        }

        if (!mantissa.ContainsAnyExcept((byte)0))
        {
            return "the mantissa N is zero; zero is encoded with no contents octets (plus zero, X.690 8.5.2) or as the special value 43 (minus zero, 8.5.3)";
        }

        return null;
    }

    private static string? GetDecimalRealError(ReadOnlySpan<byte> contents)
    {
        byte first = contents[0];
        int form = first & 0x3F;
        if (form is < 1 or > 3)
        {
            return $"the first contents octet {Hex(first)} selects no decimal form; 01 (NR1), 02 (NR2) and 03 (NR3) are defined (X.690 8.5.8)";
        }

        // ISO 6093: leading spaces, an optional sign, digits; NR2 and NR3 have a decimal mark (full stop or comma)
        // and at least one digit; NR3 then has an exponent, E or e, an optional sign and at least one digit.
        ReadOnlySpan<byte> text = contents.Slice(1);
        int i = 0;
        while (i < text.Length && text[i] == (byte)' ')
        {
            i++;
        }

        if (i < text.Length && (text[i] == (byte)'+' || text[i] == (byte)'-'))
        {
            i++;
        }

        int digits = 0;
        bool nonZero = false;
        i = SkipDigits(text, i, ref digits, ref nonZero);
        bool hasMark = i < text.Length && (text[i] == (byte)'.' || text[i] == (byte)',');
        if (hasMark)
        {
            i = SkipDigits(text, i + 1, ref digits, ref nonZero);
        }

        string name = "NR" + form.ToString(CultureInfo.InvariantCulture);
        if (digits == 0)
        {
            return $"the {name} number has no digits (X.690 8.5.8, ISO 6093)";
        }

        if (form == 1 && hasMark)
        {
            return "the NR1 number has a decimal mark; NR1 numbers are integers (X.690 8.5.8, ISO 6093)";
        }

        if (form != 1 && !hasMark)
        {
            return $"the {name} number has no decimal mark (X.690 8.5.8, ISO 6093)";
        }

        if (form == 3)
        {
            if (i >= text.Length || (text[i] != (byte)'E' && text[i] != (byte)'e'))
            {
                return "the NR3 number has no exponent; expected E and digits after the significand (X.690 8.5.8, ISO 6093)";
            }

            i++;
            if (i < text.Length && (text[i] == (byte)'+' || text[i] == (byte)'-'))
            {
                i++;
            }

            int exponentDigits = 0;
            bool ignored = false;
            i = SkipDigits(text, i, ref exponentDigits, ref ignored);
            if (exponentDigits == 0)
            {
                return "the NR3 number's exponent has no digits (X.690 8.5.8, ISO 6093)";
            }
        }

        if (i != text.Length)
        {
            return $"the {name} number has the unexpected character {Hex(text[i])} at index {i.ToString(CultureInfo.InvariantCulture)} of its text (X.690 "
                + "8.5.8, ISO 6093)";
        }

        if (!nonZero)
        {
            return "the decimal number is zero; zero is encoded with no contents octets (plus zero, X.690 8.5.2) "
                + "or as the special value 43 (minus zero, 8.5.3)";
        }

        return null;
    }

    private static int SkipDigits(ReadOnlySpan<byte> text, int i, ref int digits, ref bool nonZero)
    {
        while (i < text.Length && text[i] >= (byte)'0' && text[i] <= (byte)'9')
        {
            nonZero |= text[i] != (byte)'0';
            digits++;
            i++;
        }

        return i;
    }

    private static string Hex(byte octet) => octet.ToString("X2", CultureInfo.InvariantCulture);

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);
}
