using MigrationFormat.Ber;

namespace MigrationFormat.Session.Tests;

/// <summary>One top-level value of a recorded session stream.</summary>
internal sealed record Element(long Offset, int Length, BerTag Tag, bool IsEnd)
{
    public long End => Offset + Length;

    public string Name => IsEnd ? "end-of-contents" : Elements.NameOf(Tag);
}

/// <summary>Splits a recorded stream (forward or return) into its top-level values, after the four-byte prefix.</summary>
internal static class Elements
{
    public static List<Element> Split(byte[] stream)
    {
        var elements = new List<Element>();
        int at = 4;
        while (at < stream.Length)
        {
            if (stream[at] == 0 && at + 1 < stream.Length && stream[at + 1] == 0)
            {
                elements.Add(new Element(at, 2, default, true));
                at += 2;
                continue;
            }

            Assert.Equal(BerDecodeStatus.Done, BerDecoder.TryReadHeader(stream.AsSpan(at), out BerTag tag, out long length, out int header));
            // The sections' value has indefinite length: its opening is an element of its own, its contents follow.
            int total = length < 0 ? header : header + (int)length;
            elements.Add(new Element(at, total, tag, false));
            at += total;
        }

        return elements;
    }

    private static readonly Dictionary<BerTag, string> Names = new()
    {
        [MigrationStreamFormat.HeaderTag] = "header",
        [SessionFormat.OfferTag] = "offer",
        [SessionFormat.DeviceDataTag] = "device-data",
        [SessionFormat.InitialDataSentTag] = "initial-data-sent",
        [SessionFormat.RoundEndTag] = "round-end",
        [SessionFormat.SwitchoverTag] = "switchover",
        [SessionFormat.PingTag] = "ping",
        [SessionFormat.AbortTag] = "abort",
        [MigrationStreamFormat.SectionsTag] = "sections",
        [MigrationStreamFormat.SectionTag] = "section",
        [MigrationStreamFormat.TrailerTag] = "trailer",
        [SessionFormat.AnswerTag] = "answer",
        [SessionFormat.DeviceAckTag] = "device-ack",
        [SessionFormat.SwitchoverAckTag] = "switchover-ack",
        [SessionFormat.PongTag] = "pong",
        [SessionFormat.ErrorTag] = "error",
        [SessionFormat.CommittedTag] = "committed",
    };

    public static string NameOf(BerTag tag) => Names.TryGetValue(tag, out string? name) ? name : tag.ToString();

    /// <summary>Reassembles a stream from its prefix and the given elements, in the given order.</summary>
    public static byte[] Join(byte[] stream, IEnumerable<Element> elements)
    {
        var output = new List<byte>(stream.AsSpan(0, 4).ToArray());
        foreach (Element element in elements)
        {
            output.AddRange(stream.AsSpan((int)element.Offset, element.Length).ToArray());
        }

        return output.ToArray();
    }
}
