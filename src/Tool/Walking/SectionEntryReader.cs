using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using MigrationFormat.Ber;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool.Walking;

/// <summary>
/// Reads one section's state as a sequence of <c>(field path, value)</c> pairs, the leaves of the JSON
/// <see cref="SectionDecoder"/> writes, in the same order and under the same paths (<c>fifo_timeout.deadline_ns</c>,
/// <c>queues[1].avail</c>, <c>[PRIVATE 9].hex</c>), pulling tokens from the walker only as pairs are asked for: memory
/// is the open nesting, whatever the number of values.
/// </summary>
internal sealed class SectionEntryReader
{
    private readonly StreamWalker _walker;
    private readonly FailureLog _failures;
    private readonly Stack<Frame> _stack = new();
    private readonly Queue<KeyValuePair<string, string>> _ready = new();

    /// <summary>Starts reading the state whose start token is current.</summary>
    /// <param name="walker">The walker, on a <see cref="WalkRole.State"/> start token.</param>
    /// <param name="failures">Receives checksum and framing problems found meanwhile.</param>
    public SectionEntryReader(StreamWalker walker, FailureLog failures)
    {
        _walker = walker;
        _failures = failures;
        _stack.Push(new Frame(Kind.Object, string.Empty));
    }

    private enum Kind
    {
        Object,
        Items,
        Values,
        List,
        Blob,
        BlobPart,
    }

    /// <summary>Reads the next pair; at the end of the state, <see langword="false"/> (the state's end token consumed).</summary>
    /// <param name="entry">The field path and its value as text.</param>
    /// <returns>Whether a pair was read.</returns>
    public bool TryRead(out KeyValuePair<string, string> entry)
    {
        while (_ready.Count == 0 && _stack.Count > 0 && _walker.Read())
        {
            Commands.DumpCommand.CollectFailures(_walker, _failures);
            Step(_walker.Current);
        }

        return _ready.TryDequeue(out entry);
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string Index(string path, int index) => path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    private void Step(WalkToken token)
    {
        Frame top = _stack.Peek();
        if (token.Kind == WalkTokenKind.End)
        {
            Frame done = _stack.Pop();
            if (done.Kind == Kind.Blob)
            {
                Emit(Join(done.Path, "length"), done.Length.ToString(CultureInfo.InvariantCulture));
                Emit(Join(done.Path, "sha256"), Convert.ToHexStringLower(done.Hash!.GetHashAndReset()));
                if (done.Irregular)
                {
                    Emit(Join(done.Path, "problem"), "a segment is not an OCTET STRING; length and sha256 count every segment's contents");
                }

                done.Hash.Dispose();
            }

            return;
        }

        switch (top.Kind)
        {
            case Kind.Object:
                Open(token, Join(top.Path, token.Name ?? JsonValues.TagText(token.Tag)), withTag: token.Field is null && token.Name is not null);
                break;
            case Kind.Items:
                Open(token, Index(top.Path, top.Count++), withTag: true);
                break;
            case Kind.Values when token.Kind == WalkTokenKind.Primitive:
                string element = Index(top.Path, top.Count++);
                if (token.Tag == BerTag.Integer && ValueText.TryGetInteger(token.Contents, top.ElementKind, out string number, out _))
                {
                    Emit(element, number);
                }
                else
                {
                    Tlv(token, element, withTag: true);
                }

                break;
            case Kind.List when token.Role == WalkRole.ListCount && token.Kind == WalkTokenKind.Primitive:
                break;
            case Kind.List when token.Role == WalkRole.ListElement && token.Tag == BerTag.Sequence:
                _stack.Push(new Frame(Kind.Object, Index(top.Path, top.Count++)));
                break;
            case Kind.Blob or Kind.BlobPart:
                // As the decode counts them: whatever stands in a blob counts toward its bytes.
                if (!token.Tag.HasSameClassAndValue(BerTag.OctetString))
                {
                    top.Owner!.Irregular = true;
                }

                if (token.Kind == WalkTokenKind.Primitive)
                {
                    top.Owner!.Hash!.AppendData(token.Contents);
                    top.Owner.Length += token.ContentLength;
                }
                else
                {
                    _stack.Push(new Frame(Kind.BlobPart, top.Path) { Owner = top.Owner });
                }

                break;
            default:
                // Out of place, as SectionDecoder shows it: a tagged TLV among the container's items.
                Open(token, Index(top.Path, top.Count++), withTag: true);
                break;
        }
    }

    private void Open(WalkToken token, string path, bool withTag)
    {
        if (token.Kind == WalkTokenKind.Primitive)
        {
            if (token.Field is not null && !withTag)
            {
                // A value that breaks its kind is kept under the field's name with its tag, as the decode shows it.
                if (FieldText(token) is { } text)
                {
                    Emit(path, text);
                }
                else
                {
                    Tlv(token, path, withTag: true);
                }
            }
            else
            {
                Tlv(token, path, withTag);
            }

            return;
        }

        if (token.Field is { } field && !withTag)
        {
            switch (field.Kind)
            {
                case FieldKind.Struct or FieldKind.Optional:
                    _stack.Push(new Frame(Kind.Object, path));
                    return;
                case FieldKind.List:
                    _stack.Push(new Frame(Kind.List, path));
                    return;
                case FieldKind.UInt16Array or FieldKind.UInt32Array or FieldKind.UInt64Array:
                    FieldKind element = field.Kind switch
                    {
                        FieldKind.UInt16Array => FieldKind.UInt16,
                        FieldKind.UInt32Array => FieldKind.UInt32,
                        _ => FieldKind.UInt64,
                    };
                    _stack.Push(new Frame(Kind.Values, path) { ElementKind = element });
                    return;
                case FieldKind.Blob:
                    var blob = new Frame(Kind.Blob, path) { Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256) };
                    blob.Owner = blob;
                    _stack.Push(blob);
                    return;
            }
        }

        if (withTag)
        {
            Emit(Join(path, "tag"), JsonValues.TagText(token.Tag));
        }

        _stack.Push(new Frame(Kind.Items, Join(path, "items")));
    }

    /// <summary>A field's value as the flattened decode shows it, or <see langword="null"/> when it breaks its kind.</summary>
    private static string? FieldText(WalkToken token)
    {
        ReadOnlySpan<byte> contents = token.Contents;
        FieldKind kind = token.Field!.Kind;
        if (kind.IsInteger())
        {
            return ValueText.TryGetInteger(contents, kind, out string number, out _) ? number : null;
        }

        return kind switch
        {
            FieldKind.Bool => contents.Length == 1 ? (contents[0] != 0 ? "true" : "false") : null,
            FieldKind.String => System.Text.Unicode.Utf8.IsValid(contents) ? System.Text.Encoding.UTF8.GetString(contents) : null,
            _ => Convert.ToHexStringLower(contents),
        };
    }

    private void Tlv(WalkToken token, string path, bool withTag)
    {
        if (withTag)
        {
            Emit(Join(path, "tag"), JsonValues.TagText(token.Tag));
        }

        Emit(Join(path, "hex"), Convert.ToHexStringLower(token.Contents));
    }

    private void Emit(string path, string value) => _ready.Enqueue(new(path, value));

    private sealed class Frame(Kind kind, string path)
    {
        public Kind Kind { get; } = kind;

        public string Path { get; } = path;

        public int Count { get; set; }

        public FieldKind ElementKind { get; init; }

        public IncrementalHash? Hash { get; init; }

        public Frame? Owner { get; set; }

        public long Length { get; set; }

        public bool Irregular { get; set; }
    }
}
