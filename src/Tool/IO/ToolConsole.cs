using System;
using System.IO;
using System.Text;

namespace MigrationFormat.Tool.IO;

/// <summary>
/// The tool's standard streams: binary standard input, text output and errors, binary standard output (for a
/// stream written to <c>-</c>, and for JSON written straight as UTF-8), and whether errors go to a terminal.
/// </summary>
internal sealed class ToolConsole
{
    private readonly Func<Stream> _openOutput;

    /// <summary>Creates a console.</summary>
    /// <param name="input">Standard input, read as bytes.</param>
    /// <param name="output">Text output.</param>
    /// <param name="error">Errors and reports.</param>
    /// <param name="openOutput">Gives the byte stream under <paramref name="output"/>; text written before is flushed first.</param>
    /// <param name="errorIsTerminal">Whether <paramref name="error"/> is a terminal (progress is shown only then).</param>
    public ToolConsole(Stream input, TextWriter output, TextWriter error, Func<Stream> openOutput, bool errorIsTerminal)
    {
        Input = input;
        Out = output;
        Error = error;
        _openOutput = openOutput;
        ErrorIsTerminal = errorIsTerminal;
    }

    public Stream Input { get; }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool ErrorIsTerminal { get; }

    /// <summary>Gets or sets the resource budget every verb holds its inputs to (<c>--max-memory</c>).</summary>
    public ResourceBudget Budget { get; set; }

    /// <summary>Creates a console over writers only: standard input is empty, bytes written out go through <paramref name="output"/> as UTF-8.</summary>
    /// <param name="output">Text output.</param>
    /// <param name="error">Errors.</param>
    /// <param name="input">Standard input, or <see langword="null"/> for none.</param>
    /// <returns>The console.</returns>
    public static ToolConsole OverWriters(TextWriter output, TextWriter error, Stream? input = null) =>
        new(input ?? Stream.Null, output, error, () => new TextWriterStream(output), errorIsTerminal: false);

    /// <summary>Gives standard output as bytes, after flushing the text written so far; not to be disposed by the caller.</summary>
    /// <returns>The stream.</returns>
    public Stream OpenOutput()
    {
        Out.Flush();
        return _openOutput();
    }

    /// <summary>A write-only stream that decodes UTF-8 into a <see cref="TextWriter"/>.</summary>
    private sealed class TextWriterStream : Stream
    {
        private readonly TextWriter _writer;
        private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
        private char[] _chars = new char[4096];

        public TextWriterStream(TextWriter writer) => _writer = writer;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => _writer.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int needed = _decoder.GetCharCount(buffer, flush: false);
            if (_chars.Length < needed)
            {
                _chars = new char[needed];
            }

            int written = _decoder.GetChars(buffer, _chars, flush: false);
            _writer.Write(_chars, 0, written);
        }
    }
}
