using MigrationFormat.Ber.Tests.Helpers;

namespace MigrationFormat.Ber.Tests;

public class BerValidatorTests
{
    [Theory]
    [InlineData("0101FF")]
    [InlineData("010100")]
    [InlineData("010101")]
    [InlineData("0101 7F")]
    public void Validate_BooleanOfOneOctet_Succeeds(string hex)
    {
        BerValidationResult result = BerValidator.Validate(Hex.Parse(hex));

        Assert.Equal(1, result.ValueCount);
    }

    [Theory]
    [InlineData("0100")]
    [InlineData("0102FFFF")]
    [InlineData("0103000001")]
    public void Validate_BooleanNotOneOctet_ThrowsInvalidEncoding(string hex) => AssertInvalid(hex, 0);

    [Theory]
    [InlineData("020100")]
    [InlineData("02017F")]
    [InlineData("02020080")]
    [InlineData("020180")]
    [InlineData("0202FF7F")]
    [InlineData("0209 00FFFFFFFFFFFFFFFF")]
    [InlineData("0211 0102030405060708090A0B0C0D0E0F1011")]
    [InlineData("0A0105")]
    public void Validate_MinimalIntegerOrEnumerated_Succeeds(string hex)
    {
        BerValidationResult result = BerValidator.Validate(Hex.Parse(hex));

        Assert.Equal(1, result.TopLevelValueCount);
    }

    [Theory]
    [InlineData("0200")]
    [InlineData("02020005")]
    [InlineData("0202FF80")]
    [InlineData("0203000001")]
    [InlineData("0A00")]
    [InlineData("0A020001")]
    public void Validate_EmptyOrNonMinimalIntegerOrEnumerated_ThrowsInvalidEncoding(string hex) => AssertInvalid(hex, 0);

    [Fact]
    public void Validate_NonMinimalIntegerInsideSequence_ReportsTheIntegersOffset() => AssertInvalid("3007 020101 0202FFFF", 5);

    [Fact]
    public void Validate_NullWithContents_ThrowsInvalidEncoding() => AssertInvalid("050100", 0);

    [Theory]
    [InlineData("030100")]
    [InlineData("030200FF")]
    [InlineData("030207 80")]
    [InlineData("030203FF")]
    public void Validate_PrimitiveBitString_Succeeds(string hex)
    {
        BerValidationResult result = BerValidator.Validate(Hex.Parse(hex));

        Assert.Equal(1, result.ValueCount);
    }

    [Theory]
    [InlineData("0300")]
    [InlineData("030108")]
    [InlineData("030101")]
    [InlineData("0302080F")]
    public void Validate_PrimitiveBitStringWithBadInitialOctet_ThrowsInvalidEncoding(string hex) => AssertInvalid(hex, 0);

    [Fact]
    public void Validate_ConstructedBitStringWithUnusedBitsInLastSegment_Succeeds()
    {
        BerValidationResult result = BerValidator.Validate(Hex.Parse("2380 03020001 2380 03020001 0000 0302040F 0000"));

        Assert.Equal(5, result.ValueCount);
    }

    [Fact]
    public void Validate_ConstructedBitStringWithUnusedBitsInEarlierSegment_ReportsThatSegment() =>
        AssertInvalid("2380 03020001 0302040F 03020001 0000", 6);

    [Fact]
    public void Validate_ConstructedBitStringWithUnusedBitsBeforeAnEmptySegment_ThrowsInvalidEncoding() =>
        AssertInvalid("2307 0302040F 030100", 2);

    [Fact]
    public void Validate_NestedConstructedBitStringWithUnusedBitsNotLast_ThrowsInvalidEncoding() =>
        AssertInvalid("2380 2380 03020001 03020102 0000 0302040F 0000", 8);

    [Fact]
    public void Validate_ConstructedBitStringSegmentWithoutInitialOctet_ThrowsInvalidEncoding() =>
        AssertInvalid("2380 0300 0000", 2);

