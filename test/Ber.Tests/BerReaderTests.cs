using MigrationFormat.Ber.Tests.Helpers;

namespace MigrationFormat.Ber.Tests;

public class BerReaderTests
{
    private static readonly BerTag Sequence = BerTag.Sequence;

    [Fact]
    public void Read_DefiniteNestedSequence_GivesEveryToken()
    {
        var tokens = Tokens.Read(Hex.Parse("3014 3008 3003020101 020102 0403616263 0101FF 0500"));

        Assert.Equal(
            [
                Start(0, Sequence, 20), Start(2, Sequence, 8), Start(4, Sequence, 3), Prim(6, BerTag.Integer, "01"), End(9),
                Prim(9, BerTag.Integer, "02"), End(12), Prim(12, BerTag.OctetString, "616263"), Prim(17, BerTag.Boolean, "FF"),
                Prim(20, BerTag.Null, ""), End(22),
            ],
            tokens);
    }

    [Fact]
    public void Read_IndefiniteSequenceWithContextAndPrivateTags_GivesEveryToken()
    {
        var context0 = new BerTag(BerTagClass.ContextSpecific, 0);
        var private1 = new BerTag(BerTagClass.Private, 1);

        var tokens = Tokens.Read(Hex.Parse("3080 800105 C101FE A004 0202012C E180 020107 0000 0000"));

        Assert.Equal(
            [
                Start(0, Sequence, -1), Prim(2, context0, "05"), Prim(5, private1, "FE"), Start(8, context0.AsConstructed(), 4),
                Prim(10, BerTag.Integer, "012C"), End(14), Start(14, private1.AsConstructed(), -1), Prim(16, BerTag.Integer, "07"),
                End(19), End(21),
            ],
            tokens);
    }

    [Fact]
    public void Read_IndefiniteConstructedOctetString_GivesItsSegments()
    {
        var tokens = Tokens.Read(Hex.Parse("2480 0403616263 04026465 0400 040166 0000"));

        Assert.Equal(
            [
                Start(0, BerTag.OctetString.AsConstructed(), -1), Prim(2, BerTag.OctetString, "616263"), Prim(7, BerTag.OctetString, "6465"),
                Prim(11, BerTag.OctetString, ""), Prim(13, BerTag.OctetString, "66"), End(16),
            ],
            tokens);
    }

    [Theory]
    [InlineData("DF814801 2A", BerTagClass.Private, 200UL)]
    [InlineData("9F1F01 2A", BerTagClass.ContextSpecific, 31UL)]
    [InlineData("5F7F01 2A", BerTagClass.Application, 127UL)]
    [InlineData("1F810001 2A", BerTagClass.Universal, 128UL)]
    [InlineData("9FFFFFFFFFFFFFFFFF7F 01 2A", BerTagClass.ContextSpecific, 9223372036854775807UL)]
    public void Read_HighTagNumber_GivesClassAndNumber(string hex, BerTagClass tagClass, ulong number)
    {
        var reader = new BerReader(Hex.Parse(hex));

        Assert.True(reader.Read());
        Assert.Equal(new BerTag(tagClass, number), reader.Tag);
    }

    [Theory]
    [InlineData("0401 2A", 1)]
    [InlineData("048101 2A", 1)]
    [InlineData("04820001 2A", 1)]
    [InlineData("0488000000000000000 1 2A", 1)]
    [InlineData(
        "047F"
            + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        127)]
    public void Read_ShortAndLongFormLengths_GiveTheLength(string hex, long length)
    {
        var reader = new BerReader(Hex.Parse(hex));

        Assert.True(reader.Read());
        Assert.Equal(length, reader.Length);
    }

    [Theory]
    [InlineData("020100", 0L)]
    [InlineData("02017F", 127L)]
    [InlineData("02020080", 128L)]
    [InlineData("0201FF", -1L)]
    [InlineData("020180", -128L)]
    [InlineData("0202FF7F", -129L)]
    [InlineData("02087FFFFFFFFFFFFFFF", long.MaxValue)]
    [InlineData("02088000000000000000", long.MinValue)]
    public void GetInt64_MinimalInteger_GivesTheValue(string hex, long value)
    {
        var reader = new BerReader(Hex.Parse(hex));
        reader.Read();

        Assert.Equal(value, reader.GetInt64());
    }

    [Theory]
    [InlineData("020100", 0UL)]
    [InlineData("02087FFFFFFFFFFFFFFF", 9223372036854775807UL)]
    [InlineData("0209008000000000000000", 9223372036854775808UL)]
    [InlineData("020900FFFFFFFFFFFFFFFF", ulong.MaxValue)]
    public void GetUInt64_MinimalInteger_GivesTheValue(string hex, ulong value)
    {
        var reader = new BerReader(Hex.Parse(hex));
        reader.Read();

        Assert.Equal(value, reader.GetUInt64());
    }

