using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using MigrationFormat.Qemu;
using MigrationFormat.Schema;
using MigrationFormat.Tool.Devices;
using MigrationFormat.Tool.IO;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool;

/// <summary><c>migfmt convert</c> and the legacy side of <c>migfmt sample</c>: QEMU savevm streams.</summary>
internal static class LegacyStreams
{
    /// <summary>What one device loaded for <c>convert --to legacy</c> counts as against the budget: the device and its snapshot.</summary>
    private const int HeldDeviceCost = 2048;

    /// <summary>Writes devices as a QEMU savevm stream: header, one FULL section with footer per device (section ids 0, 1, …), EOF.</summary>
    public static byte[] SaveQemuStream(IReadOnlyList<(IDeviceState Device, uint InstanceId)> devices)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new QemuStreamWriter(output))
        {
            writer.WriteHeader();
            uint sectionId = 0;
            foreach ((IDeviceState device, uint instanceId) in devices)
            {
                byte[] payload = LegacyDeviceSerializer.Save(device);
                writer.WriteFullSection(sectionId++, device.Type.Id, instanceId, (uint)device.Version, payload);
            }

            writer.WriteEndOfFile();
            writer.Flush();
        }

        // Every verb that writes a QEMU stream reads it back before reporting success.
        byte[] stream = output.WrittenSpan.ToArray();
        QemuTranscoder.CheckQemuFraming(stream, default);
        return stream;
    }

    /// <summary>
    /// Converts between the formats. <c>--to ber</c>: a QEMU stream with a VM description goes through the transcoder
    /// (lossless, named by the description); one without (as <c>sample --format legacy</c> writes) whose sections are
    /// all devices the tool knows goes through their code into typed sections with schemas. <c>--to legacy</c>: a
    /// transcoded stream back to its exact QEMU bytes, or a stream of known devices to FULL sections.
    /// </summary>
    public static int Convert(ToolConsole console, DeviceSet devices, string to, string inputPath, string outputPath)
    {
        if (to == "ber" && OpenDescribedQemuFile(inputPath) is { } file)
        {
            using (file)
            {
                ToolFiles.Write(console, outputPath, output => QemuTranscoder.ToBer(file, output, embedSchemas: true, console.Budget));
            }

            return Program.ExitOk;
        }

        if (to == "legacy" && OpenTranscodedFile(inputPath) is { } transcoded)
        {
            using (transcoded)
            {
                ToolFiles.Write(console, outputPath, output => QemuTranscoder.ToLegacy(transcoded, output, console.Budget));
            }

            return Program.ExitOk;
        }

        byte[] data;
        InputFormat format;
        string start;
        using (InputStream input = ToolFiles.Open(console, inputPath, "convert"))
        {
            format = ToolFiles.Detect(input);
            start = ToolFiles.DescribeStart(input);
            data = input.ReadToEnd();
        }

        byte[] result;
        if (to == "ber")
        {
            if (format != InputFormat.Qemu)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.InvalidEncoding,
                    $"convert --to ber: expected a QEMU savevm stream (51 45 56 4D, \"QEVM\"); found {start} in {inputPath}.",
                    0);
            }

            result = ToBer(data, devices, console.Budget);
        }
        else
        {
            if (format != InputFormat.Migration)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.InvalidEncoding,
                    $"convert --to legacy: expected a BER migration stream (7F CD 46 80); found {start} in {inputPath}.",
                    0);
            }

            result = ToLegacy(data, devices, console.Budget);
        }

        ToolFiles.Write(console, outputPath, stream => stream.Write(result));
        return Program.ExitOk;
    }

    /// <summary>
    /// Opens a QEMU stream in a regular file that carries its VM description, positioned at its start; otherwise
    /// <see langword="null"/>. Such a stream goes to the transcoder straight from the file: the reader finds the
    /// description at the end by seeking, and everything else, RAM included, streams through in bounded memory.
    /// </summary>
    private static FileStream? OpenDescribedQemuFile(string path)
    {
        if (path == "-" || !File.Exists(path))
        {
            return null;
        }

        FileStream file = File.OpenRead(path);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            if (file.CanSeek && file.Read(magic) == magic.Length && magic.SequenceEqual("QEVM"u8))
            {
                file.Position = 0;
                bool described;
                using (var reader = new QemuStreamReader(file, default, leaveOpen: true))
                {
                    reader.Read();
                    described = reader.Description is not null;
                }

                if (described)
                {
                    file.Position = 0;
                    return file;
                }
            }
        }
        catch (MigrationFormatException)
        {
            // Malformed: the general path reads it again and reports what is wrong where.
        }

        file.Dispose();
        return null;
    }

    /// <summary>
    /// Opens a BER stream in a regular file that the transcoder made (its header names the transcoder's capability),
    /// positioned at its start; otherwise <see langword="null"/>. Such a stream goes back to QEMU bytes straight from the
    /// file, its raw records (RAM included) copied segment by segment.
    /// </summary>
    private static FileStream? OpenTranscodedFile(string path)
    {
        if (path == "-" || !File.Exists(path))
        {
            return null;
        }

        FileStream file = File.OpenRead(path);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            if (file.CanSeek && file.Read(magic) == magic.Length && MigrationStreamFormat.IsMigrationStream(magic))
            {
                file.Position = 0;
                bool transcoded;
                using (var probe = new MigrationStreamReader(file, default, leaveOpen: true))
                {
                    transcoded = System.Linq.Enumerable.Contains(probe.Header.Capabilities, QemuTranscoder.Capability);
                }

                if (transcoded)
                {
                    file.Position = 0;
                    return file;
                }
            }
        }
        catch (MigrationFormatException)
        {
            // Malformed: the general path reads it again and reports what is wrong where.
        }

        file.Dispose();
        return null;
    }

    private static byte[] ToBer(byte[] data, DeviceSet devices, ResourceBudget budget)
    {
        if (TryReadDeviceSections(data, devices, budget) is { } sections)
        {
            var output = new ArrayBufferWriter<byte>();
            using (var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { Producer = Program.Producer }))
            {
                var states = new List<IDeviceState>();
                foreach ((IDeviceState device, _) in sections)
                {
                    states.Add(device);
                }

                SchemaEmbedding.WriteSchemas(writer, states);
                foreach ((IDeviceState device, uint instance) in sections)
                {
                    writer.WriteDevice(device, instance);
                }

                writer.Complete();
            }

            return output.WrittenSpan.ToArray();
        }

        using var source = new MemoryStream(data, writable: false);
        using var ber = new MemoryStream();
        QemuTranscoder.ToBer(source, ber, embedSchemas: true, budget);
        return ber.ToArray();
    }

    /// <summary>
    /// Loads every section of a QEMU stream that has no VM description into the known device of its id, when the stream
    /// is nothing but its header, such sections and its end; otherwise <see langword="null"/> (the transcoder's case).
    /// </summary>
    private static List<(IDeviceState Device, uint Instance)>? TryReadDeviceSections(byte[] data, DeviceSet devices, ResourceBudget budget)
    {
        var sections = new List<QemuSectionRecord>();
        var options = new QemuStreamReaderOptions { SkipDescriptionLookahead = true, Budget = budget };
        using (var reader = new QemuStreamReader(new MemoryStream(data, writable: false), options))
        {
            while (reader.Read() is { } record)
            {
                switch (record)
                {
                    case QemuFileHeaderRecord or QemuEndOfFileRecord or QemuSectionFooterRecord:
                        break;
                    case QemuSectionRecord { Kind: QemuRecordKind.SectionFull } section when devices.Find(section.IdStr) is not null:
                        reader.ChargeHeld(section);
                        sections.Add(section);
                        break;
                    default:
                        return null;
                }
            }
        }

        var loaded = new List<(IDeviceState, uint)>();
        foreach (QemuSectionRecord section in sections)
        {
            DeviceType type = devices.Find(section.IdStr)!;
            if (section.VersionId > int.MaxValue || !type.Supports((int)section.VersionId))
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnsupportedVersion,
                    $"Expected section '{section.IdStr}' at a version {type.Id} supports ({type.MinimumVersion} to {type.CurrentVersion}); "
                    + $"found version {section.VersionId}.",
                    section.Offset);
            }

            IDeviceState device = type.Create((int)section.VersionId);
            LegacyDeviceSerializer.Load(device, section.Payload.Span, (int)section.VersionId, baseOffset: section.Offset + section.HeaderLength);
            loaded.Add((device, section.InstanceId));
        }

        return loaded;
    }

    private static byte[] ToLegacy(byte[] data, DeviceSet devices, ResourceBudget budget)
    {
        bool transcoded;
        using (var probe = new MigrationStreamReader(data, new BerLoadOptions { Budget = budget }))
        {
            transcoded = System.Linq.Enumerable.Contains(probe.Header.Capabilities, QemuTranscoder.Capability);
        }

        if (transcoded)
        {
            using var source = new MemoryStream(data, writable: false);
            using var qemu = new MemoryStream();
            QemuTranscoder.ToLegacy(source, qemu, budget);
            return qemu.ToArray();
        }

        var loaded = new List<(IDeviceState, uint)>();
        var meter = new ResourceMeter(budget);
        using (var reader = new MigrationStreamReader(data, new BerLoadOptions { Budget = budget }))
        {
            reader.LoadAll(section =>
            {
                // Every device is held (with its snapshot) until the whole stream has loaded: each is charged to the budget.
                meter.Charge(HeldDeviceCost, data.Length, "the devices the conversion holds until the stream has loaded", section.Offset);
                DeviceType type = devices.Find(section.Id)
                    ?? throw new MigrationFormatException(
                        MigrationErrorKind.UnknownDevice,
                        $"Expected sections of {devices.Description} ({devices.Names()}); found '{section.Id}'. Give its device code with --assembly.",
                        section.Offset);
                if (!type.Supports(section.Version))
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.UnsupportedVersion,
                        $"Expected section '{section.Id}' at a version {type.Id} supports ({type.MinimumVersion} to {type.CurrentVersion}); "
                        + $"found version {section.Version}.",
                        section.Offset);
                }

                IDeviceState device = type.Create(section.Version);
                loaded.Add((device, section.InstanceId));
                return device;
            });
        }

        return SaveQemuStream(loaded);
    }
}
