using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Text.Json;
using MigrationFormat.Qemu;
using MigrationFormat.Qemu.Devices;

namespace MigrationFormat.Fuzz;

/// <summary>
/// The target for the typed QEMU models (src/Qemu/Devices: virtio core, net, blk, balloon, rng, the virtio-pci transport,
/// slirp) and the described sections next to them (vmmouse, QEMU's version 0): a section payload decoded the way
/// <c>migfmt dump</c> decodes it (VM description, then the typed models) and converted the way <c>migfmt convert</c> does
/// (to BER and back to QEMU, which must give the same bytes).
/// </summary>
public static partial class Targets
{
    /// <summary>
    /// The device entries the <c>qemu-virtio</c> target decodes against: each one device of a real QEMU stream's VM
    /// description (<c>test/fixtures/qemu/pc-virtio.mig</c>, <c>pc-devices.mig</c>) and the version its section header carries.
    /// </summary>
    /// <remarks>Loaded on first use: nothing instrumented may run while the harness starts, before the fuzzer's coverage map is there.</remarks>
    public static IReadOnlyList<QemuModelDevice> QemuModelDevices => LazyQemuModelDevices.Value;

    private static readonly Lazy<QemuModelDevice[]> LazyQemuModelDevices = new(LoadQemuModelDevices);

    /// <summary>
    /// Decodes <paramref name="data"/> as the payload of a QEMU device section: the first byte picks the device entry of
    /// <see cref="QemuModelDevices"/>, the rest is the payload. The payload is decoded against the entry with the typed
    /// models expanded (as <c>dump</c> does), and a QEMU stream holding it as that device's section is converted to BER and
    /// back (as <c>convert</c> does): a stream that converts must come back byte for byte.
    /// </summary>
    /// <param name="data">The input.</param>
    public static void QemuVirtio(ReadOnlyMemory<byte> data) => _ = RunQemuVirtio(data);

    /// <summary>Runs <see cref="QemuVirtio"/> and says what the payload decoded to.</summary>
    /// <param name="data">The input.</param>
    /// <returns>How many fields the typed models named (-1 when the description rejects the payload), and whether it converted to BER.</returns>
    /// <exception cref="FuzzInvariantException">A stream converted to BER does not come back byte for byte.</exception>
    public static (int TypedFields, bool Converted) RunQemuVirtio(ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty)
        {
            return (-1, false);
        }

        QemuModelDevice entry = QemuModelDevices[data.Span[0] % QemuModelDevices.Count];
        ReadOnlyMemory<byte> payload = data[1..];
        int typed = -1;
        try
        {
            VmStateStruct values = VmStateDecoder.Decode(entry.Device, payload);
            typed = QemuFieldModels.ExpandTyped(values, entry.Device, entry.SectionVersion);
        }
        catch (MigrationFormatException)
        {
        }

        byte[] stream = QemuStreamOf(entry, payload.Span);
        using var ber = new MemoryStream();
        try
        {
            QemuTranscoder.ToBer(new MemoryStream(stream, writable: false), ber);
        }
        catch (MigrationFormatException)
        {
            return (typed, false);
        }

        using var back = new MemoryStream();
        try
        {
            QemuTranscoder.ToLegacy(new MemoryStream(ber.GetBuffer(), 0, (int)ber.Length, writable: false), back);
        }
        catch (MigrationFormatException exception)
        {
            throw new FuzzInvariantException($"{entry.Device.Name}: the BER stream converted from QEMU does not convert back: {exception.Message}", exception);
        }

        if (!back.GetBuffer().AsSpan(0, (int)back.Length).SequenceEqual(stream))
        {
            throw new FuzzInvariantException($"{entry.Device.Name}: QEMU to BER and back gave {back.Length} bytes that differ from the {stream.Length} read.");
        }

        return (typed, true);
    }

    /// <summary>A QEMU stream of one device section (with its footer) and the VM description of that device.</summary>
    /// <param name="entry">The device.</param>
    /// <param name="payload">The section's payload.</param>
    /// <returns>The stream.</returns>
    public static byte[] QemuStreamOf(QemuModelDevice entry, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new QemuStreamWriter(output))
        {
            writer.WriteHeader();
            writer.WriteFullSection(1, entry.Device.Name, entry.Device.InstanceId, entry.SectionVersion, payload);
            writer.WriteEndOfFile();
            writer.WriteVmDescription(entry.DescriptionJson);
            writer.Flush();
        }

        return output.WrittenSpan.ToArray();
    }

    private static QemuModelDevice[] LoadQemuModelDevices()
    {
        using Stream resource = typeof(Targets).Assembly.GetManifestResourceStream("MigrationFormat.Fuzz.QemuModelDevices.json")
            ?? throw new InvalidOperationException("The QemuModelDevices.json resource is missing.");
        using JsonDocument document = JsonDocument.Parse(resource);
        var devices = new List<QemuModelDevice>();
        foreach (JsonElement element in document.RootElement.EnumerateArray())
        {
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(element.GetProperty("description"));
            VmDescription description = VmDescription.Parse(json);
            devices.Add(new QemuModelDevice(description.Devices[0], element.GetProperty("section_version").GetUInt32(), json));
        }

        return [.. devices];
    }
}

/// <summary>A device entry of a VM description, for the <c>qemu-virtio</c> target.</summary>
/// <param name="Device">The entry.</param>
/// <param name="SectionVersion">The version its section header carries.</param>
/// <param name="DescriptionJson">A VM description holding only this entry.</param>
public sealed record QemuModelDevice(VmDeviceDescription Device, uint SectionVersion, byte[] DescriptionJson);
