namespace MigrationFormat.Ber.Tests.Helpers;

/// <summary>The segmentation helper really builds what the segmentation tests claim to feed the reader.</summary>
public class SequencesTests
{
    [Fact]
    public void FromPieces_SeveralPiecesWithEmptyOnes_KeepsEverySegmentInOrder()
    {
        var sequence = Sequences.FromPieces([[], [1, 2], [], [3], []]);

        Assert.False(sequence.IsSingleSegment);
        Assert.Equal(5, CountSegments(sequence));
        Assert.Equal(new byte[] { 1, 2, 3 }, sequence.ToArray());
    }

    [Fact]
    public void Cut_RepeatedAndUnorderedOffsets_GivesEmptyPiecesThatJoinToTheInput()
    {
        byte[] data = [1, 2, 3, 4];

        var pieces = Sequences.Cut(data, [3, 1, 1, 4]);

        Assert.Equal(["01", "", "0203", "04", ""], pieces.Select(p => Hex.Of(p)));
    }

    [Fact]
    public void OneByteEach_Input_GivesOneBytePiecesBetweenEmptyOnes()
    {
        var pieces = Sequences.OneByteEach([7, 8]);

        Assert.Equal(["", "07", "", "08", ""], pieces.Select(p => Hex.Of(p)));
    }

    private static int CountSegments(ReadOnlySequence<byte> sequence)
    {
        int count = 0;
        foreach (ReadOnlyMemory<byte> _ in sequence)
        {
            count++;
        }

        return count;
    }
}
