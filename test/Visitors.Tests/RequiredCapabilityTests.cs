using System.Buffers;
using System.Text;

namespace MigrationFormat.Visitors.Tests;

/// <summary>A capability the header marks <c>[0]</c> must be understood by the reader, which fails before any section otherwise.</summary>
public class RequiredCapabilityTests
{
    [Fact]
    public void Open_RequiredCapabilityUnknown_FailsNamingIt()
    {
        byte[] stream = Stream("x-compressed-pages", integrity: false, required: true);

        var ex = Assert.Throws<MigrationFormatException>(() => new MigrationStreamReader(stream));

        Assert.Equal(MigrationErrorKind.UnsupportedVersion, ex.Kind);
        Assert.Contains("'x-compressed-pages'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_OptionalCapabilityUnknown_IsIgnoredAndTheSectionsLoad()
    {
        byte[] stream = Stream("x-compressed-pages", integrity: false, required: false);

        using var reader = new MigrationStreamReader(stream);
        var device = new Samples.Uart16550();
        Assert.True(reader.TryReadSection(out _));
        reader.LoadSection(device);

        Assert.Equal(0x1234, device.Divider);
        Assert.Contains("x-compressed-pages", reader.Header.Capabilities);
    }

    [Fact]
    public void Open_ChecksumsMarkedRequired_AreUnderstoodAndVerified()
    {
        byte[] stream = Stream(MigrationStreamFormat.IntegrityCapability, integrity: true, required: true);

        using var reader = new MigrationStreamReader(stream);
        Assert.True(reader.TryReadSection(out _));
        reader.LoadSection(new Samples.Uart16550());

        Assert.False(reader.TryReadSection(out _));
    }

    /// <summary>A stream of one busy UART whose header announces <paramref name="capability"/>, optional or required.</summary>
    private static byte[] Stream(string capability, bool integrity, bool required)
    {
        var output = new ArrayBufferWriter<byte>();
        var options = new MigrationStreamWriterOptions { Capabilities = integrity ? [] : [capability], Integrity = integrity };
        using (var writer = new MigrationStreamWriter(output, options))
        {
            writer.WriteDevice(Samples.SampleCatalog.CreateBusy(Samples.Uart16550.DeviceType, 3));
            writer.Complete();
        }

        byte[] stream = output.WrittenSpan.ToArray();
        if (required)
        {
            // UTF8String (0C) and [0] (80) differ only in their identifier octet; with checksums the header is covered by
            // the trailer's checksum, which is then computed again.
            byte[] name = [0x0C, (byte)capability.Length, .. Encoding.UTF8.GetBytes(capability)];
            int at = stream.AsSpan().IndexOf(name);
            Assert.True(at > 0);
            stream[at] = 0x80;
            if (integrity)
            {
                return Resum(stream);
            }
        }

        return stream;
    }

    /// <summary>Recomputes the trailer's stream checksum after the header was changed (sections are summed on their own).</summary>
    private static byte[] Resum(byte[] stream)
    {
        int checksum = stream.AsSpan().LastIndexOf(new byte[] { 0x45, 0x04 });
        uint crc = Ber.Crc32C.Compute(stream.AsSpan(0, checksum));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(stream.AsSpan(checksum + 2), crc);
        return stream;
    }
}
