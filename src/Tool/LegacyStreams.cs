using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System;
using MigrationFormat.Qemu;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool;

/// <summary><c>migfmt convert</c> and the legacy side of <c>migfmt sample</c>: QEMU savevm streams.</summary>
internal static class LegacyStreams
{
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

        return output.WrittenSpan.ToArray();
    }

    public static int Convert(string to, string input, string output)
    {
        byte[] data = File.ReadAllBytes(input);
        byte[] result;
        if (to == "ber")
        {
            if (data.Length < 4 || data[0] != 0x51 || data[1] != 0x45 || data[2] != 0x56 || data[3] != 0x4D)
            {
                throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "convert --to ber: the input is not a QEMU savevm stream (magic QEVM).", 0);
            }

            using var source = new MemoryStream(data, writable: false);
            using var ber = new MemoryStream();
            QemuTranscoder.ToBer(source, ber);
            result = ber.ToArray();
        }
        else
        {
            result = ToLegacy(data);
        }

        File.WriteAllBytes(output, result);
        return Program.ExitOk;
    }

    private static byte[] ToLegacy(byte[] data)
    {
        if (!MigrationStreamFormat.IsMigrationStream(data))
        {
            throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, "convert --to legacy: the input is not a BER migration stream.", 0);
        }

        bool transcoded;
        using (var probe = new MigrationStreamReader(data))
        {
            transcoded = probe.Header.Capabilities.Contains(QemuTranscoder.Capability);
        }

        if (transcoded)
        {
            using var source = new MemoryStream(data, writable: false);
            using var qemu = new MemoryStream();
            QemuTranscoder.ToLegacy(source, qemu);
            return qemu.ToArray();
        }

        var devices = new List<(IDeviceState, uint)>();
        using (var reader = new MigrationStreamReader(data))
        {
            while (reader.TryReadSection(out SectionHeader section))
            {
                DeviceType type = ToolSamples.Find(section.Id)
                    ?? throw new MigrationFormatException(MigrationErrorKind.UnknownDevice, $"Section '{section.Id}' is not a known sample device; only sample devices convert to legacy.", section.Offset);
                if (!type.Supports(section.Version))
                {
                    throw new MigrationFormatException(MigrationErrorKind.UnsupportedVersion, $"Section '{section.Id}' has version {section.Version}; the sample supports {type.MinimumVersion} to {type.CurrentVersion}.", section.Offset);
                }

                IDeviceState device = type.Create(section.Version);
                reader.LoadSection(device);
                devices.Add((device, section.InstanceId));
            }
        }

        return SaveQemuStream(devices);
    }
}
