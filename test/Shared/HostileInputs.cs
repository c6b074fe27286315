using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

namespace MigrationFormat.Tests.Shared;

/// <summary>
/// Builds the inputs of the seven hostile classes (docs/security.md) at a chosen size, byte by byte, so that no large
/// input is committed: BER migration streams, transcoded streams and QEMU savevm streams. Shared by the resource tests
/// (test/Resources.Tests) and the growing-input benchmarks (bench/MigrationFormat.Benchmarks).
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

    /// <summary>
    /// Class 1: <paramref name="count"/> sections of a device no one knows, each with an empty state: 17 bytes a section,
    /// the most sections an input of its size can hold.
    /// </summary>
    public static byte[] ManyEmptySections(int count)
    {
        byte[] section = Section("x", 0, 1, []);
        var body = new MemoryStream(section.Length * count);
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

    /// <summary>
    /// Valid: a QEMU stream as a guest with <paramref name="pages"/> 4 KiB pages of non-zero RAM writes it (QEMU 7.2's
    /// framing: the RAM section's block list, every page, its end; one described device section; EOF; the VM description).
    /// </summary>
    public static byte[] RamPages(int pages)
    {
        const int PageSize = 4096;
        const ulong MemSize = 0x04, Page = 0x08, EndOfSection = 0x10, Continue = 0x20;
        byte[] block = [6, .. "pc.ram"u8];
        var output = new MemoryStream((pages * (PageSize + 8)) + 1024);
        output.Write([.. "QEVM"u8, 0, 0, 0, 3]);
        output.Write([0x01, .. BigEndian(2u), 3, .. "ram"u8, .. BigEndian(0u), .. BigEndian(4u)]);
        output.Write([.. BigEndian(((ulong)pages * PageSize) | MemSize), .. block, .. BigEndian((ulong)pages * PageSize), .. BigEndian(EndOfSection)]);
        output.Write([0x7E, .. BigEndian(2u), 0x02, .. BigEndian(2u)]);
        byte[] page = new byte[PageSize];
        new Random(15).NextBytes(page);
        for (int i = 0; i < pages; i++)
        {
            // Every page differs from the last (its index in its first bytes), as a guest's pages would.
            BinaryPrimitives.WriteInt32LittleEndian(page, i);
            output.Write(BigEndian(((ulong)i * PageSize) | Page | (i == 0 ? 0 : Continue)));
            output.Write(i == 0 ? block : []);
            output.Write(page);
        }

        output.Write([.. BigEndian(EndOfSection), 0x7E, .. BigEndian(2u), 0x03, .. BigEndian(2u), .. BigEndian(EndOfSection), 0x7E, .. BigEndian(2u)]);
        output.Write(QemuFull(3, "timer", 0, 2, [0, 0, 0, 0, 0, 0, 0x12, 0x34]));
        byte[] json = Encoding.UTF8.GetBytes(
            "{\"page_size\": 4096, \"devices\": [{\"name\": \"timer\", \"instance_id\": 0, \"vmsd_name\": \"timer\", \"version\": 2, "
            + "\"fields\": [{\"name\": \"a\", \"type\": \"int64\", \"size\": 8}]}]}");
        output.Write([0x00, 0x06, .. BigEndian((uint)json.Length), .. json]);
        return output.ToArray();
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

    /// <summary>A minimal INTEGER of a count: large inputs have section counts beyond two octets.</summary>
    private static byte[] Integer(int value)
    {
        int length = 1;
        while (length < 4 && value >= 1 << ((8 * length) - 1))
        {
            length++;
        }

        byte[] encoded = new byte[2 + length];
        encoded[0] = 0x02;
        encoded[1] = (byte)length;
        for (int i = 0; i < length; i++)
        {
            encoded[2 + i] = (byte)(value >> (8 * (length - 1 - i)));
        }

        return encoded;
    }

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

    private static byte[] BigEndian(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] BigEndian(ulong value)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
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
