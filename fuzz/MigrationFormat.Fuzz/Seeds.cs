using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text.Json.Nodes;
using System.Text.Json;
using System;
using MigrationFormat.Qemu;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Fuzz;

/// <summary>Writes small valid seed inputs for every target (<c>MigrationFormat.Fuzz --make-seeds CORPUS_DIR [QEMU_FIXTURE]</c>).</summary>
internal static partial class Seeds
{
    private const int MaxQemuPayload = 256;

    public static int Make(string corpus, string? qemuFixture)
    {
        foreach (DeviceType type in SampleCatalog.DeviceTypes)
        {
            for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
            {
                string name = $"{type.Id}-v{version}";
                Write(corpus, "migration-stream", $"seed-{name}-default.ber", Stream([type.Create(version)], 0));
                Write(corpus, "migration-stream", $"seed-{name}-busy.ber", Stream([Busy(type, version)], 16));
                byte selector = Selector(type, version);
                Write(corpus, "device-state", $"seed-{name}-busy.bin", [selector, .. State(Busy(type, version))]);
                Write(corpus, "legacy", $"seed-{name}-busy.bin", [selector, .. LegacyDeviceSerializer.Save(Busy(type, version))]);
                Write(corpus, "schema", $"seed-{name}.json", SchemaDocument.ToUtf8(DeviceSchema.For(type, version)));
                Write(corpus, "vmstate-json", $"seed-{name}.json", VmStateJson.Export(DeviceSchema.For(type, version), indented: false));
            }
        }

        var all = new List<IDeviceState>();
        foreach (DeviceType type in SampleCatalog.DeviceTypes)
        {
            all.Add(type.Create());
        }

        Write(corpus, "migration-stream", "seed-all-default.ber", Stream(all, 0));
        Write(corpus, "ber-reader", "seed-all-default.ber", Stream(all, 0));
        Write(corpus, "ber-validator", "seed-all-default.ber", Stream(all, 0));
        Write(corpus, "ber-reader", "seed-serial-state.ber", State(Busy(SampleCatalog.DeviceTypes[0], SampleCatalog.DeviceTypes[0].CurrentVersion)));
        Write(corpus, "ber-validator", "seed-serial-state.ber", State(Busy(SampleCatalog.DeviceTypes[0], SampleCatalog.DeviceTypes[0].CurrentVersion)));

        var catalog = new JsonObject { ["format"] = SchemaDocument.Format };
        var devices = new JsonArray();
        foreach (DeviceType type in SampleCatalog.DeviceTypes)
        {
            devices.Add(JsonNode.Parse(SchemaDocument.ToUtf8(DeviceSchema.For(type, type.CurrentVersion))));
        }

        catalog["devices"] = devices;
        Write(corpus, "schema", "seed-catalog.json", JsonSerializer.SerializeToUtf8Bytes(catalog));

        ToolSeeds(corpus);
        ExternalStateSeeds(corpus);

        if (qemuFixture is not null)
        {
            QemuSeeds(corpus, qemuFixture);
            QemuModelSeeds(corpus, Path.GetDirectoryName(Path.GetFullPath(qemuFixture))!);
        }

        SessionSeeds(corpus);
        return 0;
    }

    private static IDeviceState Busy(DeviceType type, int version)
    {
        IDeviceState device = SampleCatalog.CreateBusy(type, version);
        if (device is VhostUserBackend backend)
        {
            // The busy backend state is 200 kB: far too big for a fuzzing seed.
            backend.BackendState = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
        }

        return device;
    }

    private static byte Selector(DeviceType type, int version)
    {
        // Mirrors Targets.PickDevice: type index in bits 0-1, device version in bits 2-3, stream version in bits 4-7.
        int index = 0;
        while (SampleCatalog.DeviceTypes[index] != type)
        {
            index++;
        }

        int offset = version - type.MinimumVersion;
        return (byte)(index | (offset << 2) | (offset << 4));
    }

