using System.Formats.Asn1;
using System.Numerics;
using System.Text;
using MigrationFormat.Ber.Tests.Helpers;

namespace MigrationFormat.Ber.Tests;

public class BerWriterTests
{
    [Theory]
    [InlineData(0L, "020100")]
    [InlineData(127L, "02017F")]
    [InlineData(128L, "02020080")]
    [InlineData(-1L, "0201FF")]
    [InlineData(-128L, "020180")]
    [InlineData(-129L, "0202FF7F")]
    [InlineData(long.MinValue, "02088000000000000000")]
    public void WriteInteger_Signed_IsMinimalTwosComplement(long value, string expectedHex)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new BerWriter(output);
        writer.WriteInteger(value);
        writer.Flush();
        Assert.Equal(expectedHex, Convert.ToHexString(output.WrittenSpan));

        var asn = new AsnWriter(AsnEncodingRules.DER);
        asn.WriteInteger(value);
        Assert.Equal(asn.Encode(), output.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(255L, "020200FF")]
    [InlineData(256L, "02020100")]
    [InlineData(32767L, "02027FFF")]
    [InlineData(32768L, "0203008000")]
    [InlineData(-32768L, "02028000")]
    [InlineData(-32769L, "0203FF7FFF")]
    [InlineData(long.MaxValue, "02087FFFFFFFFFFFFFFF")]
    public void WriteInteger_SignedAtOctetBoundaries_MatchesDer(long value, string expectedHex)
    {
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteInteger(value));

