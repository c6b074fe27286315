using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;

namespace MigrationFormat.Qemu;

/// <summary>
/// Writes a QEMU savevm stream record by record, to an <see cref="IBufferWriter{T}"/> or a <see cref="Stream"/>. Writing back
/// every record <see cref="QemuStreamReader"/> read gives the original bytes.
/// </summary>
/// <remarks>
/// The writer encodes what it is given and checks only what an encoding needs (a counted string fits its length byte, a
/// command's data fits its be16 length). The order of records is the caller's business.
/// </remarks>
public sealed class QemuStreamWriter : IDisposable
{
    private const int FlushThreshold = 64 * 1024;
    private readonly IBufferWriter<byte> _output;
    private readonly ArrayBufferWriter<byte>? _buffer;
    private readonly Stream? _stream;
    private readonly bool _leaveOpen;
    private bool _disposed;

    /// <summary>Creates a writer over a buffer writer (a <c>PipeWriter</c> is one).</summary>
    /// <param name="output">The destination.</param>
    public QemuStreamWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Creates a writer over a stream. Bytes are buffered and written in chunks; call <see cref="Flush"/> or <see cref="Dispose"/>.</summary>
    /// <param name="stream">The destination.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave <paramref name="stream"/> open on <see cref="Dispose"/>.</param>
    public QemuStreamWriter(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream must be writable.", nameof(stream));
        }

