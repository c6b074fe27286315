using System;
using System.Buffers;
using System.Globalization;

namespace MigrationFormat.Ber;

/// <content>The contents checks of the UNIVERSAL primitive types the validator knows.</content>
public static partial class BerValidator
{
    private static void CheckPrimitive(ref BerReader reader)
    {
        BerTag tag = reader.Tag;
        if (tag.TagClass != BerTagClass.Universal)
        {
            return;
        }

        switch (tag.TagNumber)
        {
            case 1:
                if (reader.Length != 1)
                {
                    throw ContentError(
                        ref reader,
                        "BOOLEAN",
                        $"expected exactly one contents octet (X.690 8.2.1), found {reader.Length.ToString(CultureInfo.InvariantCulture)}");
                }

                break;

            case 2:
                CheckInteger(ref reader, "INTEGER");
                break;

            case 10:
                CheckInteger(ref reader, "ENUMERATED");
                break;

            case 3:
                CheckBitString(ref reader);
                break;

            case 5:
                if (reader.Length != 0)
                {
                    throw ContentError(
                        ref reader,
                        "NULL",
                        $"expected no contents octets (X.690 8.8.2), found {reader.Length.ToString(CultureInfo.InvariantCulture)}");
                }

                break;

            case 6:
                CheckSubidentifiers(ref reader, "OBJECT IDENTIFIER", "X.690 8.19.2");
                break;

            case 13:
                CheckSubidentifiers(ref reader, "RELATIVE-OID", "X.690 8.20.2");
                break;

            case 9:
                CheckReal(ref reader);
                break;

            case 12:
                var utf8 = default(Utf8Checker);
                CheckUtf8(ref reader, ref utf8, "UTF8String");
                if (!utf8.IsComplete)
                {
                    throw ContentError(
                        ref reader,
                        "UTF8String",
                        $"the contents end inside a UTF-8 sequence; {utf8.Missing.ToString(CultureInfo.InvariantCulture)} continuation octets were expected");
                }

                break;
        }
    }

    private static MigrationFormatException ContentError(ref BerReader reader, string typeName, string detail) =>
        new(MigrationErrorKind.InvalidEncoding, $"Invalid {typeName} {reader.Tag}: {detail}.", reader.TokenStartOffset);

    /// <summary>Gets the first contents octets of the last primitive, at most <paramref name="buffer"/>'s length.</summary>
    private static ReadOnlySpan<byte> Head(in BerReader reader, Span<byte> buffer)
    {
        if (!reader.HasValueSequence)
        {
            ReadOnlySpan<byte> value = reader.ValueSpan;
            return value.Slice(0, Math.Min(value.Length, buffer.Length));
        }

        ReadOnlySequence<byte> sequence = reader.ValueSequence;
        int count = (int)Math.Min(sequence.Length, buffer.Length);
        sequence.Slice(0, count).CopyTo(buffer);
        return buffer.Slice(0, count);
    }

    private static void CheckInteger(ref BerReader reader, string typeName)
    {
        Span<byte> buffer = stackalloc byte[2];
        ReadOnlySpan<byte> head = Head(in reader, buffer);
        if (head.IsEmpty)
        {
            throw ContentError(ref reader, typeName, "expected at least one contents octet (X.690 8.3.1), found none");
        }

        if (head.Length == 2)
        {
            int leadingNine = (head[0] << 1) | (head[1] >> 7);
            if (leadingNine == 0 || leadingNine == 0x1FF)
            {
                string octet = head[0] == 0 ? "00" : "FF";
                throw ContentError(
                    ref reader,
                    typeName,
                    $"the leading octet {octet} is redundant; the first nine bits of a two's complement integer shall not be all "
                    + $"{(head[0] == 0 ? "zeros" : "ones")} (X.690 8.3.2)");
            }
        }
    }

    /// <summary>Checks the contents of a primitive BIT STRING, alone or as a segment, and returns its number of unused bits.</summary>
    private static int CheckBitString(ref BerReader reader)
    {
        Span<byte> buffer = stackalloc byte[1];
        ReadOnlySpan<byte> head = Head(in reader, buffer);
        if (head.IsEmpty)
        {
            throw ContentError(
                ref reader,
                "BIT STRING",
                "expected the initial octet that counts the unused bits, found no contents octets (X.690 8.6.2); an empty BIT STRING is 03 01 00");
        }

        int unused = head[0];
        if (unused > 7)
        {
            throw ContentError(
                ref reader,
                "BIT STRING",
                $"the initial octet says {unused.ToString(CultureInfo.InvariantCulture)} unused bits; it shall be 0 to 7 (X.690 8.6.2.2)");
        }

        if (unused != 0 && reader.Length == 1)
        {
            throw ContentError(
                ref reader,
                "BIT STRING",
                $"the initial octet says {unused.ToString(CultureInfo.InvariantCulture)} unused bits but no octet follows it; with no subsequent octets it "
                + "shall be zero (X.690 8.6.2.3)");
        }

        return unused;
    }

