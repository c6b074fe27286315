using System.Buffers;
using MigrationFormat.Samples.Qemu;
using MigrationFormat.Visitors;

namespace MigrationFormat.Transcode.Tests;

public sealed class TypedQemuDeviceTests
{
    public static TheoryData<string, string> FixtureDevices
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string name in Fixtures.Names)
            {
                foreach (DeviceType type in QemuDeviceCatalog.DeviceTypes)
                {
                    // Only the fixtures that have the device: the virtio machines have no UART and no e1000.
                    if (Fixtures.FullSections(name, type.Id).Sections.Count > 0)
                    {
                        data.Add(name, type.Id);
                    }
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(FixtureDevices))]
    public void LegacyLoadThenSave_FixtureSection_ReproducesPayloadBytes(string fixture, string device)
    {
        (List<QemuSectionRecord> sections, _) = Fixtures.FullSections(fixture, device);
        Assert.NotEmpty(sections);
        foreach (QemuSectionRecord section in sections)
        {
            IDeviceState model = LoadTyped(device, section);

            byte[] saved = LegacyDeviceSerializer.Save(model);

            Assert.Equal(section.Payload.ToArray(), saved);
        }
    }

    [Theory]
    [MemberData(nameof(FixtureDevices))]
    public void BerSaveThenLoad_FixtureSection_GivesEqualState(string fixture, string device)
    {
        (List<QemuSectionRecord> sections, _) = Fixtures.FullSections(fixture, device);
        foreach (QemuSectionRecord section in sections)
        {
            IDeviceState model = LoadTyped(device, section);
            var ber = new ArrayBufferWriter<byte>();
            var writer = new MigrationStreamWriter(ber);
            writer.WriteDevice(model, section.InstanceId);
            writer.Complete();

            IDeviceState copy = QemuDeviceCatalog.Find(device)!.Create(ModelVersion(section));
            using (var reader = new MigrationStreamReader(ber.WrittenMemory))
            {
                Assert.True(reader.TryReadSection(out SectionHeader header));
                Assert.Equal(section.InstanceId, header.InstanceId);
                reader.LoadSection(copy);
            }

            Assert.Equal(LegacyDeviceSerializer.Save(model), LegacyDeviceSerializer.Save(copy));
            Assert.Equal(StateOf(model), StateOf(copy));
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void Serial_DecodedFields_AgreeWithTypedModel(string fixture)
    {
        (List<QemuSectionRecord> sections, VmDescription description) = Fixtures.FullSections(fixture, "serial");
        foreach (QemuSectionRecord section in sections)
        {
            var serial = (QemuSerial)LoadTyped("serial", section);
            VmStateStruct state = (VmStateStruct)VmStateDecoder.Decode(description.FindDevice("serial", section.InstanceId)!, section.Payload)["state"]!;

            Assert.Equal(serial.Divider, ((VmStateInteger)state["divider"]!).UnsignedValue);
            Assert.Equal(serial.Lcr, ((VmStateInteger)state["lcr"]!).UnsignedValue);
            Assert.Equal(serial.Lsr, ((VmStateInteger)state["lsr"]!).UnsignedValue);
            Assert.Equal(serial.FcrVmstate, ((VmStateInteger)state["fcr_vmstate"]!).UnsignedValue);
            Assert.Equal(serial.PollMsl >= 0, state["serial/poll"] is not null);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void Rtc_DecodedFields_AgreeWithTypedModel(string fixture)
    {
        (List<QemuSectionRecord> sections, VmDescription description) = Fixtures.FullSections(fixture, "mc146818rtc");
        QemuSectionRecord section = Assert.Single(sections);
        var rtc = (QemuMc146818Rtc)LoadTyped("mc146818rtc", section);
        VmStateStruct state = VmStateDecoder.Decode(description.FindDevice("mc146818rtc", 0)!, section.Payload);

        Assert.Equal(rtc.CmosIndex, ((VmStateInteger)state["cmos_index"]!).UnsignedValue);
        Assert.Equal(rtc.BaseRtc, ((VmStateInteger)state["base_rtc"]!).UnsignedValue);
        Assert.Equal(rtc.Offset, ((VmStateInteger)state["offset"]!).SignedValue);
        Assert.Equal(rtc.CmosData, ((VmStateBytes)state["cmos_data"]!).Bytes.ToArray());
        Assert.NotEqual(0UL, rtc.BaseRtc);
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void Pit_DecodedFields_AgreeWithTypedModel(string fixture)
    {
        (List<QemuSectionRecord> sections, VmDescription description) = Fixtures.FullSections(fixture, "i8254");
        QemuSectionRecord section = Assert.Single(sections);
        var pit = (QemuPit)LoadTyped("i8254", section);
        VmStateStruct state = VmStateDecoder.Decode(description.FindDevice("i8254", 0)!, section.Payload);
        var channels = (VmStateArray)state["channels"]!;

        Assert.Equal(3, channels.Elements.Count);
        for (int i = 0; i < 3; i++)
        {
            var channel = (VmStateStruct)channels.Elements[i];
            Assert.Equal(pit.Channels[i].Count, ((VmStateInteger)channel["count"]!).SignedValue);
            Assert.Equal(pit.Channels[i].Mode, ((VmStateInteger)channel["mode"]!).UnsignedValue);
            Assert.Equal(pit.Channels[i].Gate, ((VmStateInteger)channel["gate"]!).UnsignedValue);
        }

        Assert.Equal(pit.Channels[0].NextTransitionTime, ((VmStateInteger)state["channels[0].next_transition_time"]!).SignedValue);
    }

    [Fact]
    public void E1000_DecodedFields_AgreeWithTypedModel()
    {
        (List<QemuSectionRecord> sections, VmDescription description) = Fixtures.FullSections("pc-devices", "e1000");
        QemuSectionRecord section = Assert.Single(sections);
        var nic = (QemuE1000)LoadTyped("e1000", section);
        VmStateStruct state = VmStateDecoder.Decode(description.FindDevice(section.IdStr, section.InstanceId)!, section.Payload);

        Assert.Equal(nic.RxbufSize, ((VmStateInteger)state["rxbuf_size"]!).UnsignedValue);
        Assert.Equal(nic.MacReg[0x100 / 4], ((VmStateInteger)state["mac_reg[RCTL]"]!).UnsignedValue);
        Assert.Equal(nic.MacReg[0x5400 / 4], ((VmStateInteger)((VmStateArray)state["mac_reg[0]"]!).Elements[0]).UnsignedValue);
        Assert.Equal(nic.PciConfig, ((VmStateBytes)((VmStateStruct)state["parent_obj"]!)["config[0]"]!).Bytes.ToArray());
        Assert.True(nic.FullMacFlag);
        Assert.NotEqual(0u, nic.MacReg[0x5400 / 4]);
    }

    [Fact]
    public void SerialSave_BusyFifoAndTimers_SendsEachSubsection()
    {
        var serial = new QemuSerial
        {
            Ier = 0x02,
            Iir = 0x01,
            ThrIpending = 1,
            TsrRetry = 2,
            Lsr = 0x20,
            TimeoutIpending = 1,
            PollMsl = 0,
            FifoTimeoutTimer = 5,
        };
        serial.RecvFifo.Num = 3;
        serial.XmitFifo.Num = 1;

        byte[] payload = LegacyDeviceSerializer.Save(serial);
        var copy = new QemuSerial();
        LegacyDeviceSerializer.Load(copy, payload, 3);

        Assert.Equal(payload, LegacyDeviceSerializer.Save(copy));
        Assert.Equal(11 + 7 * 6, payload.Length - (4 + 6 + 2 * 24 + 8 + 4 + 12) - SubsectionNameBytes());
    }

    [Fact]
    public void RtcLoad_StreamWithoutReinjectSubsection_ResetsCount()
    {
        var rtc = new QemuMc146818Rtc { IrqReinjectOnAckCount = 7 };
        byte[] withSubsection = LegacyDeviceSerializer.Save(rtc);
        rtc.IrqReinjectOnAckCount = 0;
        byte[] without = LegacyDeviceSerializer.Save(rtc);
        var copy = new QemuMc146818Rtc { IrqReinjectOnAckCount = 9 };

        LegacyDeviceSerializer.Load(copy, without, 3);

        Assert.Equal(0, copy.IrqReinjectOnAckCount);
        Assert.Equal(without.Length + 2 + "mc146818rtc/irq_reinject_on_ack_count".Length + 4 + 2, withSubsection.Length);
    }

    [Fact]
    public void PitLoad_Version2Section_OmitsIrqDisabled()
    {
        var v2 = new QemuPit(2);
        v2.Channels[1].Count = 0x10000;
        byte[] payload = LegacyDeviceSerializer.Save(v2);
        var v3 = new QemuPit(3) { IrqDisabled = 1 };

        LegacyDeviceSerializer.Load(v3, payload, 2);

        Assert.Equal(3 * 32 + 8, payload.Length);
        Assert.Equal(0x10000, v3.Channels[1].Count);
    }

    internal static IDeviceState LoadTyped(string device, QemuSectionRecord section)
    {
        IDeviceState model = QemuDeviceCatalog.Find(device)!.Create();
        LegacyDeviceSerializer.Load(model, section.Payload.Span, ModelVersion(section));
        return model;
    }

    /// <summary>A section's version as the models count: QEMU's version 0 (vmmouse) is version 1.</summary>
    internal static int ModelVersion(QemuSectionRecord section) => Math.Max(1, (int)section.VersionId);

    private static int SubsectionNameBytes() =>
        "serial/thr_ipending".Length + "serial/tsr".Length + "serial/recv_fifo".Length + "serial/xmit_fifo".Length
        + "serial/fifo_timeout_timer".Length + "serial/timeout_ipending".Length + "serial/poll".Length;

    private static string StateOf(IDeviceState device)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new MigrationStreamWriter(output);
        writer.WriteDevice(device);
        writer.Complete();
        return Convert.ToHexString(output.WrittenSpan);
    }
}
