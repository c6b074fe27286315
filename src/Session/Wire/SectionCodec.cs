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
    uint Checksum)
{
    /// <summary>Gets where the section's configuration starts (docs/catalog.md §3), or -1 when it carries none.</summary>
    public int ConfigurationStart { get; init; } = -1;

    /// <summary>Gets the length of the section's configuration, 0 when it carries none.</summary>
    public int ConfigurationLength { get; init; }

    /// <summary>
    /// Checks the configuration the section carries, if any, against <paramref name="device"/>'s before it loads anything.
    /// </summary>
    /// <exception cref="MigrationFormatException">The configuration is malformed or forbids the load.</exception>
    public void CheckConfiguration(ReadOnlySpan<byte> section, IDeviceState device, string deviceId, long offset)
    {
        if (ConfigurationStart < 0)
        {
            return;
        }

        ConfigurationRecord record;
        try
        {
            record = ConfigurationRecord.Decode(section.Slice(ConfigurationStart, ConfigurationLength));
        }
        catch (MigrationFormatException exception)
        {
            throw exception.WithBaseOffset(offset + ConfigurationStart);
        }

        device.Configuration.Check(record).ThrowIfIncompatible(offset + ConfigurationStart, deviceId, Version, device.Version);
    }
}

/// <summary>
/// Writes a device section with definite lengths (the state is saved into a pooled buffer first, so the section's
/// length is known before it is sent) and reads one held whole in memory. The encoding is the stream format's:
/// a reader of plain streams reads these sections as it reads its own.
/// </summary>
internal sealed class SectionCodec : IDisposable
{
    private const int ChecksumLength = 6;

    private readonly ArrayPoolBufferWriter<byte> _state = new(4096);
    private BerReaderState _readState;

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
    /// <remarks>
    /// The reader's state is kept from one section to the next, as <c>BerInputSource</c> keeps it between loads, so that
    /// its stack of open values is allocated once rather than per section; positions are taken relative to where the
    /// kept state starts.
    /// </remarks>
    /// <exception cref="MigrationFormatException">The section is malformed.</exception>
    public SectionLayout Read(ReadOnlySpan<byte> section, long offset)
    {
        long origin = _readState.BytesConsumedTotal;
        try
        {
            var reader = new BerReader(section, isFinalBlock: true, _readState);
            Require(
                reader.Read() && reader.TokenType == BerTokenType.StartConstructed && reader.Tag == MigrationStreamFormat.SectionTag,
                "a section",
                ref reader);
            Require(reader.Read() && reader.TokenType == BerTokenType.Primitive && reader.Tag == BerTag.Utf8String, "the section's device id", ref reader);
            int idStart = (int)(reader.Position - origin - reader.Length);
            int idLength = (int)reader.Length;
            if (idLength is 0 or > 255 || !System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    "A section's device id is 1 to 255 bytes of UTF-8.",
                    reader.TokenStartOffset);
            }

            long instance = ReadInteger(ref reader, "the section's instance id", uint.MaxValue);
            long version = ReadInteger(ref reader, "the section's version", int.MaxValue);
            if (version < 1)
            {
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, "A section's version is at least 1.", reader.TokenStartOffset);
            }

            // A section may carry its device's configuration before the state (docs/catalog.md §3).
            bool more = reader.Read();
            int configurationStart = -1;
            int configurationLength = 0;
            if (more && reader.TokenType == BerTokenType.StartConstructed && reader.Tag == MigrationStreamFormat.ConfigurationTag)
            {
                configurationStart = (int)(reader.TokenStartOffset - origin);
                reader.TrySkip();
                configurationLength = (int)(reader.Position - origin) - configurationStart;
                more = reader.Read();
            }

            Require(
                more && reader.TokenType == BerTokenType.StartConstructed && reader.Tag == MigrationStreamFormat.StateTag,
                "the device state or its configuration",
                ref reader);
            int stateStart = (int)(reader.TokenStartOffset - origin);
            reader.TrySkip();
            int stateLength = (int)(reader.Position - origin) - stateStart;

            int checksumStart = -1;
            uint checksum = 0;
            while (reader.Read() && reader.CurrentDepth > 0)
            {
                if (reader.TokenType == BerTokenType.Primitive && reader.Tag == MigrationStreamFormat.ChecksumTag && checksumStart < 0)
                {
                    if (reader.Length != 4)
                    {
                        throw new MigrationFormatException(
                            MigrationErrorKind.IntegrityCheckFailed,
                            "A section's checksum is 4 bytes.",
                            reader.TokenStartOffset);
                    }

                    checksumStart = (int)(reader.TokenStartOffset - origin);
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

            _readState = reader.CurrentState;
            return new SectionLayout(idStart, idLength, (uint)instance, (int)version, stateStart, stateLength, checksumStart, checksum)
            {
                ConfigurationStart = configurationStart,
                ConfigurationLength = configurationLength,
            };
        }
        catch (MigrationFormatException exception)
        {
            _readState = default;
            throw exception.WithBaseOffset(offset - origin);
        }
    }

