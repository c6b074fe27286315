using System.Buffers.Binary;
using System.Buffers;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.IO;
using System.Text;
using System;
using MigrationFormat.Ber;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Qemu;

/// <summary>
/// Converts a real QEMU savevm stream into a BER migration stream and back, byte for byte. Each FULL device section the
/// stream's VM description describes becomes a BER section (id = QEMU idstr, instance id, version id) whose state holds
/// its fields named and typed from the description; everything else (file header, configuration, RAM, footers, EOF, any
/// section that cannot be typed) travels as <c>qemu:record</c> sections carrying the raw bytes as a blob, and the VM
/// description JSON as the first section, <c>qemu:vmdesc</c>.
/// </summary>
/// <remarks>See docs/legacy-format.md for the mapping.</remarks>
public static partial class QemuTranscoder
{
    /// <summary>The section id of raw QEMU records.</summary>
    public const string RecordSectionId = "qemu:record";

    /// <summary>The section id of the VM description JSON.</summary>
    public const string VmDescriptionSectionId = "qemu:vmdesc";

    /// <summary>The producer name written in the BER header.</summary>
    public const string Producer = "migfmt qemu-transcoder";

    /// <summary>The capability written in the BER header.</summary>
    public const string Capability = "qemu-savevm-transcode/1";

    private const int SegmentSize = 64 * 1024;

    /// <summary>What one schema field expanded from the VM description counts as against the budget: the object and its JSON.</summary>
    private const int SchemaFieldCost = 256;

    private static readonly BerTag SectionIdTag = new(BerTagClass.Private, 0);
    private static readonly Asn1Tag AsnHeaderTag = new(TagClass.Application, 0, isConstructed: true);
    private static readonly Asn1Tag AsnSectionTag = new(TagClass.Application, 1, isConstructed: true);
    private static readonly Asn1Tag AsnStateTag = new(TagClass.Application, 2, isConstructed: true);

    /// <summary>Converts a QEMU savevm stream into a BER migration stream.</summary>
    /// <param name="qemuStream">The QEMU stream (read to its end; copied to memory first when it cannot seek).</param>
    /// <param name="berOutput">Where the BER stream goes.</param>
    /// <param name="embedSchemas"><see langword="true"/> to embed the device schemas converted from the VM description.</param>
    /// <returns>Counts and sizes.</returns>
    /// <exception cref="MigrationFormatException">The QEMU stream is malformed.</exception>
    public static QemuTranscodeResult ToBer(Stream qemuStream, Stream berOutput, bool embedSchemas = true) =>
        ToBer(qemuStream, berOutput, embedSchemas, default);

    /// <summary>Converts a QEMU savevm stream into a BER migration stream, within a resource budget.</summary>
    /// <param name="qemuStream">The QEMU stream (read to its end; copied to memory first when it cannot seek).</param>
    /// <param name="berOutput">Where the BER stream goes.</param>
    /// <param name="embedSchemas"><see langword="true"/> to embed the device schemas converted from the VM description.</param>
    /// <param name="budget">
    /// Bounds the schema fields the VM description expands into (a device version whose shape does not fit travels as raw
    /// bytes) and the values each device section is decoded into, against the stream's length.
    /// </param>
    /// <returns>Counts and sizes.</returns>
    /// <exception cref="MigrationFormatException">The QEMU stream is malformed.</exception>
    public static QemuTranscodeResult ToBer(Stream qemuStream, Stream berOutput, bool embedSchemas, ResourceBudget budget)
    {
        ArgumentNullException.ThrowIfNull(qemuStream);
        ArgumentNullException.ThrowIfNull(berOutput);
        Stream input = qemuStream;
        MemoryStream? copy = null;
        if (!qemuStream.CanSeek)
        {
            copy = new MemoryStream();
            qemuStream.CopyTo(copy);
            copy.Position = 0;
            input = copy;
        }

        try
        {
            long start = input.Position;
            Dictionary<(string, uint), uint> headerVersions = [];
            using (var scan = new QemuStreamReader(input, new QemuStreamReaderOptions { Budget = budget }, leaveOpen: true))
            {
                // Old-style sections (slirp) have no version in the description: the section headers have it.
                if (scan.Read() is not null && scan.Description is { } described && HasOldStyleDevices(described))
                {
                    for (QemuRecord? record = scan.Read(); record is not null; record = scan.Read())
                    {
                        if (record is QemuSectionRecord { Kind: QemuRecordKind.SectionFull } full)
                        {
                            headerVersions.TryAdd((full.IdStr, full.InstanceId), full.VersionId);
                        }
                    }
                }
            }

            input.Position = start;
            using var reader = new QemuStreamReader(input, new QemuStreamReaderOptions { Budget = budget }, leaveOpen: true);
            var session = new ToBerSession(berOutput, budget);
            QemuRecord? first = reader.Read();
            VmDescription? description = reader.Description;
            Dictionary<string, QemuShape?> shapes = description is null
                ? []
                : BuildShapes(description, headerVersions, new ResourceMeter(budget), input.Length);
            session.WriteHeader();
            if (embedSchemas)
            {
                session.WriteSchemas(shapes);
            }

            session.OpenSections();

            if (description is not null)
            {
                session.WriteBlobSection(VmDescriptionSectionId, description.Json.Span);
            }

            for (QemuRecord? record = first; record is not null; record = reader.Read())
            {
                if (record is QemuVmDescriptionRecord vmdesc && description is not null && vmdesc.Json.Span.SequenceEqual(description.Json.Span))
                {
                    continue;
                }

                if (record is QemuSectionRecord { Kind: QemuRecordKind.SectionFull } section && description is not null
                    && session.TryWriteDevice(section, description, shapes))
                {
                    continue;
                }

                session.AppendOpaque(record);
            }

            return session.Complete();
        }
        finally
        {
            copy?.Dispose();
        }
    }

