using System.Formats.Asn1;
using MigrationFormat.Samples;

namespace MigrationFormat.Visitors.Tests;

/// <summary>Every stream the samples produce is plain BER: System.Formats.Asn1 walks it whole.</summary>
public class AsnReaderWalkTests
{
    public static TheoryData<string, int> DevicesAndVersions()
    {
        var data = new TheoryData<string, int>();
        foreach (DeviceType type in SampleCatalog.DeviceTypes)
        {
            for (int v = 1; v <= 3; v++)
            {
                data.Add(type.Id, v);
            }
        }

        return data;
    }

    /// <summary>Walks every value recursively and returns how many primitive values it read.</summary>
    private static int Walk(AsnReader reader)
    {
        int primitives = 0;
        while (reader.HasData)
        {
            Asn1Tag tag = reader.PeekTag();
            if (tag.TagClass == TagClass.Universal && tag.TagValue == (int)UniversalTagNumber.OctetString)
            {
                reader.ReadOctetString(tag);
                primitives++;
            }
            else if (tag.IsConstructed)
            {
                primitives += Walk(reader.ReadSequence(tag));
            }
            else
            {
                reader.ReadEncodedValue();
                primitives++;
            }
        }

        return primitives;
    }

    [Theory]
    [MemberData(nameof(DevicesAndVersions))]
    public void Walk_BusySampleStream_ReadsEveryValueWithBerRules(string id, int version)
    {
        byte[] stream = StateDump.Save(SampleCatalog.CreateBusy(SampleCompatibilityMatrixTests.TypeOf(id), version));
        var reader = new AsnReader(stream, AsnEncodingRules.BER);

        int primitives = Walk(reader);

        Assert.False(reader.HasData);
        Assert.True(primitives > StateDump.Entries(SampleCatalog.CreateBusy(SampleCompatibilityMatrixTests.TypeOf(id), version)).Count(e => e.OnWire) / 2);
    }

    [Fact]
    public void Walk_StreamOfAllSamples_ReadsEveryValueWithBerRules()
    {
        byte[] stream = StateDump.Save([.. SampleCatalog.DeviceTypes.Select(t => SampleCatalog.CreateBusy(t, 3))]);
        var reader = new AsnReader(stream, AsnEncodingRules.BER);

        Walk(reader);

        Assert.False(reader.HasData);
    }
}
