using System.Buffers;
using System.Formats.Asn1;
using Xunit;

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
}
