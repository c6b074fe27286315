using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace MigrationFormat.Qemu;

/// <summary>
/// Prints a QEMU stream as the JSON documents of QEMU 7.2's <c>scripts/analyze-migration.py</c>: <c>--dump state</c> (every
/// section decoded through the stream's VM description, and the RAM block list) and <c>--dump desc</c> (the VM description
/// re-printed), byte for byte: same keys, order, value formatting, 4-space indentation, ASCII escaping, final newline.
/// </summary>
/// <remarks>
/// The state document needs the VM description, which comes last in the stream: device payloads are kept until it is known
/// (as the analyzer does), while RAM pages pass through.
/// </remarks>
public static class AnalyzerJsonWriter
{
    private static readonly string[] HexByte = BuildHexTable();

    /// <summary>Writes the <c>--dump state</c> document of a stream.</summary>
    /// <param name="migrationStream">The QEMU stream, positioned at its magic.</param>
    /// <param name="output">The destination of the UTF-8 JSON.</param>
    /// <param name="options">Reader limits and choices.</param>
    /// <exception cref="MigrationFormatException">The stream is malformed, has no VM description, or the description does not cover a section.</exception>
    public static void WriteState(Stream migrationStream, IBufferWriter<byte> output, QemuStreamReaderOptions options = default) =>
        WriteState(migrationStream, output, options, typed: false);

    /// <summary>
    /// Writes the <c>--dump state</c> document with the fields the VM description leaves opaque (a virtio device's
    /// <c>virtio</c>, slirp's <c>data</c>) named through their typed models: such a field's hex string becomes an object of
    /// the model's fields, printed as the analyzer prints described ones; everything else is the analyzer's document.
    /// </summary>
    /// <param name="migrationStream">The QEMU stream, positioned at its magic.</param>
    /// <param name="output">The destination of the UTF-8 JSON.</param>
    /// <param name="options">Reader limits and choices.</param>
    /// <exception cref="MigrationFormatException">The stream is malformed, has no VM description, or the description does not cover a section.</exception>
    public static void WriteTypedState(Stream migrationStream, IBufferWriter<byte> output, QemuStreamReaderOptions options = default) =>
        WriteState(migrationStream, output, options, typed: true);

