using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace MigrationFormat.Generators.Baselines;

/// <summary>The kinds of JSON value.</summary>
internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>A parsed JSON value with the offset it starts at, so that a schema error can point into the file.</summary>
internal sealed class JsonValue
{
    private JsonValue(JsonKind kind, int offset)
    {
        Kind = kind;
        Offset = offset;
    }

    public JsonKind Kind { get; }

    public int Offset { get; }

    /// <summary>Gets the text of a string, or the literal text of a number.</summary>
    public string Text { get; private set; } = string.Empty;

    public List<KeyValuePair<string, JsonValue>> Members { get; } = [];

    public List<JsonValue> Items { get; } = [];

    public static JsonValue Scalar(JsonKind kind, int offset, string text = "") => new(kind, offset) { Text = text };

    public static JsonValue Container(JsonKind kind, int offset) => new(kind, offset);

    /// <summary>Finds a member of an object (the last one, as most readers do, when a name repeats).</summary>
    public JsonValue? Member(string name)
    {
        JsonValue? found = null;
        foreach (KeyValuePair<string, JsonValue> member in Members)
        {
            if (string.Equals(member.Key, name, StringComparison.Ordinal))
            {
                found = member.Value;
            }
        }

        return found;
    }

    /// <summary>Reads an integer number that fits an <see cref="int"/>.</summary>
    public bool TryGetInt32(out int value)
    {
        value = 0;
        return Kind == JsonKind.Number
            && Text.IndexOfAny(['.', 'e', 'E']) < 0
            && int.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}

/// <summary>The input is not JSON; <see cref="Offset"/> is where the reader stopped.</summary>
internal sealed class JsonFormatException(string message, int offset) : Exception(message)
{
    public int Offset { get; } = offset;
}

/// <summary>
/// A small strict JSON (RFC 8259) reader for schema baselines: the analyzer cannot count on System.Text.Json in
/// every compiler host. Nesting is bounded so that hostile input fails with an error instead of a stack overflow.
/// </summary>
internal sealed class JsonReader
{
    private const int MaxDepth = 64;
    private readonly string _text;
    private int _position;

    private JsonReader(string text) => _text = text;

    /// <summary>Parses a whole document.</summary>
    /// <exception cref="JsonFormatException">The text is not one JSON value.</exception>
    public static JsonValue Parse(string text)
    {
        var reader = new JsonReader(text);
        reader.SkipWhitespace();

        // A byte order mark is not JSON, but editors write one; it carries no meaning.
        if (reader._position < text.Length && text[reader._position] == '\uFEFF')
        {
            reader._position++;
            reader.SkipWhitespace();
        }

        JsonValue value = reader.ReadValue(0);
        reader.SkipWhitespace();
        if (reader._position != text.Length)
        {
            throw reader.Error("unexpected text after the document");
        }

        return value;
    }

    private JsonValue ReadValue(int depth)
    {
        if (_position >= _text.Length)
        {
            throw Error("the document ends where a value is expected");
        }

        char c = _text[_position];
        switch (c)
        {
            case '{':
                return ReadObject(depth + 1);
            case '[':
                return ReadArray(depth + 1);
            case '"':
                int start = _position;
                return JsonValue.Scalar(JsonKind.String, start, ReadString());
            case 't':
                return ReadLiteral("true", JsonKind.True);
            case 'f':
                return ReadLiteral("false", JsonKind.False);
            case 'n':
                return ReadLiteral("null", JsonKind.Null);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ReadNumber();
                }

                throw Error($"unexpected character '{Printable(c)}'");
        }
    }

