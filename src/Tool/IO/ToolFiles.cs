using System;
using System.IO;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool.IO;

/// <summary>What the first bytes of an input say it is.</summary>
internal enum InputFormat
{
    /// <summary>A BER migration stream (<c>7F CD 46 80</c>).</summary>
    Migration,

    /// <summary>A QEMU savevm stream (<c>QEVM</c>).</summary>
    Qemu,

    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>Opens the tool's inputs (a path, or <c>-</c> for standard input) and writes its outputs (a path, or <c>-</c>).</summary>
internal static class ToolFiles
{
    /// <summary>The name that stands for standard input or output.</summary>
    public const string Standard = "-";

    /// <summary>Opens an input for one forward pass.</summary>
    /// <param name="console">The console.</param>
    /// <param name="path">A path, or <c>-</c>.</param>
    /// <param name="verb">The verb, for the progress line.</param>
    /// <param name="showProgress">Whether this input draws the progress line (one input per verb does).</param>
    /// <returns>The input.</returns>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static InputStream Open(ToolConsole console, string path, string verb, bool showProgress = true)
    {
        bool terminal = console.ErrorIsTerminal && showProgress;
        if (path == Standard)
        {
            var progress = new ProgressBar(console.Error, terminal, null, verb + " standard input");
            return new InputStream(console.Input, ownsInner: false, "standard input", progress);
        }

        FileStream file = File.OpenRead(path);
        long? length = file.CanSeek ? file.Length : null;
        return new InputStream(file, ownsInner: true, path, new ProgressBar(console.Error, terminal, length, verb + " " + path));
    }

    /// <summary>Reads a whole input (a document, a small stream) into memory.</summary>
    /// <param name="console">The console.</param>
    /// <param name="path">A path, or <c>-</c>.</param>
    /// <returns>The bytes.</returns>
    public static byte[] ReadAll(ToolConsole console, string path)
    {
        using InputStream input = Open(console, path, "read");
        return input.ReadToEnd();
    }

    /// <summary>Tells the formats apart by the first four bytes.</summary>
    /// <param name="input">The input, not yet read.</param>
    /// <returns>The format.</returns>
    public static InputFormat Detect(InputStream input)
    {
        ReadOnlySpan<byte> prefix = input.Peek(4);
        if (prefix.Length == 4 && MigrationStreamFormat.IsMigrationStream(prefix))
        {
            return InputFormat.Migration;
        }

        return prefix.Length == 4 && MigrationFormat.Qemu.QemuStreamFormat.IsQemuStream(prefix) ? InputFormat.Qemu : InputFormat.Other;
    }

    /// <summary>Says what an input begins with, for messages: its first bytes in hex and as text.</summary>
    /// <param name="input">The input, not yet read.</param>
    /// <returns>E.g. <c>bytes 68 65 6c 6c ("hell")</c>, or <c>an empty input</c>.</returns>
    public static string DescribeStart(InputStream input)
    {
        ReadOnlySpan<byte> prefix = input.Peek(8);
        if (prefix.IsEmpty)
        {
            return "an empty input";
        }

        var hex = new System.Text.StringBuilder();
        var text = new System.Text.StringBuilder();
        foreach (byte b in prefix)
        {
            hex.Append(hex.Length == 0 ? string.Empty : " ").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        }

        return $"bytes {hex} (\"{text}\")";
    }

    /// <summary>The error for an input that is neither kind of stream.</summary>
    /// <param name="input">The input, not yet read.</param>
    /// <param name="verb">The verb.</param>
    /// <returns>The exception to throw.</returns>
    public static MigrationFormatException NotAStream(InputStream input, string verb) =>
        new(
            MigrationErrorKind.UnexpectedValue,
            $"{verb}: expected a BER migration stream (7F CD 46 80) or a QEMU savevm stream (51 45 56 4D, \"QEVM\"); "
            + $"found {DescribeStart(input)} in {input.Name}.",
            0);

    /// <summary>
    /// Writes an output: to standard output for <c>-</c>, else to a temporary file beside the path that replaces it
    /// only when <paramref name="write"/> succeeds, so that a failure never leaves a partial file.
    /// </summary>
    /// <param name="console">The console.</param>
    /// <param name="path">A path, or <c>-</c>.</param>
    /// <param name="write">Writes the bytes.</param>
    public static void Write(ToolConsole console, string path, Action<Stream> write)
    {
        if (path == Standard)
        {
            Stream output = console.OpenOutput();
            write(output);
            output.Flush();
            return;
        }

        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full) ?? ".", "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (FileStream file = File.Create(temporary))
            {
                write(file);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
