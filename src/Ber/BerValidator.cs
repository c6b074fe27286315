using System;
using System.Buffers;
using System.Globalization;

namespace MigrationFormat.Ber;

/// <summary>
/// Checks that an input is valid BER (X.690) throughout: its structure, as <see cref="BerReader"/> checks it,
/// and the contents of every UNIVERSAL-tagged primitive whose type it knows.
/// </summary>
/// <remarks>
/// <para>
/// Beyond the reader's checks (identifiers, lengths, end-of-contents, nesting, primitive and constructed forms,
/// the types of segments), the validator holds each value's contents to X.690: a BOOLEAN is one octet (8.2.1);
/// an INTEGER or ENUMERATED is non-empty and minimal (8.3.1, 8.3.2, 8.4); a NULL is empty (8.8.2); a BIT STRING
/// has its initial octet, at most 7 unused bits, none when it holds no further octet, and in constructed form only
/// the last segment has unused bits (8.6); an OBJECT IDENTIFIER or RELATIVE-OID is non-empty, with no subidentifier
/// led by an <c>80</c> octet and the last one terminated (8.19, 8.20); a REAL is well formed (8.5); a UTF8String,
/// primitive or the concatenation of its segments, is well-formed UTF-8. Types it does not know (context-specific,
/// application and private tags, other universal types) are checked for structure only.
/// </para>
/// <para>
/// The time it takes is linear in the size of the input, and it allocates nothing for a declared length.
/// </para>
/// </remarks>
public static partial class BerValidator
{
    /// <summary>Walks the whole of <paramref name="data"/> and checks it.</summary>
    /// <param name="data">The encoding.</param>
    /// <param name="options">What to require besides X.690, and the limits to enforce.</param>
    /// <returns>What was walked.</returns>
    /// <exception cref="MigrationFormatException">
    /// The input breaks X.690 (<see cref="MigrationErrorKind.InvalidEncoding"/>), ends inside a value or holds no value
    /// (<see cref="MigrationErrorKind.Truncated"/>), or exceeds a limit (<see cref="MigrationErrorKind.LimitExceeded"/>);
    /// <see cref="MigrationFormatException.Offset"/> is the absolute offset of the offending value.
    /// </exception>
    public static BerValidationResult Validate(ReadOnlySpan<byte> data, BerValidationOptions options = default)
    {
        var reader = new BerReader(data, options.ReaderOptions);
        return Walk(ref reader, data.Length, options);
    }

    /// <summary>Walks the whole of <paramref name="data"/>, in any number of segments, and checks it.</summary>
    /// <param name="data">The encoding.</param>
    /// <param name="options">What to require besides X.690, and the limits to enforce.</param>
    /// <returns>What was walked.</returns>
    /// <exception cref="MigrationFormatException">
    /// The input breaks X.690 (<see cref="MigrationErrorKind.InvalidEncoding"/>), ends inside a value or holds no value
    /// (<see cref="MigrationErrorKind.Truncated"/>), or exceeds a limit (<see cref="MigrationErrorKind.LimitExceeded"/>);
    /// <see cref="MigrationFormatException.Offset"/> is the absolute offset of the offending value.
    /// </exception>
    public static BerValidationResult Validate(ReadOnlySequence<byte> data, BerValidationOptions options = default)
    {
        var reader = new BerReader(data, options.ReaderOptions);
        return Walk(ref reader, data.Length, options);
    }

    private static BerValidationResult Walk(ref BerReader reader, long inputLength, BerValidationOptions options)
    {
        var strings = default(ConstructedString);
        long values = 0;
        long topLevel = 0;
        int maxDepth = 0;
        while (true)
        {
            if (topLevel == 1 && reader.CurrentDepth == 0 && !options.AllowMultipleValues)
            {
                if (reader.Position < inputLength)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.InvalidEncoding,
                        "Expected the input to end after its one top-level value; found "
                        + $"{(inputLength - reader.Position).ToString(CultureInfo.InvariantCulture)} more octets.",
                        reader.Position);
                }

                break;
            }

