using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace MigrationFormat.Tool;

/// <summary>
/// <c>--max-memory SIZE</c>: the fixed part of the resource budget every verb holds its inputs to (docs/security.md). The
/// budget is SIZE plus as many bytes again as the input; SIZE takes a K, M or G suffix (powers of 1024).
/// </summary>
internal static class MemoryOption
{
    /// <summary>Creates the option; it applies to every verb.</summary>
    /// <returns>The option.</returns>
    public static Option<ResourceBudget> Create() => new("--max-memory")
    {
        Description = "What an input may make migfmt hold beyond its own size (inflated schemas, expanded descriptions, values held for a "
            + "comparison), e.g. 64M or 1G. Default 8M, plus the input's size.",
        HelpName = "SIZE",
        Recursive = true,
        CustomParser = Parse,
    };

    private static ResourceBudget Parse(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (TryParseSize(text, out long bytes))
        {
            return new ResourceBudget { FixedBytes = bytes };
        }

        result.AddError($"--max-memory: expected a size such as 64M, 1G or 8388608 (at least 1 byte); found '{text}'.");
        return default;
    }

    /// <summary>Reads a size: a whole number of bytes, or with a K, M or G suffix.</summary>
    /// <param name="text">The text.</param>
    /// <param name="bytes">The size.</param>
    /// <returns>Whether the text is a size of at least one byte.</returns>
    internal static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        if (text.Length == 0)
        {
            return false;
        }

        long unit = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 1024L,
            'M' => 1024L * 1024,
            'G' => 1024L * 1024 * 1024,
            _ => 1,
        };
        string digits = unit == 1 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long count) || count < 1 || count > long.MaxValue / unit)
        {
            return false;
        }

        bytes = count * unit;
        return true;
    }
}
