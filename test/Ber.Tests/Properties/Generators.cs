using System.Numerics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace MigrationFormat.Ber.Tests.Properties;

/// <summary>FsCheck generators for <see cref="ValueTree"/>: trees of up to about 30 values, nested up to a few levels.</summary>
public static class BerArbitraries
{
    private static readonly Gen<byte> Bytes = Gen.Choose(0, 255).Select(i => (byte)i);

    private static readonly Gen<bool> Booleans = Gen.Elements(false, true);

    private static readonly Gen<BerTag> ImplicitTags =
        from tagClass in Gen.Elements(BerTagClass.ContextSpecific, BerTagClass.Private, BerTagClass.Application)
        from number in Gen.Frequency((6, Gen.Choose(0, 30)), (3, Gen.Choose(31, 5000)), (1, Gen.Choose(5001, int.MaxValue)))
        select new BerTag(tagClass, (ulong)number);

    private static readonly Gen<BerTag?> PrimitiveTags = Gen.Frequency(
        (2, Gen.Constant<BerTag?>(null)),
        (1, ImplicitTags.Select(t => (BerTag?)t)));

    private static readonly Gen<BerTag> ConstructedTags = Gen.Frequency(
        (1, Gen.Constant(BerTag.Sequence)),
        (3, ImplicitTags.Select(t => t.AsConstructed())));

    // Signed values of any width, and unsigned ones up to 2^64 - 1.
    private static readonly Gen<BigInteger> Integers =
        from bits in Gen.Choose(0, 64)
        from raw in Gen.ArrayOf(Bytes, 8)
        from sign in Gen.Choose(0, 2)
        select MakeInteger(bits, raw, sign);

    private static readonly Gen<int> SegmentLengths = Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 40)));

    private static readonly Gen<byte[]> OctetValues =
        from length in Gen.Frequency((8, Gen.Choose(0, 40)), (1, Gen.Choose(990, 2100)))
        from octets in Gen.ArrayOf(Bytes, length)
        select octets;

    private static readonly Gen<string> Texts =
        from length in Gen.Frequency((8, Gen.Choose(0, 20)), (1, Gen.Choose(300, 800)))
        from scalars in Gen.ArrayOf(
            Gen.Frequency(
                (6, Gen.Choose(0x20, 0x7E)),
                (2, Gen.Choose(0x80, 0x7FF)),
                (2, Gen.Choose(0x800, 0xD7FF)),
                (1, Gen.Choose(0xE000, 0xFFFD)),
                (1, Gen.Choose(0x10000, 0x10FFFF))),
            length)
        select string.Concat(scalars.Select(char.ConvertFromUtf32));

    private static readonly Gen<Node> Leaves = Gen.OneOf(
        from value in Integers
        from tag in PrimitiveTags
        select new Node { Kind = NodeKind.Integer, Integer = value, Tag = tag },
        from value in Booleans
        from tag in PrimitiveTags
        select new Node { Kind = NodeKind.Boolean, Boolean = value, Tag = tag },
        PrimitiveTags.Select(tag => new Node { Kind = NodeKind.Null, Tag = tag }),
        from value in OctetValues
        from tag in PrimitiveTags
        from segments in SegmentLengths
        select new Node { Kind = NodeKind.OctetString, Octets = value, Tag = tag, SegmentLength = segments, Indefinite = true },
        from value in Texts
        from tag in PrimitiveTags
        from segments in SegmentLengths
        from indefinite in Booleans
        select new Node { Kind = NodeKind.Utf8String, Text = value, Tag = tag, SegmentLength = segments, Indefinite = indefinite });

    public static Arbitrary<ValueTree> ValueTrees() =>
        Arb.From(Gen.Sized(size => Nodes(Math.Clamp(size, 2, 30))).Select(root => new ValueTree(root)));

    private static Gen<Node> Nodes(int size) =>
        size <= 1 ? Leaves : Gen.Frequency((3, Leaves), (2, Constructed(size)));

    private static Gen<Node> Constructed(int size) =>
        from tag in ConstructedTags
        from indefinite in Booleans
        from count in Gen.Choose(0, 5)
        from children in Gen.ArrayOf(Nodes(size / (count + 1)), count)
        select new Node { Kind = NodeKind.Constructed, Tag = tag, Indefinite = indefinite, Children = children };

    private static BigInteger MakeInteger(int bits, byte[] raw, int sign)
    {
        ulong value = BitConverter.ToUInt64(raw);
        value = bits == 0 ? 0 : value >> (64 - bits);
        return sign switch
        {
            0 => new BigInteger(value >> 1),
            1 => -new BigInteger(value >> 1) - 1,
            _ => new BigInteger(value),
        };
    }
}