    /// <summary>
    /// Derives a BER shape for every device version of the description. A shape is charged to the budget by the schema
    /// fields it expands into (<see cref="SchemaFieldCost"/> bytes each) before anything is expanded; a shape that does not
    /// fit is dropped, and that device's sections travel as raw bytes, as an untypeable section does.
    /// </summary>
    private static Dictionary<string, QemuShape?> BuildShapes(
        VmDescription description, Dictionary<(string, uint), uint> headerVersions, ResourceMeter meter, long inputBytes)
    {
        var shapes = BuildShapes(description, headerVersions);
        foreach (KeyValuePair<string, QemuShape?> entry in shapes)
        {
            if (entry.Value is { } shape && !meter.TryCharge(Math.Min(shape.ExpandedFields, long.MaxValue / SchemaFieldCost) * SchemaFieldCost, inputBytes))
            {
                shapes[entry.Key] = null;
            }
        }

        return shapes;
    }

    /// <summary>
    /// The shape of every described device, keyed by id and BER version; instances whose descriptions differ make their key
    /// unusable (<see langword="null"/>). An old-style entry (no version in the description) takes its section's version.
    /// </summary>
    private static Dictionary<string, QemuShape?> BuildShapes(VmDescription description, Dictionary<(string, uint), uint> headerVersions)
    {
        var shapes = new Dictionary<string, QemuShape?>(StringComparer.Ordinal);
        foreach (VmDeviceDescription device in description.Devices)
        {
            uint qemuVersion;
            if (device.Version is int described)
            {
                if (described < 0)
                {
                    continue;
                }

                qemuVersion = (uint)described;
            }
            else if (!headerVersions.TryGetValue((device.Name, device.InstanceId), out qemuVersion) || qemuVersion == 0)
            {
                continue;
            }

            if (string.IsNullOrEmpty(device.Name))
            {
                continue;
            }

            string key = DeviceCatalog.SchemaKey(device.Name, QemuShape.BerVersion(qemuVersion));
            if (shapes.TryGetValue(key, out QemuShape? known))
            {
                if (known is not null && (known.QemuVersionZero != (qemuVersion == 0) || !known.TryMerge(device)))
                {
                    shapes[key] = null;
                }
            }
            else
            {
                shapes[key] = QemuShape.TryCreate(device, qemuVersion);
            }
        }

        return shapes;
    }

