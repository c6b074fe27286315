using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;

namespace MigrationFormat.Qemu;

/// <summary>
/// Writes JSON byte for byte as Python's <c>json</c> encoder does with <c>indent=4</c>, separators <c>(',', ': ')</c> and
/// <c>ensure_ascii</c>: one member or element per line, <c>{}</c>/<c>[]</c> for empty containers, non-ASCII and control
/// characters as lowercase <c>\uXXXX</c>.
/// </summary>
internal sealed class PythonJsonWriter
{
    private const int Chunk = 16 * 1024;
    private static readonly byte[] HexDigits = "0123456789abcdef"u8.ToArray();
    private readonly IBufferWriter<byte> _output;
    private readonly List<bool> _hasItems = [];
    private Memory<byte> _memory;
    private int _position;
    private bool _afterKey;

    public PythonJsonWriter(IBufferWriter<byte> output)
    {
        _output = output;
    }

    public void StartObject()
    {
        BeforeValue();
        PutAscii('{');
        _hasItems.Add(false);
    }

    public void EndObject() => End('}');

    public void StartArray()
    {
        BeforeValue();
        PutAscii('[');
        _hasItems.Add(false);
    }

    public void EndArray() => End(']');

    public void PropertyName(string name)
    {
        NewItem();
        PutString(name);
        PutAscii(':');
        PutAscii(' ');
        _afterKey = true;
    }

    public void StringValue(string value)
    {
        BeforeValue();
        PutString(value);
    }

    /// <summary>Writes a string value made only of printable ASCII that needs no escaping.</summary>
    public void AsciiStringValue(ReadOnlySpan<char> value)
    {
        BeforeValue();
        Ensure(value.Length + 2);
        Span<byte> span = _memory.Span;
        span[_position++] = (byte)'"';
        foreach (char c in value)
        {
            span[_position++] = (byte)c;
        }

        span[_position++] = (byte)'"';
    }

    /// <summary>Writes bytes as a string of two-digit lowercase hex numbers separated by spaces.</summary>
    public void HexBytesValue(ReadOnlySpan<byte> bytes)
    {
        BeforeValue();
        PutAscii('"');
        for (int i = 0; i < bytes.Length; i++)
        {
            Ensure(3);
            Span<byte> span = _memory.Span;
            if (i > 0)
            {
                span[_position++] = (byte)' ';
            }

            span[_position++] = HexDigits[bytes[i] >> 4];
            span[_position++] = HexDigits[bytes[i] & 0xF];
        }

        PutAscii('"');
    }

    public void BooleanValue(bool value)
    {
        BeforeValue();
        PutAsciiText(value ? "true" : "false");
    }

    public void NullValue()
    {
        BeforeValue();
        PutAsciiText("null");
    }

    /// <summary>Writes a JSON number the way Python prints the value <c>json.loads</c> makes of its text.</summary>
    public void NumberValue(string text)
    {
        BeforeValue();
        PutAsciiText(FormatPythonNumber(text));
    }

    /// <summary>Ends the document with the newline <c>print()</c> adds, and commits every byte.</summary>
    public void Finish()
    {
        PutAscii('\n');
        Commit();
    }

    internal static string FormatPythonNumber(string text)
    {
        if (text.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            return BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        }

        double value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsPositiveInfinity(value))
        {
            return "Infinity";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Infinity";
        }

        bool negative = double.IsNegative(value);
        if (value == 0)
        {
            return negative ? "-0.0" : "0.0";
        }

        // Shortest round-trip digits and the position of the decimal point, then Python's repr layout.
        string r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOfAny(['E', 'e']);
        int exponent = e < 0 ? 0 : int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        string mantissa = e < 0 ? r : r[..e];
        int point = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        int decimalPoint = (point < 0 ? mantissa.Length : point) + exponent;
        int leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }

        digits = digits[leading..];
        decimalPoint -= leading;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        string sign = negative ? "-" : string.Empty;
        int scientific = decimalPoint - 1;
        if (scientific < -4 || scientific >= 16)
        {
            string fraction = digits.Length > 1 ? "." + digits[1..] : string.Empty;
            string exponentText = Math.Abs(scientific).ToString("00", CultureInfo.InvariantCulture);
            return sign + digits[0] + fraction + "e" + (scientific < 0 ? "-" : "+") + exponentText;
        }

        if (decimalPoint <= 0)
        {
            return sign + "0." + new string('0', -decimalPoint) + digits;
        }

        if (decimalPoint >= digits.Length)
        {
            return sign + digits + new string('0', decimalPoint - digits.Length) + ".0";
        }

        return sign + digits[..decimalPoint] + "." + digits[decimalPoint..];
    }

    private void BeforeValue()
    {
        if (_afterKey)
        {
            _afterKey = false;
            return;
        }

        if (_hasItems.Count > 0)
        {
            NewItem();
        }
    }

    private void NewItem()
    {
        int depth = _hasItems.Count;
        if (_hasItems[depth - 1])
        {
            PutAscii(',');
        }

        _hasItems[depth - 1] = true;
        PutAscii('\n');
        Indent(depth);
    }

    private void End(char close)
    {
        bool hadItems = _hasItems[^1];
        _hasItems.RemoveAt(_hasItems.Count - 1);
        if (hadItems)
        {
            PutAscii('\n');
            Indent(_hasItems.Count);
        }

        PutAscii(close);
    }

    private void Indent(int depth)
    {
        int count = depth * 4;
        Ensure(count);
        _memory.Span.Slice(_position, count).Fill((byte)' ');
        _position += count;
    }

    private void PutString(string value)
    {
        PutAscii('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"':
                    PutAsciiText("\\\"");
                    break;
                case '\\':
                    PutAsciiText("\\\\");
                    break;
                case '\n':
                    PutAsciiText("\\n");
                    break;
                case '\r':
                    PutAsciiText("\\r");
                    break;
                case '\t':
                    PutAsciiText("\\t");
                    break;
                case '\b':
                    PutAsciiText("\\b");
                    break;
                case '\f':
                    PutAsciiText("\\f");
                    break;
                default:
                    if (c >= ' ' && c <= '~')
                    {
                        PutAscii(c);
                    }
                    else
                    {
                        Ensure(6);
                        Span<byte> span = _memory.Span;
                        span[_position++] = (byte)'\\';
                        span[_position++] = (byte)'u';
                        span[_position++] = HexDigits[(c >> 12) & 0xF];
                        span[_position++] = HexDigits[(c >> 8) & 0xF];
                        span[_position++] = HexDigits[(c >> 4) & 0xF];
                        span[_position++] = HexDigits[c & 0xF];
                    }

                    break;
            }
        }

        PutAscii('"');
    }

    private void PutAsciiText(string text)
    {
        Ensure(text.Length);
        Span<byte> span = _memory.Span;
        foreach (char c in text)
        {
            span[_position++] = (byte)c;
        }
    }

    private void PutAscii(char c)
    {
        Ensure(1);
        _memory.Span[_position++] = (byte)c;
    }

    private void Ensure(int count)
    {
        if (_memory.Length - _position >= count)
        {
            return;
        }

        Commit();
        _memory = _output.GetMemory(Math.Max(count, Chunk));
    }

    private void Commit()
    {
        if (_position > 0)
        {
            _output.Advance(_position);
        }

        _memory = Memory<byte>.Empty;
        _position = 0;
    }
}
