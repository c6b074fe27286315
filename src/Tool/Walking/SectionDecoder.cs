using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text.Json;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool.Walking;

/// <summary>
/// Writes one section's state as the JSON object <c>migfmt load</c> prints for the device (docs/schema.md §2), from
/// the schema the stream embeds rather than from device code: the way <c>protoc --decode</c> uses a descriptor. A
/// field the schema does not describe (or whose value breaks it) comes out as a tagged TLV: under its tag (or name),
/// <c>{"hex": "..."}</c> for a primitive and <c>{"items": [...]}</c> for a constructed value, whose items carry their
/// own <c>"tag"</c>. Nothing is lost, and nothing is held beyond the open nesting and one blob's running hash.
/// </summary>
internal static class SectionDecoder
{
    private enum Kind
    {
        /// <summary>Fields of a state, structure, optional group or list element: written under their names.</summary>
        Object,

        /// <summary>The children of a value the schema does not describe: tagged TLVs in an array.</summary>
        Items,

        /// <summary>Elements of an integer array.</summary>
        Values,

        /// <summary>A list: its count is left out, each element is an object.</summary>
        List,

        /// <summary>A blob: its segments are hashed, and its length and SHA-256 written at its end.</summary>
        Blob,

        /// <summary>A constructed segment inside a blob: its bytes count toward the blob around it.</summary>
        BlobPart,
    }

    /// <summary>Writes the state whose start token is current, consuming tokens up to and including its end.</summary>
    /// <param name="walker">The walker, on a <see cref="WalkRole.State"/> start token.</param>
    /// <param name="json">The writer, where the state's value goes.</param>
    /// <param name="failures">Receives checksum and framing problems found meanwhile.</param>
    public static void WriteState(StreamWalker walker, Utf8JsonWriter json, FailureLog failures)
    {
        var stack = new Stack<Container>();
        json.WriteStartObject();
        stack.Push(new Container(Kind.Object, FieldKind.UInt8, null));
        while (stack.Count > 0 && walker.Read())
        {
            Commands.DumpCommand.CollectFailures(walker, failures);
            WalkToken token = walker.Current;
            Container top = stack.Peek();
            if (token.Kind == WalkTokenKind.End)
            {
                Close(json, stack.Pop());
                continue;
            }

            switch (top.Kind)
            {
                case Kind.Object:
                    json.WritePropertyName(token.Name ?? JsonValues.TagText(token.Tag));
                    Open(json, stack, token, withTag: token.Field is null && token.Name is not null);
                    break;
                case Kind.Items:
                    Open(json, stack, token, withTag: true);
                    break;
                case Kind.Values when token.Kind == WalkTokenKind.Primitive:
                    JsonValues.WriteElement(json, token, top.ElementKind);
                    break;
                case Kind.List when token.Role == WalkRole.ListCount && token.Kind == WalkTokenKind.Primitive:
                    break;
                case Kind.List when token.Role == WalkRole.ListElement && token.Tag == Ber.BerTag.Sequence:
                    json.WriteStartObject();
                    stack.Push(new Container(Kind.Object, FieldKind.UInt8, null));
                    break;
                case Kind.Blob or Kind.BlobPart:
                    // Nothing of a blob is written before its end, so whatever stands in it counts toward its bytes; a
                    // segment that is not an OCTET STRING is noted in the blob's value.
                    if (!token.Tag.HasSameClassAndValue(Ber.BerTag.OctetString))
                    {
                        top.Owner!.Irregular = true;
                    }

                    if (token.Kind == WalkTokenKind.Primitive)
                    {
                        top.Hash!.AppendData(token.Contents);
                        top.Owner!.Length += token.ContentLength;
                    }
                    else
                    {
                        stack.Push(new Container(Kind.BlobPart, FieldKind.UInt8, top.Hash) { Owner = top.Owner });
                    }

                    break;
                default:
                    // Anything out of place is shown as a tagged TLV.
                    Open(json, stack, token, withTag: true);
                    break;
            }

            if (json.BytesPending > 64 * 1024)
            {
                json.Flush();
            }
        }
    }

    private static void Open(Utf8JsonWriter json, Stack<Container> stack, WalkToken token, bool withTag)
    {
        if (token.Kind == WalkTokenKind.Primitive)
        {
            if (token.Field is not null && !withTag)
            {
                JsonValues.WriteFieldValue(json, token);
            }
            else
            {
                JsonValues.WriteTlv(json, token, withTag);
            }

            return;
        }

        if (token.Field is { } field && !withTag)
        {
            switch (field.Kind)
            {
                case FieldKind.Struct or FieldKind.Optional:
                    json.WriteStartObject();
                    stack.Push(new Container(Kind.Object, FieldKind.UInt8, null));
                    return;
                case FieldKind.List:
                    json.WriteStartArray();
                    stack.Push(new Container(Kind.List, FieldKind.UInt8, null));
                    return;
                case FieldKind.UInt16Array or FieldKind.UInt32Array or FieldKind.UInt64Array:
                    json.WriteStartArray();
                    FieldKind element = field.Kind switch
                    {
                        FieldKind.UInt16Array => FieldKind.UInt16,
                        FieldKind.UInt32Array => FieldKind.UInt32,
                        _ => FieldKind.UInt64,
                    };
                    stack.Push(new Container(Kind.Values, element, null));
                    return;
                case FieldKind.Blob:
                    var blob = new Container(Kind.Blob, FieldKind.UInt8, IncrementalHash.CreateHash(HashAlgorithmName.SHA256));
                    blob.Owner = blob;
                    stack.Push(blob);
                    return;
            }
        }

        json.WriteStartObject();
        if (withTag)
        {
            json.WriteString("tag", JsonValues.TagText(token.Tag));
        }

        json.WriteStartArray("items");
        stack.Push(new Container(Kind.Items, FieldKind.UInt8, null));
    }

    private static void Close(Utf8JsonWriter json, Container container)
    {
        switch (container.Kind)
        {
            case Kind.Object:
                json.WriteEndObject();
                break;
            case Kind.Items:
                json.WriteEndArray();
                json.WriteEndObject();
                break;
            case Kind.Values or Kind.List:
                json.WriteEndArray();
                break;
            case Kind.Blob:
                json.WriteStartObject();
                json.WriteNumber("length", container.Length);
                json.WriteString("sha256", System.Convert.ToHexStringLower(container.Hash!.GetHashAndReset()));
                if (container.Irregular)
                {
                    json.WriteString("problem", "a segment is not an OCTET STRING; length and sha256 count every segment's contents");
                }

                json.WriteEndObject();
                container.Hash.Dispose();
                break;
        }
    }

    private sealed class Container(Kind kind, FieldKind elementKind, IncrementalHash? hash)
    {
        public Kind Kind { get; } = kind;

        public FieldKind ElementKind { get; } = elementKind;

        public IncrementalHash? Hash { get; } = hash;

        public Container? Owner { get; set; }

        public long Length { get; set; }

        public bool Irregular { get; set; }
    }
}
