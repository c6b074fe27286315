using System;
using MigrationFormat.Ber;

namespace MigrationFormat.Session;

/// <summary>
/// Reads the contents of one message held whole in memory, one element at a time, with errors that name the message,
/// the element expected and the stream offset. Elements a later protocol version appends at the end of a structure
/// are passed over, as the stream header's are.
/// </summary>
internal ref struct MessageParser
{
    private readonly long _base;
    private readonly string _message;
    private readonly ReadOnlySpan<byte> _element;
    private BerReader _reader;
    private bool _peeked;

    /// <summary>Starts on a message: reads its outer tag.</summary>
    /// <param name="element">The whole message.</param>
    /// <param name="baseOffset">Its offset in the stream.</param>
    /// <param name="message">Its name for errors, e.g. "the offer".</param>
    public MessageParser(ReadOnlySpan<byte> element, long baseOffset, string message)
    {
        _base = baseOffset;
        _message = message;
        _element = element;
        _reader = new BerReader(element);
        _peeked = false;
        Next();
        if (_reader.TokenType != BerTokenType.StartConstructed)
        {
            throw Unexpected("a constructed message");
        }

        _peeked = false;
    }

    /// <summary>Gets the message's tag.</summary>
    public readonly BerTag MessageTag => _reader.Tag;

    /// <summary>Gets a value indicating whether another element follows at the current level.</summary>
    public bool HasMore()
    {
        Peek();
        return _reader.TokenType != BerTokenType.EndConstructed;
    }

    /// <summary>Gets the tag of the next element without reading it.</summary>
    public BerTag PeekTag()
    {
        Peek();
        return _reader.TokenType == BerTokenType.EndConstructed ? default : _reader.Tag;
    }

    public long ReadInteger(string what, long min, long max)
    {
        Expect(BerTokenType.Primitive, BerTag.Integer, what);
        long value;
        try
        {
            value = _reader.GetInt64();
        }
        catch (MigrationFormatException exception)
        {
            throw exception.WithBaseOffset(_base);
        }

        if (value < min || value > max)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"In {_message}: {what} must be between {min} and {max}; it is {value}.",
                _base + _reader.TokenStartOffset);
        }

        return value;
    }

    public bool ReadBoolean(string what)
    {
        Expect(BerTokenType.Primitive, BerTag.Boolean, what);
        try
        {
            return _reader.GetBoolean();
        }
        catch (MigrationFormatException exception)
        {
            throw exception.WithBaseOffset(_base);
        }
    }

    public string ReadString(string what) => ReadString(what, BerTag.Utf8String);

    public string ReadString(string what, BerTag tag)
    {
        Expect(BerTokenType.Primitive, tag, what);
        ReadOnlySpan<byte> content = _reader.ValueSpan;
        if (!System.Text.Unicode.Utf8.IsValid(content))
        {
            throw new MigrationFormatException(
                MigrationErrorKind.InvalidEncoding,
                $"In {_message}: {what} is not valid UTF-8.",
                _base + _reader.TokenStartOffset);
        }

        return System.Text.Encoding.UTF8.GetString(content);
    }

    /// <summary>Reads a primitive's contents as a view of the message.</summary>
    public ReadOnlySpan<byte> ReadPrimitive(string what, BerTag tag)
    {
        Expect(BerTokenType.Primitive, tag, what);
        return _reader.ValueSpan;
    }

    public void Enter(string what) => Enter(what, BerTag.Sequence);

    public void Enter(string what, BerTag tag) => Expect(BerTokenType.StartConstructed, tag, what);

    /// <summary>Ends the current structure: passes over elements a later version appends, then its end.</summary>
    public void Exit(string what)
    {
        while (HasMore())
        {
            Skip();
        }

        _peeked = false;
    }

    /// <summary>Ends the message: its structure, and nothing after it.</summary>
    public void End()
    {
        Exit("the end of " + _message);
        bool more;
        try
        {
            more = _reader.Read();
        }
        catch (MigrationFormatException exception)
        {
            throw exception.WithBaseOffset(_base);
        }

        if (more)
        {
            throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, $"Bytes follow the end of {_message}.", _base + _reader.TokenStartOffset);
        }
    }

    /// <summary>Reads the next element, constructed with <paramref name="tag"/>, and gives its whole encoding.</summary>
    /// <param name="what">What it is, for errors.</param>
    /// <param name="tag">Its tag.</param>
    /// <param name="offset">Where it starts in the stream.</param>
    public ReadOnlySpan<byte> ReadEncoded(string what, BerTag tag, out long offset)
    {
        Expect(BerTokenType.StartConstructed, tag, what);
        int start = (int)_reader.TokenStartOffset;
        offset = _base + start;
        try
        {
            _reader.TrySkip();
        }
        catch (MigrationFormatException exception)
        {
            throw exception.WithBaseOffset(_base);
        }

        return _element.Slice(start, (int)_reader.Position - start);
    }

    /// <summary>Passes over the next element, whatever it is.</summary>
    public void Skip()
    {
        Peek();
        _peeked = false;
        if (_reader.TokenType == BerTokenType.StartConstructed)
        {
            try
            {
                _reader.TrySkip();
            }
            catch (MigrationFormatException exception)
            {
                throw exception.WithBaseOffset(_base);
            }
        }
    }

    /// <summary>An error about the element just read or peeked.</summary>
    public readonly MigrationFormatException Unexpected(string expected)
    {
        string found = _reader.TokenType switch
        {
            BerTokenType.EndConstructed => "its end",
            BerTokenType.None => "nothing",
            _ => _reader.Tag.ToString(),
        };
        return new MigrationFormatException(
            MigrationErrorKind.UnexpectedValue,
            $"In {_message}: expected {expected}; found {found}.",
            _base + _reader.TokenStartOffset);
    }

    private void Expect(BerTokenType type, BerTag tag, string what)
    {
        Peek();
        if (_reader.TokenType != type || _reader.Tag != tag)
        {
            throw Unexpected($"{what} {tag}");
        }

        _peeked = false;
    }

    private void Peek()
    {
        if (!_peeked)
        {
            Next();
            _peeked = true;
        }
    }

    private void Next()
    {
        bool read;
        try
        {
            read = _reader.Read();
        }
        catch (MigrationFormatException exception)
        {
            throw exception.WithBaseOffset(_base);
        }

        if (!read)
        {
            throw new MigrationFormatException(MigrationErrorKind.Truncated, $"{_message} ends early.", _base + _reader.Position);
        }
    }
}