    private static void WriteState(Stream migrationStream, IBufferWriter<byte> output, QemuStreamReaderOptions options, bool typed)
    {
        ArgumentNullException.ThrowIfNull(migrationStream);
        ArgumentNullException.ThrowIfNull(output);
        var sections = new List<SectionEntry>();
        var byId = new Dictionary<uint, int>();
        VmDescription? description;
        using (var reader = new QemuStreamReader(migrationStream, options, leaveOpen: true))
        {
            while (reader.Read() is { } record)
            {
                switch (record)
                {
                    case QemuSectionRecord { HasFullHeader: true } section:
                        reader.ChargeHeld(section);
                        var entry = new SectionEntry(section);
                        if (entry.Kind == EntryKind.Ram && section.VersionId != 4)
                        {
                            throw new MigrationFormatException(
                                MigrationErrorKind.UnsupportedVersion,
                                $"Unknown RAM version {section.VersionId}: expected 4.",
                                section.Offset,
                                null,
                                section.IdStr,
                                (int)Math.Min(section.VersionId, int.MaxValue),
                                4);
                        }

                        if (byId.TryGetValue(section.SectionId, out int position))
                        {
                            sections[position] = entry;
                        }
                        else
                        {
                            byId.Add(section.SectionId, sections.Count);
                            sections.Add(entry);
                        }

                        break;
                    case QemuRamRecord { RecordType: QemuRamRecordType.BlockList } ram:
                        if (byId.TryGetValue(ram.SectionId, out int ramPosition))
                        {
                            foreach (QemuRamBlock block in ram.Blocks)
                            {
                                sections[ramPosition].AddRamBlock(block, ram.Offset);
                            }
                        }

                        break;
                    default:
                        break;
                }
            }

            description = reader.Description;
        }

        if (description is null)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.InvalidEncoding,
                "The stream has no VM description trailer (0x06), which the analyzer's state dump needs to decode device sections.",
                -1);
        }

        var json = new PythonJsonWriter(output);
        json.StartObject();
        foreach (SectionEntry entry in sections)
        {
            json.PropertyName(entry.Key);
            entry.WriteValue(json, description, typed, options.Budget);
        }

        json.EndObject();
        json.Finish();
    }

    /// <summary>Writes the <c>--dump state</c> document of a stream to a stream.</summary>
    /// <param name="migrationStream">The QEMU stream, positioned at its magic.</param>
    /// <param name="output">The destination of the UTF-8 JSON.</param>
    /// <param name="options">Reader limits and choices.</param>
    public static void WriteState(Stream migrationStream, Stream output, QemuStreamReaderOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var buffer = new ArrayBufferWriter<byte>();
        WriteState(migrationStream, buffer, options);
        output.Write(buffer.WrittenSpan);
    }

    /// <summary>Writes the <c>--dump desc</c> document of a stream: its VM description, re-printed.</summary>
    /// <param name="migrationStream">The QEMU stream, positioned at its magic.</param>
    /// <param name="output">The destination of the UTF-8 JSON.</param>
    /// <param name="options">Reader limits and choices.</param>
    /// <exception cref="MigrationFormatException">The stream is malformed or has no VM description.</exception>
    public static void WriteDescription(Stream migrationStream, IBufferWriter<byte> output, QemuStreamReaderOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(migrationStream);
        ArgumentNullException.ThrowIfNull(output);
        VmDescription? description;
        using (var reader = new QemuStreamReader(migrationStream, options, leaveOpen: true))
        {
            reader.Read();
            while (reader.Description is null && reader.Read() is not null)
            {
            }

            description = reader.Description;
        }

        if (description is null)
        {
            throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "The stream has no VM description trailer (0x06).", -1);
        }

        WriteDescription(description, output);
    }

    /// <summary>Writes a VM description as <c>--dump desc</c> prints it (a repeated key keeps its first position and its last value, as a Python dict
    /// does).</summary>
    /// <param name="description">The description.</param>
    /// <param name="output">The destination of the UTF-8 JSON.</param>
    public static void WriteDescription(VmDescription description, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(output);
        var json = new PythonJsonWriter(output);
        WriteTree(json, description.Tree);
        json.Finish();
    }

    /// <summary>Formats an integer as the analyzer does: <c>0x</c> and 2 × size lowercase hex digits, and for a negative signed value a space and the decimal
    /// value in parentheses.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text, e.g. <c>0x000c</c> or <c>0xffffffff (-1)</c>.</returns>
    public static string FormatInteger(VmStateInteger value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string hex = "0x" + value.RawValue.ToString("x" + (value.Size * 2).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return value.IsNegative ? hex + " (" + value.SignedValue.ToString(CultureInfo.InvariantCulture) + ")" : hex;
    }

    private static void WriteTree(PythonJsonWriter json, JsonTree node)
    {
        switch (node.Kind)
        {
            case JsonTreeKind.Object:
                var order = new List<string>();
                var values = new Dictionary<string, JsonTree>();
                foreach (KeyValuePair<string, JsonTree> member in node.Members!)
                {
                    if (!values.ContainsKey(member.Key))
                    {
                        order.Add(member.Key);
                    }

                    values[member.Key] = member.Value;
                }

                json.StartObject();
                foreach (string key in order)
                {
                    json.PropertyName(key);
                    WriteTree(json, values[key]);
                }

                json.EndObject();
                break;
            case JsonTreeKind.Array:
                json.StartArray();
                foreach (JsonTree item in node.Items!)
                {
                    WriteTree(json, item);
                }

                json.EndArray();
                break;
            case JsonTreeKind.String:
                json.StringValue(node.Text!);
                break;
            case JsonTreeKind.Number:
                json.NumberValue(node.Text!);
                break;
            case JsonTreeKind.True:
                json.BooleanValue(true);
                break;
            case JsonTreeKind.False:
                json.BooleanValue(false);
                break;
            default:
                json.NullValue();
                break;
        }
    }

    private static void WriteValue(PythonJsonWriter json, VmStateValue value)
    {
        switch (value)
        {
            case VmStateInteger integer:
                json.AsciiStringValue(FormatInteger(integer));
                break;
            case VmStateBoolean boolean:
                json.BooleanValue(boolean.Value);
                break;
            case VmStateBytes bytes:
                json.HexBytesValue(bytes.Bytes.Span);
                break;
            case VmStateStruct structure:
                json.StartObject();
                foreach (VmStateMember member in structure.Members)
                {
                    json.PropertyName(member.Name);
                    WriteValue(json, member.Value);
                }

                json.EndObject();
                break;
            case VmStateArray array:
                json.StartArray();
                foreach (VmStateValue element in array.Elements)
                {
                    WriteValue(json, element);
                }

                json.EndArray();
                break;
            case VmStateNullPointer { TypeName: "nullptr" }:
                // QEMU 9.1 and later: the analyzer of that version prints the word.
                json.AsciiStringValue("nullptr");
                break;
            default:
                json.AsciiStringValue(HexByte[QemuStreamFormat.NullPointerMarker]);
                break;
        }
    }

    private static string[] BuildHexTable()
    {
        var table = new string[256];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = i.ToString("x2", CultureInfo.InvariantCulture);
        }

        return table;
    }

    private enum EntryKind
    {
        Ram,
        Htab,
        Device,
        Iterative,
    }

    private sealed class SectionEntry
    {
        private readonly QemuSectionRecord _section;
        private readonly List<string> _blockOrder = [];
        private readonly Dictionary<string, ulong> _blockSizes = [];

        public SectionEntry(QemuSectionRecord section)
        {
            _section = section;
            if (!QemuText.TryDecodeStrict(section.IdStrBytes.Span, out string name))
            {
                throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "The section id string is not valid UTF-8.", section.Offset + 5);
            }

            Key = name + " (" + section.SectionId.ToString(CultureInfo.InvariantCulture) + ")";
            Kind = section.Body == QemuSectionBody.Ram ? EntryKind.Ram
                : name == "spapr/htab" && section.InstanceId == 0 ? EntryKind.Htab
                : section.Kind == QemuRecordKind.SectionFull ? EntryKind.Device
                : EntryKind.Iterative;
        }

        public string Key { get; }

        public EntryKind Kind { get; }

        public void AddRamBlock(QemuRamBlock block, long offset)
        {
            if (!QemuText.TryDecodeStrict(block.NameBytes.Span, out string name))
            {
                throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "A RAM block name is not valid UTF-8.", offset);
            }

            if (!_blockSizes.ContainsKey(name))
            {
                _blockOrder.Add(name);
            }

            _blockSizes[name] = block.UsedLength;
        }

        public void WriteValue(PythonJsonWriter json, VmDescription description, bool typed, ResourceBudget budget)
        {
            switch (Kind)
            {
                case EntryKind.Ram:
                    json.StartObject();
                    json.PropertyName("section sizes");
                    json.StartObject();
                    foreach (string name in _blockOrder)
                    {
                        json.PropertyName(name);
                        json.AsciiStringValue("0x" + _blockSizes[name].ToString("x16", CultureInfo.InvariantCulture));
                    }

                    json.EndObject();
                    json.EndObject();
                    break;
                case EntryKind.Htab:
                    json.StringValue(string.Empty);
                    break;
                default:
                    VmDeviceDescription device = description.FindDevice(_section.IdStr, _section.InstanceId)
                        ?? throw new MigrationFormatException(
                            MigrationErrorKind.UnknownDevice,
                            $"The VM description has no entry for section {_section.SectionId} '{_section.IdStr}' instance {_section.InstanceId}.",
                            _section.Offset,
                            null,
                            _section.IdStr,
                            (int)Math.Min(_section.VersionId, int.MaxValue),
                            null);
                    if (Kind == EntryKind.Iterative)
                    {
                        throw new MigrationFormatException(
                            MigrationErrorKind.UnexpectedValue,
                            "The analyzer decodes only the 'ram' and 'spapr/htab' iterative sections.",
                            _section.Offset,
                            null,
                            _section.IdStr,
                            null,
                            null);
                    }

                    if (!VmStateDecoder.TryDecode(
                        device,
                        _section.Payload,
                        _section.Offset + _section.HeaderLength,
                        budget,
                        out VmStateStruct? state,
                        out MigrationFormatException? error))
                    {
                        throw error.WithDevice(_section.IdStr, (int)Math.Min(_section.VersionId, int.MaxValue), null);
                    }

                    if (typed)
                    {
                        Devices.QemuFieldModels.ExpandTyped(state, device, _section.VersionId);
                    }

                    AnalyzerJsonWriter.WriteValue(json, state);
                    break;
            }
        }
    }
}
