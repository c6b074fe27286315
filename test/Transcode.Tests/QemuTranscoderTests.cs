using System.Formats.Asn1;
using MigrationFormat.Qemu;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;
using Xunit.Abstractions;

namespace MigrationFormat.Transcode.Tests;

public sealed class QemuTranscoderTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void ToLegacy_ToBerOfFixture_ReproducesOriginalBytes(string fixture)
    {
        byte[] original = Fixtures.Stream(fixture);

        byte[] back = ToLegacy(ToBer(original, embedSchemas: true).Ber);

        Assert.Equal(original.Length, back.Length);
        Assert.True(original.AsSpan().SequenceEqual(back));
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void ToLegacy_ToBerWithoutSchemas_ReproducesOriginalBytes(string fixture)
    {
        byte[] original = Fixtures.Stream(fixture);

        byte[] back = ToLegacy(ToBer(original, embedSchemas: false).Ber);

        Assert.True(original.AsSpan().SequenceEqual(back));
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void ToBer_Fixture_AsnReaderWalksToEnd(string fixture)
    {
        byte[] ber = ToBer(Fixtures.Stream(fixture), embedSchemas: true).Ber;

        var reader = new AsnReader(ber, AsnEncodingRules.BER);
        int values = Walk(reader.ReadSequence(new Asn1Tag(TagClass.Application, (int)MigrationStreamFormat.StreamTagNumber, isConstructed: true)));

        Assert.False(reader.HasData);
        Assert.True(values > 100);
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void ToBer_Fixture_MigrationStreamReaderSkipsEverySection(string fixture)
    {
        (byte[] ber, QemuTranscodeResult result) = ToBer(Fixtures.Stream(fixture), embedSchemas: true);
        var ids = new List<string>();

        using (var reader = new MigrationStreamReader(ber))
        {
            while (reader.TryReadSection(out SectionHeader section))
            {
                ids.Add(section.Id);
                reader.SkipSection();
            }

            Assert.Contains(DeviceCatalog.SchemaKey("mc146818rtc", 3), reader.Schemas.Keys);
        }

        Assert.Equal(result.DeviceSections + result.OpaqueSections + 1, ids.Count);
        Assert.Equal(QemuTranscoder.VmDescriptionSectionId, ids[0]);
        Assert.Contains("mc146818rtc", ids);
        Assert.Contains("i8254", ids);
        Assert.Contains(QemuTranscoder.RecordSectionId, ids);
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void ToBer_Fixture_EmbedsSchemasThatNameTheFields(string fixture)
    {
        byte[] ber = ToBer(Fixtures.Stream(fixture), embedSchemas: true).Ber;
        using var reader = new MigrationStreamReader(ber);
        while (reader.TryReadSection(out _))
        {
        }

        IReadOnlyDictionary<string, DeviceSchema> schemas = SchemaEmbedding.ReadSchemas(reader.Schemas);
        DeviceSchema pit = schemas[DeviceCatalog.SchemaKey("i8254", 3)];

        Assert.Equal("channels[0].irq_disabled", pit.FindField(1)!.Name);
        Assert.Equal(FieldKind.UInt32, pit.FindField(1)!.Kind);
        Assert.Equal("channels", pit.FindField(2)!.Name);
        Assert.Equal(3, pit.FindField(2)!.Fields.Count);
        Assert.Equal(FieldKind.Int64, schemas[DeviceCatalog.SchemaKey("mc146818rtc", 3)].FindField(4)!.Kind);
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void ToBer_Fixture_ReportsDeviceStateSizes(string fixture)
    {
        byte[] original = Fixtures.Stream(fixture);
        (byte[] withSchemas, QemuTranscodeResult with) = ToBer(original, embedSchemas: true);
        (byte[] withoutSchemas, QemuTranscodeResult without) = ToBer(original, embedSchemas: false);

        output.WriteLine(
            $"| {fixture} | {with.DeviceSections} | {with.RawDeviceSections} | {with.LegacyDeviceBytes} | {with.BerDeviceBytes} | "
            + $"{(double)with.BerDeviceBytes / with.LegacyDeviceBytes:0.000} | {with.BerDeviceBytes + with.SchemaBytes} | "
            + $"{original.Length} | {withoutSchemas.Length} | {withSchemas.Length} |");

        Assert.Equal(with.BerDeviceBytes, without.BerDeviceBytes);
        Assert.Equal(0, without.SchemaBytes);
        Assert.Equal(withSchemas.Length - withoutSchemas.Length, with.SchemaBytes);
        Assert.True(with.DeviceSections >= 20);
        Assert.True(with.LegacyDeviceBytes > 0);
    }

    [Fact]
    public void ToLegacy_TruncatedBer_ThrowsMigrationFormatException()
    {
        byte[] ber = ToBer(Fixtures.Stream("pc-serial"), embedSchemas: true).Ber;

        Assert.Throws<MigrationFormatException>(() => ToLegacy(ber.AsSpan(0, ber.Length / 2).ToArray()));
    }

    [Fact]
    public void ToBer_TruncatedQemuStream_ThrowsMigrationFormatException()
    {
        byte[] original = Fixtures.Stream("pc-serial");

        Assert.Throws<MigrationFormatException>(() => ToBer(original.AsSpan(0, 300_000).ToArray(), embedSchemas: true));
    }

    [Fact]
    public void ToLegacy_NotAMigrationStream_ThrowsMigrationFormatException()
    {
        Assert.Throws<MigrationFormatException>(() => ToLegacy(Fixtures.Stream("pc-serial")));
    }

    [Fact]
    public void ToBer_NonSeekableInput_GivesSameBytesAsSeekable()
    {
        byte[] original = Fixtures.Stream("q35-basic");
        using var pipe = new NonSeekableStream(original);
        using var ber = new MemoryStream();

        QemuTranscoder.ToBer(pipe, ber);

        Assert.Equal(ToBer(original, embedSchemas: true).Ber, ber.ToArray());
    }

    internal static (byte[] Ber, QemuTranscodeResult Result) ToBer(byte[] qemu, bool embedSchemas)
    {
        using var input = new MemoryStream(qemu);
        using var ber = new MemoryStream();
        QemuTranscodeResult result = QemuTranscoder.ToBer(input, ber, embedSchemas);
        return (ber.ToArray(), result);
    }

    internal static byte[] ToLegacy(byte[] ber)
    {
        using var input = new MemoryStream(ber);
        using var qemu = new MemoryStream();
        QemuTranscoder.ToLegacy(input, qemu);
        return qemu.ToArray();
    }

    private static int Walk(AsnReader reader)
    {
        int count = 0;
        while (reader.HasData)
        {
            Asn1Tag tag = reader.PeekTag();
            count++;
            if (tag.IsConstructed && !(tag.TagClass == TagClass.Universal && tag.TagValue == (int)UniversalTagNumber.OctetString))
            {
                count += Walk(reader.ReadSequence(tag));
            }
            else
            {
                reader.ReadEncodedValue();
            }
        }

        return count;
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