    [Theory]
    [InlineData("0200")]
    [InlineData("02020001")]
    [InlineData("0202FF80")]
    public void GetInt64_EmptyOrNonMinimal_ThrowsInvalidEncoding(string hex)
    {
        byte[] data = Hex.Parse(hex);

        var error = Assert.Throws<MigrationFormatException>(() =>
        {
            var reader = new BerReader(data);
            reader.Read();
            return reader.GetInt64();
        });

        Assert.Equal(MigrationErrorKind.InvalidEncoding, error.Kind);
    }

    [Fact]
    public void GetInt64_NineOctets_ThrowsIntegerOutOfRange()
    {
        byte[] data = Hex.Parse("0209008000000000000000");

        var error = Assert.Throws<MigrationFormatException>(() =>
        {
            var reader = new BerReader(data);
            reader.Read();
            return reader.GetInt64();
        });

        Assert.Equal(MigrationErrorKind.IntegerOutOfRange, error.Kind);
    }

    [Theory]
    [InlineData("0201FF")]
    [InlineData("020A00FFFFFFFFFFFFFFFFFF")]
    public void GetUInt64_NegativeOrTooWide_ThrowsIntegerOutOfRange(string hex)
    {
        byte[] data = Hex.Parse(hex);

        var error = Assert.Throws<MigrationFormatException>(() =>
        {
            var reader = new BerReader(data);
            reader.Read();
            return reader.GetUInt64();
        });

        Assert.Equal(MigrationErrorKind.IntegerOutOfRange, error.Kind);
    }

    [Fact]
    public void GetUtf8String_InvalidUtf8_ThrowsInvalidEncoding()
    {
        byte[] data = Hex.Parse("0C02 C341");

        var error = Assert.Throws<MigrationFormatException>(() =>
        {
            var reader = new BerReader(data);
            reader.Read();
            return reader.GetUtf8String();
        });

        Assert.Equal(MigrationErrorKind.InvalidEncoding, error.Kind);
    }

    [Theory]
    [InlineData("0101FF", true)]
    [InlineData("010101", true)]
    [InlineData("010100", false)]
    public void GetBoolean_OneOctet_IsFalseOnlyForZero(string hex, bool value)
    {
        var reader = new BerReader(Hex.Parse(hex));
        reader.Read();

        Assert.Equal(value, reader.GetBoolean());
    }

    [Fact]
    public void GetUtf8String_ValidText_DecodesIt()
    {
        var reader = new BerReader(Hex.Parse("0C05 68C3A96C6C"));
        reader.Read();

        Assert.Equal("h\u00E9ll", reader.GetUtf8String());
    }

