using System.Formats.Asn1;
using System.Globalization;
using System.Numerics;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.QemuLoad.Tests;

/// <summary>
/// A BER migration stream held as a tree of values, whose device fields are found by name through the schemas the stream
/// embeds, changed, and written back (with definite lengths). It edits the BER form only: nothing here knows QEMU's bytes.
/// </summary>
internal sealed class BerStreamEditor
{
    private static readonly Asn1Tag SectionsTag = new(TagClass.Application, 6, isConstructed: true);
    private static readonly Asn1Tag SectionTag = new(TagClass.Application, 1, isConstructed: true);

    private readonly Node _root;
    private readonly IReadOnlyDictionary<string, DeviceSchema> _schemas;

    public BerStreamEditor(byte[] stream)
    {
        _root = Node.Parse(stream, out int used);
        if (used != stream.Length)
        {
            throw new InvalidDataException("Bytes follow the stream.");
        }

        using var reader = new MigrationStreamReader(stream);
        while (reader.TryReadSection(out _))
        {
            reader.SkipSection();
        }

        _schemas = SchemaEmbedding.ReadSchemas(reader.Schemas);
    }

    /// <summary>Reads an integer field: <paramref name="path"/> is field names, and element indexes of lists and arrays.</summary>
    public BigInteger GetInteger(string section, uint instance, params string[] path) => new(Find(section, instance, path).Content, isBigEndian: true);

    /// <summary>Sets an integer field to <paramref name="value"/> (its minimal two's complement, as the format writes integers).</summary>
    public void SetInteger(string section, uint instance, BigInteger value, params string[] path) =>
        Find(section, instance, path).Content = value.ToByteArray(isUnsigned: false, isBigEndian: true);

    public byte[] ToArray()
    {
        var output = new List<byte>();
        _root.Write(output);
        return [.. output];
    }

    private Node Find(string sectionId, uint instance, string[] path)
    {
        Node section = _root.Children.Single(c => c.Tag == SectionsTag).Children
            .Where(c => c.Tag == SectionTag)
            .Single(s => ReadString(s.Children[0]) == sectionId && (uint)ReadInteger(s.Children[1]) == instance);
        int version = (int)ReadInteger(section.Children[2]);
        DeviceSchema schema = _schemas[DeviceCatalog.SchemaKey(sectionId, version)];
        Node node = section.Children[3];
        IList<FieldSchema> fields = schema.Fields;
        FieldSchema? current = null;
        foreach (string step in path)
        {
            if (current is { Kind: FieldKind.List })
            {
                node = node.Children[1 + int.Parse(step, CultureInfo.InvariantCulture)];
                fields = current.Fields;
                current = null;
                continue;
            }

            if (current is { Kind: FieldKind.UInt16Array or FieldKind.UInt32Array or FieldKind.UInt64Array })
            {
                node = node.Children[int.Parse(step, CultureInfo.InvariantCulture)];
                current = null;
                continue;
            }

            current = fields.SingleOrDefault(f => f.Name == step) ?? throw new KeyNotFoundException($"No field '{step}' in section '{sectionId}'.");
            var tag = new Asn1Tag(current.Skippable ? TagClass.Private : TagClass.ContextSpecific, current.Tag);
            node = node.Children.Single(c => c.Tag.TagClass == tag.TagClass && c.Tag.TagValue == tag.TagValue);
            fields = current.Fields;
        }

        return node;
    }

    private static string ReadString(Node node) => System.Text.Encoding.UTF8.GetString(node.Content);

    private static long ReadInteger(Node node) => (long)new BigInteger(node.Content, isBigEndian: true);

    /// <summary>One BER value: its identifier octets, and its contents (primitive) or its values (constructed).</summary>
    private sealed class Node
    {
        private byte[] _identifier = [];
        private bool _indefinite;

        public Asn1Tag Tag { get; private set; }

        public byte[] Content { get; set; } = [];

        public List<Node> Children { get; } = [];

        public static Node Parse(ReadOnlySpan<byte> source, out int consumed)
        {
            Asn1Tag tag = Asn1Tag.Decode(source, out int tagLength);
            AsnDecoder.ReadEncodedValue(source, AsnEncodingRules.BER, out int contentOffset, out int contentLength, out consumed);
            var node = new Node { Tag = tag, _identifier = source[..tagLength].ToArray(), _indefinite = source[tagLength] == 0x80 };
            ReadOnlySpan<byte> content = source.Slice(contentOffset, contentLength);
            if (!tag.IsConstructed)
            {
                node.Content = content.ToArray();
                return node;
            }

            while (!content.IsEmpty)
            {
                node.Children.Add(Parse(content, out int used));
                content = content[used..];
            }

            return node;
        }

        public void Write(List<byte> output)
        {
            byte[] content;
            if (Tag.IsConstructed)
            {
                var inner = new List<byte>();
                foreach (Node child in Children)
                {
                    child.Write(inner);
                }

                content = [.. inner];
            }
            else
            {
                content = Content;
            }

            output.AddRange(_identifier);
            if (_indefinite)
            {
                // Kept as it was: the stream's own value starts 7F CD 46 80, which is how a reader knows it.
                output.Add(0x80);
                output.AddRange(content);
                output.AddRange([0, 0]);
                return;
            }

            if (content.Length < 0x80)
            {
                output.Add((byte)content.Length);
            }
            else
            {
                byte[] length = new BigInteger(content.Length).ToByteArray(isUnsigned: true, isBigEndian: true);
                output.Add((byte)(0x80 | length.Length));
                output.AddRange(length);
            }

            output.AddRange(content);
        }
    }
}
