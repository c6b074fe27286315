using System.Buffers;

namespace MigrationFormat.Qemu.Tests;

public class QemuStreamWriterTests
{
    [Fact]
    public void WriteFullSection_SerialFromTheFixture_GivesTheFixturesBytes()
    {
        byte[] fixture = Fixtures.Stream("pc-serial-paused");
        QemuSectionRecord serial = Fixtures.ReadAll(fixture).OfType<QemuSectionRecord>().Single(s => s.IdStr == "serial");
        var output = new ArrayBufferWriter<byte>();

        using (var writer = new QemuStreamWriter(output))
        {
            writer.WriteFullSection(serial.SectionId, "serial", serial.InstanceId, serial.VersionId, serial.Payload.Span);
        }

        Assert.Equal(Convert.ToHexString(fixture, (int)serial.Offset, 36), Convert.ToHexString(output.WrittenSpan));
    }

    [Fact]
    public void CreateFull_FromHeaderFieldsAndPayload_WritesLikeWriteFullSection()
    {
        byte[] payload = SyntheticStreams.SerialPayload();
        var viaRecord = new ArrayBufferWriter<byte>();
        var viaFields = new ArrayBufferWriter<byte>();
        using (var writer = new QemuStreamWriter(viaRecord))
        {
            writer.Write(QemuSectionRecord.CreateFull(22, "serial", 0, 3, payload));
            writer.Write(new QemuSectionFooterRecord(22));
        }

        using (var writer = new QemuStreamWriter(viaFields))
        {
            writer.WriteFullSection(22, "serial", 0, 3, payload);
        }

        Assert.Equal(Convert.ToHexString(viaFields.WrittenSpan), Convert.ToHexString(viaRecord.WrittenSpan));
    }

    [Fact]
    public void Write_OverAStream_GivesTheSameBytesAsOverABufferWriter()
    {
        byte[] expected = SyntheticStreams.Build();
        using var stream = new MemoryStream();
        using (var writer = new QemuStreamWriter(stream, leaveOpen: true))
        {
            foreach (QemuRecord record in Fixtures.ReadAll(expected))
            {
                writer.Write(record);
            }
        }

        Assert.Equal(expected, stream.ToArray());
    }

    [Fact]
    public void WriteHeader_Default_WritesMagicAndVersion3()
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new QemuStreamWriter(output))
        {
            writer.WriteHeader();
        }

        Assert.Equal("5145564D00000003", Convert.ToHexString(output.WrittenSpan));
    }

    [Fact]
    public void WriteConfiguration_WithSubsections_ReadsBackTheSameValues()
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new QemuStreamWriter(output))
        {
            writer.WriteHeader();
            writer.WriteConfiguration(new QemuConfigurationRecord("virt-7.2", targetPageBits: 12, capabilities: ["x-ignore-shared"], uuid: new byte[16]));
            writer.WriteEndOfFile();
        }

        QemuConfigurationRecord read = Fixtures.ReadAll(output.WrittenSpan.ToArray()).OfType<QemuConfigurationRecord>().Single();

        Assert.Equal(
            ("virt-7.2", (uint?)12, "x-ignore-shared", 16, 3),
            (read.MachineType, read.TargetPageBits, read.Capabilities.Single(), read.Uuid?.Length, read.Subsections.Count));
    }

    [Fact]
    public void CreatePage_WrongSize_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => QemuRamRecord.CreatePage(0, "pc.ram", new byte[100]));
    }

    [Fact]
    public void WriteFullSection_IdStringOver255Bytes_ThrowsArgumentException()
    {
        using var writer = new QemuStreamWriter(new ArrayBufferWriter<byte>());

        Assert.Throws<ArgumentException>(() => writer.WriteFullSection(1, new string('a', 256), 0, 1, []));
    }

    [Fact]
    public void BytesWritten_AfterSyntheticStream_EqualsItsLength()
    {
        byte[] stream = SyntheticStreams.Build();
        using var writer = new QemuStreamWriter(new ArrayBufferWriter<byte>());
        foreach (QemuRecord record in Fixtures.ReadAll(stream))
        {
            writer.Write(record);
        }

        Assert.Equal(stream.Length, writer.BytesWritten);
    }

    [Fact]
    public void Length_OfEveryRecord_SumsToTheStreamLength()
    {
        byte[] stream = Fixtures.Stream("pc-devices");

        Assert.Equal(stream.Length, Fixtures.ReadAll(stream).Sum(r => r.Length));
    }
}
