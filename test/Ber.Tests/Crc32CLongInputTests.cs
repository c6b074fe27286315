namespace MigrationFormat.Ber.Tests;

/// <summary>The CRC-32C of long inputs, and of long inputs in pieces, equals the bit-by-bit definition.</summary>
public class Crc32CLongInputTests
{
    [Theory]
    [InlineData(12287)]
    [InlineData(12288)]
    [InlineData(12289)]
    [InlineData(24576 + 7)]
    [InlineData(100_000)]
    public void Compute_LongInput_EqualsTheBitwiseDefinition(int length)
    {
        byte[] data = new byte[length];
        new Random(length).NextBytes(data);

        Assert.Equal(Bitwise(data), Crc32C.Compute(data));
    }

    [Fact]
    public void Append_AnySplitOfALongInput_EqualsOneCall()
    {
        byte[] data = new byte[70_001];
        new Random(3).NextBytes(data);
        var random = new Random(4);
        uint expected = Crc32C.Compute(data);

        for (int trial = 0; trial < 20; trial++)
        {
            uint state = Crc32C.Initial;
            for (int at = 0; at < data.Length;)
            {
                int count = Math.Min(data.Length - at, random.Next(1, 30_000));
                state = Crc32C.Append(state, data.AsSpan(at, count));
                at += count;
            }

            Assert.Equal(expected, Crc32C.Finish(state));
        }
    }

    [Fact]
    public void Compute_AllZeroInput_EqualsTheBitwiseDefinition()
    {
        byte[] data = new byte[3 * 4096 * 2];

        Assert.Equal(Bitwise(data), Crc32C.Compute(data));
    }

    /// <summary>CRC-32C one bit at a time: the reflected polynomial 0x82F63B78, initial and final value all ones.</summary>
    private static uint Bitwise(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }
}
