using System.Buffers.Binary;
using System.Text;

namespace MigrationFormat.Qemu.Tests;

public class HostileInputTests
{
    private static MigrationFormatException ReadFails(byte[] stream, QemuStreamReaderOptions options = default) =>
        Assert.Throws<MigrationFormatException>(() => Fixtures.Drain(new MemoryStream(stream), options));

    private static byte[] Insert(byte[] stream, long offset, params byte[] bytes) =>
        [.. stream.AsSpan(0, (int)offset), .. bytes, .. stream.AsSpan((int)offset)];

    private static long EofOffset(byte[] stream) => SyntheticStreams.OffsetOf(stream, r => r.Kind == QemuRecordKind.EndOfFile);

    private static byte[] ReplaceInDescription(string fixture, string from, string to)
    {
        byte[] stream = Fixtures.Stream(fixture);
        string json = Encoding.UTF8.GetString(Fixtures.ReadAll(stream).OfType<QemuVmDescriptionRecord>().Single().Json.Span);
        Assert.Contains(from, json, StringComparison.Ordinal);
        return SyntheticStreams.WithDescription(stream, Encoding.UTF8.GetBytes(json.Replace(from, to, StringComparison.Ordinal)));
    }

    [Fact]
    public void Read_EmptyStream_ThrowsTruncatedAtZero()
    {
        var ex = ReadFails([]);

        Assert.Equal((MigrationErrorKind.Truncated, 0L), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void Read_WrongMagic_ThrowsUnexpectedValueAtZero()
    {
        var ex = ReadFails("QEVN\0\0\0\u0003\0"u8.ToArray());

        Assert.Equal((MigrationErrorKind.UnexpectedValue, 0L), (ex.Kind, ex.Offset));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Read_UnsupportedVersion_ThrowsUnsupportedVersionAtFour(uint version)
    {
        byte[] stream = SyntheticStreams.Build();
        BinaryPrimitives.WriteUInt32BigEndian(stream.AsSpan(4), version);

        var ex = ReadFails(stream);

        Assert.Equal((MigrationErrorKind.UnsupportedVersion, 4L), (ex.Kind, ex.Offset));
    }

    [Theory]
    [InlineData(0x09)]
    [InlineData(0x05)]
    [InlineData(0x7e)]
    [InlineData(0x07)]
    [InlineData(0x06)]
    [InlineData(0xff)]
    public void Read_UnexpectedRecordType_ThrowsInvalidEncodingAtIt(byte type)
    {
        byte[] stream = SyntheticStreams.Build();
        long eof = EofOffset(stream);

        var ex = ReadFails(Insert(stream, eof, type, 0, 0, 0, 0));

        Assert.Equal((MigrationErrorKind.InvalidEncoding, eof), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void Read_VmDescriptionOf4GiBInAShortFile_FailsWithoutAllocatingIt()
    {
        byte[] stream = [.. "QEVM\0\0\0\u0003\0\u0006"u8, 0xff, 0xff, 0xff, 0xff, .. "{}"u8];
        long before = GC.GetAllocatedBytesForCurrentThread();

        var ex = ReadFails(stream);

        Assert.Equal((MigrationErrorKind.LimitExceeded, 10L), (ex.Kind, ex.Offset));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Read_VmDescriptionLongerThanTheFile_FailsTruncatedWithoutAllocatingItsLength()
    {
        byte[] stream = [.. "QEVM\0\0\0\u0003\0\u0006"u8, 0x03, 0xc0, 0x00, 0x00, .. "{\"page_size\": 4096}"u8];
        long before = GC.GetAllocatedBytesForCurrentThread();

        var ex = ReadFails(stream);

        Assert.Equal((MigrationErrorKind.Truncated, 14L), (ex.Kind, ex.Offset));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Read_VmDescriptionOverTheConfiguredLimit_ThrowsLimitExceeded()
    {
        var ex = ReadFails(Fixtures.Stream("pc-serial-paused"), new QemuStreamReaderOptions { MaxVmDescriptionLength = 1000 });

        Assert.Equal((MigrationErrorKind.LimitExceeded, 0x03d7fcL), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void Read_VmDescriptionNotJson_ThrowsInvalidEncodingInsideTheTrailer()
    {
        byte[] stream = SyntheticStreams.WithDescription(Fixtures.Stream("pc-serial-paused"), "{\"page_size\": 4096, \"devices\": [nope]}"u8.ToArray());

        var ex = ReadFails(stream);

        Assert.Equal(MigrationErrorKind.InvalidEncoding, ex.Kind);
        Assert.InRange(ex.Offset, 0x03d7fbL + 5 + 30, 0x03d7fbL + 5 + 34);
    }

    [Fact]
    public void Read_VmDescriptionWithWrongShape_ThrowsWithTheJsonPath()
    {
        byte[] stream = SyntheticStreams.WithDescription(Fixtures.Stream("pc-serial-paused"), "{\"page_size\": 4096, \"devices\": 5}"u8.ToArray());

        var ex = ReadFails(stream);

        Assert.Equal((MigrationErrorKind.UnexpectedValue, "devices"), (ex.Kind, ex.FieldPath));
    }

    [Fact]
    public void Read_VmDescriptionNestedTooDeeply_ThrowsInvalidEncoding()
    {
        string json = "{\"page_size\": 4096, \"devices\": " + new string('[', 50_000) + new string(']', 50_000) + "}";

        var ex = ReadFails(SyntheticStreams.Build(description: json));

        Assert.Equal(MigrationErrorKind.InvalidEncoding, ex.Kind);
    }

    [Fact]
    public void Read_FieldSizeDisagreesWithTheBytes_ThrowsWithDeviceAndFieldPath()
    {
        byte[] stream = ReplaceInDescription(
            "pc-serial-paused",
            "{\"name\": \"divider\", \"type\": \"uint16\", \"size\": 2}",
            "{\"name\": \"divider\", \"type\": \"uint16\", \"size\": 3}");

        var ex = ReadFails(stream);

        Assert.Equal(("serial", "state.fcr_vmstate"), (ex.Device, ex.FieldPath));
        Assert.InRange(ex.Offset, 0x03b647 + 20, 0x03b647 + 31);
    }

    [Fact]
    public void Read_BufferShorterInTheDescription_ThrowsMissingFooterAfterTheDescribedPayload()
    {
        byte[] stream = ReplaceInDescription(
            "pc-serial-paused",
            "{\"name\": \"runstate\", \"type\": \"buffer\", \"size\": 100}",
            "{\"name\": \"runstate\", \"type\": \"buffer\", \"size\": 99}");

        var ex = ReadFails(stream);

        Assert.Equal((MigrationErrorKind.InvalidEncoding, 0x03d774L + 25 + 103), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void Read_BufferShorterInTheDescriptionOfAPipe_ThrowsAtTheTrailerWithTheDevice()
    {
        byte[] stream = ReplaceInDescription(
            "pc-serial-paused",
            "{\"name\": \"runstate\", \"type\": \"buffer\", \"size\": 100}",
            "{\"name\": \"runstate\", \"type\": \"buffer\", \"size\": 99}");

        var ex = Assert.Throws<MigrationFormatException>(() => Fixtures.Drain(new NonSeekableStream(new MemoryStream(stream))));

        Assert.Equal((MigrationErrorKind.UnexpectedValue, "globalstate", 0x03d774L + 25), (ex.Kind, ex.Device, ex.Offset));
    }

    [Fact]
    public void Read_MismatchedFooter_ThrowsUnexpectedValueAtTheFooter()
    {
        byte[] stream = (byte[])Fixtures.Stream("pc-serial-paused").Clone();
        long footer = 0x03b647 + 31;
        stream[footer + 4] = 0x17;

        var ex = ReadFails(stream);

        Assert.Equal((MigrationErrorKind.UnexpectedValue, footer), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void Read_PartOfAnUnknownSection_ThrowsUnexpectedValue()
    {
        byte[] stream = SyntheticStreams.Build();
        long eof = EofOffset(stream);

        var ex = ReadFails(Insert(stream, eof, 0x02, 0, 0, 0, 9));

        Assert.Equal((MigrationErrorKind.UnexpectedValue, eof), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void Read_ContinueWithoutAPreviousBlock_ThrowsInvalidEncoding()
    {
        byte[] stream = [.. "QEVM\0\0\0\u0003\u0001\0\0\0\u0002\u0003ram\0\0\0\0\0\0\0\u0004"u8, 0, 0, 0, 0, 0, 0, 0, 0x22, 0];

        var ex = ReadFails(stream);

        Assert.Equal((MigrationErrorKind.InvalidEncoding, 25L), (ex.Kind, ex.Offset));
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x0a)]
    [InlineData(0x400)]
    [InlineData(0x210)]
    public void Read_UnknownRamFlags_ThrowsInvalidEncoding(int flags)
    {
        byte[] stream = [.. "QEVM\0\0\0\u0003\u0001\0\0\0\u0002\u0003ram\0\0\0\0\0\0\0\u0004"u8, 0, 0, 0, 0, 0, 0, (byte)(flags >> 8), (byte)flags];

        var ex = ReadFails(stream);

        Assert.Equal((MigrationErrorKind.InvalidEncoding, 25L), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void Read_RamBlocksLongerThanTheirTotal_ThrowsUnexpectedValue()
    {
        byte[] stream =
        [
            .. "QEVM\0\0\0\u0003\u0001\0\0\0\u0002\u0003ram\0\0\0\0\0\0\0\u0004"u8,
            0, 0, 0, 0, 0, 0, 0x10, 0x04, 2, (byte)'p', (byte)'c', 0, 0, 0, 0, 0, 0, 0x20, 0,
        ];

        var ex = ReadFails(stream);

        Assert.Equal((MigrationErrorKind.UnexpectedValue, 33L), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void Read_CompressedPageLongerThanItsBound_ThrowsUnexpectedValue()
    {
        byte[] stream = [.. "QEVM\0\0\0\u0003\u0001\0\0\0\u0002\u0003ram\0\0\0\0\0\0\0\u0004"u8, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 1, (byte)'r', 0, 1, 0, 0];

        var ex = ReadFails(stream);

        Assert.Equal((MigrationErrorKind.UnexpectedValue, 35L), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void Read_BytesAfterTheVmDescription_ThrowsInvalidEncoding()
    {
        byte[] stream = [.. SyntheticStreams.Build(), 0x00];

        var ex = ReadFails(stream);

        Assert.Equal(MigrationErrorKind.InvalidEncoding, ex.Kind);
    }

    [Fact]
    public void Read_BytesAfterEofThatAreNotATrailer_ThrowsInvalidEncoding()
    {
        byte[] stream = [.. SyntheticStreams.Build(description: null), 0x04];

        var ex = ReadFails(stream);

        Assert.Equal((MigrationErrorKind.InvalidEncoding, (long)stream.Length - 1), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void Read_SectionLargerThanTheLimitInAPipe_ThrowsLimitExceeded()
    {
        var ex = Assert.Throws<MigrationFormatException>(() =>
            Fixtures.Drain(
                new NonSeekableStream(new MemoryStream(Fixtures.Stream("pc-serial-paused"))),
                new QemuStreamReaderOptions { MaxSectionLength = 1000 }));

        Assert.Equal((MigrationErrorKind.LimitExceeded, 0x03a5f2L + 17), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void Read_SectionLargerThanTheLimitWithADescription_ThrowsLimitExceeded()
    {
        var ex = ReadFails(Fixtures.Stream("pc-serial-paused"), new QemuStreamReaderOptions { MaxSectionLength = 1000 });

        Assert.Equal((MigrationErrorKind.LimitExceeded, "cpu"), (ex.Kind, ex.Device));
    }

    [Fact]
    public void Read_UnknownConfigurationSubsection_ThrowsUnexpectedValue()
    {
        byte[] stream = SyntheticStreams.Build(description: null);

        var ex = ReadFails(Insert(stream, 26, [0x05, 17, .. "configuration/xyz"u8, 0, 0, 0, 1]));

        Assert.Equal((MigrationErrorKind.UnexpectedValue, 26L), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void Read_UnknownCommand_ThrowsUnexpectedValue()
    {
        byte[] stream = SyntheticStreams.Build();

        var ex = ReadFails(Insert(stream, EofOffset(stream), 0x08, 0, 42, 0, 0));

        Assert.Equal(MigrationErrorKind.UnexpectedValue, ex.Kind);
    }

    [Fact]
    public void Read_PingWithWrongLength_ThrowsUnexpectedValue()
    {
        byte[] stream = SyntheticStreams.Build();

        var ex = ReadFails(Insert(stream, EofOffset(stream), 0x08, 0, 2, 0, 1, 0));

        Assert.Contains("Ping", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_StreamEndingBeforeEof_ThrowsTruncated()
    {
        byte[] stream = SyntheticStreams.Build(description: null);
        var description = VmDescription.Parse(Encoding.UTF8.GetBytes(SyntheticStreams.SerialDescription));

        var ex = ReadFails(stream[..^1], new QemuStreamReaderOptions { Description = description });

        Assert.Equal((MigrationErrorKind.Truncated, (long)stream.Length - 1), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void WriteState_DescriptionDisagreesWithTheBytes_ThrowsMigrationFormatException()
    {
        byte[] stream = ReplaceInDescription(
            "pc-serial-paused",
            "{\"name\": \"divider\", \"type\": \"uint16\", \"size\": 2}",
            "{\"name\": \"divider\", \"type\": \"uint16\", \"size\": 3}");

        var ex = Assert.Throws<MigrationFormatException>(() => AnalyzerJsonWriter.WriteState(
            new MemoryStream(stream),
            new System.Buffers.ArrayBufferWriter<byte>()));

        Assert.Equal("serial", ex.Device);
    }
}
