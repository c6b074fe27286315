using System.Buffers;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool.Tests;

/// <summary>Streams the tests write with the library, for cases the tool's sample verb does not make.</summary>
internal static class StreamFiles
{
    /// <summary>The busy UART v3 with CRC-32C checksums.</summary>
    public static byte[] WithIntegrity() =>
        MigrationSerializer.Save([SampleCatalog.CreateBusy(Uart16550.DeviceType, 3)], new MigrationStreamWriterOptions { Integrity = true });

    /// <summary>A copy of <paramref name="stream"/> with one bit of the byte at <paramref name="offset"/> flipped.</summary>
    public static byte[] Flip(byte[] stream, int offset)
    {
        byte[] copy = (byte[])stream.Clone();
        copy[offset] ^= 0x01;
        return copy;
    }

    /// <summary>The offset of the busy UART's divider value (4660 = 12 34) in <paramref name="stream"/>.</summary>
    public static int DividerValue(byte[] stream) => stream.AsSpan().IndexOf(new byte[] { 0x80, 0x02, 0x12, 0x34 }) + 2;

    /// <summary>A stream whose writer was disposed after one section without completing it.</summary>
    public static byte[] Abandoned()
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            writer.WriteDevice(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>The busy UART v3 with <paramref name="schema"/> embedded as its schema <c>serial/v3</c>.</summary>
    public static byte[] WithSchema(DeviceSchema schema, params IDeviceState[] devices)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            writer.WriteSchemas([new(DeviceCatalog.SchemaKey(schema.Id, schema.Version), SchemaDocument.ToUtf8(schema))]);
            foreach (IDeviceState device in devices.Length == 0 ? [SampleCatalog.CreateBusy(Uart16550.DeviceType, 3)] : devices)
            {
                writer.WriteDevice(device);
            }

            writer.Complete();
        }

        return output.WrittenSpan.ToArray();
    }

    public static string Write(TempDir dir, string name, byte[] bytes)
    {
        string file = dir.File(name);
        File.WriteAllBytes(file, bytes);
        return file;
    }
}
