using System.Buffers;
using System.Xml.Linq;
using MigrationFormat.Samples;
using MigrationFormat.Schema.Asn1;
using MigrationFormat.Visitors;

namespace MigrationFormat.Asn1.Tests;

/// <summary>
/// The configuration each section carries (docs/wire-format.md §1, docs/catalog.md §3) is part of the framing module:
/// asn1c's decoder reads the model and every item with its flag, and the device modules read the section around it.
/// </summary>
[Collection(SampleDecoderGroup.Name)]
public class ConfigurationDecodingTests(SampleDecoderFixture fixture)
{
    private readonly Asn1Decoder _decoder = fixture.Decoder;

    private static byte[] Save(IDeviceState device)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            writer.WriteDevice(device);
            writer.Complete();
        }

        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void Decode_SectionOfAConfiguredDevice_FramingModuleGivesItsModelAndEveryItemWithItsFlag()
    {
        byte[] stream = Save(SampleCatalog.CreateBusy(VirtioNet.DeviceType.Resolve("version=2,rx-filter-size=16,ifname=a,,b")));

        DecodeResult result = _decoder.Decode(Asn1FramingModule.StreamType, stream);

        Assert.True(result.ExitCode == 0, result.Errors);
        XElement configuration = Assert.Single(XerState.Sections(XerState.Parse(result.Xer))).Element("configuration")!;
        Assert.Equal("urn:migfmt:sample:virtio-net", configuration.Element("model")!.Value);
        Assert.Equal(
            ["mustParse version=2", "mustParse rx-filter-size=16", "skippable rss=off", "skippable queue-size=256", "skippable ifname=a,b"],
            configuration.Element("parameters")!.Elements().Select(flag => $"{flag.Name.LocalName} {flag.Value}"));
    }

    [Fact]
    public void Decode_SectionOfAConfiguredDevice_ItsVersionsModuleReadsTheSectionAroundIt()
    {
        byte[] stream = Save(SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType.Resolve("version=3,lost-tick-policy=delay")));
        Asn1DeviceModule module = _decoder.Modules[("mc146818rtc", 3)];

        DecodeResult result = _decoder.Decode(module.StreamType, stream);

        Assert.True(result.ExitCode == 0, result.Errors);
        XElement section = Assert.Single(XerState.Sections(XerState.Parse(result.Xer)));
        XElement policy = section.Element("configuration")!.Element("parameters")!.Elements().ElementAt(1);
        Assert.Equal(("mustParse", "lost-tick-policy=delay"), (policy.Name.LocalName, policy.Value));
        Assert.NotNull(section.Element("state")!.Element("utc-offset-s"));
    }
}
