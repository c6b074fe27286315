using FsCheck.Xunit;
using MigrationFormat.Ber.Tests.Helpers;

namespace MigrationFormat.Ber.Tests.Properties;

/// <summary>Cut-off and corrupted input ends in <see cref="MigrationFormatException"/>, never in another exception type.</summary>
[Properties(Arbitrary = [typeof(BerArbitraries)], MaxTest = 200)]
public class RobustnessProperties
{
    [Property]
    public void Read_EveryProperPrefixOfAnEncoding_ThrowsTruncated(ValueTree tree)
    {
        byte[] encoded = TreeCodec.WriteWithBerWriter(tree.Root);

        for (int length = 1; length < encoded.Length; length++)
        {
            Exception? error = Record.Exception(() => Walk.Span(encoded.AsSpan(0, length)));

            Assert.Equal(MigrationErrorKind.Truncated, Assert.IsType<MigrationFormatException>(error).Kind);
        }
    }

    [Property]
    public void ReadInPieces_EveryProperPrefixOfAnEncoding_ThrowsTruncatedAtTheFinalPiece(ValueTree tree, int cut)
    {
        byte[] encoded = TreeCodec.WriteWithBerWriter(tree.Root);

        for (int length = 1; length < encoded.Length; length++)
        {
            byte[] prefix = encoded[..length];
            var pieces = Sequences.Cut(prefix, [(int)(unchecked((uint)cut * 2654435761u) % (uint)(length + 1))]);

            Exception? error = Record.Exception(() => Tokens.ReadInPieces(pieces));

            Assert.Equal(MigrationErrorKind.Truncated, Assert.IsType<MigrationFormatException>(error).Kind);
        }
    }

    [Property]
    public void Validate_EveryProperPrefixOfAnEncoding_ThrowsTruncated(ValueTree tree)
    {
        byte[] encoded = TreeCodec.WriteWithBerWriter(tree.Root);

        for (int length = 0; length < encoded.Length; length++)
        {
            Exception? error = Record.Exception(() => BerValidator.Validate(encoded.AsSpan(0, length)));

            Assert.Equal(MigrationErrorKind.Truncated, Assert.IsType<MigrationFormatException>(error).Kind);
        }
    }

    [Property(MaxTest = 500)]
    public void ReadAndValidate_RandomBitFlips_SucceedOrThrowMigrationFormatException(ValueTree tree, int[] flips)
    {
        byte[] corrupted = TreeCodec.WriteWithBerWriter(tree.Root);
        foreach (int flip in flips.Take(4))
        {
            int bit = (int)(unchecked((uint)flip * 2654435761u) % (uint)(corrupted.Length * 8));
            corrupted[bit / 8] ^= (byte)(1 << (bit % 8));
        }

        AssertOnlyMigrationFormatException(() => Walk.Span(corrupted, readValues: true));
        AssertOnlyMigrationFormatException(() => BerValidator.Validate(corrupted));
        AssertOnlyMigrationFormatException(() => BerValidator.Validate(Sequences.FromPieces(Sequences.OneByteEach(corrupted))));
        AssertOnlyMigrationFormatException(() => Tokens.ReadInPieces(Sequences.OneByteEach(corrupted)));
    }

    [Property(MaxTest = 1000)]
    public void ReadAndValidate_RandomBytes_SucceedOrThrowMigrationFormatException(byte[] data)
    {
        AssertOnlyMigrationFormatException(() => Walk.Span(data, readValues: true));
        AssertOnlyMigrationFormatException(() => BerValidator.Validate(data, new BerValidationOptions { AllowMultipleValues = true }));
        AssertOnlyMigrationFormatException(() => Tokens.ReadInPieces(Sequences.Cut(data, [data.Length / 3, data.Length / 2])));
    }

    private static void AssertOnlyMigrationFormatException(Action action)
    {
        Exception? error = Record.Exception(action);

        Assert.True(error is null or MigrationFormatException, $"Expected success or a MigrationFormatException, got {error}");
    }
}
