using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace MigrationFormat.Qemu;

/// <summary>The kinds of <see cref="JsonTree"/> node.</summary>
internal enum JsonTreeKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>
/// A JSON value tree that keeps what a typed model would lose: member order, duplicate keys, the raw text of numbers and
/// each token's byte offset. Built with <see cref="Utf8JsonReader"/> (no reflection), iteratively (no recursion).
/// </summary>
internal sealed class JsonTree
{
    private JsonTree(JsonTreeKind kind, long offset)
    {
        Kind = kind;
        Offset = offset;
    }

    public JsonTreeKind Kind { get; }

    /// <summary>Gets the token's offset within the JSON text.</summary>
    public long Offset { get; }

    /// <summary>Gets the string value or the raw number text.</summary>
    public string? Text { get; private set; }

    /// <summary>Gets the object members, in order, duplicates kept.</summary>
    public List<KeyValuePair<string, JsonTree>>? Members { get; private set; }

    /// <summary>Gets the array items.</summary>
    public List<JsonTree>? Items { get; private set; }

    /// <summary>Gets the last member named <paramref name="key"/> (as Python's dict keeps the last value), or null.</summary>
    public JsonTree? Get(string key)
    {
        if (Members is null)
        {
            return null;
        }

        for (int i = Members.Count - 1; i >= 0; i--)
        {
            if (Members[i].Key == key)
            {
                return Members[i].Value;
            }
        }

        return null;
    }

    /// <summary>Gets the kind as a word for messages.</summary>
    public string Describe() => Kind switch
    {
        JsonTreeKind.Object => "an object",
        JsonTreeKind.Array => "an array",
        JsonTreeKind.String => "a string",
        JsonTreeKind.Number => "the number " + Text,
        JsonTreeKind.True => "true",
        JsonTreeKind.False => "false",
        _ => "null",
    };

    /// <summary>Parses one JSON value that must span the whole text, or says why the text is not one.</summary>
    /// <param name="json">The UTF-8 text.</param>
    /// <param name="maxDepth">The nesting limit.</param>
    /// <param name="baseOffset">The text's offset in the stream, for errors.</param>
    /// <param name="tree">The value, when the result is <see langword="true"/>.</param>
    /// <param name="error">The error, not thrown, when the result is <see langword="false"/>.</param>
    /// <remarks>
    /// <see cref="Utf8JsonReader"/> reports malformed JSON only by throwing; that exception is turned into
    /// <paramref name="error"/> here, at the boundary, and goes no further.
    /// </remarks>
    public static bool TryParse(
        ReadOnlySpan<byte> json,
        int maxDepth,
        long baseOffset,
        [NotNullWhen(true)] out JsonTree? tree,
        [NotNullWhen(false)] out MigrationFormatException? error)
    {
        tree = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions
        {
            MaxDepth = maxDepth,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        });
        var stack = new Stack<JsonTree>();
        JsonTree? root = null;
        string? pendingKey = null;
        try
        {
            while (reader.Read())
            {
                long offset = reader.TokenStartIndex;
                JsonTree? node = null;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pendingKey = reader.GetString();
                        continue;
                    case JsonTokenType.StartObject:
                        node = new JsonTree(JsonTreeKind.Object, offset) { Members = [] };
                        break;
                    case JsonTokenType.StartArray:
                        node = new JsonTree(JsonTreeKind.Array, offset) { Items = [] };
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        stack.Pop();
                        continue;
                    case JsonTokenType.String:
                        node = new JsonTree(JsonTreeKind.String, offset) { Text = reader.GetString() };
                        break;
                    case JsonTokenType.Number:
                        node = new JsonTree(JsonTreeKind.Number, offset) { Text = Encoding.UTF8.GetString(reader.ValueSpan) };
                        break;
                    case JsonTokenType.True:
                        node = new JsonTree(JsonTreeKind.True, offset);
                        break;
                    case JsonTokenType.False:
                        node = new JsonTree(JsonTreeKind.False, offset);
                        break;
                    case JsonTokenType.Null:
                        node = new JsonTree(JsonTreeKind.Null, offset);
                        break;
                    default:
                        continue;
                }

                if (stack.Count == 0)
                {
                    root = node;
                }
                else
                {
                    JsonTree parent = stack.Peek();
                    if (parent.Kind == JsonTreeKind.Object)
                    {
                        parent.Members!.Add(new KeyValuePair<string, JsonTree>(pendingKey!, node));
                    }
                    else
                    {
                        parent.Items!.Add(node);
                    }
                }

                if (node.Kind is JsonTreeKind.Object or JsonTreeKind.Array)
                {
                    stack.Push(node);
                }
            }
        }
        catch (JsonException ex)
        {
            long position = LocateError(json, ex.LineNumber, ex.BytePositionInLine);
            error = new MigrationFormatException(
                MigrationErrorKind.InvalidEncoding,
                "The VM description is not valid JSON: " + ex.Message,
                baseOffset + position,
                null,
                ex);
            return false;
        }
        catch (InvalidOperationException ex)
        {
            error = new MigrationFormatException(
                MigrationErrorKind.InvalidEncoding,
                "The VM description holds a string that is not valid UTF-8 or UTF-16: " + ex.Message,
                baseOffset + reader.TokenStartIndex,
                null,
                ex);
            return false;
        }

        if (root is null)
        {
            error = new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "The VM description is empty: expected a JSON value.", baseOffset);
            return false;
        }

        tree = root;
        error = null;
        return true;
    }

    private static long LocateError(ReadOnlySpan<byte> json, long? line, long? bytePositionInLine)
    {
        long lineStart = 0;
        long lines = line ?? 0;
        for (int i = 0; i < json.Length && lines > 0; i++)
        {
            if (json[i] == (byte)'\n')
            {
                lines--;
                lineStart = i + 1;
            }
        }

        return Math.Min(json.Length, lineStart + (bytePositionInLine ?? 0));
    }
}
