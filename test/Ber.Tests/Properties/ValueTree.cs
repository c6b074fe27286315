using System.Globalization;
using System.Numerics;
using System.Text;

namespace MigrationFormat.Ber.Tests.Properties;

public enum NodeKind
{
    Integer,
    Boolean,
    Null,
    OctetString,
    Utf8String,
    Constructed,
}

/// <summary>
/// A value of the random trees the properties encode and decode: a primitive (INTEGER, BOOLEAN, NULL, OCTET STRING,
/// UTF8String) under its universal tag or an implicit one, or a constructed value (SEQUENCE, or a context-specific,
/// application or private tag) of children. <see cref="Indefinite"/> and <see cref="SegmentLength"/> choose how
/// <see cref="BerWriter"/> encodes it; they are not part of the value.
/// </summary>
public sealed class Node
{
    public required NodeKind Kind { get; init; }

    /// <summary>Gets the implicit tag, or <see langword="null"/> for the universal one; constructed values always have one.</summary>
    public BerTag? Tag { get; init; }

    public BigInteger Integer { get; init; }

    public bool Boolean { get; init; }

    public byte[] Octets { get; init; } = [];

    public string Text { get; init; } = "";

    public bool Indefinite { get; init; }

    /// <summary>Gets the segment length for a string that <see cref="BerWriter"/> writes in constructed form, or 0 for the primitive form.</summary>
    public int SegmentLength { get; init; }

    public IReadOnlyList<Node> Children { get; init; } = [];

    public BerTag EffectiveTag => Tag ?? Kind switch
    {
        NodeKind.Integer => BerTag.Integer,
        NodeKind.Boolean => BerTag.Boolean,
        NodeKind.Null => BerTag.Null,
        NodeKind.OctetString => BerTag.OctetString,
        NodeKind.Utf8String => BerTag.Utf8String,
        _ => BerTag.Sequence,
    };

    /// <summary>The value only, in a canonical notation: two trees are equal when their renderings are.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        Render(text, withEncoding: false);
        return text.ToString();
    }

    /// <summary>The value and the encoding choices, for reports of failing cases.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        Render(text, withEncoding: true);
        return text.ToString();
    }

    /// <summary>The number of values BerWriter writes for this tree, segments of constructed strings included.</summary>
    public long ValueCount()
    {
        long count = 1;
        if (Kind is NodeKind.OctetString or NodeKind.Utf8String && SegmentLength > 0)
        {
            long length = Kind == NodeKind.OctetString ? Octets.Length : Encoding.UTF8.GetByteCount(Text);
            count += (length + SegmentLength - 1) / SegmentLength;
        }

        foreach (Node child in Children)
        {
            count += child.ValueCount();
        }

        return count;
    }

    public int Depth() => Kind == NodeKind.Constructed
        ? 1 + Children.Select(c => c.Depth()).DefaultIfEmpty(0).Max()
        : Kind is NodeKind.OctetString or NodeKind.Utf8String && SegmentLength > 0 ? 1 : 0;

    private void Render(StringBuilder text, bool withEncoding)
    {
        if (Tag is { } tag)
        {
            text.Append(tag.AsConstructed(false)).Append(' ');
        }

        switch (Kind)
        {
            case NodeKind.Integer:
                text.Append("INTEGER ").Append(Integer.ToString(CultureInfo.InvariantCulture));
                break;
            case NodeKind.Boolean:
                text.Append("BOOLEAN ").Append(Boolean ? "TRUE" : "FALSE");
                break;
            case NodeKind.Null:
                text.Append("NULL");
                break;
            case NodeKind.OctetString:
                text.Append("OCTET STRING '").Append(Convert.ToHexString(Octets)).Append("'H");
                break;
            case NodeKind.Utf8String:
                text.Append("UTF8String '").Append(Convert.ToHexString(Encoding.UTF8.GetBytes(Text))).Append("'H");
                break;
            default:
                text.Append(withEncoding && Indefinite ? "{indefinite " : "{");
                for (int i = 0; i < Children.Count; i++)
                {
                    text.Append(i == 0 ? "" : ", ");
                    Children[i].Render(text, withEncoding);
                }

                text.Append('}');
                break;
        }

        if (withEncoding && SegmentLength > 0)
        {
            text.Append(" in segments of ").Append(SegmentLength).Append(Indefinite ? ", indefinite" : ", definite");
        }
    }
}

/// <summary>A random value tree, as FsCheck hands it to a property.</summary>
public sealed record ValueTree(Node Root)
{
    public override string ToString() => Root.ToString();
}
