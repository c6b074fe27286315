using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace MigrationFormat.Qemu;

/// <summary>
/// Prints a QEMU stream as an indented, human-readable tree: the header, the configuration, each section (type, id, id
/// string, instance, version, sizes) with its device fields decoded through the VM description, RAM records summed per
/// section, the trailer, and a closing summary (RAM blocks and page counts, device state bytes, vmdesc size).
/// </summary>
public static class QemuStreamDumper
{
    private const string Indent = "    ";

    /// <summary>Dumps a stream.</summary>
    /// <param name="migrationStream">The QEMU stream, positioned at its magic. A seekable stream lets fields print in place; otherwise they print after the
    /// trailer.</param>
    /// <param name="output">The destination.</param>
    /// <param name="options">Choices, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="MigrationFormatException">The stream is malformed; what was printed before stays printed.</exception>
    public static void Dump(Stream migrationStream, TextWriter output, QemuDumpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(migrationStream);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new QemuDumpOptions();
        var state = new DumpState(output, options);
        using var reader = new QemuStreamReader(migrationStream, options.ReaderOptions, leaveOpen: true);
        while (reader.Read() is { } record)
        {
            state.Add(record, reader);
        }

        state.Finish(reader);
    }

    /// <summary>Dumps a stream to a string.</summary>
    /// <param name="migrationStream">The QEMU stream, positioned at its magic.</param>
    /// <param name="options">Choices, or <see langword="null"/> for the defaults.</param>
    /// <returns>The text.</returns>
    public static string DumpToString(Stream migrationStream, QemuDumpOptions? options = null)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Dump(migrationStream, writer, options);
        return writer.ToString();
    }

    private sealed class DumpState(TextWriter output, QemuDumpOptions options)
    {
        private readonly List<QemuSectionRecord> _deferred = [];
        private readonly RamCounts _ramCounts = new();
        private long _headerBytes;
        private long _configurationBytes;
        private int _deviceSections;
        private long _devicePayloadBytes;
        private long _deviceWireBytes;
        private long _otherSectionBytes;
        private long _commandBytes;
        private long _eofBytes;
        private long _descriptionBytes;
        private long _totalBytes;
        private bool _lastWasDevice;

        public void Add(QemuRecord record, QemuStreamReader reader)
        {
            _totalBytes += record.Length;
            switch (record)
            {
                case QemuFileHeaderRecord header:
                    _headerBytes = header.Length;
                    output.WriteLine($"QEMU savevm stream: magic 0x{QemuStreamFormat.Magic:x8} (QEVM), version {header.Version}");
                    break;
                case QemuConfigurationRecord configuration:
                    _configurationBytes = configuration.Length;
                    Line(record, $"CONFIGURATION machine \"{configuration.MachineType}\" ({configuration.Length} bytes)");
                    if (configuration.TargetPageBits is { } bits)
                    {
                        output.WriteLine($"{Pad}{Indent}target page bits: {bits}");
                    }

                    if (configuration.Capabilities.Count > 0)
                    {
                        output.WriteLine($"{Pad}{Indent}capabilities: {string.Join(", ", configuration.Capabilities)}");
                    }

                    if (configuration.Uuid is { } uuid)
                    {
                        output.WriteLine($"{Pad}{Indent}uuid: {Convert.ToHexStringLower(uuid.Span)}");
                    }

                    break;
                case QemuSectionRecord section:
                    AddSection(section, reader);
                    break;
                case QemuRamRecord ram:
                    AddRam(ram);
                    break;
                case QemuSectionFooterRecord footer:
                    if (_lastWasDevice)
                    {
                        _deviceWireBytes += footer.Length;
                    }
                    else if (_ramCounts.Active)
                    {
                        _ramCounts.Bytes += footer.Length;
                    }
                    else
                    {
                        _otherSectionBytes += footer.Length;
                    }

                    FlushRam();
                    Line(record, $"FOOTER section {footer.SectionId}");
                    break;
                case QemuCommandRecord command:
                    FlushRam();
                    _commandBytes += command.Length;
                    Line(
                        record,
                        $"COMMAND {command.Command} ({command.Data.Length} data "
                            + $"bytes{(command.PackagedData.IsEmpty ? string.Empty : $", {command.PackagedData.Length} packaged bytes")})");
                    break;
                case QemuEndOfFileRecord:
                    FlushRam();
                    _eofBytes = record.Length;
                    Line(record, "EOF");
                    break;
                case QemuVmDescriptionRecord description:
                    _descriptionBytes = description.Length;
                    Line(
                        record,
                        $"VMDESCRIPTION {description.Json.Length} bytes of JSON: {description.Description?.Devices.Count ?? 0} devices, page size "
                            + $"{description.Description?.PageSize ?? 0}");
                    break;
                default:
                    break;
            }
        }

        public void Finish(QemuStreamReader reader)
        {
            FlushRam();
            if (_deferred.Count > 0 && reader.Description is { } description)
            {
                output.WriteLine();
                output.WriteLine("Device fields (decoded with the trailing VM description):");
                foreach (QemuSectionRecord section in _deferred)
                {
                    output.WriteLine($"{Indent}section {section.SectionId} \"{section.IdStr}\" instance {section.InstanceId}");
                    WriteFields(section, description, Indent + Indent);
                }
            }
            else if (_deferred.Count > 0 && options.DescribeUndescribedSection is { } describe)
            {
                output.WriteLine();
                output.WriteLine("Device fields (no VM description: decoded by the code of the device each section names):");
                foreach (QemuSectionRecord section in _deferred)
                {
                    output.WriteLine($"{Indent}section {section.SectionId} \"{section.IdStr}\" instance {section.InstanceId} version {section.VersionId}");
                    WriteLines(describe(section) ?? "(no VM description, and no device code knows this section)", Indent + Indent);
                }
            }

            QemuRamSummary ram = reader.RamSummary;
            output.WriteLine();
            output.WriteLine("Summary:");
            output.WriteLine($"{Indent}header {_headerBytes} bytes, configuration {_configurationBytes} bytes, EOF {_eofBytes} byte(s)");
            output.WriteLine($"{Indent}RAM: {ram.Blocks.Count} blocks, {ram.DeclaredTotal} bytes (0x{ram.DeclaredTotal:x}) declared, page size {ram.PageSize}; "
                + $"{ram.Records} records, {ram.WireBytes} bytes on the wire");
            output.WriteLine($"{Indent}{Indent}pages: {ram.ZeroPages} zero, {ram.NormalPages} whole ({ram.DataBytes} data bytes), {ram.CompressedPages} "
                + $"compressed, {ram.XbzrlePages} xbzrle, {ram.HookRecords} hooks");
            if (ram.Blocks.Count > 0)
            {
                int width = 8;
                foreach (QemuRamBlockSummary block in ram.Blocks)
                {
                    width = Math.Max(width, block.Name.Length);
                }

                output.WriteLine($"{Indent}{Indent}{"block".PadRight(width)}  used length         zero pages  whole pages");
                foreach (QemuRamBlockSummary block in ram.Blocks)
                {
                    string used = block.UsedLength is { } length ? "0x" + length.ToString("x16", CultureInfo.InvariantCulture) : "(not listed)".PadRight(18);
                    output.WriteLine($"{Indent}{Indent}{block.Name.PadRight(width)}  {used}  {block.ZeroPages,10}  {block.NormalPages,11}");
                }
            }

            output.WriteLine($"{Indent}device sections: {_deviceSections}, {_devicePayloadBytes} payload bytes, {_deviceWireBytes} bytes on the wire");
            if (_otherSectionBytes > 0 || _commandBytes > 0)
            {
                output.WriteLine($"{Indent}other iterative sections: {_otherSectionBytes} bytes; commands: {_commandBytes} bytes");
            }

            output.WriteLine($"{Indent}vmdesc: {_descriptionBytes} bytes");
            output.WriteLine($"{Indent}total: {_totalBytes} bytes");
        }

        private static string Pad => "            ";

        private void AddSection(QemuSectionRecord section, QemuStreamReader reader)
        {
            FlushRam();
            _lastWasDevice = section.Kind == QemuRecordKind.SectionFull;
            string type = QemuStreamFormat.GetRecordTypeName(section.Kind switch
            {
                QemuRecordKind.SectionStart => QemuStreamFormat.SectionStart,
                QemuRecordKind.SectionPart => QemuStreamFormat.SectionPart,
                QemuRecordKind.SectionEnd => QemuStreamFormat.SectionEnd,
                _ => QemuStreamFormat.SectionFull,
            });
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"{type} section {section.SectionId} \"{section.IdStr}\"");
            if (section.HasFullHeader)
            {
                text.Append(CultureInfo.InvariantCulture, $" instance {section.InstanceId} version {section.VersionId}");
            }

            if (section.Body == QemuSectionBody.Ram)
            {
                _ramCounts.Start(section.Length);
                Line(section, text.ToString());
                return;
            }

            text.Append(CultureInfo.InvariantCulture, $", payload {section.Payload.Length} bytes ({section.Length} with the header)");
            Line(section, text.ToString());
            if (section.Kind != QemuRecordKind.SectionFull)
            {
                _otherSectionBytes += section.Length;
                return;
            }

            _deviceSections++;
            _devicePayloadBytes += section.Payload.Length;
            _deviceWireBytes += section.Length;
            if (!options.ShowFields)
            {
                return;
            }

            if (reader.Description is { } description)
            {
                WriteFields(section, description, Pad + Indent);
            }
            else
            {
                reader.ChargeHeld(section);
                _deferred.Add(section);
            }
        }

        private void AddRam(QemuRamRecord ram)
        {
            _ramCounts.Bytes += ram.Length;
            _ramCounts.Records++;
            switch (ram.RecordType)
            {
                case QemuRamRecordType.BlockList:
                    output.WriteLine($"{Pad}{Indent}RAM block list: {ram.Blocks.Count} blocks, total 0x{ram.Address:x16} ({ram.Address} bytes)");
                    int width = 8;
                    foreach (QemuRamBlock block in ram.Blocks)
                    {
                        width = Math.Max(width, block.Name.Length);
                    }

                    foreach (QemuRamBlock block in ram.Blocks)
                    {
                        output.WriteLine($"{Pad}{Indent}{Indent}{block.Name.PadRight(width)}  0x{block.UsedLength:x16}");
                    }

                    break;
                case QemuRamRecordType.ZeroPage:
                    _ramCounts.Zero++;
                    break;
                case QemuRamRecordType.Page:
                    _ramCounts.Whole++;
                    break;
                case QemuRamRecordType.CompressedPage:
                case QemuRamRecordType.XbzrlePage:
                    _ramCounts.Other++;
                    break;
                default:
                    break;
            }
        }

        private void FlushRam()
        {
            if (!_ramCounts.Active)
            {
                return;
            }

            output.WriteLine($"{Pad}{Indent}RAM records: {_ramCounts.Records} ({_ramCounts.Zero} zero pages, {_ramCounts.Whole} whole pages, "
                + $"{_ramCounts.Other} compressed or xbzrle), {_ramCounts.Bytes} bytes");
            _ramCounts.Active = false;
        }

        private void WriteFields(QemuSectionRecord section, VmDescription description, string indent)
        {
            VmDeviceDescription? device = description.FindDevice(section.IdStr, section.InstanceId);
            if (device is null)
            {
                output.WriteLine($"{indent}(no entry in the VM description)");
                return;
            }

            if (!VmStateDecoder.TryDecode(
                device,
                section.Payload,
                section.Offset + section.HeaderLength,
                options.ReaderOptions.Budget,
                out VmStateStruct? state,
                out MigrationFormatException? error))
            {
                output.WriteLine($"{indent}(cannot decode: {error.Message})");
                return;
            }

            // What the description leaves opaque (a virtio device's state, slirp's) is named through its typed model.
            Devices.QemuFieldModels.ExpandTyped(state, device, section.VersionId);
            WriteMembers(state, indent);
        }

        private void WriteLines(string text, string indent)
        {
            foreach (string line in text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'))
            {
                output.WriteLine(indent + line);
            }
        }

        private void WriteMembers(VmStateStruct structure, string indent)
        {
            foreach (VmStateMember member in structure.Members)
            {
                WriteMember(member.Name, member.Value, indent);
            }
        }

        private void WriteMember(string name, VmStateValue value, string indent)
        {
            switch (value)
            {
                case VmStateStruct nested:
                    string label = nested.IsSubsection ? $"subsection version {nested.StreamVersion}" : nested.VmsdName ?? "struct";
                    output.WriteLine($"{indent}{name}: {label} ({nested.Length} bytes)");
                    WriteMembers(nested, indent + Indent);
                    break;
                case VmStateArray array:
                    WriteArray(name, array, indent);
                    break;
                case VmStateBytes bytes
                    when QemuChunkedBlob.IsChunkedType(bytes.TypeName) && QemuChunkedBlob.TryRead(bytes.Bytes.Span, out QemuChunkedBlob? blob):
                    WriteChunkedBlob(name, bytes.TypeName, blob!, indent);
                    break;
                default:
                    output.WriteLine($"{indent}{name}: {value.TypeName} = {Format(value)}");
                    break;
            }
        }

        private void WriteChunkedBlob(string name, string typeName, QemuChunkedBlob blob, string indent)
        {
            int largest = 0;
            foreach (int length in blob.ChunkLengths)
            {
                largest = Math.Max(largest, length);
            }

            output.WriteLine(
                $"{indent}{name}: {typeName} = chunked blob, {blob.Contents.Length} bytes in {blob.ChunkLengths.Count} chunks (largest {largest}), "
                + "ended by a zero length");
            if (options.DescribeChunkedBlob?.Invoke(blob.Contents) is { } description)
            {
                foreach (string line in description.Split('\n'))
                {
                    if (line.Length > 0)
                    {
                        output.WriteLine(indent + Indent + line.TrimEnd('\r'));
                    }
                }
            }
        }

        private void WriteArray(string name, VmStateArray array, string indent)
        {
            if (array.Elements.Count > 0 && array.Elements[0] is VmStateInteger { Size: 1 } && AllBytes(array, out byte[] bytes))
            {
                output.WriteLine($"{indent}{name}: {array.TypeName}[{array.Elements.Count}] = {FormatBytes(bytes)}");
                return;
            }

            output.WriteLine($"{indent}{name}: {array.TypeName}[{array.Elements.Count}]");
            int shown = Math.Min(array.Elements.Count, Math.Max(0, options.MaxArrayElements));
            for (int i = 0; i < shown; i++)
            {
                WriteMember("[" + i.ToString(CultureInfo.InvariantCulture) + "]", array.Elements[i], indent + Indent);
            }

            if (shown < array.Elements.Count)
            {
                output.WriteLine($"{indent}{Indent}... {array.Elements.Count - shown} more");
            }
        }

        private static bool AllBytes(VmStateArray array, out byte[] bytes)
        {
            bytes = new byte[array.Elements.Count];
            for (int i = 0; i < bytes.Length; i++)
            {
                if (array.Elements[i] is not VmStateInteger { Size: 1 } element)
                {
                    return false;
                }

                bytes[i] = (byte)element.RawValue;
            }

            return true;
        }

        private string Format(VmStateValue value) => value switch
        {
            VmStateInteger integer => integer.IsNegative || integer.RawValue < 10
                ? AnalyzerJsonWriter.FormatInteger(integer)
                : AnalyzerJsonWriter.FormatInteger(integer) + " (" + integer.UnsignedValue.ToString(CultureInfo.InvariantCulture) + ")",
            VmStateBoolean boolean => boolean.Value ? "true" : "false",
            VmStateBytes bytes => FormatTyped(bytes),
            VmStateNullPointer => "NULL (marker 0x30)",
            _ => string.Empty,
        };

        private string FormatTyped(VmStateBytes value)
        {
            ReadOnlySpan<byte> bytes = value.Bytes.Span;
            if (bytes.Length == 8 && value.TypeName == "timer")
            {
                ulong expiry = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
                return expiry == ulong.MaxValue ? "not pending" : $"expires at {expiry} ns";
            }

            if (bytes.Length == 8 && value.TypeName is "float64" or "CPU_Double_U")
            {
                double number = BitConverter.Int64BitsToDouble(System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes));
                return number.ToString("R", CultureInfo.InvariantCulture);
            }

            return FormatBytes(bytes);
        }

        private string FormatBytes(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length == 0)
            {
                return "(empty)";
            }

            if (!bytes.ContainsAnyExcept((byte)0))
            {
                return $"{bytes.Length} zero bytes";
            }

            int shown = Math.Min(bytes.Length, Math.Max(1, options.MaxBytesShown));
            var text = new StringBuilder(shown * 3 + 32);
            for (int i = 0; i < shown; i++)
            {
                if (i > 0)
                {
                    text.Append(' ');
                }

                text.Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
            }

            if (shown < bytes.Length)
            {
                text.Append(CultureInfo.InvariantCulture, $" ... ({bytes.Length} bytes)");
            }

            return text.ToString();
        }

        private void Line(QemuRecord record, string text) =>
            output.WriteLine($"0x{record.Offset:x8}  {text}");

        private sealed class RamCounts
        {
            public bool Active { get; set; }

            public long Records { get; set; }

            public long Zero { get; set; }

            public long Whole { get; set; }

            public long Other { get; set; }

            public long Bytes { get; set; }

            public void Start(long headerBytes)
            {
                Active = true;
                Records = Zero = Whole = Other = 0;
                Bytes = headerBytes;
            }
        }
    }
}