    private JsonValue ReadObject(int depth)
    {
        CheckDepth(depth);
        JsonValue value = JsonValue.Container(JsonKind.Object, _position);
        _position++;
        SkipWhitespace();
        if (Peek() == '}')
        {
            _position++;
            return value;
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw Error("a member name (a string) is expected");
            }

            string name = ReadString();
            SkipWhitespace();
            Expect(':');
            SkipWhitespace();
            value.Members.Add(new KeyValuePair<string, JsonValue>(name, ReadValue(depth)));
            SkipWhitespace();
            char next = Peek();
            _position++;
            if (next == '}')
            {
                return value;
            }

            if (next != ',')
            {
                _position--;
                throw Error("',' or '}' is expected");
            }
        }
    }

    private JsonValue ReadArray(int depth)
    {
        CheckDepth(depth);
        JsonValue value = JsonValue.Container(JsonKind.Array, _position);
        _position++;
        SkipWhitespace();
        if (Peek() == ']')
        {
            _position++;
            return value;
        }

        while (true)
        {
            SkipWhitespace();
            value.Items.Add(ReadValue(depth));
            SkipWhitespace();
            char next = Peek();
            _position++;
            if (next == ']')
            {
                return value;
            }

            if (next != ',')
            {
                _position--;
                throw Error("',' or ']' is expected");
            }
        }
    }

    private string ReadString()
    {
        _position++;
        var text = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Error("the string is not closed");
            }

            char c = _text[_position++];
            if (c == '"')
            {
                return text.ToString();
            }

            if (c < ' ')
            {
                _position--;
                throw Error("a control character must be escaped inside a string");
            }

            if (c != '\\')
            {
                text.Append(c);
                continue;
            }

            if (_position >= _text.Length)
            {
                throw Error("the string is not closed");
            }

            char escape = _text[_position++];
            switch (escape)
            {
                case '"': text.Append('"'); break;
                case '\\': text.Append('\\'); break;
                case '/': text.Append('/'); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case 'u':
                    text.Append(ReadHex4());
                    break;
                default:
                    _position--;
                    throw Error($"'\\{Printable(escape)}' is not a JSON escape");
            }
        }
    }

    private char ReadHex4()
    {
        if (_position + 4 > _text.Length)
        {
            throw Error("a \\u escape needs four hex digits");
        }

        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            char c = _text[_position];
            int digit = c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                : -1;
            if (digit < 0)
            {
                throw Error("a \\u escape needs four hex digits");
            }

            value = (value * 16) + digit;
            _position++;
        }

        return (char)value;
    }

    private JsonValue ReadNumber()
    {
        int start = _position;
        if (Peek() == '-')
        {
            _position++;
        }

        if (Peek() == '0')
        {
            _position++;
        }
        else if (IsDigit(Peek()))
        {
            SkipDigits();
        }
        else
        {
            throw Error("a digit is expected");
        }

        if (Peek() == '.')
        {
            _position++;
            if (!IsDigit(Peek()))
            {
                throw Error("a digit is expected after the decimal point");
            }

            SkipDigits();
        }

        if (Peek() is 'e' or 'E')
        {
            _position++;
            if (Peek() is '+' or '-')
            {
                _position++;
            }

            if (!IsDigit(Peek()))
            {
                throw Error("a digit is expected in the exponent");
            }

            SkipDigits();
        }

        return JsonValue.Scalar(JsonKind.Number, start, _text.Substring(start, _position - start));
    }

    private JsonValue ReadLiteral(string literal, JsonKind kind)
    {
        if (string.CompareOrdinal(_text, _position, literal, 0, literal.Length) != 0)
        {
            throw Error($"unexpected character '{Printable(_text[_position])}'");
        }

        int start = _position;
        _position += literal.Length;
        return JsonValue.Scalar(kind, start);
    }

    private void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error($"nesting is deeper than {MaxDepth}");
        }
    }

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw Error($"'{c}' is expected");
        }

        _position++;
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void SkipDigits()
    {
        while (IsDigit(Peek()))
        {
            _position++;
        }
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r')
        {
            _position++;
        }
    }

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private static string Printable(char c) => c < ' ' ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString();

    private JsonFormatException Error(string message) =>
        new(_position >= _text.Length ? "the document ends too early: " + message : message, Math.Min(_position, _text.Length));
}
