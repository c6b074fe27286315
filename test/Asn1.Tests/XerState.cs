using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using MigrationFormat.Schema;
using MigrationFormat.Schema.Asn1;
using MigrationFormat.Visitors;

namespace MigrationFormat.Asn1.Tests;

/// <summary>
/// Reads the XER that asn1c's decoder prints and turns a device state into the JSON <c>migfmt load</c> prints:
/// field names from the schema through the module's identifiers, integers as numbers, bytes as lower-case hex,
/// lists and arrays as arrays, blobs as their length and SHA-256. Any element that no field explains fails.
/// </summary>
internal static class XerState
{
    /// <summary>Parses decoder output: one whole stream, so exactly one root element.</summary>
    public static XElement Parse(string xer) => XDocument.Parse(xer, LoadOptions.PreserveWhitespace).Root!;

    /// <summary>The section elements of a decoded stream, in stream order.</summary>
    public static IReadOnlyList<XElement> Sections(XElement stream) => [.. stream.Element("sections")!.Elements()];

    /// <summary>The state of a decoded section as <c>migfmt load</c>'s JSON (the fields the stream carried).</summary>
    public static JsonObject State(XElement section, Asn1DeviceModule module) =>
        Fields(section.Element("state") ?? throw new InvalidDataException("The section has no state."), module.Schema.Fields, module);

    private static JsonObject Fields(XElement parent, IList<FieldSchema> fields, Asn1DeviceModule module)
    {
        var result = new JsonObject();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (FieldSchema field in fields)
        {
            string identifier = module.IdentifierOf(field);
            known.Add(identifier);
            if (parent.Element(identifier) is { } element)
            {
                result[field.Name] = Value(element, field, module);
            }
        }

        foreach (XElement child in parent.Elements())
        {
            if (!known.Contains(child.Name.LocalName))
            {
                throw new InvalidDataException($"<{child.Name.LocalName}> in <{parent.Name.LocalName}> is no field of {module.Schema}.");
            }
        }

        return result;
    }

    private static JsonNode Value(XElement element, FieldSchema field, Asn1DeviceModule module)
    {
        switch (field.Kind)
        {
            case FieldKind.Bool:
                bool isTrue = element.Element("true") is not null;
                if (!isTrue && element.Element("false") is null)
                {
                    throw new InvalidDataException($"<{element.Name.LocalName}> is not a BOOLEAN.");
                }

                return isTrue;
            case FieldKind.FixedBytes or FieldKind.Bytes:
                return Convert.ToHexStringLower(Octets(element));
            case FieldKind.String:
                return element.Value;
            case FieldKind.Blob:
                byte[] blob = Octets(element);
                return new JsonObject { ["length"] = blob.Length, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(blob)) };
            case FieldKind.UInt16Array or FieldKind.UInt32Array or FieldKind.UInt64Array:
                return new JsonArray([.. element.Elements().Select(Integer)]);
            case FieldKind.Struct or FieldKind.Optional:
                return Fields(element, field.Fields, module);
            case FieldKind.List:
                return List(element, field, module);
            default:
                return Integer(element);
        }
    }

    /// <summary>A list: its count (once, first), then exactly that many elements.</summary>
    private static JsonArray List(XElement element, FieldSchema field, Asn1DeviceModule module)
    {
        XElement[] items = [.. element.Elements()];
        if (items.Length == 0 || items[0].Name.LocalName != "count" || items.Skip(1).Any(item => item.Name.LocalName != "element"))
        {
            throw new InvalidDataException($"List '{field.Name}' is not a count followed by elements.");
        }

        if (Integer(items[0]).GetValue<long>() != items.Length - 1)
        {
            throw new InvalidDataException($"List '{field.Name}' counts {items[0].Value} elements and has {items.Length - 1}.");
        }

        return new JsonArray([.. items.Skip(1).Select(item => (JsonNode)Fields(item, field.Fields, module))]);
    }

    /// <summary>An INTEGER: asn1c prints one that fits a C long in decimal, a wider one as its octets in hex (<c>00:FF:...</c>).</summary>
    private static JsonNode Integer(XElement element)
    {
        string text = element.Value.Trim();
        BigInteger value = text.Contains(':', StringComparison.Ordinal)
            ? new BigInteger(Convert.FromHexString(text.Replace(":", string.Empty, StringComparison.Ordinal)), isUnsigned: false, isBigEndian: true)
            : BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return JsonNode.Parse(value.ToString(CultureInfo.InvariantCulture))!;
    }

    /// <summary>An OCTET STRING: hex pairs separated by white space.</summary>
    private static byte[] Octets(XElement element) =>
        Convert.FromHexString(string.Concat(element.Value.Where(c => !char.IsWhiteSpace(c))));
}
