using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MigrationFormat.Resources.Tests;

/// <summary>
/// Builds the inputs of the seven hostile classes (docs/security.md) at a chosen size, byte by byte, so that no large
/// input is committed: BER migration streams, transcoded streams and QEMU savevm streams.
/// </summary>
internal static class HostileInputs
{
    /// <summary>A serial v3 state as the sample writes it.</summary>
    private static readonly byte[] SerialState = Convert.FromHexString(
        "8002123481014182010583" + "0200c1840103" + "85010b860161870200b1880200aa" + "c9030f42408a010eab808004075bcd150000");

    /// <summary>Class 1: <paramref name="count"/> repeated sections.</summary>
    public static byte[] ManySections(int count)
    {
        byte[] section = Section("serial", 0, 3, SerialState);
        var body = new MemoryStream();
        for (int i = 0; i < count; i++)
        {
            body.Write(section);
        }

        return Stream(body.ToArray(), count);
    }

    /// <summary>Class 2: a device field holding an INTEGER of <paramref name="length"/> octets.</summary>
    public static byte[] LargeInteger(int length)
    {
        byte[] contents = new byte[length];
        contents[0] = 0x01;
        return Stream(Section("serial", 0, 3, Tlv([0x80], contents)), 1);
    }

    /// <summary>Class 3: <paramref name="count"/> embedded schemas, each about 1 kB deflated and 16 MiB inflated.</summary>
    public static byte[] InflatingSchemas(int count)
    {
        byte[] deflated = Deflate(new byte[(16 * 1024 * 1024) - 64]);
        var entries = new MemoryStream();
        for (int i = 0; i < count; i++)
        {
            entries.Write(Constructed([0x30], [.. Utf8("serial/v" + (i + 100)), .. Tlv([0x80], deflated)]));
        }

        byte[] schemas = Constructed([0x63], entries.ToArray());
        return Stream(Section("serial", 0, 3, SerialState), 1, schemas);
    }

    /// <summary>Class 4: a QEMU stream whose VM description gives an absent device an array of <paramref name="count"/> structures.</summary>
    public static byte[] ExpandingDescription(int count) => Qemu(
        [QemuFull(0, "timer", 0, 2, new byte[8])],
        "{\"page_size\": 4096, \"devices\": [{\"name\": \"timer\", \"instance_id\": 0, \"vmsd_name\": \"timer\", \"version\": 2, "
        + "\"fields\": [{\"name\": \"a\", \"type\": \"int64\", \"size\": 8}]}, "
        + "{\"name\": \"ghost\", \"instance_id\": 0, \"vmsd_name\": \"ghost\", \"version\": 1, \"fields\": [{\"name\": \"big\", \"type\": \"struct\", "
        + "\"size\": 1, \"array_len\": " + count + ", \"struct\": {\"vmsd_name\": \"s\", \"version\": 1, \"fields\": "
        + "[{\"name\": \"x\", \"type\": \"uint8\", \"size\": 1}]}}]}]}");

    /// <summary>Class 4: a QEMU stream whose one device section really carries <paramref name="count"/> one-byte elements.</summary>
    public static byte[] DescribedElements(int count) => Qemu(
        [QemuFull(0, "timer", 0, 2, Enumerable.Repeat((byte)1, count).ToArray())],
        "{\"page_size\": 4096, \"devices\": [{\"name\": \"timer\", \"instance_id\": 0, \"vmsd_name\": \"timer\", \"version\": 2, "
        + "\"fields\": [{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1, \"array_len\": " + count + "}]}]}");

    /// <summary>Class 4: a QEMU stream with <paramref name="count"/> device sections, each with its entry in the VM description.</summary>
    public static byte[] ManyDescribedDevices(int count)
    {
        var sections = new List<byte[]>();
        var description = new StringBuilder("{\"page_size\": 4096, \"devices\": [");
        for (int i = 0; i < count; i++)
        {
            sections.Add(QemuFull((uint)i, "timer", (uint)i, 2, new byte[8]));
            description.Append(i == 0 ? string.Empty : ", ")
                .Append("{\"name\": \"timer\", \"instance_id\": ").Append(i)
                .Append(", \"vmsd_name\": \"timer\", \"version\": 2, \"fields\": [{\"name\": \"a\", \"type\": \"int64\", \"size\": 8}]}");
        }

        return Qemu(sections, description.Append("]}").ToString());
    }

    /// <summary>Class 5: a device state followed by <paramref name="count"/> empty unknown skippable fields.</summary>
    public static byte[] EmptyValues(int count)
    {
        byte[] state = new byte[SerialState.Length + (2 * count)];
        SerialState.CopyTo(state, 0);
        for (int i = 0; i < count; i++)
        {
            state[SerialState.Length + (2 * i)] = 0xDD;
        }

        return Stream(Section("serial", 0, 3, state), 1);
    }