    private static byte[] Stream(IReadOnlyList<IDeviceState> devices, int segment)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { BlobSegmentSize = segment }))
        {
            uint instance = 0;
            foreach (IDeviceState device in devices)
            {
                writer.WriteDevice(device, instance++);
            }

            writer.Complete();
        }

        return output.WrittenSpan.ToArray();
    }

    private static byte[] State(IDeviceState device)
    {
        var output = new ArrayBufferWriter<byte>();
        BerDeviceSerializer.Save(device, output);
        return output.WrittenSpan.ToArray();
    }

    private static void Write(string corpus, string target, string name, byte[] data)
    {
        string folder = Path.Combine(corpus, target);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, name), data);
    }

    /// <summary>Streams for the tool's reading verbs: with and without schemas, checksums, an abandoned one, plain BER, a QEMU one.</summary>
    private static void ToolSeeds(string corpus)
    {
        IDeviceState[] devices = [Busy(SampleCatalog.DeviceTypes[0], 3), Busy(SampleCatalog.DeviceTypes[2], 3), Busy(SampleCatalog.DeviceTypes[3], 2)];
        Write(corpus, "tool-verbs", "seed-schemas.ber", MigrationSerializer.Save(devices));
        Write(corpus, "tool-verbs", "seed-no-schemas.ber", MigrationSerializer.Save(devices, embedSchemas: false));
        Write(corpus, "tool-verbs", "seed-integrity.ber", MigrationSerializer.Save([devices[0]], new MigrationStreamWriterOptions { Integrity = true }));
        var abandoned = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(abandoned))
        {
            writer.WriteDevice(devices[0]);
        }

        Write(corpus, "tool-verbs", "seed-abandoned.ber", abandoned.WrittenSpan.ToArray());
        Write(corpus, "tool-verbs", "seed-plain.ber", State(devices[0]));
        var qemu = new ArrayBufferWriter<byte>();
        using (var writer = new QemuStreamWriter(qemu))
        {
            writer.WriteHeader();
            writer.WriteFullSection(0, devices[0].Type.Id, 0, (uint)devices[0].Version, LegacyDeviceSerializer.Save(devices[0]));
            writer.WriteEndOfFile();
            writer.Flush();
        }

        Write(corpus, "tool-verbs", "seed-qemu.mig", qemu.WrittenSpan.ToArray());
    }

    private static void QemuSeeds(string corpus, string fixture)
    {
        // Keep the small device sections of a real stream, and a VM description cut down to those devices.
        var sections = new List<QemuSectionRecord>();
        VmDescription? description = null;
        QemuConfigurationRecord? configuration = null;
        using (var reader = new QemuStreamReader(File.OpenRead(fixture)))
        {
            foreach (QemuRecord record in reader.ReadAll())
            {
                if (record is QemuSectionRecord { Kind: QemuRecordKind.SectionFull } section && section.Payload.Length <= MaxQemuPayload)
                {
                    sections.Add(section);
                }
            }

            description = reader.Description;
            configuration = reader.Configuration;
        }

        if (description is null)
        {
            return;
        }

        JsonNode root = JsonNode.Parse(description.Json.Span)!;
        var kept = new JsonArray();
        var keptSections = new List<QemuSectionRecord>();
        foreach (JsonNode? device in root["devices"]!.AsArray())
        {
            string name = device!["name"]!.GetValue<string>();
            uint instance = device["instance_id"]!.GetValue<uint>();
            QemuSectionRecord? section = sections.Find(s => s.IdStr == name && s.InstanceId == instance);
            if (section is not null && keptSections.Count < 8)
            {
                kept.Add(device.DeepClone());
                keptSections.Add(section);
                var one = new JsonObject { ["page_size"] = root["page_size"]!.DeepClone(), ["devices"] = new JsonArray(device.DeepClone()) };
                byte[] json = JsonSerializer.SerializeToUtf8Bytes(one);
                Write(corpus, "vm-description", $"seed-{Safe(name)}-{instance}.bin", [.. json, Targets.VmDescriptionSeparator, .. section.Payload.Span]);
            }
        }

        root["devices"] = kept;
        byte[] vmdesc = JsonSerializer.SerializeToUtf8Bytes(root);
        foreach (bool withDescription in (ReadOnlySpan<bool>)[true, false])
        {
            var output = new ArrayBufferWriter<byte>();
            using (var writer = new QemuStreamWriter(output))
            {
                writer.WriteHeader();
                if (configuration is not null)
                {
                    writer.WriteConfiguration(configuration);
                }

                foreach (QemuSectionRecord section in keptSections)
                {
                    writer.WriteSection(section);
                    writer.WriteFooter(section.SectionId);
                }

                writer.WriteEndOfFile();
                if (withDescription)
                {
                    writer.WriteVmDescription(vmdesc);
                }

                writer.Flush();
            }

            Write(corpus, "qemu-stream", withDescription ? "seed-small-devices.mig" : "seed-small-devices-nodesc.mig", output.WrittenSpan.ToArray());
        }
    }

    private static string Safe(string name)
    {
        char[] chars = name.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]))
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }
}
