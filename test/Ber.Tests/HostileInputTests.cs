using MigrationFormat.Ber.Tests.Helpers;

namespace MigrationFormat.Ber.Tests;

/// <summary>Input from a compromised host: no allocation follows a declared length, and nesting is bounded.</summary>
public class HostileInputTests
{
    // Far below what allocating for the declared length would cost; room for the exception and its message.
    private const long SmallAllocation = 64 * 1024;

    [Theory]
    [InlineData("0488 4000000000000000 010203", MigrationErrorKind.LimitExceeded)] // primitive of 2^62 octets
    [InlineData("2488 4000000000000000 0401FF", MigrationErrorKind.Truncated)] // constructed OCTET STRING of 2^62 octets
    [InlineData("3088 4000000000000000 020101", MigrationErrorKind.Truncated)] // SEQUENCE of 2^62 octets
    [InlineData("3080 0488 4000000000000000 01", MigrationErrorKind.LimitExceeded)]
    public void Read_DeclaredLengthOf2To62_FailsWithoutAllocatingForIt(string hex, MigrationErrorKind kind)
    {
        byte[] data = Hex.Parse(hex);
        ReadExpectingError(data);

        long before = GC.GetAllocatedBytesForCurrentThread();
        MigrationFormatException error = ReadExpectingError(data);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(kind, error.Kind);
        Assert.InRange(allocated, 0, SmallAllocation);
    }

    [Theory]
    [InlineData("0488 4000000000000000 010203", MigrationErrorKind.LimitExceeded)]
    [InlineData("3088 4000000000000000 020101", MigrationErrorKind.Truncated)]
    public void Validate_DeclaredLengthOf2To62_FailsWithoutAllocatingForIt(string hex, MigrationErrorKind kind)
    {
        byte[] data = Hex.Parse(hex);
        ValidateExpectingError(data);

        long before = GC.GetAllocatedBytesForCurrentThread();
        MigrationFormatException error = ValidateExpectingError(data);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(kind, error.Kind);
        Assert.InRange(allocated, 0, SmallAllocation);
    }

    [Fact]
    public void Read_ConstructedOf2To62InANonFinalPiece_StartsItAllocatingOnlyTheScopeStack()
    {
        byte[] data = Hex.Parse("3088 4000000000000000 020101");
        StartConstructed(data);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long length = StartConstructed(data);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1L << 62, length);
        Assert.InRange(allocated, 0, 1024); // the reader's stack of open values, a few fixed-size arrays
    }

    [Fact]
    public void Validate_IndefiniteNesting10000Deep_ThrowsLimitExceeded()
    {
        byte[] data = [.. Enumerable.Repeat<byte[]>([0x30, 0x80], 10_000).SelectMany(b => b), .. new byte[20_000]];

        var error = Assert.Throws<MigrationFormatException>(() => BerValidator.Validate(data));

        Assert.Equal(MigrationErrorKind.LimitExceeded, error.Kind);
        Assert.Equal(2 * BerReaderOptions.DefaultMaxDepth, error.Offset);
    }

    [Fact]
    public void Validate_DefiniteNesting10000Deep_ThrowsLimitExceeded()
    {
        // 10,000 SEQUENCEs, each with a 4-octet length (84 and four octets), around a NULL.
        const int depth = 10_000;
        var data = new List<byte>();
        for (int i = 0; i < depth; i++)
        {
            int contents = ((depth - i - 1) * 6) + 2;
            data.AddRange([0x30, 0x84, (byte)(contents >> 24), (byte)(contents >> 16), (byte)(contents >> 8), (byte)contents]);
        }

        data.AddRange([0x05, 0x00]);

        var error = Assert.Throws<MigrationFormatException>(() => BerValidator.Validate(data.ToArray()));

        Assert.Equal(MigrationErrorKind.LimitExceeded, error.Kind);
        Assert.Equal(6 * BerReaderOptions.DefaultMaxDepth, error.Offset);
    }

    [Fact]
    public void ReadInPieces_IndefiniteNesting10000Deep_ThrowsLimitExceeded()
    {
        byte[] data = [.. Enumerable.Repeat<byte[]>([0x30, 0x80], 10_000).SelectMany(b => b)];

        var error = Assert.Throws<MigrationFormatException>(() => Tokens.ReadInPieces(Sequences.Cut(data, [1000, 5000])));

        Assert.Equal(MigrationErrorKind.LimitExceeded, error.Kind);
    }

    private static MigrationFormatException ReadExpectingError(byte[] data)
    {
        try
        {
            var reader = new BerReader(data);
            while (reader.Read())
            {
            }
        }
        catch (MigrationFormatException error)
        {
            return error;
        }

        throw new Xunit.Sdk.XunitException("Expected a MigrationFormatException.");
    }

    private static MigrationFormatException ValidateExpectingError(byte[] data)
    {
        try
        {
            BerValidator.Validate(data);
        }
        catch (MigrationFormatException error)
        {
            return error;
        }

        throw new Xunit.Sdk.XunitException("Expected a MigrationFormatException.");
    }

    private static long StartConstructed(byte[] data)
    {
        var reader = new BerReader(data, isFinalBlock: false, new BerReaderState());
        reader.Read();
        return reader.Length;
    }
}