            if (!reader.Read())
            {
                break;
            }

            switch (reader.TokenType)
            {
                case BerTokenType.Primitive:
                    values++;
                    if (reader.CurrentDepth == 0)
                    {
                        topLevel++;
                    }

                    if (strings.IsOpen)
                    {
                        strings.CheckSegment(ref reader);
                    }
                    else
                    {
                        CheckPrimitive(ref reader);
                    }

                    break;

                case BerTokenType.StartConstructed:
                    values++;
                    if (reader.CurrentDepth == 1)
                    {
                        topLevel++;
                    }

                    maxDepth = Math.Max(maxDepth, reader.CurrentDepth);
                    if (!strings.IsOpen)
                    {
                        strings.TryOpen(reader.Tag, reader.CurrentDepth, reader.TokenStartOffset);
                    }

                    break;

                case BerTokenType.EndConstructed:
                    if (strings.IsOpen && reader.CurrentDepth < strings.Depth)
                    {
                        strings.Close();
                    }

                    break;
            }
        }

        if (topLevel == 0 && !options.AllowMultipleValues)
        {
            throw new MigrationFormatException(MigrationErrorKind.Truncated, "Expected one top-level value; the input is empty.", 0);
        }

        return new BerValidationResult(values, topLevel, maxDepth, reader.Position);
    }

    /// <summary>
    /// The outermost constructed BIT STRING or UTF8String being walked: its segments are checked together,
    /// as the one value they make up.
    /// </summary>
    private struct ConstructedString
    {
        private ulong _type;
        private long _start;
        private long _unusedBitsSegment;
        private int _unusedBits;
        private Utf8Checker _utf8;

        // The reader's depth inside the string, or 0 when none is open.
        public int Depth { get; private set; }

        public readonly bool IsOpen => Depth > 0;

        public void TryOpen(BerTag tag, int depth, long start)
        {
            if (tag.TagClass != BerTagClass.Universal || (tag.TagNumber != 3 && tag.TagNumber != 12))
            {
                return;
            }

            _type = tag.TagNumber;
            _start = start;
            _unusedBitsSegment = -1;
            _unusedBits = 0;
            _utf8 = default;
            Depth = depth;
        }

        public void CheckSegment(ref BerReader reader)
        {
            if (_type == 3)
            {
                // The reader lets only BIT STRING segments into a constructed BIT STRING (X.690 8.6.4).
                if (_unusedBitsSegment >= 0)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.InvalidEncoding,
                        $"Invalid BIT STRING segment: the segment at offset {_unusedBitsSegment.ToString(CultureInfo.InvariantCulture)} of the constructed "
                        + $"BIT STRING that began at offset {_start.ToString(CultureInfo.InvariantCulture)} has "
                        + $"{_unusedBits.ToString(CultureInfo.InvariantCulture)} unused bits, but only the last segment may have unused bits; another "
                        + $"segment follows it at offset {reader.TokenStartOffset.ToString(CultureInfo.InvariantCulture)} (X.690 8.6.4).",
                        _unusedBitsSegment);
                }

                int unused = CheckBitString(ref reader);
                if (unused != 0)
                {
                    _unusedBitsSegment = reader.TokenStartOffset;
                    _unusedBits = unused;
                }

                return;
            }

            // UTF8String: its segments are OCTET STRINGs whose concatenation is UTF-8; a character may straddle two.
            CheckUtf8(ref reader, ref _utf8, "UTF8String segment");
        }

        public void Close()
        {
            if (_type == 12 && !_utf8.IsComplete)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.InvalidEncoding,
                    $"Invalid UTF8String: the constructed UTF8String that began at offset {_start.ToString(CultureInfo.InvariantCulture)} ends inside a "
                    + $"UTF-8 sequence; {_utf8.Missing.ToString(CultureInfo.InvariantCulture)} continuation octets were expected.",
                    _start);
            }

            Depth = 0;
        }
    }
}
