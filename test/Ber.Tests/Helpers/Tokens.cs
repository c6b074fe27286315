using System.Buffers;

namespace MigrationFormat.Ber.Tests.Helpers;

/// <summary>One token as a <see cref="BerReader"/> reports it; contents as hex; the end of a constructed value carries no tag.</summary>
internal readonly record struct Token(BerTokenType Type, BerTag Tag, long Length, long Offset, string Contents)
{
    public override string ToString() => Type switch
    {
        BerTokenType.EndConstructed => $"@{Offset} end",
        BerTokenType.StartConstructed => $"@{Offset} start {Tag} len {Length}",
        _ => $"@{Offset} {Tag} len {Length} {Contents}",
    };
}

/// <summary>Reads every token of an input, whole or in pieces.</summary>
internal static class Tokens
{
    public static List<Token> Read(ReadOnlySpan<byte> data, BerReaderOptions options = default)
    {
        var reader = new BerReader(data, options);
        var tokens = new List<Token>();
        while (reader.Read())
        {
            tokens.Add(Capture(ref reader));
        }

        return tokens;
    }

    public static List<Token> Read(ReadOnlySequence<byte> data, BerReaderOptions options = default)
    {
        var reader = new BerReader(data, options);
        var tokens = new List<Token>();
        while (reader.Read())
        {
            tokens.Add(Capture(ref reader));
        }

        return tokens;
    }

    /// <summary>
    /// Feeds the pieces one at a time by the resume protocol: a reader over the unread bytes plus the next piece,
    /// <c>isFinalBlock: false</c>, carrying <see cref="BerReader.CurrentState"/> and keeping the bytes from
    /// <see cref="BerReader.BytesConsumed"/> on; then a final, empty piece.
    /// </summary>
    public static List<Token> ReadInPieces(IReadOnlyList<byte[]> pieces, bool asSequences = false, BerReaderOptions options = default)
    {
        var tokens = new List<Token>();
        var state = new BerReaderState(options);
        byte[] pending = [];
        for (int i = 0; i <= pieces.Count; i++)
        {
            bool final = i == pieces.Count;
            byte[] piece = final ? [] : pieces[i];
            long consumed;
            if (asSequences)
            {
                // The unread bytes and the new piece as two segments, the way a pipe would hand them out.
                var reader = new BerReader(Sequences.FromPieces([pending, piece]), final, state);
                while (reader.Read())
                {
                    tokens.Add(Capture(ref reader));
                }

                state = reader.CurrentState;
                consumed = reader.BytesConsumed;
            }
            else
            {
                byte[] buffer = [.. pending, .. piece];
                var reader = new BerReader(buffer, final, state);
                while (reader.Read())
                {
                    tokens.Add(Capture(ref reader));
                }

                state = reader.CurrentState;
                consumed = reader.BytesConsumed;
            }

            pending = [.. pending, .. piece];
            pending = pending[(int)consumed..];
        }

        return tokens;
    }

    private static Token Capture(ref BerReader reader)
    {
        return reader.TokenType switch
        {
            BerTokenType.Primitive => new Token(
                reader.TokenType,
                reader.Tag,
                reader.Length,
                reader.TokenStartOffset,
                reader.HasValueSequence ? Hex.Of(reader.ValueSequence.ToArray()) : Hex.Of(reader.ValueSpan)),
            BerTokenType.StartConstructed => new Token(reader.TokenType, reader.Tag, reader.Length, reader.TokenStartOffset, ""),
            _ => new Token(reader.TokenType, default, 0, reader.TokenStartOffset, ""),
        };
    }
}

/// <summary>Reads an input to its end without keeping anything, for the robustness properties.</summary>
internal static class Walk
{
    public static int Span(ReadOnlySpan<byte> data, bool readValues = false)
    {
        var reader = new BerReader(data);
        int count = 0;
        while (reader.Read())
        {
            count++;
            if (readValues && reader.TokenType == BerTokenType.Primitive)
            {
                ReadTypedValue(ref reader);
            }
        }

        return count;
    }

    /// <summary>Calls the typed getter a decoder would call for the value's universal type; they throw only <see cref="MigrationFormatException"/> for bad
    /// contents.</summary>
    private static void ReadTypedValue(ref BerReader reader)
    {
        if (reader.Tag.TagClass != BerTagClass.Universal)
        {
            return;
        }

        switch (reader.Tag.TagNumber)
        {
            case 1:
                reader.GetBoolean();
                break;
            case 2:
                if (reader.Length == 9)
                {
                    reader.GetUInt64();
                }
                else
                {
                    reader.GetInt64();
                }

                break;
            case 12:
                reader.GetUtf8String();
                break;
        }
    }
}