    // Invalid inputs: the kind of error and the absolute offset where the offending value begins.
    [Theory]
    [InlineData("1F020105", MigrationErrorKind.InvalidEncoding, 0)] // long-form tag below 31
    [InlineData("1F1E00", MigrationErrorKind.InvalidEncoding, 0)]
    [InlineData("9F80210105", MigrationErrorKind.InvalidEncoding, 0)] // tag number padded with 80
    [InlineData("1F0000", MigrationErrorKind.InvalidEncoding, 0)]
    [InlineData("0480 040141 0000", MigrationErrorKind.InvalidEncoding, 0)] // indefinite primitive
    [InlineData("05800000", MigrationErrorKind.InvalidEncoding, 0)]
    [InlineData("04FF", MigrationErrorKind.InvalidEncoding, 0)] // reserved length octet
    [InlineData("0000", MigrationErrorKind.InvalidEncoding, 0)] // end-of-contents at the top level
    [InlineData("3005 020101 0000", MigrationErrorKind.InvalidEncoding, 5)] // end-of-contents in a definite value
    [InlineData("3080 00020000", MigrationErrorKind.InvalidEncoding, 2)] // end-of-contents with a length
    [InlineData("3080 008100", MigrationErrorKind.InvalidEncoding, 2)] // end-of-contents with a long-form zero length
    [InlineData("3080 2000 0000", MigrationErrorKind.InvalidEncoding, 2)] // constructed end-of-contents
    [InlineData("2203020105", MigrationErrorKind.InvalidEncoding, 0)] // constructed INTEGER
    [InlineData("2100", MigrationErrorKind.InvalidEncoding, 0)] // constructed BOOLEAN
    [InlineData("2500", MigrationErrorKind.InvalidEncoding, 0)] // constructed NULL
    [InlineData("2600", MigrationErrorKind.InvalidEncoding, 0)] // constructed OBJECT IDENTIFIER
    [InlineData("1003020105", MigrationErrorKind.InvalidEncoding, 0)] // primitive SEQUENCE
    [InlineData("1100", MigrationErrorKind.InvalidEncoding, 0)] // primitive SET
    [InlineData("0800", MigrationErrorKind.InvalidEncoding, 0)] // primitive EXTERNAL
    [InlineData("1D00", MigrationErrorKind.InvalidEncoding, 0)] // primitive CHARACTER STRING
    [InlineData("2380 0403000A3B 0000", MigrationErrorKind.InvalidEncoding, 2)] // OCTET STRING segment in a BIT STRING
    [InlineData("2480 0303000A3B 0000", MigrationErrorKind.InvalidEncoding, 2)] // BIT STRING segment in an OCTET STRING
    [InlineData("2C80 0C026869 0000", MigrationErrorKind.InvalidEncoding, 2)] // UTF8String segment in a UTF8String
    [InlineData("3780 020101 0000", MigrationErrorKind.InvalidEncoding, 2)] // INTEGER segment in a UTCTime
    [InlineData("3005 0204 01020304", MigrationErrorKind.InvalidEncoding, 2)] // child past its parent's end
    [InlineData("3003 3080 0000", MigrationErrorKind.InvalidEncoding, 4)] // end-of-contents past the definite parent's end
    [InlineData("3002 3080 0000", MigrationErrorKind.InvalidEncoding, 4)] // indefinite child not closed within its parent
    [InlineData("3001 3080 0000", MigrationErrorKind.InvalidEncoding, 2)] // indefinite child's header past its parent
    [InlineData("3001 1F8101", MigrationErrorKind.InvalidEncoding, 2)] // identifier cut by the parent's end
    [InlineData("3006 3080 020101 0000", MigrationErrorKind.InvalidEncoding, 7)] // end-of-contents straddling the parent's end
    public void Read_InvalidInput_ThrowsWithKindAndOffset(string hex, MigrationErrorKind kind, long offset)
    {
        var error = Assert.Throws<MigrationFormatException>(() => Tokens.Read(Hex.Parse(hex)));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(offset, error.Offset);
    }

    [Theory]
    [InlineData("02", 0)]
    [InlineData("0201", 0)]
    [InlineData("0402FF", 0)]
    [InlineData("3005020101", 5)] // a definite length that overruns the input is found where the input ends, as when it arrives in pieces
    [InlineData("3080020101", 5)]
    [InlineData("3080 3080 0000", 6)]
    [InlineData("9FFFFFFFFFFFFFFFFFFF", 0)]
    [InlineData("9FFFFFFFFFFFFFFFFF7F", 0)]
    [InlineData("0482", 0)]
    [InlineData("3080 0482 0001", 2)]
    public void Read_InputEndingInsideAValue_ThrowsTruncated(string hex, long offset)
    {
        var error = Assert.Throws<MigrationFormatException>(() => Tokens.Read(Hex.Parse(hex)));

        Assert.Equal(MigrationErrorKind.Truncated, error.Kind);
        Assert.Equal(offset, error.Offset);
    }

