using System;
using System.Text;

namespace MigrationFormat.Qemu;

/// <summary>Text helpers for the byte strings of the stream (id strings, block names), which QEMU treats as bytes.</summary>
internal static class QemuText
{
    /// <summary>Decodes UTF-8, replacing invalid sequences with U+FFFD.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Decodes UTF-8 strictly, as Python's <c>bytes.decode('utf-8')</c> does.</summary>
    public static bool TryDecodeStrict(ReadOnlySpan<byte> bytes, out string text)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            text = string.Empty;
            return false;
        }

        text = Encoding.UTF8.GetString(bytes);
        return true;
    }

    /// <summary>Encodes a counted string's text, checking that it fits the one length byte.</summary>
    public static byte[] EncodeCounted(string text, string paramName)
    {
        ArgumentNullException.ThrowIfNull(text, paramName);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > byte.MaxValue)
        {
            throw new ArgumentException($"A counted string holds at most 255 bytes; '{text}' has {bytes.Length}.", paramName);
        }

        return bytes;
    }
}