    private static bool HasOldStyleDevices(VmDescription description)
    {
        foreach (VmDeviceDescription device in description.Devices)
        {
            if (device.Version is null)
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] ReadBlob(AsnReader state)
    {
        AsnReader blob = state.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        using var bytes = new MemoryStream();
        while (blob.HasData)
        {
            bytes.Write(blob.ReadOctetString());
        }

        return bytes.ToArray();
    }

    /// <summary>
    /// Writes the legacy payload of a structure from its BER fields. Returns the first way the values do not fit the
    /// description (an error to throw, or a reason to keep a section as bytes), or <see langword="null"/>.
    /// </summary>
    private static MigrationFormatException? EncodeStruct(AsnReader reader, QemuShape shape, VmStateDescription description, IBufferWriter<byte> output)
    {
        for (int p = 0; p < shape.Fields.Count; p++)
        {
            QemuShapeField field = shape.Fields[p];
            VmFieldDescription fieldDescription = description.Fields[p];
            MigrationFormatException? mismatch = null;
            if (field.ArrayLength is int packedCount && field.PackedKind == FieldKind.FixedBytes)
            {
                byte[] bytes = reader.ReadOctetString(Context(p + 1));
                if (bytes.Length != packedCount * field.Size)
                {
                    return SizeMismatch(field, bytes.Length, packedCount * field.Size);
                }

                output.Write(bytes);
            }
            else if (field.ArrayLength is int integerCount && field.PackedKind is not null)
            {
                AsnReader integers = reader.ReadSequence(Context(p + 1));
                for (int i = 0; i < integerCount && mismatch is null; i++)
                {
                    mismatch = WriteInteger(integers.ReadIntegerBytes().Span, field, output);
                }

                integers.ThrowIfNotEmpty();
            }
            else if (field.ArrayLength is int count)
            {
                AsnReader array = reader.ReadSequence(Context(p + 1));
                for (int i = 0; i < count && mismatch is null; i++)
                {
                    mismatch = EncodeElement(array, field, fieldDescription, i, output);
                }

                array.ThrowIfNotEmpty();
            }
            else
            {
                mismatch = EncodeElement(reader, field, fieldDescription, p + 1, output);
            }

            if (mismatch is not null)
            {
                return mismatch;
            }
        }

        foreach (VmStateDescription subsection in description.Subsections)
        {
            if (!shape.TryGetSubsection(subsection.VmsdName!, out int tag, out QemuShape subShape))
            {
                return new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    $"Subsection '{subsection.VmsdName}' is not in the device's shape.",
                    -1);
            }

            AsnReader group = reader.ReadSequence(Context(tag));
            byte[] name = Encoding.UTF8.GetBytes(subsection.VmsdName!);
            Span<byte> head = output.GetSpan(2 + name.Length + 4);
            head[0] = QemuStreamFormat.Subsection;
            head[1] = (byte)name.Length;
            name.CopyTo(head.Slice(2));
            BinaryPrimitives.WriteUInt32BigEndian(head.Slice(2 + name.Length), (uint)(subsection.Version ?? 0));
            output.Advance(2 + name.Length + 4);
            if (EncodeStruct(group, subShape, subsection, output) is { } mismatch)
            {
                return mismatch;
            }

            group.ThrowIfNotEmpty();
        }

        return null;
    }

    private static MigrationFormatException? EncodeElement(
        AsnReader reader,
        QemuShapeField field,
        VmFieldDescription description,
        int tag,
        IBufferWriter<byte> output)
    {
        switch (field.Kind)
        {
            case FieldKind.Struct when field.Model is not null:
                return EncodeModel(reader.ReadSequence(Context(tag)), field, description, output);
            case FieldKind.Struct:
                AsnReader nested = reader.ReadSequence(Context(tag));
                if (EncodeStruct(nested, field.Struct!, description.Struct!, output) is { } mismatch)
                {
                    return mismatch;
                }

                nested.ThrowIfNotEmpty();
                return null;
            case FieldKind.Bool:
                output.Write([reader.ReadBoolean(Context(tag)) ? (byte)1 : (byte)0]);
                return null;
            case FieldKind.FixedBytes:
                byte[] bytes = reader.ReadOctetString(Context(tag));
                if (bytes.Length != field.Size)
                {
                    return SizeMismatch(field, bytes.Length, field.Size);
                }

                output.Write(bytes);
                return null;
            default:
                return WriteInteger(reader.ReadIntegerBytes(Context(tag)).Span, field, output);
        }
    }

