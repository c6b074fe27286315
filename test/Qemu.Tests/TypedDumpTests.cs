using System.Buffers;
using System.Text.Json.Nodes;

namespace MigrationFormat.Qemu.Tests;

/// <summary>What the VM description leaves opaque (virtio, slirp) named in the dumps through the typed models.</summary>
public class TypedDumpTests
{
    private static JsonObject Typed(string fixture)
    {
        var output = new ArrayBufferWriter<byte>();
        AnalyzerJsonWriter.WriteTypedState(new MemoryStream(Fixtures.Stream(fixture)), output);
        return JsonNode.Parse(output.WrittenSpan)!.AsObject();
    }

    [Theory]
    [InlineData("pc-virtio")]
    [InlineData("q10-pc-q35-10.0-virtio")]
    [InlineData("pc-devices")]
    public void WriteTypedState_Fixture_IsTheAnalyzersDocumentButForTheModelledFields(string fixture)
    {
        JsonObject analyzer = JsonNode.Parse(Fixtures.StateJson(fixture))!.AsObject();
        JsonObject typed = Typed(fixture);

        Assert.Equal(analyzer.Select(p => p.Key), typed.Select(p => p.Key));
        foreach ((string key, JsonNode? value) in analyzer)
        {
            bool modelled = key.StartsWith("slirp ", StringComparison.Ordinal) || key.Contains("/virtio-", StringComparison.Ordinal);
            Assert.Equal(!modelled, JsonNode.DeepEquals(value, typed[key]));
        }
    }

    [Fact]
    public void WriteTypedState_VirtioNet_NamesEveryQueue()
    {
        JsonObject net = Typed("pc-virtio").Single(p => p.Key.StartsWith("0000:00:03.0/virtio-net ", StringComparison.Ordinal)).Value!["virtio"]!.AsObject();

        JsonArray queues = net["queues"]!.AsArray();
        Assert.Equal(3, queues.Count);
        Assert.Equal("0x00000100", queues[0]!["num"]!.GetValue<string>());
        Assert.Equal("0x0002", queues[0]!["last_avail_idx"]!.GetValue<string>());
        Assert.Equal("52 54 00 12 34 60", net["virtio-net-device"]!["mac"]!.GetValue<string>());
        Assert.Equal(1024, net["virtio/extra_state"]!["virtio_pci/modern_state"]!["vqs"]!.AsArray().Count);
    }

    [Fact]
    public void WriteTypedState_Slirp_NamesTheDhcpClientIpxeGot()
    {
        JsonObject slirp = Typed("pc-virtio").Single(p => p.Key.StartsWith("slirp ", StringComparison.Ordinal)).Value!["data"]!.AsObject();

        Assert.Equal("0x0001", slirp["bootp_clients"]![0]!["allocated"]!.GetValue<string>());
        Assert.Equal("52 54 00 12 34 60", slirp["bootp_clients"]![0]!["macaddr"]!.GetValue<string>());
        Assert.Empty(slirp["sockets"]!.AsArray());
    }

    [Fact]
    public void DumpToString_VirtioFixture_ShowsVirtqueueFields()
    {
        string dump = QemuStreamDumper.DumpToString(new MemoryStream(Fixtures.Stream("pc-virtio")));

        Assert.Contains("virtio: virtio-blk (", dump, StringComparison.Ordinal);
        Assert.Contains("last_avail_idx: uint16 = 0x0001", dump, StringComparison.Ordinal);
        Assert.Contains("virtio_pci/modern_state: subsection version 1", dump, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pc-virtio")]
    [InlineData("q10-pc-q35-10.0-virtio")]
    public void ExpandTyped_EveryIntegerOfTheModels_SitsAtItsOffsetInTheStream(string fixture)
    {
        byte[] stream = Fixtures.Stream(fixture);
        using var reader = new QemuStreamReader(new MemoryStream(stream));
        List<QemuSectionRecord> sections = [.. reader.ReadAll().OfType<QemuSectionRecord>().Where(s => s.Kind == QemuRecordKind.SectionFull)];
        int checkedValues = 0;
        foreach (QemuSectionRecord section in sections)
        {
            VmDeviceDescription device = reader.Description!.FindDevice(section.IdStr, section.InstanceId)!;
            VmStateStruct values = VmStateDecoder.Decode(device, section.Payload, section.Offset + section.HeaderLength);
            if (Devices.QemuFieldModels.ExpandTyped(values, device, section.VersionId) == 0)
            {
                continue;
            }

            foreach (VmStateInteger integer in Integers(values))
            {
                ulong read = 0;
                foreach (byte b in stream.AsSpan((int)integer.Offset, integer.Size))
                {
                    read = (read << 8) | b;
                }

                Assert.Equal(integer.RawValue, read);
                checkedValues++;
            }
        }

        Assert.True(checkedValues > 10_000);
    }

    private static IEnumerable<VmStateInteger> Integers(VmStateValue value) => value switch
    {
        VmStateInteger integer => [integer],
        VmStateStruct structure => structure.Members.SelectMany(m => Integers(m.Value)),
        VmStateArray array => array.Elements.SelectMany(Integers),
        _ => [],
    };
}
