using FsCheck.Xunit;
using MigrationFormat.Ber.Tests.Helpers;

namespace MigrationFormat.Ber.Tests.Properties;

/// <summary>
/// The reader accepts any segmentation of its input: pieces fed by the resume protocol, or one multi-segment
/// sequence, give the same tokens as the whole input in one span.
/// </summary>
[Properties(Arbitrary = [typeof(BerArbitraries)], MaxTest = 200)]
public class SegmentationProperties
{
    [Property]
    public void ReadInPieces_AnySplit_GivesTheTokensOfTheWholeInput(ValueTree tree, int[] cuts)
    {
        byte[] encoded = TreeCodec.WriteWithBerWriter(tree.Root);
        var pieces = Sequences.Cut(encoded, Spread(cuts, encoded.Length));

        var tokens = Tokens.ReadInPieces(pieces);

        Assert.Equal(Tokens.Read(encoded), tokens);
    }

    [Property]
    public void ReadInPieces_AnySplitAsSequences_GivesTheTokensOfTheWholeInput(ValueTree tree, int[] cuts)
    {
        byte[] encoded = TreeCodec.WriteWithBerWriter(tree.Root);
        var pieces = Sequences.Cut(encoded, Spread(cuts, encoded.Length));

        var tokens = Tokens.ReadInPieces(pieces, asSequences: true);

        Assert.Equal(Tokens.Read(encoded), tokens);
    }

    [Property]
    public void ReadInPieces_OneByteAtATimeWithEmptyPieces_GivesTheTokensOfTheWholeInput(ValueTree tree)
    {
        byte[] encoded = TreeCodec.WriteWithBerWriter(tree.Root);

        var tokens = Tokens.ReadInPieces(Sequences.OneByteEach(encoded));

        Assert.Equal(Tokens.Read(encoded), tokens);
    }

    [Property]
    public void Read_AnySplitAsOneMultiSegmentSequence_GivesTheTokensOfTheWholeInput(ValueTree tree, int[] cuts)
    {
        byte[] encoded = TreeCodec.WriteWithBerWriter(tree.Root);
        var pieces = Sequences.Cut(encoded, Spread(cuts, encoded.Length));

        var tokens = Tokens.Read(Sequences.FromPieces(pieces));

        Assert.Equal(Tokens.Read(encoded), tokens);
    }

    [Property]
    public void Read_OneByteSegmentsWithEmptySegments_GivesTheTokensOfTheWholeInput(ValueTree tree)
    {
        byte[] encoded = TreeCodec.WriteWithBerWriter(tree.Root);

        var tokens = Tokens.Read(Sequences.FromPieces(Sequences.OneByteEach(encoded)));

        Assert.Equal(Tokens.Read(encoded), tokens);
    }

    [Property]
    public void Validate_AnySplitAsOneMultiSegmentSequence_GivesTheResultOfTheWholeInput(ValueTree tree, int[] cuts)
    {
        byte[] encoded = TreeCodec.WriteWithBerWriter(tree.Root);
        var pieces = Sequences.Cut(encoded, Spread(cuts, encoded.Length));

        BerValidationResult result = BerValidator.Validate(Sequences.FromPieces(pieces));

        Assert.Equal(BerValidator.Validate(encoded), result);
    }

    /// <summary>Maps FsCheck's small integers onto offsets spread over the whole encoding, 0 and its length included.</summary>
    private static IEnumerable<int> Spread(int[] cuts, int length) =>
        cuts.Select(c => (int)(unchecked((uint)c * 2654435761u) % (uint)(length + 1)));
}