        var asn = new AsnWriter(AsnEncodingRules.DER);
        asn.WriteInteger(value);
        Assert.Equal(expectedHex, Hex.Of(encoded));
        Assert.Equal(asn.Encode(), encoded);
    }

    [Theory]
    [InlineData(0UL, "020100")]
    [InlineData(128UL, "02020080")]
    [InlineData(9223372036854775807UL, "02087FFFFFFFFFFFFFFF")]
    [InlineData(9223372036854775808UL, "0209008000000000000000")]
    [InlineData(18446744073709551615UL, "020900FFFFFFFFFFFFFFFF")]
    public void WriteInteger_Unsigned_IsMinimalAndNeverNegative(ulong value, string expectedHex)
    {
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteInteger(value));

        var asn = new AsnWriter(AsnEncodingRules.DER);
        asn.WriteInteger(value);
        Assert.Equal(expectedHex, Hex.Of(encoded));
        Assert.Equal(asn.Encode(), encoded);
    }

    [Theory]
    [InlineData(BerTagClass.ContextSpecific, 3UL, 5L, "830105")]
    [InlineData(BerTagClass.Private, 30UL, -1L, "DE01FF")]
    [InlineData(BerTagClass.ContextSpecific, 31UL, 300L, "9F1F02012C")]
    [InlineData(BerTagClass.Application, 200UL, 0L, "5F814801 00")]
    public void WriteInteger_WithImplicitTag_MatchesDer(BerTagClass tagClass, ulong number, long value, string expectedHex)
    {
        var tag = new BerTag(tagClass, number);
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteInteger(value, tag));

        var asn = new AsnWriter(AsnEncodingRules.DER);
        asn.WriteInteger(value, Encode.ToAsn(tag));
        Assert.Equal(Hex.Parse(expectedHex), encoded);
        Assert.Equal(asn.Encode(), encoded);
    }

    [Fact]
    public void WriteInteger_UnsignedWithHighImplicitTag_MatchesDer()
    {
        var tag = new BerTag(BerTagClass.Private, 1000);
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteInteger(ulong.MaxValue, tag));

        var asn = new AsnWriter(AsnEncodingRules.DER);
        asn.WriteInteger(ulong.MaxValue, Encode.ToAsn(tag));
        Assert.Equal(Hex.Parse("DF8768 09 00FFFFFFFFFFFFFFFF"), encoded);
        Assert.Equal(asn.Encode(), encoded);
    }

    [Theory]
    [InlineData(BerTagClass.ContextSpecific)]
    [InlineData(BerTagClass.Private)]
    public void WriteInteger_WithAConstructedTag_WritesThePrimitiveForm(BerTagClass tagClass)
    {
        var constructed = new BerTag(tagClass, 4, isConstructed: true);

        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteInteger(7, constructed));

        Assert.Equal(Encode.With((ref BerWriter w) => w.WriteInteger(7, constructed.AsConstructed(false))), encoded);
    }

    [Fact]
    public void WriteBoolean_WithAConstructedTag_WritesThePrimitiveForm()
    {
        var constructed = new BerTag(BerTagClass.ContextSpecific, 4, isConstructed: true);

        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteBoolean(true, constructed));

        Assert.Equal(Hex.Parse("8401FF"), encoded);
    }

    [Theory]
    [InlineData(true, "0101FF")]
    [InlineData(false, "010100")]
    public void WriteBoolean_Universal_MatchesDer(bool value, string expectedHex)
    {
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteBoolean(value));

        var asn = new AsnWriter(AsnEncodingRules.DER);
        asn.WriteBoolean(value);
        Assert.Equal(Hex.Parse(expectedHex), encoded);
        Assert.Equal(asn.Encode(), encoded);
    }

    [Theory]
    [InlineData(BerTagClass.ContextSpecific, 1UL, "8101FF")]
    [InlineData(BerTagClass.Private, 31UL, "DF1F01FF")]
    [InlineData(BerTagClass.Application, 1000UL, "5F876801FF")]
    public void WriteBoolean_WithImplicitTag_MatchesDer(BerTagClass tagClass, ulong number, string expectedHex)
    {
        var tag = new BerTag(tagClass, number);
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteBoolean(true, tag));

        var asn = new AsnWriter(AsnEncodingRules.DER);
        asn.WriteBoolean(true, Encode.ToAsn(tag));
        Assert.Equal(Hex.Parse(expectedHex), encoded);
        Assert.Equal(asn.Encode(), encoded);
    }

    [Fact]
    public void WriteNull_Universal_MatchesDer()
    {
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteNull());

        var asn = new AsnWriter(AsnEncodingRules.DER);
        asn.WriteNull();
        Assert.Equal(Hex.Parse("0500"), encoded);
        Assert.Equal(asn.Encode(), encoded);
    }

    // Identifier octets in the low form (numbers 0-30, one octet) and the high form (1F and base-128 octets), every class.
    [Theory]
    [InlineData(BerTagClass.Universal, 5UL, "05")]
    [InlineData(BerTagClass.Application, 0UL, "40")]
    [InlineData(BerTagClass.Application, 30UL, "5E")]
    [InlineData(BerTagClass.Application, 127UL, "5F7F")]
    [InlineData(BerTagClass.ContextSpecific, 0UL, "80")]
    [InlineData(BerTagClass.ContextSpecific, 31UL, "9F1F")]
    [InlineData(BerTagClass.ContextSpecific, 128UL, "9F8100")]
    [InlineData(BerTagClass.ContextSpecific, 16383UL, "9FFF7F")]
    [InlineData(BerTagClass.ContextSpecific, 16384UL, "9F818000")]
    [InlineData(BerTagClass.Private, 200UL, "DF8148")]
    [InlineData(BerTagClass.Private, 2147483647UL, "DF87FFFFFF7F")]
    public void WriteNull_WithTag_WritesIdentifierOctetsAsDer(BerTagClass tagClass, ulong number, string identifierHex)
    {
        var tag = new BerTag(tagClass, number);
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteNull(tag));

        var asn = new AsnWriter(AsnEncodingRules.DER);
        asn.WriteNull(Encode.ToAsn(tag));
        Assert.Equal(Hex.Parse(identifierHex + "00"), encoded);
        Assert.Equal(asn.Encode(), encoded);
    }

    [Theory]
    [InlineData(0UL, false, "00")]
    [InlineData(30UL, false, "1E")]
    [InlineData(16UL, true, "30")]
    [InlineData(31UL, false, "1F1F")]
    [InlineData(31UL, true, "3F1F")]
    [InlineData(1000UL, false, "1F8768")]
    public void WriteTag_Universal_WritesLowOrHighForm(ulong number, bool constructed, string expectedHex)
    {
        var tag = new BerTag(BerTagClass.Universal, number, constructed);

        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteTag(tag));

        Assert.Equal(Hex.Parse(expectedHex), encoded);
    }

    [Theory]
    [InlineData(BerTagClass.ContextSpecific, 9223372036854775807UL, "9FFFFFFFFFFFFFFFFF7F")]
    [InlineData(BerTagClass.Private, 4294967296UL, "DF9080808000")]
    public void WriteTag_TagNumberBeyond32Bits_WritesBase128Octets(BerTagClass tagClass, ulong number, string expectedHex)
    {
        var tag = new BerTag(tagClass, number);

        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteTag(tag));

        Assert.Equal(Hex.Parse(expectedHex), encoded);
        Assert.Equal(encoded.Length, tag.EncodedLength);
    }

    [Theory]
    [InlineData(0, "0400")]
    [InlineData(1, "0401")]
    [InlineData(127, "047F")]
    [InlineData(128, "048180")]
    [InlineData(255, "0481FF")]
    [InlineData(256, "04820100")]
    [InlineData(65535, "0482FFFF")]
    [InlineData(65536, "0483010000")]
    public void WriteOctetString_Primitive_WritesShortOrLongLengthAsDer(int length, string headerHex)
    {
        byte[] content = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteOctetString(content));

        var asn = new AsnWriter(AsnEncodingRules.DER);
        asn.WriteOctetString(content);
        Assert.Equal(headerHex, Hex.Of(encoded.AsSpan(0, headerHex.Length / 2)));
        Assert.Equal(asn.Encode(), encoded);
    }

    [Theory]
    [InlineData(0L, "00")]
    [InlineData(127L, "7F")]
    [InlineData(128L, "8180")]
    [InlineData(4294967296L, "850100000000")]
    [InlineData(long.MaxValue, "887FFFFFFFFFFFFFFF")]
    public void WriteLength_Definite_IsMinimal(long length, string expectedHex)
    {
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteLength(length));

        Assert.Equal(Hex.Parse(expectedHex), encoded);
        Assert.Equal(encoded.Length, BerEncoder.GetLengthLength(length));
    }

    [Fact]
    public void WriteOctetStringSegmented_ShortValue_WritesIndefiniteConstructedSegments()
    {
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteOctetStringSegmented("abcdef"u8, 4));

        Assert.Equal(Hex.Parse("2480 0404 61626364 0402 6566 0000"), encoded);
    }

    [Fact]
    public void WriteOctetStringSegmented_EmptyValue_WritesNoSegments()
    {
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteOctetStringSegmented([], 4));

        Assert.Equal(Hex.Parse("2480 0000"), encoded);
    }

    [Fact]
    public void WriteOctetStringSegmented_WithImplicitTag_KeepsUniversalSegments()
    {
        var tag = new BerTag(BerTagClass.Private, 7);

        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteOctetStringSegmented("abc"u8, 2, tag));

        Assert.Equal(Hex.Parse("E780 0402 6162 0401 63 0000"), encoded);
    }

    [Theory]
    [InlineData(1001)]
    [InlineData(2000)]
    [InlineData(2500)]
    public void WriteOctetStringSegmented_In1000OctetSegments_MatchesCer(int length)
    {
        byte[] content = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteOctetStringSegmented(content, 1000));

        var asn = new AsnWriter(AsnEncodingRules.CER);
        asn.WriteOctetString(content);
        Assert.Equal(asn.Encode(), encoded);
    }

    [Theory]
    [InlineData("", "0C00")]
    [InlineData("hi!", "0C03686921")]
    [InlineData("h\u00E9llo", "0C0668C3A96C6C6F")]
    [InlineData("\u20AC\U0001F600", "0C07E282ACF09F9880")]
    public void WriteUtf8String_Text_MatchesDer(string text, string expectedHex)
    {
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteUtf8String(text));

        var asn = new AsnWriter(AsnEncodingRules.DER);
        asn.WriteCharacterString(UniversalTagNumber.UTF8String, text);
        Assert.Equal(Hex.Parse(expectedHex), encoded);
        Assert.Equal(asn.Encode(), encoded);
    }

    [Fact]
    public void WriteUtf8String_LongTextWithImplicitTag_MatchesDer()
    {
        string text = string.Concat(Enumerable.Repeat("caf\u00E9 ", 2000));
        var tag = new BerTag(BerTagClass.ContextSpecific, 40);

        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteUtf8String(text, tag));

        var asn = new AsnWriter(AsnEncodingRules.DER);
        asn.WriteCharacterString(UniversalTagNumber.UTF8String, text, Encode.ToAsn(tag));
        Assert.Equal(asn.Encode(), encoded);
        Assert.Equal(Hex.Parse("9F28 822EE0"), encoded.AsSpan(0, 5).ToArray());
    }

    [Fact]
    public void PushSequence_NestedDefinite_MatchesDer()
    {
        byte[] encoded = Encode.With((ref BerWriter w) =>
        {
            w.PushSequence();
            w.PushSequence();
            w.PushSequence();
            w.WriteInteger(1);
            w.PopSequence();
            w.WriteInteger(2);
            w.PopSequence();
            w.WriteOctetString("abc"u8);
            w.WriteBoolean(true);
            w.WriteNull();
            w.PopSequence();
        });

        var asn = new AsnWriter(AsnEncodingRules.DER);
        using (asn.PushSequence())
        {
            using (asn.PushSequence())
            {
                using (asn.PushSequence())
                {
                    asn.WriteInteger(1);
                }

                asn.WriteInteger(2);
            }

            asn.WriteOctetString("abc"u8);
            asn.WriteBoolean(true);
            asn.WriteNull();
        }

        Assert.Equal(Hex.Parse("3014 3008 3003020101 020102 0403616263 0101FF 0500"), encoded);
        Assert.Equal(asn.Encode(), encoded);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(5000)]
    [InlineData(70000)]
    public void PushSequence_DefiniteWithLongContents_MatchesDer(int contentLength)
    {
        byte[] content = new byte[contentLength];
        var inner = new BerTag(BerTagClass.ContextSpecific, 1);
        var outer = new BerTag(BerTagClass.Private, 300);
        byte[] encoded = Encode.With((ref BerWriter w) =>
        {
            w.PushConstructed(outer);
            w.PushSequence(inner);
            w.WriteOctetString(content);
            w.PopSequence();
            w.WriteInteger(-5);
            w.PopConstructed();
        });

        var asn = new AsnWriter(AsnEncodingRules.DER);
        using (asn.PushSequence(Encode.ToAsn(outer)))
        {
            using (asn.PushSequence(Encode.ToAsn(inner)))
            {
                asn.WriteOctetString(content);
            }

            asn.WriteInteger(-5);
        }

        Assert.Equal(asn.Encode(), encoded);
    }

    [Fact]
    public void PushSequence_Indefinite_MatchesCer()
    {
        byte[] encoded = Encode.With((ref BerWriter w) =>
        {
            w.PushSequence(indefiniteLength: true);
            w.WriteInteger(1);
            w.PushSequence(new BerTag(BerTagClass.ContextSpecific, 2), indefiniteLength: true);
            w.WriteBoolean(false);
            w.PopSequence();
            w.PopSequence();
        });

        var asn = new AsnWriter(AsnEncodingRules.CER);
        using (asn.PushSequence())
        {
            asn.WriteInteger(1);
            using (asn.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2)))
            {
                asn.WriteBoolean(false);
            }
        }

        Assert.Equal(Hex.Parse("3080 020101 A280 010100 0000 0000"), encoded);
        Assert.Equal(asn.Encode(), encoded);
    }

    [Fact]
    public void PushSequence_DefiniteInsideIndefinite_WritesBothForms()
    {
        byte[] encoded = Encode.With((ref BerWriter w) =>
        {
            w.PushSequence(indefiniteLength: true);
            w.PushSequence();
            w.WriteInteger(5);
            w.PopSequence();
            w.PopSequence();
        });

        Assert.Equal(Hex.Parse("3080 3003020105 0000"), encoded);
    }

    [Fact]
    public void PushSequence_IndefiniteInsideDefinite_WritesBothForms()
    {
        byte[] encoded = Encode.With((ref BerWriter w) =>
        {
            w.PushSequence();
            w.PushSequence(new BerTag(BerTagClass.Private, 1), indefiniteLength: true);
            w.WriteInteger(7);
            w.PopSequence();
            w.PopSequence();
        });

        Assert.Equal(Hex.Parse("3007 E180 020107 0000"), encoded);
    }

    [Fact]
    public void PopConstructed_WithNothingOpen_ThrowsInvalidOperation()
    {
        var output = new ArrayBufferWriter<byte>();

        Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new BerWriter(output);
            writer.PopConstructed();
        });
    }

    [Fact]
    public void Flush_InsideDefiniteValue_ThrowsInvalidOperation()
    {
        var output = new ArrayBufferWriter<byte>();

        Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new BerWriter(output);
            writer.PushSequence();
            writer.Flush();
        });
    }

    [Fact]
    public void Flush_InsideIndefiniteValue_HandsOverWhatWasWritten()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new BerWriter(output);
        writer.PushSequence(indefiniteLength: true);
        writer.WriteInteger(1);

        writer.Flush();

        Assert.Equal(Hex.Parse("3080 020101"), output.WrittenSpan.ToArray());
        Assert.Equal(5, writer.BytesCommitted);
    }

    [Fact]
    public void WriteInteger_BigIntegerFromAsnReader_RoundTrips()
    {
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteInteger(ulong.MaxValue - 1));

        BigInteger value = new AsnReader(encoded, AsnEncodingRules.DER).ReadInteger();

        Assert.Equal(new BigInteger(ulong.MaxValue - 1), value);
    }

    [Fact]
    public void WriteUtf8String_LoneSurrogate_WritesTheReplacementCharacter()
    {
        byte[] encoded = Encode.With((ref BerWriter w) => w.WriteUtf8String("a\uD800b"));

        Assert.Equal("a\uFFFDb", Encoding.UTF8.GetString(encoded.AsSpan(2)));
    }
}

public class Crc32CTests
{
    [Fact]
    public void Compute_StandardCheckInput_IsE3069283()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    [Fact]
    public void Append_InPieces_EqualsComputeOnTheWhole()
    {
        byte[] data = Enumerable.Range(0, 100).Select(i => (byte)(i * 7)).ToArray();
        uint state = Crc32C.Append(Crc32C.Append(Crc32C.Initial, data.AsSpan(0, 13)), data.AsSpan(13));
        Assert.Equal(Crc32C.Compute(data), Crc32C.Finish(state));
    }
}