    [Fact]
    public void Validate_TwoConstructedBitStringsInASequence_AreCheckedSeparately()
    {
        BerValidationResult result = BerValidator.Validate(Hex.Parse("3080 2380 0302040F 0000 2380 0302040F 0000 0000"));

        Assert.Equal(5, result.ValueCount);
    }

    [Theory]
    [InlineData("06092A864886F70D01010B")]
    [InlineData("060100")]
    [InlineData("06028837")]
    [InlineData("0606519080808000")]
    [InlineData("0D03 8101 05")]
    public void Validate_WellFormedObjectIdentifierOrRelativeOid_Succeeds(string hex)
    {
        BerValidationResult result = BerValidator.Validate(Hex.Parse(hex));

        Assert.Equal(1, result.ValueCount);
    }

    [Theory]
    [InlineData("0600")]
    [InlineData("06028001")]
    [InlineData("0603 2A 8001")]
    [InlineData("060181")]
    [InlineData("0603 2A 8181")]
    [InlineData("0D00")]
    [InlineData("0D02 807F")]
    [InlineData("0D01 FF")]
    public void Validate_MalformedObjectIdentifierOrRelativeOid_ThrowsInvalidEncoding(string hex) => AssertInvalid(hex, 0);

    [Theory]
    [InlineData("0900")]
    [InlineData("090140")]
    [InlineData("090141")]
    [InlineData("090142")]
    [InlineData("090143")]
    [InlineData("0903 80 FB 05")]
    [InlineData("0904 81 FFFB 05")]
    [InlineData("0905 82 FFFFFB 05")]
    [InlineData("0904 83 01 FB 05")]
    [InlineData("0905 83 02 FF7F 05")]
    [InlineData("0903 C0 00 01")]
    [InlineData("0903 A0 00 01")]
    [InlineData("0903 9C 00 01")]
    [InlineData("0902 01 35")]
    [InlineData("0905 01 2020 2D35")]
    [InlineData("0903 02 312E")]
    [InlineData("0903 02 2C35")]
    [InlineData("0906 03 312E 452B35")]
    [InlineData("0905 03 2E35 6530")]
    public void Validate_WellFormedReal_Succeeds(string hex)
    {
        BerValidationResult result = BerValidator.Validate(Hex.Parse(hex));

        Assert.Equal(1, result.ValueCount);
    }

