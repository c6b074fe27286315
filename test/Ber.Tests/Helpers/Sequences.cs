using System.Buffers;

namespace MigrationFormat.Ber.Tests.Helpers;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, empty segments included, as a pipe hands them out.</summary>
internal static class Sequences
{
    /// <summary>One segment per piece, in order; empty pieces become empty segments.</summary>
    public static ReadOnlySequence<byte> FromPieces(IReadOnlyList<byte[]> pieces)
    {
        if (pieces.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(pieces[0], runningIndex: 0);
        Segment last = first;
        for (int i = 1; i < pieces.Count; i++)
        {
            last = last.Append(pieces[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Cuts <paramref name="data"/> at the given offsets (any order, repeats make empty pieces).</summary>
    public static List<byte[]> Cut(byte[] data, IEnumerable<int> offsets)
    {
        var cuts = offsets.Select(o => Math.Clamp(o, 0, data.Length)).Order().ToList();
        var pieces = new List<byte[]>();
        int start = 0;
        foreach (int cut in cuts)
        {
            pieces.Add(data[start..cut]);
            start = cut;
        }

        pieces.Add(data[start..]);
        return pieces;
    }

    /// <summary>One byte per piece, with an empty piece before each and at the end.</summary>
    public static List<byte[]> OneByteEach(byte[] data)
    {
        var pieces = new List<byte[]>();
        foreach (byte b in data)
        {
            pieces.Add([]);
            pieces.Add([b]);
        }

        pieces.Add([]);
        return pieces;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