    /// <summary>Loads a typed model's BER fields into the model and writes its legacy bytes, which must take the described size.</summary>
    private static MigrationFormatException? EncodeModel(AsnReader fields, QemuShapeField field, VmFieldDescription description, IBufferWriter<byte> output)
    {
        var state = new ArrayBufferWriter<byte>();
        state.Write<byte>([0x62, 0x80]); // [APPLICATION 2], the state value BerDeviceSerializer loads
        while (fields.HasData)
        {
            state.Write(fields.ReadEncodedValue().Span);
        }

        state.Write<byte>([0, 0]);
        IDeviceState model = field.Model!.Create(field.ModelVersion);
        try
        {
            new BerDeviceSerializer().Load(model, state.WrittenMemory, field.ModelVersion);
        }
        catch (MigrationFormatException ex)
        {
            return new MigrationFormatException(ex.Kind, $"The typed '{field.Name}' ({field.Model.Id}) does not load: {ex.Message}", -1, field.Name, ex);
        }

        byte[] legacy = LegacyDeviceSerializer.Save(model);
        if (legacy.Length != description.Size)
        {
            return SizeMismatch(field, legacy.Length, description.Size);
        }

        output.Write(legacy);
        return null;
    }

    private static MigrationFormatException? WriteInteger(ReadOnlySpan<byte> content, QemuShapeField field, IBufferWriter<byte> output)
    {
        Span<byte> target = output.GetSpan(field.Size).Slice(0, field.Size);
        byte fill = (content[0] & 0x80) != 0 ? (byte)0xFF : (byte)0;
        target.Fill(fill);
        int take = Math.Min(content.Length, field.Size);
        content.Slice(content.Length - take).CopyTo(target.Slice(field.Size - take));
        for (int i = 0; i < content.Length - take; i++)
        {
            if (content[i] != fill && !(i == 0 && content[i] == 0))
            {
                return new MigrationFormatException(
                    MigrationErrorKind.IntegerOutOfRange,
                    $"Field '{field.Name}' takes {field.Size} bytes; the stream's INTEGER of {content.Length} octets does not fit.",
                    -1,
                    field.Name);
            }
        }

        output.Advance(field.Size);
        return null;
    }

    private static MigrationFormatException SizeMismatch(QemuShapeField field, int found, int expected) =>
        new(MigrationErrorKind.UnexpectedValue, $"Field '{field.Name}' has {found} bytes; the description says {expected}.", -1, field.Name);

    private static Asn1Tag Context(int tag) => new(TagClass.ContextSpecific, tag);

    private static BerTag BerContext(int tag, bool constructed) => new(BerTagClass.ContextSpecific, (ulong)tag, constructed);

    /// <summary>The writing side of one <see cref="ToBer(Stream, Stream, bool, ResourceBudget)"/> run.</summary>
    private sealed class ToBerSession(Stream output, ResourceBudget budget)
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();
        private readonly ArrayBufferWriter<byte> _record = new();
        private bool _runOpen;
        private int _sections;
        private int _devices;
        private int _opaque;
        private int _rawDevices;
        private long _legacyBytes;
        private long _berDeviceBytes;
        private long _schemaBytes;
        private long _total;

        public void WriteHeader()
        {
            var writer = new BerWriter(_buffer);
            writer.PushConstructed(MigrationStreamFormat.StreamTag, indefiniteLength: true);
            writer.PushConstructed(MigrationStreamFormat.HeaderTag, indefiniteLength: true);
            writer.WriteInteger((long)MigrationStreamFormat.FormatVersion);
            writer.WriteUtf8String(Producer);
            writer.PushSequence(indefiniteLength: true);
            writer.WriteUtf8String(Capability);
            writer.PopSequence();
            writer.PopConstructed();
            writer.Dispose();
            Drain();
        }