    /// <summary>
    /// Checks a section's checksum: present and equal to the CRC-32C of the section's bytes before it when checksums are
    /// in force, absent when they are not (so that a changed capability cannot switch checking off).
    /// </summary>
    /// <exception cref="MigrationFormatException">The checksum is missing, unexpected or wrong.</exception>
    public static void VerifyChecksum(ReadOnlySpan<byte> section, SectionLayout layout, bool checksums, long offset)
    {
        if (!checksums)
        {
            if (layout.ChecksumStart >= 0)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.IntegrityCheckFailed,
                    "The section carries a checksum, but checksums are not in force.",
                    offset + layout.ChecksumStart);
            }

            return;
        }

        if (layout.ChecksumStart < 0)
        {
            throw new MigrationFormatException(MigrationErrorKind.IntegrityCheckFailed, "The section has no checksum, and checksums are in force.", offset);
        }

        uint computed = Crc32C.Compute(section.Slice(0, layout.ChecksumStart));
        if (computed != layout.Checksum)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.IntegrityCheckFailed,
                $"The CRC-32C of the section is {computed:X8}; the stream says {layout.Checksum:X8}: the bytes were changed.",
                offset + layout.ChecksumStart);
        }
    }

    /// <summary>
    /// Reads a trailer held whole in <paramref name="trailer"/> and checks its stream checksum against
    /// <paramref name="checksumState"/>, the running CRC-32C state of every byte before the trailer.
    /// </summary>
    /// <returns>The section count the trailer gives.</returns>
    /// <exception cref="MigrationFormatException">The trailer is malformed, or its checksum is missing, unexpected or wrong.</exception>
    public static long ReadTrailer(ReadOnlySpan<byte> trailer, long offset, uint checksumState, bool checksums)
    {
        long count;
        int checksumStart = -1;
        uint checksum = 0;
        try
        {
            var reader = new BerReader(trailer);
            Require(
                reader.Read() && reader.TokenType == BerTokenType.StartConstructed && reader.Tag == MigrationStreamFormat.TrailerTag,
                "the trailer",
                ref reader);
            count = ReadInteger(ref reader, "the section count", int.MaxValue);
            while (reader.Read() && reader.CurrentDepth > 0)
            {
                if (reader.TokenType == BerTokenType.Primitive && reader.Tag == MigrationStreamFormat.ChecksumTag && reader.Length == 4 && checksumStart < 0)
                {
                    checksumStart = (int)reader.TokenStartOffset;
                    checksum = BinaryPrimitives.ReadUInt32BigEndian(reader.ValueSpan);
                }
                else if (reader.TokenType == BerTokenType.StartConstructed)
                {
                    reader.TrySkip();
                }
            }
        }
        catch (MigrationFormatException exception)
        {
            throw exception.WithBaseOffset(offset);
        }

        if (checksums != checksumStart >= 0)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.IntegrityCheckFailed,
                checksums ? "The trailer has no checksum, and checksums are in force." : "The trailer carries a checksum, but checksums are not in force.",
                offset);
        }

        if (checksums)
        {
            uint computed = Crc32C.Finish(Crc32C.Append(checksumState, trailer.Slice(0, checksumStart)));
            if (computed != checksum)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.IntegrityCheckFailed,
                    $"The CRC-32C of the stream is {computed:X8}; the trailer says {checksum:X8}: the bytes were changed.",
                    offset + checksumStart);
            }
        }

        return count;
    }

    /// <summary>
    /// Writes the opening of the sections' value, <c>[APPLICATION 6]</c> with indefinite length (format version 2): every
    /// section, and in a session every message of the forward stream, goes inside it.
    /// </summary>
    public static void WriteSectionsOpening(MessageWriter output) => output.Write([0x66, 0x80]);

    /// <summary>
    /// Writes the end of the sections' value, the trailer (the section count and, with checksums, the CRC-32C of every
    /// byte before it) and the stream's end.
    /// </summary>
    public static void WriteTrailer(MessageWriter output, int sections, bool checksums)
    {
        output.Write([0, 0]);
        Span<byte> trailer = stackalloc byte[2 + 2 + BerEncoder.MaxIntegerContentLength];
        int count = WriteInteger(trailer.Slice(2), (uint)sections);
        trailer[0] = 0x64;
        trailer[1] = (byte)(count + (checksums ? ChecksumLength : 0));
        output.Write(trailer.Slice(0, 2 + count));
        if (checksums)
        {
            Span<byte> checksum = [0x45, 0x04, 0, 0, 0, 0];
            BinaryPrimitives.WriteUInt32BigEndian(checksum.Slice(2), Crc32C.Finish(output.ChecksumState));
            output.Write(checksum);
        }

        // The end of the outer value: the stream is complete.
        output.Write([0, 0]);
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
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"Expected {what} between 0 and {max}; found {value}.",
                reader.TokenStartOffset);
        }

        return value;
    }

    private static void Require(bool condition, string what, ref BerReader reader)
    {
        if (!condition)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"Expected {what}; found {(reader.TokenType == BerTokenType.EndConstructed ? "an end" : reader.Tag.ToString())}.",
                reader.TokenStartOffset);
        }
    }
}
