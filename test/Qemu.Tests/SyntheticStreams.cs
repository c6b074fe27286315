using System.Buffers;
using System.Text;

namespace MigrationFormat.Qemu.Tests;

/// <summary>Small hand-made streams, written with <see cref="QemuStreamWriter"/>, for cases the real fixtures do not have.</summary>
internal static class SyntheticStreams
{
    /// <summary>A serial-like device: divider (uint16), lcr (uint8), a 4-byte buffer, and a subsection with one uint32.</summary>
    public const string SerialDescription =
        """{"page_size": 4096, "devices": [{"name": "serial", "instance_id": 0, "vmsd_name": "serial", "version": 3, "fields": """
        + """[{"name": "divider", "type": "uint16", "size": 2}, {"name": "lcr", "type": "uint8", "size": 1}, {"name": "data", "type": "buffer", "size": 4}"""
        + """], "subsections": [{"vmsd_name": "serial/extra", "version": 1, "fields": [{"name": "value", "type": "int32", "size": 4}]}]}]}""";

    /// <summary>The payload <see cref="SerialDescription"/> describes: 7 bytes of fields, then the subsection.</summary>
    public static byte[] SerialPayload()
    {
        var payload = new List<byte> { 0x00, 0x0c, 0x03, 0xde, 0xad, 0xbe, 0xef, 0x05, 12 };
        payload.AddRange("serial/extra"u8.ToArray());
        payload.AddRange(new byte[] { 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe });
        return [.. payload];
    }

    /// <summary>header, configuration, ram START (2 blocks) / PART (zero, page, continue-zero) / END, one device section, EOF, vmdesc.</summary>
    public static byte[] Build(string? description = SerialDescription, byte[]? payload = null, Action<QemuStreamWriter>? beforeEof = null)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new QemuStreamWriter(output))
        {
            writer.WriteHeader();
            writer.WriteConfiguration("pc-i440fx-7.2");
            writer.WriteSectionStart(2, "ram", 0, 4);
            writer.WriteRamRecord(QemuRamRecord.CreateBlockList([new QemuRamBlock("pc.ram", 0x2000), new QemuRamBlock("pc.bios", 0x1000)]));
            writer.WriteRamRecord(QemuRamRecord.CreateEndOfSection());
            writer.WriteFooter(2);
            writer.WriteSectionPartOrEnd(end: false, 2);
            writer.WriteRamRecord(QemuRamRecord.CreateZeroPage(0, "pc.ram"));
            writer.WriteRamRecord(QemuRamRecord.CreatePage(0x1000, null, Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray()));
            writer.WriteRamRecord(QemuRamRecord.CreateZeroPage(0, "pc.bios"));
            writer.WriteRamRecord(QemuRamRecord.CreateEndOfSection());
            writer.WriteFooter(2);
            writer.WriteSectionPartOrEnd(end: true, 2);
            writer.WriteRamRecord(QemuRamRecord.CreateEndOfSection());
            writer.WriteFooter(2);
            writer.WriteFullSection(22, "serial", 0, 3, payload ?? SerialPayload());
            beforeEof?.Invoke(writer);
            writer.WriteEndOfFile();
            if (description is not null)
            {
                writer.WriteVmDescription(Encoding.UTF8.GetBytes(description));
            }
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Replaces the VM description trailer of a stream (which must have one) with other JSON.</summary>
    public static byte[] WithDescription(byte[] stream, byte[] json)
    {
        QemuVmDescriptionRecord trailer = Fixtures.ReadAll(stream).OfType<QemuVmDescriptionRecord>().Single();
        var result = new List<byte>(stream.AsSpan(0, (int)trailer.Offset).ToArray()) { QemuStreamFormat.VmDescription };
        byte[] length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(length, (uint)json.Length);
        result.AddRange(length);
        result.AddRange(json);
        return [.. result];
    }

    /// <summary>The offset of the first record of a kind in a stream.</summary>
    public static long OffsetOf(byte[] stream, Func<QemuRecord, bool> match) => Fixtures.ReadAll(stream).First(match).Offset;
}