        public void WriteSchemas(Dictionary<string, QemuShape?> shapes)
        {
            var documents = new List<KeyValuePair<string, byte[]>>();
            var blobSchema = new DeviceSchema(RecordSectionId, 1) { Description = "Raw QEMU records", MinimumVersion = 1, CurrentVersion = 1 };
            blobSchema.Fields.Add(new FieldSchema("bytes", 0, FieldKind.Blob));
            documents.Add(new(DeviceCatalog.SchemaKey(RecordSectionId, 1), SchemaDocument.ToUtf8(blobSchema)));
            var vmdescSchema = new DeviceSchema(VmDescriptionSectionId, 1)
            {
                Description = "The QEMU VM description JSON",
                MinimumVersion = 1,
                CurrentVersion = 1,
            };
            vmdescSchema.Fields.Add(new FieldSchema("json", 0, FieldKind.Blob));
            documents.Add(new(DeviceCatalog.SchemaKey(VmDescriptionSectionId, 1), SchemaDocument.ToUtf8(vmdescSchema)));
            foreach (KeyValuePair<string, QemuShape?> entry in shapes)
            {
                if (entry.Value is null)
                {
                    continue;
                }

                int slash = entry.Key.LastIndexOf("/v", StringComparison.Ordinal);
                string id = entry.Key.Substring(0, slash);
                int version = int.Parse(entry.Key.AsSpan(slash + 2), System.Globalization.CultureInfo.InvariantCulture);
                documents.Add(new(entry.Key, SchemaDocument.ToUtf8(entry.Value.ToSchema(id, version))));
            }

            var writer = new BerWriter(_buffer);
            MigrationStreamWriter.WriteSchemaBlock(ref writer, documents);
            writer.Dispose();
            _schemaBytes = _buffer.WrittenCount;
            Drain();
        }

        public void WriteBlobSection(string id, ReadOnlySpan<byte> bytes)
        {
            OpenBlobSection(id);
            WriteSegments(bytes);
            CloseBlobSection();
        }

        public void AppendOpaque(QemuRecord record)
        {
            if (record is QemuSectionRecord { Kind: QemuRecordKind.SectionFull })
            {
                _rawDevices++;
            }

            _record.Clear();
            using (var qemu = new QemuStreamWriter(_record))
            {
                qemu.Write(record);
                qemu.Flush();
            }

            if (!_runOpen)
            {
                OpenBlobSection(RecordSectionId);
                _runOpen = true;
                _opaque++;
            }

            WriteSegments(_record.WrittenSpan);
        }

        public bool TryWriteDevice(QemuSectionRecord section, VmDescription description, Dictionary<string, QemuShape?> shapes)
        {
            int berVersion = QemuShape.BerVersion(section.VersionId);
            if (section.VersionId > int.MaxValue
                || !Encoding.UTF8.GetBytes(section.IdStr).AsSpan().SequenceEqual(section.IdStrBytes.Span)
                || description.FindDevice(section.IdStr, section.InstanceId) is not { } device
                || (device.Version is int described && described != (int)section.VersionId)
                || shapes.GetValueOrDefault(DeviceCatalog.SchemaKey(section.IdStr, berVersion)) is not { } shape)
            {
                return false;
            }

            // Sections the description does not fit, or whose values the shape cannot carry, travel as raw bytes.
            if (!VmStateDecoder.TryDecode(device, section.Payload, 0, budget, out VmStateStruct? value, out _))
            {
                return false;
            }

            var encoded = new ArrayBufferWriter<byte>();
            var writer = new BerWriter(encoded);
            writer.PushConstructed(MigrationStreamFormat.SectionTag, indefiniteLength: true);
            writer.WriteUtf8String(section.IdStr);
            writer.WriteInteger((long)section.InstanceId);
            writer.WriteInteger((long)berVersion);
            writer.PushConstructed(MigrationStreamFormat.StateTag, indefiniteLength: true);
            writer.WriteInteger((long)section.SectionId, SectionIdTag);

            if (!TryWriteStruct(ref writer, shape, device, value))
            {
                writer.Dispose();
                return false;
            }

            writer.PopConstructed();
            writer.PopConstructed();
            writer.Dispose();

            // The section is held whole, so it goes out with definite lengths: the same values, a quarter of the framing.
            byte[] definite = BerDefiniteLength.Encode(encoded.WrittenSpan);

            // Check: the BER state must give back the payload exactly, or the section travels as bytes. The state is
            // this writer's own well-formed BER, so only a value the shape cannot carry back can make the check fail.
            var check = new AsnReader(definite, AsnEncodingRules.BER);
            AsnReader sectionValue = check.ReadSequence(AsnSectionTag);
            sectionValue.ReadEncodedValue();
            sectionValue.ReadEncodedValue();
            sectionValue.ReadEncodedValue();
            int stateLength = sectionValue.PeekEncodedValue().Length;
            AsnReader state = sectionValue.ReadSequence(AsnStateTag);
            state.ReadInteger(new Asn1Tag(TagClass.Private, 0));

            var payload = new ArrayBufferWriter<byte>();
            if (EncodeStruct(state, shape, device, payload) is not null || state.HasData || !payload.WrittenSpan.SequenceEqual(section.Payload.Span))
            {
                return false;
            }

            _berDeviceBytes += stateLength;
            CloseRun();
            _buffer.Write(definite);
            _sections++;
            _devices++;
            _legacyBytes += section.Payload.Length;
            Drain();
            return true;
        }

