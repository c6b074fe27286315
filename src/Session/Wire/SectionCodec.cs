using System;
using System.Buffers.Binary;
using System.Text;
using CommunityToolkit.HighPerformance.Buffers;
using MigrationFormat.Ber;
using MigrationFormat.Visitors;

namespace MigrationFormat.Session;

/// <summary>Where the parts of a section lie within it (docs/wire-format.md, <c>Section</c>).</summary>
internal readonly record struct SectionLayout(
    int IdStart,
    int IdLength,
    uint InstanceId,
    int Version,
    int StateStart,
    int StateLength,
    int ChecksumStart,
    uint Checksum);

/// <summary>
/// Writes a device section with definite lengths (the state is saved into a pooled buffer first, so the section's
/// length is known before it is sent) and reads one held whole in memory. The encoding is the stream format's:
/// a reader of plain streams reads these sections as it reads its own.
/// </summary>
internal sealed class SectionCodec : IDisposable
{
    private const int ChecksumLength = 6;

    private readonly ArrayPoolBufferWriter<byte> _state = new(4096);

    /// <summary>Saves <paramref name="device"/> as <paramref name="version"/> and writes its section.</summary>
    /// <returns>The section's length in bytes.</returns>
    public long Write(MessageWriter output, IDeviceState device, uint instanceId, int version, bool checksum)
    {
        _state.Clear();
        (device as IStateHooks)?.PreSave();
        var visitor = new BerOutputVisitor(_state, version);
        try
        {
            visitor.Writer.PushConstructed(MigrationStreamFormat.StateTag, indefiniteLength: true);
            device.Visit(ref visitor);
            visitor.Writer.PopConstructed();
        }
        finally
        {
            visitor.Dispose();
        }

        ReadOnlySpan<byte> state = _state.WrittenSpan;
        Span<byte> prefix = stackalloc byte[3 + 255 + (2 * (2 + BerEncoder.MaxIntegerContentLength))];
        int idLength = Encoding.UTF8.GetBytes(device.Type.Id, prefix.Slice(2));
        prefix[0] = 0x0C;
        prefix[1] = (byte)idLength;
        int at = 2 + idLength;
        at += WriteInteger(prefix.Slice(at), instanceId);
        at += WriteInteger(prefix.Slice(at), (uint)version);
        prefix = prefix.Slice(0, at);

        long contentLength = prefix.Length + state.Length + (checksum ? ChecksumLength : 0);
        Span<byte> header = stackalloc byte[1 + BerEncoder.MaxLengthLength];
        header[0] = 0x61;
        header = header.Slice(0, 1 + BerEncoder.WriteLength(header.Slice(1), contentLength));

        output.Write(header);
        output.Write(prefix);
        output.Write(state);
        if (checksum)
        {
            uint crc = Crc32C.Append(Crc32C.Append(Crc32C.Append(Crc32C.Initial, header), prefix), state);
            Span<byte> trailer = [0x45, 0x04, 0, 0, 0, 0];
            BinaryPrimitives.WriteUInt32BigEndian(trailer.Slice(2), Crc32C.Finish(crc));
            output.Write(trailer);
        }

        return header.Length + contentLength;
    }

    /// <summary>Locates the parts of a section held whole in <paramref name="section"/>.</summary>
    /// <exception cref="MigrationFormatException">The section is malformed.</exception>
    public static SectionLayout Read(ReadOnlySpan<byte> section, long offset)
    {
        try
        {
            var reader = new BerReader(section);
            Require(reader.Read() && reader.TokenType == BerTokenType.StartConstructed && reader.Tag == MigrationStreamFormat.SectionTag, "a section", ref reader);
            Require(reader.Read() && reader.TokenType == BerTokenType.Primitive && reader.Tag == BerTag.Utf8String, "the section's device id", ref reader);
            int idStart = (int)(reader.Position - reader.Length);
            int idLength = (int)reader.Length;
            if (idLength is 0 or > 255 || !System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
            {
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, "A section's device id is 1 to 255 bytes of UTF-8.", reader.TokenStartOffset);
            }

            long instance = ReadInteger(ref reader, "the section's instance id", uint.MaxValue);
            long version = ReadInteger(ref reader, "the section's version", int.MaxValue);
            if (version < 1)
            {
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, "A section's version is at least 1.", reader.TokenStartOffset);
            }

            Require(reader.Read() && reader.TokenType == BerTokenType.StartConstructed && reader.Tag == MigrationStreamFormat.StateTag, "the device state", ref reader);
            int stateStart = (int)reader.TokenStartOffset;
            reader.TrySkip();
            int stateLength = (int)reader.Position - stateStart;

            int checksumStart = -1;
            uint checksum = 0;
            while (reader.Read() && reader.CurrentDepth > 0)
            {
                if (reader.TokenType == BerTokenType.Primitive && reader.Tag == MigrationStreamFormat.ChecksumTag && checksumStart < 0)
                {
                    if (reader.Length != 4)
                    {
                        throw new MigrationFormatException(MigrationErrorKind.IntegrityCheckFailed, "A section's checksum is 4 bytes.", reader.TokenStartOffset);
                    }

                    checksumStart = (int)reader.TokenStartOffset;
                    checksum = BinaryPrimitives.ReadUInt32BigEndian(reader.ValueSpan);
                }
                else if (reader.TokenType == BerTokenType.StartConstructed)
                {
                    reader.TrySkip();
                }
            }

            if (reader.Read())
            {
                throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "Bytes follow the section.", reader.TokenStartOffset);
            }

            return new SectionLayout(idStart, idLength, (uint)instance, (int)version, stateStart, stateLength, checksumStart, checksum);
        }
        catch (MigrationFormatException exception)
        {
            throw exception.WithBaseOffset(offset);
        }
    }

    public void Dispose() => _state.Dispose();

    private static int WriteInteger(Span<byte> span, uint value)
    {
        int length = BerEncoder.WriteIntegerContent(span.Slice(2), (long)value);
        span[0] = 0x02;
        span[1] = (byte)length;
        return 2 + length;
    }

    private static long ReadInteger(ref BerReader reader, string what, long max)
    {
        Require(reader.Read() && reader.TokenType == BerTokenType.Primitive && reader.Tag == BerTag.Integer, what, ref reader);
        long value = reader.GetInt64();
        if (value < 0 || value > max)
        {
            throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Expected {what} between 0 and {max}; found {value}.", reader.TokenStartOffset);
        }

        return value;
    }

    private static void Require(bool condition, string what, ref BerReader reader)
    {
        if (!condition)
        {
            throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"Expected {what}; found {(reader.TokenType == BerTokenType.EndConstructed ? "an end" : reader.Tag.ToString())}.", reader.TokenStartOffset);
        }
    }
}
