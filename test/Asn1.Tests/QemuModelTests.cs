using System.Buffers;
using System.Text.Json.Nodes;
using MigrationFormat.Samples.Qemu;
using MigrationFormat.Schema;
using MigrationFormat.Schema.Asn1;
using MigrationFormat.Testing;
using MigrationFormat.Tool;
using MigrationFormat.Visitors;

namespace MigrationFormat.Asn1.Tests;

/// <summary>The typed models of real QEMU devices (samples/Qemu) get modules that decode their streams too.</summary>
[Collection(QemuDecoderGroup.Name)]
public class QemuModelTests(QemuDecoderFixture fixture)
{
    private readonly Asn1Decoder _decoder = fixture.Decoder;

    public static TheoryData<string, int, int> EveryVersionWithSeeds()
    {
        var data = new TheoryData<string, int, int>();
        foreach (DeviceType type in QemuDeviceCatalog.DeviceTypes)
        {
            for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
            {
                data.Add(type.Id, version, 1);
                data.Add(type.Id, version, 2);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryVersionWithSeeds))]
    public void Decode_RandomStateOfAQemuModel_FieldValuesEqualTheDevicesState(string id, int version, int seed)
    {
        DeviceType type = QemuDeviceCatalog.Find(id)!;
        IDeviceState device = type.Create(version);
        RandomStateVisitor.Randomize(device, seed);
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { Integrity = seed == 2 }))
        {
            SchemaEmbedding.WriteSchemas(writer, [device]);
            writer.WriteDevice(device);
            writer.Complete();
        }

        Asn1DeviceModule module = _decoder.Modules[(id, version)];
        DecodeResult result = _decoder.Decode(module.StreamType, output.WrittenSpan.ToArray());

        Assert.True(result.ExitCode == 0, result.Errors);
        JsonObject decoded = XerState.State(Assert.Single(XerState.Sections(XerState.Parse(result.Xer))), module);
        StreamDecodingTests.AssertJsonEqual(JsonNode.Parse(Program.StateJson(device))!, decoded);
    }
}
