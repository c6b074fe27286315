using MigrationFormat.Ber.Tests.Helpers;

namespace MigrationFormat.Ber.Tests;

/// <summary>The decoder says what kind of failure it met by its status, so no caller reads a message to decide.</summary>
public class BerDecoderStatusTests
{
    [Theory]
    [InlineData("7F", 127L)]
    [InlineData("FF7F", -129L)]
    [InlineData("7FFFFFFFFFFFFFFF", long.MaxValue)]
    [InlineData("8000000000000000", long.MinValue)]
    public void TryDecodeInt64_MinimalContents_ReturnsDone(string hex, long expected)
    {
        BerDecodeStatus status = BerDecoder.TryDecodeInt64(Hex.Parse(hex), out long value);

        Assert.Equal((BerDecodeStatus.Done, expected), (status, value));
    }

    [Theory]
    [InlineData("008000000000000000")]
    [InlineData("FF7FFFFFFFFFFFFFFF")]
    [InlineData("0100000000000000000000")]
    public void TryDecodeInt64_BeyondSixtyFourBits_ReturnsOutOfRange(string hex)
    {
        Assert.Equal(BerDecodeStatus.OutOfRange, BerDecoder.TryDecodeInt64(Hex.Parse(hex), out _));
    }

    [Theory]
    [InlineData("0001")]
    [InlineData("FF80")]
    [InlineData("0000000000000000000001")]
    public void TryDecodeInt64_RedundantLeadingOctet_ReturnsNonMinimal(string hex)
    {
        Assert.Equal(BerDecodeStatus.NonMinimal, BerDecoder.TryDecodeInt64(Hex.Parse(hex), out _));
    }

    [Fact]
    public void TryDecodeInt64_NoContentOctets_ReturnsInvalidEncoding()
    {
        Assert.Equal(BerDecodeStatus.InvalidEncoding, BerDecoder.TryDecodeInt64([], out _));
    }

    [Theory]
    [InlineData("FF")]
    [InlineData("80")]
    [InlineData("01000000000000000000")]
    [InlineData("018000000000000000")]
    [InlineData("7F8000000000000000")]
    public void TryDecodeUInt64_NegativeOrBeyondSixtyFourBits_ReturnsOutOfRange(string hex)
    {
        Assert.Equal(BerDecodeStatus.OutOfRange, BerDecoder.TryDecodeUInt64(Hex.Parse(hex), out _));
    }

    [Fact]
    public void TryDecodeUInt64_NineOctetsLedByZero_ReturnsDone()
    {
        BerDecodeStatus status = BerDecoder.TryDecodeUInt64(Hex.Parse("00FFFFFFFFFFFFFFFF"), out ulong value);

        Assert.Equal((BerDecodeStatus.Done, ulong.MaxValue), (status, value));
    }

    [Fact]
    public void TryDecodeUInt64_RedundantLeadingOctet_ReturnsNonMinimal()
    {
        Assert.Equal(BerDecodeStatus.NonMinimal, BerDecoder.TryDecodeUInt64(Hex.Parse("0005"), out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0000")]
    public void TryDecodeBoolean_NotOneOctet_ReturnsInvalidEncoding(string hex)
    {
        Assert.Equal(BerDecodeStatus.InvalidEncoding, BerDecoder.TryDecodeBoolean(Hex.Parse(hex), out _));
    }

    [Theory]
    [InlineData("1F80 01", BerDecodeStatus.InvalidEncoding)]
    [InlineData("1F1E", BerDecodeStatus.NonMinimal)]
    [InlineData("1F 81 80 80 80 80 80 80 80 80 00", BerDecodeStatus.BeyondCodecLimit)]
    [InlineData("1F81", BerDecodeStatus.NeedMoreData)]
    [InlineData("", BerDecodeStatus.NeedMoreData)]
    public void TryReadTag_Refused_ReturnsTheKindOfFault(string hex, BerDecodeStatus expected)
    {
        Assert.Equal(expected, BerDecoder.TryReadTag(Hex.Parse(hex), out _, out _));
    }

    [Theory]
    [InlineData("FF", BerDecodeStatus.InvalidEncoding)]
    [InlineData("89 010000000000000000", BerDecodeStatus.BeyondCodecLimit)]
    [InlineData("88 8000000000000000", BerDecodeStatus.BeyondCodecLimit)]
    [InlineData("82 01", BerDecodeStatus.NeedMoreData)]
    public void TryReadLength_Refused_ReturnsTheKindOfFault(string hex, BerDecodeStatus expected)
    {
        Assert.Equal(expected, BerDecoder.TryReadLength(Hex.Parse(hex), out _, out _));
    }

    [Fact]
    public void TryReadHeader_LongFormLengthOfZero_ReturnsDoneWithLengthZero()
    {
        BerDecodeStatus status = BerDecoder.TryReadHeader(Hex.Parse("04 8100"), out BerTag tag, out long length, out int headerLength);

        Assert.Equal((BerDecodeStatus.Done, BerTag.OctetString, 0L, 3), (status, tag, length, headerLength));
    }

    [Fact]
    public void GetInt64_NineOctetInteger_ThrowsIntegerOutOfRangeNamingTheOctetCount()
    {
        var error = Assert.Throws<MigrationFormatException>(() =>
        {
            var reader = new BerReader(Hex.Parse("0209 010000000000000000"));
            reader.Read();
            return reader.GetInt64();
        });

        Assert.Equal((MigrationErrorKind.IntegerOutOfRange, 0L), (error.Kind, error.Offset));
        Assert.Contains("takes 9 octets", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetUInt64_TwentyOctetIntegerSplitAcrossSegments_ThrowsIntegerOutOfRangeAsInOneSpan()
    {
        byte[] data = Hex.Parse("0214 01" + new string('0', 38));
        ReadOnlySequence<byte> pieces = Sequences.FromPieces(Sequences.Cut(data, [3, 7, 11, 15, 19]));

        var whole = Assert.Throws<MigrationFormatException>(() =>
        {
            var reader = new BerReader(data);
            reader.Read();
            return reader.GetUInt64();
        });
        var split = Assert.Throws<MigrationFormatException>(() =>
        {
            var reader = new BerReader(pieces);
            reader.Read();
            return reader.GetUInt64();
        });

        Assert.Equal((MigrationErrorKind.IntegerOutOfRange, whole.Message), (split.Kind, split.Message));
    }
}