        /// <summary>Opens the sections' value (format version 2); <see cref="Complete"/> closes it.</summary>
        public void OpenSections()
        {
            var writer = new BerWriter(_buffer);
            writer.PushConstructed(MigrationStreamFormat.SectionsTag, indefiniteLength: true);
            writer.Dispose();
        }

        public QemuTranscodeResult Complete()
        {
            CloseRun();
            var writer = new BerWriter(_buffer);
            writer.WriteEndOfContents();
            writer.PushConstructed(MigrationStreamFormat.TrailerTag, indefiniteLength: true);
            writer.WriteInteger((long)_sections);
            writer.PopConstructed();
            writer.Dispose();
            _buffer.Write<byte>([0, 0]);
            Drain();
            output.Flush();
            return new QemuTranscodeResult(_devices, _opaque, _legacyBytes, _berDeviceBytes, _schemaBytes, _total, _rawDevices);
        }

        /// <summary>Writes a decoded structure as BER fields; <see langword="false"/> when a value does not have the shape's form (the section then travels as
        /// bytes).</summary>
        private static bool TryWriteStruct(ref BerWriter writer, QemuShape shape, VmStateDescription description, VmStateStruct value)
        {
            for (int p = 0; p < shape.Fields.Count; p++)
            {
                QemuShapeField field = shape.Fields[p];
                VmFieldDescription fieldDescription = description.Fields[p];
                if (value[field.Name] is not { } member)
                {
                    return false;
                }

                if (field.ArrayLength is int packedCount && field.PackedKind is FieldKind packed)
                {
                    if (member is not VmStateArray packedArray || packedArray.Elements.Count != packedCount)
                    {
                        return false;
                    }

                    if (packed == FieldKind.FixedBytes)
                    {
                        byte[] bytes = new byte[packedCount];
                        for (int i = 0; i < packedCount; i++)
                        {
                            bytes[i] = (byte)((VmStateInteger)packedArray.Elements[i]).RawValue;
                        }

                        writer.WriteOctetString(bytes, BerContext(p + 1, false));
                    }
                    else
                    {
                        writer.PushConstructed(BerContext(p + 1, true), indefiniteLength: true);
                        foreach (VmStateValue element in packedArray.Elements)
                        {
                            writer.WriteInteger(((VmStateInteger)element).RawValue);
                        }

                        writer.PopConstructed();
                    }
                }
                else if (field.ArrayLength is int count)
                {
                    if (member is not VmStateArray array || array.Elements.Count != count)
                    {
                        return false;
                    }

                    writer.PushConstructed(BerContext(p + 1, true), indefiniteLength: true);
                    for (int i = 0; i < count; i++)
                    {
                        if (!TryWriteElement(ref writer, field, fieldDescription, array.Elements[i], i))
                        {
                            return false;
                        }
                    }

                    writer.PopConstructed();
                }
                else if (field.Index is int index)
                {
                    if (member is not VmStateArray array || index >= array.Elements.Count
                        || !TryWriteElement(ref writer, field, fieldDescription, array.Elements[index], p + 1))
                    {
                        return false;
                    }
                }
                else if (!TryWriteElement(ref writer, field, fieldDescription, member, p + 1))
                {
                    return false;
                }
            }

            foreach (VmStateDescription subsection in description.Subsections)
            {
                if (!shape.TryGetSubsection(subsection.VmsdName!, out int tag, out QemuShape subShape)
                    || value[subsection.VmsdName!] is not VmStateStruct { IsSubsection: true } subValue
                    || subValue.StreamVersion != (uint?)subsection.Version)
                {
                    return false;
                }

                writer.PushConstructed(BerContext(tag, true), indefiniteLength: true);
                if (!TryWriteStruct(ref writer, subShape, subsection, subValue))
                {
                    return false;
                }

                writer.PopConstructed();
            }

            return true;
        }