    /// <summary>Class 7: a transcoded stream whose raw record is not a QEMU stream.</summary>
    public static byte[] TranscodedGarbage(int length) => Transcoded(Record(Tlv([0x04], Encoding.ASCII.GetBytes(new string('x', length)))), 1);

    /// <summary>Class 7: a transcoded stream whose raw record nests constructed OCTET STRINGs <paramref name="depth"/> deep.</summary>
    public static byte[] TranscodedDeep(int depth)
    {
        var blob = new MemoryStream();
        for (int i = 0; i < depth; i++)
        {
            blob.Write([0x24, 0x80]);
        }

        blob.Write(Tlv([0x04], [(byte)'Q', (byte)'E', (byte)'V', (byte)'M', 0, 0, 0, 3, 0]));
        blob.Write(new byte[2 * depth]);
        return Transcoded(Record(blob.ToArray()), 1);
    }

    /// <summary>Valid: a stream of one device whose state carries <paramref name="count"/> unknown skippable INTEGERs.</summary>
    public static byte[] SkippableValues(int count, byte value)
    {
        byte[] state = new byte[SerialState.Length + (3 * count)];
        SerialState.CopyTo(state, 0);
        for (int i = 0; i < count; i++)
        {
            int at = SerialState.Length + (3 * i);
            state[at] = 0xDD;
            state[at + 1] = 1;
            state[at + 2] = (byte)(value & 0x7F);
        }

        return Stream(Section("serial", 0, 3, state), 1);
    }

    private static byte[] Stream(byte[] sections, int count, byte[]? schemas = null) =>
    [
        0x7F, 0xCD, 0x46, 0x80,
        .. Constructed([0x60], [.. Integer(2), .. Utf8("migfmt"), .. Constructed([0x30], [])]),
        .. schemas ?? [],
        .. Constructed([0x66], sections),
        .. Constructed([0x64], Integer(count)),
        0, 0,
    ];

    private static byte[] Transcoded(byte[] sections, int count) =>
    [
        0x7F, 0xCD, 0x46, 0x80,
        .. Constructed([0x60], [.. Integer(2), .. Utf8("migfmt qemu-transcoder"), .. Constructed([0x30], Utf8("qemu-savevm-transcode/1"))]),
        .. Constructed([0x66], sections),
        .. Constructed([0x64], Integer(count)),
        0, 0,
    ];

    private static byte[] Section(string id, int instance, int version, byte[] state) =>
        Constructed([0x61], [.. Utf8(id), .. Integer(instance), .. Integer(version), .. Constructed([0x62], state)]);

    private static byte[] Record(byte[] blobContents) =>
        Constructed([0x61], [.. Utf8("qemu:record"), .. Integer(0), .. Integer(1), .. Constructed([0x62], Constructed([0xA0], blobContents))]);

    private static byte[] Constructed(byte[] tag, byte[] contents) => [.. tag, 0x80, .. contents, 0, 0];

    private static byte[] Utf8(string text) => Tlv([0x0C], Encoding.UTF8.GetBytes(text));

    private static byte[] Integer(int value) => value < 128 ? [0x02, 0x01, (byte)value] : [0x02, 0x02, (byte)(value >> 8), (byte)value];

    private static byte[] Tlv(byte[] tag, byte[] contents)
    {
        int length = contents.Length;
        byte[] header = length < 128 ? [(byte)length]
            : length < 256 ? [0x81, (byte)length]
            : length < 65536 ? [0x82, (byte)(length >> 8), (byte)length]
            : length < (1 << 24) ? [0x83, (byte)(length >> 16), (byte)(length >> 8), (byte)length]
            : [0x84, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length];
        return [.. tag, .. header, .. contents];
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] QemuFull(uint sectionId, string id, uint instance, uint version, byte[] payload)
    {
        byte[] name = Encoding.ASCII.GetBytes(id);
        byte[] record = new byte[1 + 4 + 1 + name.Length + 8 + payload.Length + 5];
        record[0] = 0x04;
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(1), sectionId);
        record[5] = (byte)name.Length;
        name.CopyTo(record, 6);
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(6 + name.Length), instance);
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(10 + name.Length), version);
        payload.CopyTo(record, 14 + name.Length);
        record[14 + name.Length + payload.Length] = 0x7E;
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(15 + name.Length + payload.Length), sectionId);
        return record;
    }

    private static byte[] Qemu(IEnumerable<byte[]> sections, string description)
    {
        byte[] json = Encoding.UTF8.GetBytes(description);
        var output = new MemoryStream();
        output.Write("QEVM"u8);
        output.Write([0, 0, 0, 3]);
        foreach (byte[] section in sections)
        {
            output.Write(section);
        }

        output.Write([0x00, 0x06]);
        byte[] length = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)json.Length);
        output.Write(length);
        output.Write(json);
        return output.ToArray();
    }
}
