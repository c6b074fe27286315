using System.Buffers;

namespace MigrationFormat.Qemu.Tests;

public class QemuStreamReaderTests
{
    [Theory]
    [InlineData("pc-serial-paused", 31)]
    [InlineData("pc-serial", 31)]
    [InlineData("q35-basic", 30)]
    [InlineData("pc-devices", 36)]
    public void Read_Fixture_HasTheReadmesDeviceSectionCount(string name, int expected)
    {
        int count = Fixtures.ReadAll(Fixtures.Stream(name)).OfType<QemuSectionRecord>().Count(s => s.Kind == QemuRecordKind.SectionFull);

        Assert.Equal(expected, count);
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void Read_Fixture_EveryDeviceSectionIsInTheDescription(string name)
    {
        using var reader = new QemuStreamReader(new MemoryStream(Fixtures.Stream(name)));
        var sections = reader.ReadAll().OfType<QemuSectionRecord>().Where(s => s.Kind == QemuRecordKind.SectionFull).ToList();

        Assert.All(sections, s => Assert.Equal(s.Payload.Length, reader.Description!.FindDevice(s.IdStr, s.InstanceId)!.GetPayloadLength()));
    }

    [Theory]
    [InlineData("pc-serial-paused", 12062L, 12893L)]
    [InlineData("pc-serial", 12093L, 12924L)]
    [InlineData("q35-basic", 31733L, 32547L)]
    [InlineData("pc-devices", 257316L, 258299L)]
    public void Read_Fixture_DevicePayloadAndWireBytesMatchTheFactSheet(string name, long payloadBytes, long wireBytes)
    {
        var sections = Fixtures.ReadAll(Fixtures.Stream(name)).OfType<QemuSectionRecord>().Where(s => s.Kind == QemuRecordKind.SectionFull).ToList();

        Assert.Equal((payloadBytes, wireBytes), (sections.Sum(s => (long)s.Payload.Length), sections.Sum(s => s.Length + 5)));
    }

    [Fact]
    public void Read_PausedFixture_SerialSectionIsWhereTheFactSheetSays()
    {
        QemuSectionRecord serial = Fixtures.ReadAll(Fixtures.Stream("pc-serial-paused")).OfType<QemuSectionRecord>().Single(s => s.IdStr == "serial");

        Assert.Equal(
            (0x03b647L, 22u, 0u, 3u, "000C0000010008 60B00000".Replace(" ", string.Empty, StringComparison.Ordinal)),
            (serial.Offset, serial.SectionId, serial.InstanceId, serial.VersionId, Convert.ToHexString(serial.Payload.Span)));
    }

    [Fact]
    public void Read_PausedFixture_RamSummaryMatchesTheFactSheet()
    {
        using var reader = new QemuStreamReader(new MemoryStream(Fixtures.Stream("pc-serial-paused")));
        while (reader.Read() is not null)
        {
        }

        var blocks = reader.RamSummary.Blocks.Select(b => (b.Name, b.UsedLength, b.ZeroPages, b.NormalPages)).ToList();
        Assert.Equal(
            new List<(string, ulong?, long, long)>
            {
                ("pc.ram", 0x1000000UL, 4096, 0),
                ("/rom@etc/acpi/tables", 0x20000UL, 31, 1),
                ("pc.bios", 0x40000UL, 18, 46),
                ("pc.rom", 0x20000UL, 32, 0),
                ("/rom@etc/table-loader", 0x1000UL, 0, 1),
                ("/rom@etc/acpi/rsdp", 0x1000UL, 0, 1),
            },
            blocks);
    }

    [Fact]
    public void Read_PausedFixture_RamWireBytesMatchTheFactSheet()
    {
        using var reader = new QemuStreamReader(new MemoryStream(Fixtures.Stream("pc-serial-paused")));
        while (reader.Read() is not null)
        {
        }

        Assert.Equal((238979L, 0x01082000UL, 4096), (reader.RamSummary.WireBytes, reader.RamSummary.DeclaredTotal, reader.RamSummary.PageSize));
    }

    [Theory]
    [InlineData("pc-serial", "pc-i440fx-7.2")]
    [InlineData("q35-basic", "pc-q35-7.2")]
    public void Read_Fixture_ConfigurationNamesTheMachine(string name, string machine)
    {
        QemuConfigurationRecord configuration = Fixtures.ReadAll(Fixtures.Stream(name)).OfType<QemuConfigurationRecord>().Single();

        Assert.Equal((machine, 0, 5L + machine.Length), (configuration.MachineType, configuration.Subsections.Count, configuration.Length));
    }

    [Fact]
    public void Read_SeekableFixture_KnowsTheDescriptionRightAfterTheHeader()
    {
        using var reader = new QemuStreamReader(new MemoryStream(Fixtures.Stream("pc-serial-paused")));
        reader.Read();

        Assert.Equal(31, reader.Description?.Devices.Count);
    }

    [Fact]
    public void Read_NonSeekableFixture_KnowsTheDescriptionOnlyAtTheTrailer()
    {
        using var reader = new QemuStreamReader(new NonSeekableStream(new MemoryStream(Fixtures.Stream("pc-serial-paused"))));
        var seenBefore = new List<bool>();
        while (reader.Read() is { } record)
        {
            seenBefore.Add(reader.Description is not null);
        }

        Assert.Equal((false, true), (seenBefore[^2], seenBefore[^1]));
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void Read_NonSeekableFixture_WritesBackToIdenticalBytes(string name)
    {
        byte[] original = Fixtures.Stream(name);
        var output = new ArrayBufferWriter<byte>(original.Length);
        using (var reader = new QemuStreamReader(new NonSeekableStream(new MemoryStream(original), maxChunk: 1000)))
        using (var writer = new QemuStreamWriter(output))
        {
            while (reader.Read() is { } record)
            {
                writer.Write(record);
            }
        }

        Assert.True(original.AsSpan().SequenceEqual(output.WrittenSpan));
    }

    [Fact]
    public void Read_WithoutLookahead_GivesTheSameRecordsAsWithIt()
    {
        byte[] stream = Fixtures.Stream("pc-devices");
        var with = Fixtures.ReadAll(stream).Select(r => (r.Kind, r.Offset, r.Length)).ToList();
        var without = Fixtures.ReadAll(stream, new QemuStreamReaderOptions { SkipDescriptionLookahead = true })
            .Select(r => (r.Kind, r.Offset, r.Length))
            .ToList();

        Assert.Equal(with, without);
    }

    [Fact]
    public void Read_SuppliedDescription_DelimitsSectionsWithIt()
    {
        byte[] stream = SyntheticStreams.Build(description: null);
        VmDescription description = VmDescription.Parse(System.Text.Encoding.UTF8.GetBytes(SyntheticStreams.SerialDescription));

        QemuSectionRecord serial = Fixtures.ReadAll(stream, new QemuStreamReaderOptions { Description = description })
            .OfType<QemuSectionRecord>()
            .Single(s => s.IdStr == "serial");

        Assert.Equal(SyntheticStreams.SerialPayload(), serial.Payload.ToArray());
    }

    [Fact]
    public void Read_StreamWithoutTrailer_EndsAfterEof()
    {
        List<QemuRecord> records = Fixtures.ReadAll(SyntheticStreams.Build(description: null));

        Assert.Equal(QemuRecordKind.EndOfFile, records[^1].Kind);
    }

    [Fact]
    public void Read_SyntheticStream_RamRecordsCarryBlocksAndData()
    {
        var ram = Fixtures.ReadAll(SyntheticStreams.Build())
            .OfType<QemuRamRecord>()
            .Where(r => r.RecordType is QemuRamRecordType.ZeroPage or QemuRamRecordType.Page)
            .ToList();

        Assert.Equal(
            new List<(QemuRamRecordType, string?, string?, ulong, int)>
            {
                (QemuRamRecordType.ZeroPage, "pc.ram", "pc.ram", 0UL, 0),
                (QemuRamRecordType.Page, null, "pc.ram", 0x1000UL, 4096),
                (QemuRamRecordType.ZeroPage, "pc.bios", "pc.bios", 0UL, 0),
            },
            ram.Select(r => (r.RecordType, r.BlockName, r.Block, r.Address, r.Data.Length)).ToList());
    }

    [Fact]
    public void Read_PartRecord_CarriesTheIdStringOfItsStart()
    {
        QemuSectionRecord part = Fixtures.ReadAll(SyntheticStreams.Build()).OfType<QemuSectionRecord>().First(s => s.Kind == QemuRecordKind.SectionPart);

        Assert.Equal(("ram", 5), (part.IdStr, part.HeaderLength));
    }

    [Fact]
    public void Read_CommandRecords_AreParsedAndWrittenBack()
    {
        byte[] stream = SyntheticStreams.Build(beforeEof: w =>
        {
            w.WriteCommand(new QemuCommandRecord(QemuCommand.Ping, new byte[] { 0, 0, 0, 7 }));
            w.WriteCommand(new QemuCommandRecord(QemuCommand.Packaged, new byte[] { 0, 0, 0, 3 }, new byte[] { 1, 2, 3 }));
        });

        var commands = Fixtures.ReadAll(stream).OfType<QemuCommandRecord>().Select(c => (c.Command, c.Data.Length, c.PackagedData.Length)).ToList();

        Assert.Equal(new List<(QemuCommand, int, int)> { (QemuCommand.Ping, 4, 0), (QemuCommand.Packaged, 4, 3) }, commands);
    }

    [Fact]
    public void Read_SwitchoverStartCommand_IsParsedAndWrittenBack()
    {
        byte[] stream = SyntheticStreams.Build(beforeEof: w => w.WriteCommand(new QemuCommandRecord(QemuCommand.SwitchoverStart, Array.Empty<byte>())));
        var records = Fixtures.ReadAll(stream);
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new QemuStreamWriter(output))
        {
            records.ForEach(writer.Write);
        }

        Assert.Equal((QemuCommand.SwitchoverStart, 0), records.OfType<QemuCommandRecord>().Select(c => (c.Command, c.Data.Length)).Single());
        Assert.Equal(stream, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Read_MultifdFlushRamRecord_IsAHeaderWordAlone()
    {
        // START of ram, the block list (total 0), a MULTIFD_FLUSH word, EOS, footer, EOF.
        byte[] stream =
        [
            .. "QEVM\0\0\0\u0003\u0001\0\0\0\u0002\u0003ram\0\0\0\0\0\0\0\u0004"u8,
            0, 0, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x7E, 0, 0, 0, 2, 0x00,
        ];

        var ram = Fixtures.ReadAll(stream).OfType<QemuRamRecord>().Select(r => r.RecordType).ToList();

        Assert.Equal([QemuRamRecordType.BlockList, QemuRamRecordType.MultifdFlush, QemuRamRecordType.EndOfSection], ram);
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x04)]
    [InlineData(0x03)]
    [InlineData(0x08)]
    public void Read_NoDescriptionAndFooterBytesInsideAPayload_EndsTheSectionAtTheRealFooter(byte recordType)
    {
        // The payload starts with 7E and its own section id (22), then a record type byte, then bytes no record starts with.
        byte[] payload = [0x7E, 0, 0, 0, 22, recordType, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, .. SyntheticStreams.SerialPayload()];
        byte[] stream = SyntheticStreams.Build(description: null, payload: payload);
        using var reader = new QemuStreamReader(new NonSeekableStream(new MemoryStream(stream)));

        QemuSectionRecord read = reader.ReadAll().OfType<QemuSectionRecord>().Single(s => s.Kind == QemuRecordKind.SectionFull);

        Assert.Equal(payload, read.Payload.ToArray());
    }

    [Fact]
    public void Read_AfterAFailure_ThrowsInvalidOperation()
    {
        using var reader = new QemuStreamReader(new MemoryStream("XXXXXXXX"u8.ToArray()));
        Assert.Throws<MigrationFormatException>(() => reader.Read());

        Assert.Throws<InvalidOperationException>(() => reader.Read());
    }

    [Fact]
    public void Read_StreamNotAtZero_GivesOffsetsFromTheStartPosition()
    {
        byte[] original = SyntheticStreams.Build();
        var padded = new MemoryStream([.. new byte[100], .. original]) { Position = 100 };
        using var reader = new QemuStreamReader(padded);

        Assert.Equal(Fixtures.ReadAll(original).Select(r => r.Offset), reader.ReadAll().Select(r => r.Offset));
    }

    [Fact]
    public void Read_IterativeSectionOtherThanRam_CarriesItsBodiesOpaque()
    {
        byte[] stream = SyntheticStreams.Build(beforeEof: w =>
        {
            w.WriteSection(QemuSectionRecord.CreateStart(7, "dirty-bitmap", 0, 1, new byte[] { 1, 0x7e, 2 }));
            w.WriteFooter(7);
            w.WriteSection(QemuSectionRecord.CreatePartOrEnd(end: true, 7, new byte[] { 3 }));
            w.WriteFooter(7);
        });

        var bodies = Fixtures.ReadAll(stream)
            .OfType<QemuSectionRecord>()
            .Where(s => s.SectionId == 7)
            .Select(s => (s.Kind, s.Body, Convert.ToHexString(s.Payload.Span)))
            .ToList();

        Assert.Equal(
            new List<(QemuRecordKind, QemuSectionBody, string)>
            {
                (QemuRecordKind.SectionStart, QemuSectionBody.Opaque, "017E02"),
                (QemuRecordKind.SectionEnd, QemuSectionBody.Opaque, "03"),
            },
            bodies);
    }
}
