using System.Buffers;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Schema.Asn1;
using MigrationFormat.Tool;
using MigrationFormat.Visitors;

namespace MigrationFormat.Asn1.Tests;

/// <summary>One decoder reads a stream of several devices with every field named, through the module of that stream.</summary>
[Collection(SampleDecoderGroup.Name)]
public class MachineStreamTests(SampleDecoderFixture fixture)
{
    private readonly Asn1Decoder _decoder = fixture.Decoder;

    [Fact]
    public void Decode_StreamOfTheModulesSections_EverySectionsValuesEqualItsDevice()
    {
        IDeviceState[] devices = [.. SampleDecoderFixture.MachineSections.Select(s => SampleCatalog.CreateBusy(SampleStreams.Type(s.Id), s.Version))];
        byte[] stream = Save(devices);

        DecodeResult result = _decoder.Decode(_decoder.StreamModule!.StreamType, stream);

        Assert.True(result.ExitCode == 0, result.Errors);
        XElement[] sections = [.. XerState.Parse(result.Xer).Element("sections")!.Elements()];
        Assert.Equal(["serial", "mc146818rtc", "virtio-net", "vhost-user-backend", "serial-2"], sections.Select(s => s.Name.LocalName));
        for (int i = 0; i < devices.Length; i++)
        {
            Asn1DeviceModule module = _decoder.Modules[SampleDecoderFixture.MachineSections[i]];
            Assert.Equal(i == 4 ? "1" : "0", sections[i].Element("instanceId")!.Value);
            StreamDecodingTests.AssertJsonEqual(JsonNode.Parse(Program.StateJson(devices[i]))!, XerState.State(sections[i], module));
        }
    }

    [Fact]
    public void Decode_SectionsInAnotherOrder_Fails()
    {
        IDeviceState[] devices = [.. SampleDecoderFixture.MachineSections.Reverse().Select(s => SampleCatalog.CreateBusy(SampleStreams.Type(s.Id), s.Version))];

        DecodeResult result = _decoder.Decode(_decoder.StreamModule!.StreamType, Save(devices));

        Assert.NotEqual(0, result.ExitCode);
    }

    private static byte[] Save(IDeviceState[] devices)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { Integrity = true }))
        {
            SchemaEmbedding.WriteSchemas(writer, devices);
            for (int i = 0; i < devices.Length; i++)
            {
                writer.WriteDevice(devices[i], instanceId: i == 4 ? 1u : 0u);
            }

            writer.Complete();
        }

        return output.WrittenSpan.ToArray();
    }
}