        private static bool TryWriteElement(ref BerWriter writer, QemuShapeField field, VmFieldDescription description, VmStateValue value, int tag)
        {
            switch (field.Kind, value)
            {
                case (FieldKind.Struct, VmStateBytes raw) when field.Model is not null:
                    return TryWriteModel(ref writer, field, raw.Bytes, tag);
                case (FieldKind.Struct, VmStateStruct nested):
                    writer.PushConstructed(BerContext(tag, true), indefiniteLength: true);
                    if (!TryWriteStruct(ref writer, field.Struct!, description.Struct!, nested))
                    {
                        return false;
                    }

                    writer.PopConstructed();
                    return true;
                case (FieldKind.Bool, VmStateBoolean boolean) when boolean.RawByte <= 1:
                    writer.WriteBoolean(boolean.Value, BerContext(tag, false));
                    return true;
                case (FieldKind.FixedBytes, VmStateBytes bytes):
                    writer.WriteOctetString(bytes.Bytes.Span, BerContext(tag, false));
                    return true;
                case (FieldKind.FixedBytes, VmStateNullPointer):
                    writer.WriteOctetString([QemuStreamFormat.NullPointerMarker], BerContext(tag, false));
                    return true;
                case (FieldKind.Int64, VmStateBytes timer) when timer.Bytes.Length == 8:
                    writer.WriteInteger(BinaryPrimitives.ReadInt64BigEndian(timer.Bytes.Span), BerContext(tag, false));
                    return true;
                case (_, VmStateInteger integer) when field.IsInteger:
                    if (integer.IsSigned)
                    {
                        writer.WriteInteger(integer.SignedValue, BerContext(tag, false));
                    }
                    else
                    {
                        writer.WriteInteger(integer.UnsignedValue, BerContext(tag, false));
                    }

                    return true;
                default:
                    return false;
            }
        }

        /// <summary>Loads a field the description leaves opaque into its typed model, and writes the model's BER fields.</summary>
        private static bool TryWriteModel(ref BerWriter writer, QemuShapeField field, ReadOnlyMemory<byte> bytes, int tag)
        {
            IDeviceState model = field.Model!.Create(field.ModelVersion);
            try
            {
                LegacyDeviceSerializer.Load(model, bytes.Span, field.ModelVersion);
            }
            catch (MigrationFormatException)
            {
                return false;
            }

            var fields = new ArrayBufferWriter<byte>();
            var visitor = new BerOutputVisitor(fields, field.ModelVersion);
            try
            {
                model.Visit(ref visitor);
            }
            finally
            {
                visitor.Dispose();
            }

            writer.PushConstructed(BerContext(tag, true), indefiniteLength: true);
            writer.WriteRaw(fields.WrittenSpan);
            writer.PopConstructed();
            return true;
        }

        private void OpenBlobSection(string id)
        {
            var writer = new BerWriter(_buffer);
            writer.WriteRaw([0x61, 0x80]);
            writer.WriteUtf8String(id);
            writer.WriteInteger(0L);
            writer.WriteInteger(1L);
            writer.WriteRaw([0x62, 0x80, 0xA0, 0x80]);
            writer.Dispose();
            _sections++;
        }

        private void WriteSegments(ReadOnlySpan<byte> bytes)
        {
            while (!bytes.IsEmpty)
            {
                int count = Math.Min(bytes.Length, SegmentSize);
                var writer = new BerWriter(_buffer);
                writer.WriteOctetString(bytes.Slice(0, count));
                writer.Dispose();
                bytes = bytes.Slice(count);
                if (_buffer.WrittenCount >= SegmentSize)
                {
                    Drain();
                }
            }
        }

        private void CloseBlobSection() => _buffer.Write<byte>([0, 0, 0, 0, 0, 0]);

        private void CloseRun()
        {
            if (_runOpen)
            {
                CloseBlobSection();
                _runOpen = false;
            }
        }

        private void Drain()
        {
            output.Write(_buffer.WrittenSpan);
            _total += _buffer.WrittenCount;
            _buffer.Clear();
        }
    }
}