    private static void CheckSubidentifiers(ref BerReader reader, string typeName, string clause)
    {
        if (reader.Length == 0)
        {
            throw ContentError(ref reader, typeName, $"expected at least one subidentifier, found no contents octets ({clause})");
        }

        long contentStart = reader.Position - reader.Length;
        bool inSubidentifier = false;
        long index = 0;
        if (!reader.HasValueSequence)
        {
            CheckSubidentifierOctets(ref reader, reader.ValueSpan, ref inSubidentifier, ref index, contentStart, typeName, clause);
        }
        else
        {
            foreach (ReadOnlyMemory<byte> segment in reader.ValueSequence)
            {
                CheckSubidentifierOctets(ref reader, segment.Span, ref inSubidentifier, ref index, contentStart, typeName, clause);
            }
        }

        if (inSubidentifier)
        {
            throw ContentError(ref reader, typeName, $"the last subidentifier is not terminated: its last octet has bit 8 set ({clause})");
        }
    }

    private static void CheckSubidentifierOctets(
        ref BerReader reader,
        ReadOnlySpan<byte> octets,
        ref bool inSubidentifier,
        ref long index,
        long contentStart,
        string typeName,
        string clause)
    {
        for (int i = 0; i < octets.Length; i++, index++)
        {
            byte octet = octets[i];
            if (!inSubidentifier && octet == 0x80)
            {
                throw ContentError(
                    ref reader,
                    typeName,
                    $"the subidentifier at offset {(contentStart + index).ToString(CultureInfo.InvariantCulture)} is led by the octet 80; subidentifiers are "
                    + $"encoded in the fewest possible octets ({clause})");
            }

            inSubidentifier = (octet & 0x80) != 0;
        }
    }

    private static void CheckUtf8(ref BerReader reader, ref Utf8Checker checker, string typeName)
    {
        long contentStart = reader.Position - reader.Length;
        long index = 0;
        if (!reader.HasValueSequence)
        {
            CheckUtf8Octets(ref reader, ref checker, reader.ValueSpan, contentStart, index, typeName);
            return;
        }

        foreach (ReadOnlyMemory<byte> segment in reader.ValueSequence)
        {
            CheckUtf8Octets(ref reader, ref checker, segment.Span, contentStart, index, typeName);
            index += segment.Length;
        }
    }

    private static void CheckUtf8Octets(
        ref BerReader reader,
        ref Utf8Checker checker,
        ReadOnlySpan<byte> octets,
        long contentStart,
        long index,
        string typeName)
    {
        int bad = checker.Feed(octets);
        if (bad >= 0)
        {
            throw ContentError(
                ref reader,
                typeName,
                $"the octet {octets[bad].ToString("X2", CultureInfo.InvariantCulture)} at offset "
                + $"{(contentStart + index + bad).ToString(CultureInfo.InvariantCulture)} is not valid UTF-8 here (RFC 3629: no overlong forms, surrogates "
                + "or code points above 10FFFF)");
        }
    }

    /// <summary>
    /// A streaming UTF-8 well-formedness check (RFC 3629, Unicode table 3-7): it carries an incomplete sequence
    /// from one piece of input to the next, so a character may straddle segments.
    /// </summary>
    private struct Utf8Checker
    {
        private int _missing;
        private byte _lower;
        private byte _upper;

        public readonly bool IsComplete => _missing == 0;

        public readonly int Missing => _missing;

        /// <summary>Checks the next octets and returns the index of the first octet that breaks UTF-8, or -1.</summary>
        public int Feed(ReadOnlySpan<byte> octets)
        {
            int i = 0;
            while (i < octets.Length)
            {
                if (_missing == 0)
                {
                    int next = octets.Slice(i).IndexOfAnyExceptInRange((byte)0x00, (byte)0x7F);
                    if (next < 0)
                    {
                        return -1;
                    }

                    i += next;
                    switch (octets[i])
                    {
                        case 0xE0:
                            Expect(2, 0xA0, 0xBF);
                            break;
                        case 0xED:
                            Expect(2, 0x80, 0x9F);
                            break;
                        case 0xF0:
                            Expect(3, 0x90, 0xBF);
                            break;
                        case 0xF4:
                            Expect(3, 0x80, 0x8F);
                            break;
                        case >= 0xC2 and <= 0xDF:
                            Expect(1, 0x80, 0xBF);
                            break;
                        case >= 0xE1 and <= 0xEF:
                            Expect(2, 0x80, 0xBF);
                            break;
                        case >= 0xF1 and <= 0xF3:
                            Expect(3, 0x80, 0xBF);
                            break;
                        default:
                            return i;
                    }
                }
                else
                {
                    byte octet = octets[i];
                    if (octet < _lower || octet > _upper)
                    {
                        return i;
                    }

                    Expect(_missing - 1, 0x80, 0xBF);
                }

                i++;
            }

            return -1;
        }

        private void Expect(int missing, byte lower, byte upper)
        {
            _missing = missing;
            _lower = lower;
            _upper = upper;
        }
    }
}
