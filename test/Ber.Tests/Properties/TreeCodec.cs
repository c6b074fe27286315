using System.Formats.Asn1;
using System.Numerics;
using System.Text;
using MigrationFormat.Ber.Tests.Helpers;

namespace MigrationFormat.Ber.Tests.Properties;

/// <summary>Writes value trees with <see cref="BerWriter"/> or <see cref="AsnWriter"/>, and reads them back with <see cref="BerReader"/> or
/// <see cref="AsnReader"/>.</summary>
internal static class TreeCodec
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] WriteWithBerWriter(Node root) => Encode.With((ref BerWriter w) => Write(ref w, root));

    public static byte[] WriteWithAsnWriter(Node root, AsnEncodingRules rules)
    {
        var writer = new AsnWriter(rules);
        Write(writer, root);
        return writer.Encode();
    }

    public static Node ReadWithAsnReader(byte[] encoded, Node expected)
    {
        var reader = new AsnReader(encoded, AsnEncodingRules.BER);
        Node actual = Read(reader, expected);
        reader.ThrowIfNotEmpty();
        return actual;
    }

    public static Node ReadWithBerReader(byte[] encoded, Node expected)
    {
        var reader = new BerReader(encoded);
        Node actual = Read(ref reader, expected);
        Assert.False(reader.Read(), "Expected the input to end after the tree.");
        return actual;
    }

    private static void Write(ref BerWriter writer, Node node)
    {
        switch (node.Kind)
        {
            case NodeKind.Integer:
                if (node.Integer >= long.MinValue && node.Integer <= long.MaxValue)
                {
                    writer.WriteInteger((long)node.Integer, node.Tag);
                }
                else
                {
                    writer.WriteInteger((ulong)node.Integer, node.Tag);
                }

                break;
            case NodeKind.Boolean:
                writer.WriteBoolean(node.Boolean, node.Tag);
                break;
            case NodeKind.Null:
                writer.WriteNull(node.Tag);
                break;
            case NodeKind.OctetString when node.SegmentLength == 0:
                writer.WriteOctetString(node.Octets, node.Tag);
                break;
            case NodeKind.OctetString:
                writer.WriteOctetStringSegmented(node.Octets, node.SegmentLength, node.Tag);
                break;
            case NodeKind.Utf8String when node.SegmentLength == 0:
                writer.WriteUtf8String(node.Text, node.Tag);
                break;
            case NodeKind.Utf8String:
                // Segments cut the UTF-8 octets anywhere, inside characters too.
                byte[] octets = Encoding.UTF8.GetBytes(node.Text);
                writer.PushConstructed(node.EffectiveTag.AsConstructed(), node.Indefinite);
                for (int i = 0; i < octets.Length; i += node.SegmentLength)
                {
                    writer.WriteOctetString(octets.AsSpan(i, Math.Min(node.SegmentLength, octets.Length - i)));
                }

                writer.PopConstructed();
                break;
            default:
                writer.PushConstructed(node.EffectiveTag, node.Indefinite);
                foreach (Node child in node.Children)
                {
                    Write(ref writer, child);
                }

                writer.PopConstructed();
                break;
        }
    }

    private static void Write(AsnWriter writer, Node node)
    {
        Asn1Tag? tag = node.Tag is { } t ? Encode.ToAsn(t) : null;
        switch (node.Kind)
        {
            case NodeKind.Integer:
                writer.WriteInteger(node.Integer, tag);
                break;
            case NodeKind.Boolean:
                writer.WriteBoolean(node.Boolean, tag);
                break;
            case NodeKind.Null:
                writer.WriteNull(tag);
                break;
            case NodeKind.OctetString:
                writer.WriteOctetString(node.Octets, tag);
                break;
            case NodeKind.Utf8String:
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, node.Text, tag);
                break;
            default:
                Asn1Tag? sequenceTag = node.EffectiveTag == BerTag.Sequence ? null : tag;
                using (writer.PushSequence(sequenceTag))
                {
                    foreach (Node child in node.Children)
                    {
                        Write(writer, child);
                    }
                }

                break;
        }
    }

    private static Node Read(AsnReader reader, Node expected)
    {
        Asn1Tag? tag = expected.Tag is { } t ? Encode.ToAsn(t.AsConstructed(false)) : null;
        switch (expected.Kind)
        {
            case NodeKind.Integer:
                return new Node { Kind = expected.Kind, Tag = expected.Tag, Integer = reader.ReadInteger(tag) };
            case NodeKind.Boolean:
                return new Node { Kind = expected.Kind, Tag = expected.Tag, Boolean = reader.ReadBoolean(tag) };
            case NodeKind.Null:
                reader.ReadNull(tag);
                return new Node { Kind = expected.Kind, Tag = expected.Tag };
            case NodeKind.OctetString:
                return new Node { Kind = expected.Kind, Tag = expected.Tag, Octets = reader.ReadOctetString(tag) };
            case NodeKind.Utf8String:
                return new Node { Kind = expected.Kind, Tag = expected.Tag, Text = reader.ReadCharacterString(UniversalTagNumber.UTF8String, tag) };
            default:
                AsnReader contents = reader.ReadSequence(expected.EffectiveTag == BerTag.Sequence ? null : tag);
                var children = new List<Node>();
                foreach (Node child in expected.Children)
                {
                    children.Add(Read(contents, child));
                }

                contents.ThrowIfNotEmpty();
                return new Node { Kind = expected.Kind, Tag = expected.Tag, Children = children };
        }
    }

    private static Node Read(ref BerReader reader, Node expected)
    {
        Assert.True(reader.Read(), $"Expected {expected.Render()}, found the end of the input.");
        Assert.NotEqual(BerTokenType.EndConstructed, reader.TokenType);
        Assert.True(reader.Tag.HasSameClassAndValue(expected.EffectiveTag), $"Expected the tag {expected.EffectiveTag}, found {reader.Tag}.");
        switch (expected.Kind)
        {
            case NodeKind.Integer:
                Assert.Equal(BerTokenType.Primitive, reader.TokenType);
                BigInteger value = reader.Length == 9 ? reader.GetUInt64() : reader.GetInt64();
                return new Node { Kind = expected.Kind, Tag = expected.Tag, Integer = value };
            case NodeKind.Boolean:
                Assert.Equal(BerTokenType.Primitive, reader.TokenType);
                return new Node { Kind = expected.Kind, Tag = expected.Tag, Boolean = reader.GetBoolean() };
            case NodeKind.Null:
                Assert.Equal(BerTokenType.Primitive, reader.TokenType);
                Assert.Equal(0, reader.Length);
                return new Node { Kind = expected.Kind, Tag = expected.Tag };
            case NodeKind.OctetString:
                return new Node { Kind = expected.Kind, Tag = expected.Tag, Octets = ReadString(ref reader) };
            case NodeKind.Utf8String:
                return new Node { Kind = expected.Kind, Tag = expected.Tag, Text = StrictUtf8.GetString(ReadString(ref reader)) };
            default:
                Assert.Equal(BerTokenType.StartConstructed, reader.TokenType);
                var children = new List<Node>();
                foreach (Node child in expected.Children)
                {
                    children.Add(Read(ref reader, child));
                }

                Assert.True(reader.Read());
                Assert.Equal(BerTokenType.EndConstructed, reader.TokenType);
                return new Node { Kind = expected.Kind, Tag = expected.Tag, Children = children };
        }
    }

    /// <summary>The contents of a string in primitive form, or the concatenated segments of one in constructed form.</summary>
    private static byte[] ReadString(ref BerReader reader)
    {
        if (reader.TokenType == BerTokenType.Primitive)
        {
            return reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
        }

        var contents = new List<byte>();
        int depth = reader.CurrentDepth;
        while (true)
        {
            Assert.True(reader.Read());
            if (reader.TokenType == BerTokenType.EndConstructed && reader.CurrentDepth < depth)
            {
                return [.. contents];
            }

            if (reader.TokenType == BerTokenType.Primitive)
            {
                contents.AddRange(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray());
            }
        }
    }
}