    [Theory]
    [InlineData("0903 41 0000", "special real value")]
    [InlineData("090144", "not a special real value")]
    [InlineData("0903 B0 00 01", "reserved")]
    [InlineData("0901 80", "exponent")]
    [InlineData("0902 81 FF", "exponent")]
    [InlineData("0902 80 FB", "mantissa")]
    [InlineData("0903 80 FB 00", "mantissa N is zero")]
    [InlineData("0901 83", "number of exponent octets")]
    [InlineData("0903 83 00 05", "zero octets")]
    [InlineData("0903 83 02 FF", "exponent")]
    [InlineData("0907 83 04 FFFFFFFB 05", "nine one bits")]
    [InlineData("0905 83 02 0005 05", "nine zero bits")]
    [InlineData("0902 04 31", "no decimal form")]
    [InlineData("0902 00 31", "no decimal form")]
    [InlineData("0901 01", "no digits")]
    [InlineData("0903 01 312E", "decimal mark")]
    [InlineData("0902 02 31", "no decimal mark")]
    [InlineData("0903 03 312E", "no exponent")]
    [InlineData("0904 03 312E 45", "exponent has no digits")]
    [InlineData("0903 01 3120", "unexpected character")]
    [InlineData("0902 01 30", "zero")]
    [InlineData("0907 03 2B302E452D35", "zero")]
    [InlineData("0907 03 2D302E452D35", "zero")]
    public void Validate_MalformedReal_ThrowsInvalidEncodingSayingWhy(string hex, string expected)
    {
        MigrationFormatException error = AssertInvalid(hex, 0);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0C00")]
    [InlineData("0C05 68C3A96C6C")]
    [InlineData("0C04 F09F9880")]
    [InlineData("0C03 EFBFBF")]
    [InlineData("0C04 F48FBFBF")]
    public void Validate_WellFormedUtf8String_Succeeds(string hex)
    {
        BerValidationResult result = BerValidator.Validate(Hex.Parse(hex));

        Assert.Equal(1, result.ValueCount);
    }

    [Theory]
    [InlineData("0C01 80")]
    [InlineData("0C02 C0AF")]
    [InlineData("0C02 C1BF")]
    [InlineData("0C03 E08080")]
    [InlineData("0C03 EDA080")]
    [InlineData("0C04 F0808080")]
    [InlineData("0C04 F4908080")]
    [InlineData("0C01 F5")]
    [InlineData("0C01 FF")]
    [InlineData("0C01 C3")]
    [InlineData("0C02 E282")]
    [InlineData("0C03 C3 41 A9")]
    public void Validate_MalformedUtf8String_ThrowsInvalidEncoding(string hex) => AssertInvalid(hex, 0);

    [Fact]
    public void Validate_ConstructedUtf8StringWithACharacterAcrossSegments_Succeeds()
    {
        BerValidationResult result = BerValidator.Validate(Hex.Parse("2C80 0402 68C3 0403 A96C6C 0000"));

        Assert.Equal(3, result.ValueCount);
    }

    [Fact]
    public void Validate_ConstructedUtf8StringWithNestedSegments_ChecksTheirConcatenation()
    {
        BerValidationResult result = BerValidator.Validate(Hex.Parse("2C80 0401F0 2480 04029F98 0000 040180 0000"));

        Assert.Equal(5, result.ValueCount);
    }

    [Fact]
    public void Validate_ConstructedUtf8StringEndingInsideACharacter_ReportsTheStringsOffset() =>
        AssertInvalid("3080 2C80 0402 68C3 0000 0000", 2);

    [Fact]
    public void Validate_ConstructedUtf8StringWithABadOctetInASegment_ReportsTheSegmentsOffset() =>
        AssertInvalid("2C80 0402 6869 0402 C341 0000", 6);

    [Fact]
    public void Validate_SegmentsOfAConstructedUtf8String_AreNotCheckedOneByOne()
    {
        BerValidationResult result = BerValidator.Validate(Hex.Parse("2C07 0401E2 0402 82AC"));

        Assert.Equal(3, result.ValueCount);
    }

    [Theory]
    [InlineData("8000")]
    [InlineData("8003 000001")]
    [InlineData("C1020001")]
    [InlineData("4100")]
    [InlineData("0401 FF")]
    [InlineData("1301 FF")]
    public void Validate_ValuesOfUnknownType_AreCheckedForStructureOnly(string hex)
    {
        BerValidationResult result = BerValidator.Validate(Hex.Parse(hex));

        Assert.Equal(1, result.ValueCount);
    }

    [Fact]
    public void Validate_EmptyInput_ThrowsTruncated()
    {
        var error = Assert.Throws<MigrationFormatException>(() => BerValidator.Validate(ReadOnlySpan<byte>.Empty));

        Assert.Equal(MigrationErrorKind.Truncated, error.Kind);
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void Validate_TrailingValue_ThrowsInvalidEncodingAtItsOffset() => AssertInvalid("020101 020102", 3);

    [Fact]
    public void Validate_TrailingGarbageAfterConstructedValue_ThrowsInvalidEncodingAtItsOffset() => AssertInvalid("3080 020101 0000 FF", 7);

    [Fact]
    public void Validate_SeveralValuesWhenAllowed_CountsThem()
    {
        BerValidationResult result = BerValidator.Validate(Hex.Parse("020101 3003020102 0500"), new BerValidationOptions { AllowMultipleValues = true });

        Assert.Equal(3, result.TopLevelValueCount);
        Assert.Equal(4, result.ValueCount);
    }

    [Fact]
    public void Validate_EmptyInputWhenSeveralValuesAllowed_Succeeds()
    {
        BerValidationResult result = BerValidator.Validate(ReadOnlySpan<byte>.Empty, new BerValidationOptions { AllowMultipleValues = true });

        Assert.Equal(0, result.TopLevelValueCount);
    }

    [Fact]
    public void Validate_SeveralValuesWhenAllowed_StillChecksEachOne() =>
        AssertInvalid("020101 020200 01", 3, new BerValidationOptions { AllowMultipleValues = true });

    [Fact]
    public void Validate_NestedInput_ReportsCountsDepthAndLength()
    {
        byte[] data = Hex.Parse("3080 800105 C101FE A004 0202012C E180 020107 0000 0000");

        BerValidationResult result = BerValidator.Validate(data);

        Assert.Equal(7, result.ValueCount);
        Assert.Equal(1, result.TopLevelValueCount);
        Assert.Equal(2, result.MaxDepth);
        Assert.Equal(data.Length, result.BytesValidated);
    }

    [Fact]
    public void Validate_DepthBeyondTheLimit_ThrowsLimitExceeded()
    {
        byte[] data = [.. Enumerable.Repeat<byte[]>([0x30, 0x80], 5).SelectMany(b => b), .. new byte[10]];
        var options = new BerValidationOptions { ReaderOptions = new BerReaderOptions { MaxDepth = 4 } };

        var error = Assert.Throws<MigrationFormatException>(() => BerValidator.Validate(data, options));

        Assert.Equal(MigrationErrorKind.LimitExceeded, error.Kind);
        Assert.Equal(8, error.Offset);
    }

    [Fact]
    public void Validate_MultiSegmentSequence_ChecksValuesThatStraddleSegments()
    {
        var data = Sequences.FromPieces(Sequences.OneByteEach(Hex.Parse("3012 06062A864886F70D 0C03E282AC 0903 80FB05")));

        BerValidationResult result = BerValidator.Validate(data);

        Assert.Equal(4, result.ValueCount);
    }

    [Theory]
    [InlineData("3005 0603 2A8001", 2)]
    [InlineData("3005 0C03 E282 41", 2)]
    [InlineData("3005 0903 80FB00", 2)]
    [InlineData("3004 0202 0001", 2)]
    public void Validate_MultiSegmentSequenceWithBadContents_ThrowsAtTheValuesOffset(string hex, long offset)
    {
        var data = Sequences.FromPieces(Sequences.OneByteEach(Hex.Parse(hex)));

        var error = Assert.Throws<MigrationFormatException>(() => BerValidator.Validate(data));

        Assert.Equal(MigrationErrorKind.InvalidEncoding, error.Kind);
        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public void Validate_LargeInput_WalksEveryValue()
    {
        // 200,000 small values and an 8 MB UTF-8 string: a walk that were not linear would not finish here.
        var output = new ArrayBufferWriter<byte>();
        var writer = new BerWriter(output);
        writer.PushSequence(indefiniteLength: true);
        for (int i = 0; i < 200_000; i++)
        {
            writer.WriteInteger(i);
        }

        writer.WriteUtf8String(new string('\u00E9', 4_000_000));
        writer.PopSequence();
        writer.Flush();

        BerValidationResult result = BerValidator.Validate(output.WrittenSpan);

        Assert.Equal(200_002, result.ValueCount);
    }

    private static MigrationFormatException AssertInvalid(string hex, long offset, BerValidationOptions options = default)
    {
        byte[] data = Hex.Parse(hex);

        var error = Assert.Throws<MigrationFormatException>(() => BerValidator.Validate(data, options));

        Assert.Equal(MigrationErrorKind.InvalidEncoding, error.Kind);
        Assert.Equal(offset, error.Offset);
        return error;
    }
}