        _stream = stream;
        _leaveOpen = leaveOpen;
        _buffer = new ArrayBufferWriter<byte>(FlushThreshold * 2);
        _output = _buffer;
    }

    /// <summary>Gets the number of bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Writes any record, exactly as it was read or built.</summary>
    /// <param name="record">The record.</param>
    public void Write(QemuRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        switch (record)
        {
            case QemuFileHeaderRecord header:
                WriteHeader(header.Version);
                break;
            case QemuConfigurationRecord configuration:
                WriteConfiguration(configuration);
                break;
            case QemuSectionRecord section:
                WriteSection(section);
                break;
            case QemuSectionFooterRecord footer:
                WriteFooter(footer.SectionId);
                break;
            case QemuRamRecord ram:
                WriteRamRecord(ram);
                break;
            case QemuCommandRecord command:
                WriteCommand(command);
                break;
            case QemuEndOfFileRecord:
                WriteEndOfFile();
                break;
            case QemuVmDescriptionRecord description:
                WriteVmDescription(description.Json.Span);
                break;
            default:
                throw new ArgumentException($"Unknown record type {record.GetType().Name}.", nameof(record));
        }
    }

    /// <summary>Writes the file header: magic <c>QEVM</c> and the version.</summary>
    /// <param name="version">The stream version (3).</param>
    public void WriteHeader(uint version = QemuStreamFormat.Version)
    {
        PutUInt32(QemuStreamFormat.Magic);
        PutUInt32(version);
        Commit();
    }

    /// <summary>Writes a configuration record with the machine type only (no subsections).</summary>
    /// <param name="machineType">The machine type, e.g. <c>pc-i440fx-7.2</c>.</param>
    public void WriteConfiguration(string machineType) => WriteConfiguration(new QemuConfigurationRecord(machineType));

    /// <summary>Writes a configuration record.</summary>
    /// <param name="configuration">The record.</param>
    public void WriteConfiguration(QemuConfigurationRecord configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        PutByte(QemuStreamFormat.Configuration);
        PutUInt32((uint)configuration.MachineTypeArray.Length);
        PutBytes(configuration.MachineTypeArray);
        foreach (string name in configuration.Subsections)
        {
            PutByte(QemuStreamFormat.Subsection);
            PutCounted(System.Text.Encoding.UTF8.GetBytes(name));
            PutUInt32(1);
            switch (name)
            {
                case QemuConfigurationRecord.TargetPageBitsSubsection:
                    PutUInt32(configuration.TargetPageBits ?? 0);
                    break;
                case QemuConfigurationRecord.UuidSubsection:
                    PutBytes(configuration.UuidArray ?? new byte[16]);
                    break;
                default:
                    PutUInt32((uint)configuration.CapabilityArrays.Length);
                    foreach (byte[] capability in configuration.CapabilityArrays)
                    {
                        PutCounted(capability);
                    }

                    break;
            }
        }

        Commit();
    }

    /// <summary>Writes a section record: its header and its payload (no footer; see <see cref="WriteFooter"/>).</summary>
    /// <param name="section">The record.</param>
    public void WriteSection(QemuSectionRecord section)
    {
        ArgumentNullException.ThrowIfNull(section);
        PutByte(section.Kind switch
        {
            QemuRecordKind.SectionStart => QemuStreamFormat.SectionStart,
            QemuRecordKind.SectionPart => QemuStreamFormat.SectionPart,
            QemuRecordKind.SectionEnd => QemuStreamFormat.SectionEnd,
            _ => QemuStreamFormat.SectionFull,
        });
        PutUInt32(section.SectionId);
        if (section.HasFullHeader)
        {
            PutCounted(section.IdStrArray);
            PutUInt32(section.InstanceId);
            PutUInt32(section.VersionId);
        }

        PutBytes(section.Payload.Span);
        Commit();
    }

    /// <summary>Writes a whole device section (<c>SECTION_FULL</c>) from its header fields and VMState payload.</summary>
    /// <param name="sectionId">The section id.</param>
    /// <param name="idStr">The id string (at most 255 UTF-8 bytes).</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="versionId">The section version.</param>
    /// <param name="payload">The VMState payload.</param>
    /// <param name="footer"><see langword="true"/> (QEMU's default) to write the footer <c>7E &lt;section id&gt;</c> after it.</param>
    public void WriteFullSection(uint sectionId, string idStr, uint instanceId, uint versionId, ReadOnlySpan<byte> payload, bool footer = true)
    {
        byte[] name = QemuText.EncodeCounted(idStr, nameof(idStr));
        PutByte(QemuStreamFormat.SectionFull);
        PutUInt32(sectionId);
        PutCounted(name);
        PutUInt32(instanceId);
        PutUInt32(versionId);
        PutBytes(payload);
        if (footer)
        {
            PutByte(QemuStreamFormat.SectionFooter);
            PutUInt32(sectionId);
        }

        Commit();
    }

    /// <summary>Writes the header of a <c>SECTION_START</c> record; the body follows (for <c>ram</c>, as RAM records).</summary>
    /// <param name="sectionId">The section id.</param>
    /// <param name="idStr">The id string (at most 255 UTF-8 bytes).</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="versionId">The section version.</param>
    public void WriteSectionStart(uint sectionId, string idStr, uint instanceId, uint versionId) =>
        WriteSection(QemuSectionRecord.CreateStart(sectionId, idStr, instanceId, versionId));

    /// <summary>Writes the header of a <c>SECTION_PART</c> or <c>SECTION_END</c> record; the body follows.</summary>
    /// <param name="end"><see langword="true"/> for <c>SECTION_END</c>.</param>
    /// <param name="sectionId">The section id.</param>
    public void WriteSectionPartOrEnd(bool end, uint sectionId) =>
        WriteSection(QemuSectionRecord.CreatePartOrEnd(end, sectionId));

    /// <summary>Writes a section footer.</summary>
    /// <param name="sectionId">The id of the section it closes.</param>
    public void WriteFooter(uint sectionId)
    {
        PutByte(QemuStreamFormat.SectionFooter);
        PutUInt32(sectionId);
        Commit();
    }

    /// <summary>Writes one RAM record.</summary>
    /// <param name="record">The record.</param>
    public void WriteRamRecord(QemuRamRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        PutUInt64(record.HeaderWord);
        if (record.BlockNameArray is { } name)
        {
            PutCounted(name);
        }

        switch (record.RecordType)
        {
            case QemuRamRecordType.BlockList:
                foreach (QemuRamBlock block in record.Blocks)
                {
                    PutCounted(block.NameArray);
                    PutUInt64(block.UsedLength);
                    if (block.PageSize is { } pageSize)
                    {
                        PutUInt64(pageSize);
                    }

                    if (block.GuestAddress is { } address)
                    {
                        PutUInt64(address);
                    }
                }

                break;
            case QemuRamRecordType.ZeroPage:
                PutByte(record.FillByte);
                break;
            case QemuRamRecordType.Page:
                PutBytes(record.Data.Span);
                break;
            case QemuRamRecordType.CompressedPage:
                PutUInt32((uint)record.Data.Length);
                PutBytes(record.Data.Span);
                break;
            case QemuRamRecordType.XbzrlePage:
                PutByte(record.XbzrleEncoding);
                PutUInt16((ushort)record.Data.Length);
                PutBytes(record.Data.Span);
                break;
            default:
                break;
        }

        Commit();
    }

    /// <summary>Writes a command record.</summary>
    /// <param name="command">The record.</param>
    public void WriteCommand(QemuCommandRecord command)
    {
        ArgumentNullException.ThrowIfNull(command);
        PutByte(QemuStreamFormat.Command);
        PutUInt16((ushort)command.Command);
        PutUInt16((ushort)command.Data.Length);
        PutBytes(command.Data.Span);
        PutBytes(command.PackagedData.Span);
        Commit();
    }

    /// <summary>Writes the EOF record (0x00).</summary>
    public void WriteEndOfFile()
    {
        PutByte(QemuStreamFormat.EndOfFile);
        Commit();
    }

    /// <summary>Writes the VM description trailer: 0x06, be32 length, the JSON bytes.</summary>
    /// <param name="json">The UTF-8 JSON text.</param>
    public void WriteVmDescription(ReadOnlySpan<byte> json)
    {
        PutByte(QemuStreamFormat.VmDescription);
        PutUInt32((uint)json.Length);
        PutBytes(json);
        Commit();
    }

    /// <summary>Writes buffered bytes to the stream (no effect over a buffer writer).</summary>
    public void Flush()
    {
        if (_stream is not null && _buffer is not null)
        {
            _stream.Write(_buffer.WrittenSpan);
            _buffer.Clear();
            _stream.Flush();
        }
    }

    /// <summary>Flushes, and closes the stream unless it was to be left open.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Flush();
        if (_stream is not null && !_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private void Commit()
    {
        if (_stream is not null && _buffer is not null && _buffer.WrittenCount >= FlushThreshold)
        {
            _stream.Write(_buffer.WrittenSpan);
            _buffer.Clear();
        }
    }

    private void PutByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
        BytesWritten++;
    }

    private void PutUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_output.GetSpan(2), value);
        _output.Advance(2);
        BytesWritten += 2;
    }

    private void PutUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_output.GetSpan(4), value);
        _output.Advance(4);
        BytesWritten += 4;
    }

    private void PutUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_output.GetSpan(8), value);
        _output.Advance(8);
        BytesWritten += 8;
    }

    private void PutCounted(byte[] bytes)
    {
        PutByte((byte)bytes.Length);
        PutBytes(bytes);
    }

    private void PutBytes(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        BytesWritten += bytes.Length;
    }
}