    [Theory]
    [InlineData("9FFFFFFFFFFFFFFFFFFF7F 01 40")] // a 70-bit tag number
    [InlineData("0489 010000000000000000")] // nine length octets
    [InlineData("0488 8000000000000000")] // a length of 2^63
    [InlineData("0485 0100000000 00")] // a primitive over the 16 MiB limit
    public void Read_BeyondTheCodecsLimits_ThrowsLimitExceeded(string hex)
    {
        var error = Assert.Throws<MigrationFormatException>(() => Tokens.Read(Hex.Parse(hex)));

        Assert.Equal(MigrationErrorKind.LimitExceeded, error.Kind);
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void Read_PrimitiveOverTheLimitInANonFinalPiece_ThrowsLimitExceededAsWhenFinal()
    {
        byte[] data = Hex.Parse("0484 01000001 00");

        var error = Assert.Throws<MigrationFormatException>(() =>
        {
            var reader = new BerReader(data, isFinalBlock: false, new BerReaderState());
            reader.Read();
        });

        Assert.Equal(MigrationErrorKind.LimitExceeded, error.Kind);
    }

    [Fact]
    public void Read_PrimitiveWithinARaisedLimit_IsRead()
    {
        byte[] data = [0x04, 0x83, 0x02, 0x00, 0x00, .. new byte[0x20000]];
        var reader = new BerReader(data, new BerReaderOptions { MaxPrimitiveLength = 0x20000 });

        Assert.True(reader.Read());
        Assert.Equal(0x20000, reader.ValueSpan.Length);
    }

    [Fact]
    public void Read_NonMinimalLengths_AreAccepted()
    {
        var tokens = Tokens.Read(Hex.Parse("3083000004 02810105"));

        Assert.Equal([Start(0, Sequence, 4), Prim(5, BerTag.Integer, "05"), End(9)], tokens);
    }

    [Fact]
    public void Read_IncompleteValueInANonFinalPiece_ReturnsFalseWithoutConsuming()
    {
        var reader = new BerReader(Hex.Parse("3080 0403 6162"), isFinalBlock: false, new BerReaderState());

        Assert.True(reader.Read());
        Assert.False(reader.Read());
        Assert.Equal(2, reader.BytesConsumed);
        Assert.Equal(1, reader.CurrentDepth);
    }

    [Fact]
    public void Read_ResumedWithTheRestOfTheInput_ContinuesWhereItStopped()
    {
        byte[] data = Hex.Parse("3080 0403 616263 0000");
        var first = new BerReader(data.AsSpan(0, 6), isFinalBlock: false, new BerReaderState());
        first.Read();
        first.Read();

        var second = new BerReader(data.AsSpan((int)first.BytesConsumed), isFinalBlock: true, first.CurrentState);

        Assert.True(second.Read());
        Assert.Equal(2, second.TokenStartOffset);
        Assert.Equal("616263", Hex.Of(second.ValueSpan));
        Assert.True(second.Read());
        Assert.Equal(BerTokenType.EndConstructed, second.TokenType);
        Assert.False(second.Read());
    }

    [Fact]
    public void Read_MultiSegmentSequence_GivesTheSameTokensAsASpan()
    {
        byte[] data = Hex.Parse("3080 800105 C101FE A004 0202012C E180 020107 0000 0000");

        var tokens = Tokens.Read(Sequences.FromPieces(Sequences.OneByteEach(data)));

        Assert.Equal(Tokens.Read(data), tokens);
    }

    [Fact]
    public void Read_PrimitiveAcrossSegments_ExposesValueSequence()
    {
        var data = Sequences.FromPieces([[0x04, 0x04, 0x61], [0x62, 0x63], [0x64]]);
        var reader = new BerReader(data);

        reader.Read();

        Assert.True(reader.HasValueSequence);
        Assert.Equal("61626364", Hex.Of(reader.ValueSequence.ToArray()));
    }

    [Fact]
    public void TrySkip_IndefiniteConstructedValue_SkipsToItsEnd()
    {
        var reader = new BerReader(Hex.Parse("3080 3080 020101 2480 040100 0000 0000 020102 0000"));
        reader.Read();
        reader.Read();

        Assert.True(reader.TrySkip());
        Assert.True(reader.Read());
        Assert.Equal(2L, reader.GetInt64());
    }

    [Fact]
    public void TrySkip_IncompleteValueInANonFinalPiece_ReturnsFalseAndStaysPut()
    {
        var reader = new BerReader(Hex.Parse("3080 3080 020101"), isFinalBlock: false, new BerReaderState());
        reader.Read();
        reader.Read();

        Assert.False(reader.TrySkip());
        Assert.Equal(4, reader.BytesConsumed);
        Assert.Equal(2, reader.CurrentDepth);
    }

    [Fact]
    public void Read_DeepIndefiniteNesting_ThrowsLimitExceededAtTheDefaultDepth()
    {
        byte[] data = [.. Enumerable.Repeat<byte[]>([0x30, 0x80], 10_000).SelectMany(b => b), .. new byte[20_000]];

        var error = Assert.Throws<MigrationFormatException>(() => Tokens.Read(data));

        Assert.Equal(MigrationErrorKind.LimitExceeded, error.Kind);
        Assert.Equal(2 * BerReaderOptions.DefaultMaxDepth, error.Offset);
    }

    [Fact]
    public void Read_DeepNestingWithinARaisedLimit_IsReadWithoutRecursion()
    {
        byte[] data = [.. Enumerable.Repeat<byte[]>([0x30, 0x80], 10_000).SelectMany(b => b), .. new byte[20_000]];

        var tokens = Tokens.Read(data, new BerReaderOptions { MaxDepth = 10_000 });

        Assert.Equal(20_000, tokens.Count);
    }

    private static Token Start(long offset, BerTag tag, long length) => new(BerTokenType.StartConstructed, tag.AsConstructed(), length, offset, "");

    private static Token Prim(long offset, BerTag tag, string contents) => new(BerTokenType.Primitive, tag, contents.Length / 2, offset, contents);

    private static Token End(long offset) => new(BerTokenType.EndConstructed, default, 0, offset, "");
}
