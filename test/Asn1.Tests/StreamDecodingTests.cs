using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using MigrationFormat.Schema.Asn1;
using MigrationFormat.Samples;
using MigrationFormat.Tool;
using MigrationFormat.Visitors;

namespace MigrationFormat.Asn1.Tests;

/// <summary>
/// A decoder that asn1c generates from the published modules reads every stream the library writes: the framing
/// module to the end, and each device version's module with every field named and valued as <c>migfmt load</c> says.
/// </summary>
[Collection(SampleDecoderGroup.Name)]
public class StreamDecodingTests(SampleDecoderFixture fixture)
{
    private readonly Asn1Decoder _decoder = fixture.Decoder;

    public static TheoryData<string, int, bool, bool> EveryVariant => SampleStreams.EveryVariant();

    public static TheoryData<string> QemuFixtures =>
        new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "fixtures"), "*.mig").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(EveryVariant))]
    public void Decode_SampleStreamAsMigrationStream_FramingModuleDecodesItToTheEnd(string id, int version, bool schemas, bool checksums)
    {
        byte[] stream = SampleStreams.Save(id, version, schemas, checksums);

        DecodeResult result = _decoder.Decode(Asn1FramingModule.StreamType, stream);

        Assert.True(result.ExitCode == 0, result.Errors);
        XElement root = XerState.Parse(result.Xer);
        Assert.Equal("2", root.Element("header")!.Element("formatVersion")!.Value);
        Assert.Equal(schemas, root.Element("schemas") is not null);
        XElement section = Assert.Single(XerState.Sections(root));
        Assert.Equal(id, section.Element("id")!.Value);
        Assert.Equal(version.ToString(CultureInfo.InvariantCulture), section.Element("version")!.Value);
        Assert.NotEmpty(section.Element("state")!.Elements("Field"));
        Assert.Equal(checksums, section.Element("checksum") is not null);
        Assert.Equal("1", root.Element("end")!.Element("trailer")!.Element("sectionCount")!.Value);
        Assert.Equal(checksums, root.Element("end")!.Element("trailer")!.Element("checksum") is not null);
    }

    [Fact]
    public void Decode_AbandonedStream_FramingModuleDecodesTheMarkInPlaceOfTheTrailer()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            writer.WriteDevice(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
        }

        DecodeResult result = _decoder.Decode(Asn1FramingModule.StreamType, output.WrittenSpan.ToArray());

        Assert.True(result.ExitCode == 0, result.Errors);
        XElement end = XerState.Parse(result.Xer).Element("end")!;
        Assert.Null(end.Element("trailer"));
        Assert.Equal("1", end.Element("abandoned")!.Element("sectionCount")!.Value);
    }

    [Theory]
    [MemberData(nameof(EveryVariant))]
    public void Decode_SampleStreamAsItsVersionsStream_FieldValuesEqualMigfmtLoad(string id, int version, bool schemas, bool checksums)
    {
        byte[] stream = SampleStreams.Save(id, version, schemas, checksums);
        Asn1DeviceModule module = _decoder.Modules[(id, version)];

        DecodeResult result = _decoder.Decode(module.StreamType, stream);
        LoadOutput load = SampleStreams.Load(id, version, stream);

        Assert.True(result.ExitCode == 0, result.Errors);
        Assert.Equal(0, load.ExitCode);
        JsonObject decoded = XerState.State(Assert.Single(XerState.Sections(XerState.Parse(result.Xer))), module);
        AssertJsonEqual(load.State!, decoded);
    }

    [Fact]
    public void Decode_TwoDevicesInOneStream_FramingModuleDecodesEverySection()
    {
        var devices = new List<Visitors.IDeviceState>();
        foreach (Visitors.DeviceType type in Samples.SampleCatalog.DeviceTypes)
        {
            devices.Add(Samples.SampleCatalog.CreateBusy(type, type.CurrentVersion));
        }

        var output = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Visitors.MigrationStreamWriter(output, new Visitors.MigrationStreamWriterOptions { Integrity = true }))
        {
            Schema.SchemaEmbedding.WriteSchemas(writer, devices);
            foreach (Visitors.IDeviceState device in devices)
            {
                writer.WriteDevice(device);
            }

            writer.Complete();
        }

        DecodeResult result = _decoder.Decode(Asn1FramingModule.StreamType, output.WrittenSpan.ToArray());

        Assert.True(result.ExitCode == 0, result.Errors);
        XElement root = XerState.Parse(result.Xer);
        Assert.Equal(devices.Select(d => d.Type.Id), XerState.Sections(root).Select(s => s.Element("id")!.Value));
        Assert.Equal(devices.Count.ToString(CultureInfo.InvariantCulture), root.Element("end")!.Element("trailer")!.Element("sectionCount")!.Value);
    }

    [Theory]
    [MemberData(nameof(QemuFixtures))]
    public void Decode_RealQemuStreamConvertedToBer_FramingModuleDecodesItToTheEnd(string fixture)
    {
        string ber = Path.Combine(_decoder.Directory, fixture + ".ber");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(0, Program.Run(["convert", "--to", "ber", Path.Combine(AppContext.BaseDirectory, "fixtures", fixture), ber], stdout, stderr));

        DecodeResult result = _decoder.Decode(Asn1FramingModule.StreamType, File.ReadAllBytes(ber));

        Assert.True(result.ExitCode == 0, result.Errors);
        XElement root = XerState.Parse(result.Xer);
        IReadOnlyList<XElement> sections = XerState.Sections(root);
        Assert.NotEmpty(sections);
        Assert.Equal(sections.Count.ToString(CultureInfo.InvariantCulture), root.Element("end")!.Element("trailer")!.Element("sectionCount")!.Value);
        Assert.NotNull(root.Element("schemas"));
    }

    internal static void AssertJsonEqual(JsonNode expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"migfmt load:\n{expected.ToJsonString()}\nthe ASN.1 decoder:\n{actual.ToJsonString()}");
}
