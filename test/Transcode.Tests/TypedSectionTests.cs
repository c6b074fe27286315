using System.Formats.Asn1;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Transcode.Tests;

/// <summary>Every device section of every fixture typed, named in the schema, and small enough.</summary>
public sealed class TypedSectionTests
{
    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void ToBer_Fixture_TypesEveryDeviceSection(string fixture)
    {
        byte[] original = Fixtures.Stream(fixture);
        int full = Fixtures.ReadAll(original).OfType<QemuSectionRecord>().Count(s => s.Kind == QemuRecordKind.SectionFull);

        QemuTranscodeResult result = QemuTranscoderTests.ToBer(original, embedSchemas: false).Result;

        Assert.Equal((full, 0), (result.DeviceSections, result.RawDeviceSections));
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void ToBer_Fixture_DeviceStateIsAtMostFivePercentLargerThanQemus(string fixture)
    {
        QemuTranscodeResult result = QemuTranscoderTests.ToBer(Fixtures.Stream(fixture), embedSchemas: false).Result;

        Assert.InRange(result.BerDeviceBytes, 1, result.LegacyDeviceBytes * 105 / 100);
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void ToBer_Fixture_WritesDeviceSectionsWithDefiniteLengths(string fixture)
    {
        byte[] ber = QemuTranscoderTests.ToBer(Fixtures.Stream(fixture), embedSchemas: false).Ber;
        var stream = new AsnReader(ber, AsnEncodingRules.BER).ReadSequence(new Asn1Tag(TagClass.Application, (int)MigrationStreamFormat.StreamTagNumber, true));
        stream.ReadEncodedValue();
        AsnReader sections = stream.ReadSequence(new Asn1Tag(TagClass.Application, 6, true));
        int devices = 0;
        while (sections.HasData)
        {
            ReadOnlyMemory<byte> section = sections.ReadEncodedValue();
            string id = new AsnReader(section, AsnEncodingRules.BER).ReadSequence(new Asn1Tag(TagClass.Application, 1, true))
                .ReadCharacterString(UniversalTagNumber.UTF8String);
            if (!id.StartsWith("qemu:", StringComparison.Ordinal))
            {
                devices++;
                Assert.Empty(IndefiniteLengths(section.Span));
            }
        }

        Assert.True(devices > 20);
    }

    [Theory]
    [InlineData("pc-virtio", "0000:00:03.0/virtio-net", 11)]
    [InlineData("q10-pc-q35-10.0-virtio", "0000:00:01.0/virtio-blk", 2)]
    [InlineData("q35-virtio", "0000:00:04.0/virtio-balloon", 1)]
    [InlineData("q10-pc-i440fx-7.2-virtio", "0000:00:04.0/virtio-rng", 1)]
    public void ToBer_VirtioFixture_SchemaNamesEveryQueueField(string fixture, string section, int version)
    {
        DeviceSchema schema = EmbeddedSchema(fixture, section, version);

        FieldSchema virtio = Assert.Single(schema.Fields, f => f.Name == "virtio");
        FieldSchema queues = Assert.Single(virtio.Fields, f => f.Name == "queues");
        Assert.Equal(FieldKind.List, queues.Kind);
        Assert.Equal(["num", "desc", "last_avail_idx", "vector"], queues.Fields.Select(f => f.Name));
        FieldSchema extra = Assert.Single(virtio.Fields, f => f.Name == "virtio/extra_state");
        FieldSchema modern = Assert.Single(extra.Fields, f => f.Name == "virtio_pci/modern_state");
        Assert.Contains(modern.Fields.Single(f => f.Name == "vqs").Fields, f => f.Name == "desc_hi");
    }

    [Fact]
    public void ToBer_SlirpSection_SchemaNamesTheDhcpClients()
    {
        DeviceSchema schema = EmbeddedSchema("pc-virtio", "slirp", 4);

        FieldSchema data = Assert.Single(schema.Fields, f => f.Name == "data");
        Assert.Equal(["sockets", "ip_id", "bootp_clients"], data.Fields.Select(f => f.Name));
        Assert.Equal(["allocated", "macaddr"], data.Fields.Single(f => f.Name == "bootp_clients").Fields.Select(f => f.Name));
    }

    [Fact]
    public void ToBer_VmmouseOfQemuVersionZero_IsSectionVersionOneAndComesBackAsZero()
    {
        byte[] original = Fixtures.Stream("pc-serial");
        byte[] ber = QemuTranscoderTests.ToBer(original, embedSchemas: true).Ber;
        using (var reader = new MigrationStreamReader(ber))
        {
            SectionHeader header;
            while (reader.TryReadSection(out header) && header.Id != "vmmouse")
            {
                reader.SkipSection();
            }

            Assert.Equal(("vmmouse", 1), (header.Id, header.Version));
        }

        QemuSectionRecord back = Fixtures.ReadAll(QemuTranscoderTests.ToLegacy(ber)).OfType<QemuSectionRecord>().Single(s => s.IdStr == "vmmouse");
        Assert.Equal(0u, back.VersionId);
    }

    private static DeviceSchema EmbeddedSchema(string fixture, string section, int version)
    {
        byte[] ber = QemuTranscoderTests.ToBer(Fixtures.Stream(fixture), embedSchemas: true).Ber;
        using var reader = new MigrationStreamReader(ber);
        while (reader.TryReadSection(out _))
        {
            reader.SkipSection();
        }

        return SchemaEmbedding.ReadSchemas(reader.Schemas)[DeviceCatalog.SchemaKey(section, version)];
    }

    private static List<int> IndefiniteLengths(ReadOnlySpan<byte> value)
    {
        var found = new List<int>();
        Walk(value, 0, found);
        return found;
    }

    private static void Walk(ReadOnlySpan<byte> value, int offset, List<int> found)
    {
        while (!value.IsEmpty)
        {
            Asn1Tag tag = Asn1Tag.Decode(value, out int tagLength);
            AsnDecoder.ReadEncodedValue(value, AsnEncodingRules.BER, out int contentOffset, out int contentLength, out int consumed);
            if (value[tagLength] == 0x80)
            {
                found.Add(offset);
            }

            if (tag.IsConstructed)
            {
                Walk(value.Slice(contentOffset, contentLength), offset + contentOffset, found);
            }

            value = value[consumed..];
            offset += consumed;
        }
    }
}
