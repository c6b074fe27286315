using System.Buffers;
using MigrationFormat.Qemu.Devices;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;
using Xunit.Abstractions;

namespace MigrationFormat.Transcode.Tests;

public sealed class VirtioModelTests
{
    public static TheoryData<string, string> VirtioSections
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string name in Fixtures.Names)
            {
                foreach (string device in new[] { "virtio-net", "virtio-rng", "virtio-blk", "virtio-balloon" })
                {
                    if (Fixtures.FullSections(name, device).Sections.Count > 0)
                    {
                        data.Add(name, device);
                    }
                }
            }

            return data;
        }
    }

    private static IDeviceState Create(string device) => device switch
    {
        "virtio-net" => new QemuVirtioNet(),
        "virtio-rng" => new QemuVirtioRng(),
        "virtio-blk" => new QemuVirtioBlk(),
        _ => new QemuVirtioBalloon(),
    };

    [Theory]
    [MemberData(nameof(VirtioSections))]
    public void LegacyLoadThenSave_FixtureSection_ReproducesPayloadBytes(string fixture, string device)
    {
        foreach (QemuSectionRecord section in Fixtures.FullSections(fixture, device).Sections)
        {
            IDeviceState model = Create(device);
            LegacyDeviceSerializer.Load(model, section.Payload.Span, (int)section.VersionId);

            Assert.Equal(section.Payload.ToArray(), LegacyDeviceSerializer.Save(model));
        }
    }

    public static TheoryData<string> SlirpFixtures
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string name in Fixtures.Names.Where(n => Fixtures.FullSections(n, "slirp").Sections.Count > 0))
            {
                data.Add(name);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(SlirpFixtures))]
    public void Slirp_LegacyLoadThenSave_ReproducesPayloadBytes(string fixture)
    {
        List<QemuSectionRecord> sections = Fixtures.FullSections(fixture, "slirp").Sections;
        Assert.NotEmpty(sections);
        foreach (QemuSectionRecord section in sections)
        {
            var slirp = new QemuSlirp((int)section.VersionId);
            LegacyDeviceSerializer.Load(slirp, section.Payload.Span, (int)section.VersionId);

            Assert.Equal(section.Payload.ToArray(), LegacyDeviceSerializer.Save(slirp));
        }
    }

    [Theory]
    [MemberData(nameof(VirtioSections))]
    public void BerSaveThenLoad_FixtureSection_GivesTheSameQemuBytes(string fixture, string device)
    {
        foreach (QemuSectionRecord section in Fixtures.FullSections(fixture, device).Sections)
        {
            IDeviceState model = Create(device);
            LegacyDeviceSerializer.Load(model, section.Payload.Span, (int)section.VersionId);
            var ber = new ArrayBufferWriter<byte>();
            BerDeviceSerializer.Save(model, ber);

            IDeviceState copy = Create(device);
            new BerDeviceSerializer().Load(copy, ber.WrittenMemory, model.Version);

            Assert.Equal(section.Payload.ToArray(), LegacyDeviceSerializer.Save(copy));
        }
    }

    [Theory]
    [MemberData(nameof(VirtioSections))]
    public void LegacyLoad_TruncatedSection_FailsAndChangesNothing(string fixture, string device)
    {
        QemuSectionRecord section = Fixtures.FullSections(fixture, device).Sections[0];
        IDeviceState model = Create(device);
        LegacyDeviceSerializer.Load(model, section.Payload.Span, (int)section.VersionId);
        byte[] before = LegacyDeviceSerializer.Save(model);
        var random = new Random(section.Payload.Length);

        for (int i = 0; i < 40; i++)
        {
            int length = random.Next(section.Payload.Length);
            Assert.Throws<MigrationFormatException>(() => LegacyDeviceSerializer.Load(model, section.Payload.Span[..length], (int)section.VersionId));
            Assert.Equal(before, LegacyDeviceSerializer.Save(model));
        }
    }

    [Theory]
    [MemberData(nameof(VirtioSections))]
    public void LegacyLoad_FlippedBytes_LoadsOrFailsWithTheDocumentedException(string fixture, string device)
    {
        QemuSectionRecord section = Fixtures.FullSections(fixture, device).Sections[0];
        var random = new Random(17);
        int failures = 0;
        for (int i = 0; i < 200; i++)
        {
            byte[] payload = section.Payload.ToArray();
            int at = random.Next(Math.Min(payload.Length, 600));
            payload[at] ^= (byte)(1 << random.Next(8));
            try
            {
                IDeviceState model = Create(device);
                LegacyDeviceSerializer.Load(model, payload, (int)section.VersionId);
                byte[] saved = LegacyDeviceSerializer.Save(model);

                // Only a bool made 2 to 255 comes back otherwise, as 1, as QEMU saves it; the rest comes back as it was.
                Assert.Equal(payload.Length, saved.Length);
                Assert.All(Enumerable.Range(0, saved.Length).Where(j => saved[j] != payload[j]), j => Assert.Equal((at, (byte)1), (j, saved[j])));
            }
            catch (MigrationFormatException)
            {
                failures++;
            }
        }

        Assert.InRange(failures, 1, 199);
    }

    [Fact]
    public void LegacyLoad_VirtioNet_ReadsTheDeviceFromTheSavedState()
    {
        QemuSectionRecord section = Fixtures.FullSections("pc-virtio", "virtio-net").Sections[0];
        var net = new QemuVirtioNet();

        LegacyDeviceSerializer.Load(net, section.Payload.Span, 11);

        Assert.Equal([0x52, 0x54, 0x00, 0x12, 0x34, 0x60], net.Mac);
        Assert.Equal(3, net.Core.Queues.Count);
        Assert.Equal(1, net.MaxQueuePairs);
        Assert.Equal(4, net.Core.Transport.MsixVectors);
        Assert.False(net.Core.Transport.IsExpress);
        Assert.Equal(0x0F, net.Core.Status);
        Assert.Equal(256u, net.Core.Queues[0].Num);
        Assert.True(net.Core.IsSent(QemuVirtioSubsection.ExtraState));
        Assert.NotEqual(0u, net.Core.Slots[0].ModernDescLow);
    }

    [Fact]
    public void BerLoad_VirtqueueListOfAnotherLength_FailsAndChangesNothing()
    {
        QemuSectionRecord section = Fixtures.FullSections("pc-virtio", "virtio-rng").Sections[0];
        var rng = new QemuVirtioRng();
        LegacyDeviceSerializer.Load(rng, section.Payload.Span, 1);
        byte[] before = LegacyDeviceSerializer.Save(rng);
        var ber = new ArrayBufferWriter<byte>();
        BerDeviceSerializer.Save(rng, ber);

        // The virtio/virtqueues list starts with its count, 1024 (02 02 04 00): say 1023 instead.
        byte[] edited = ber.WrittenSpan.ToArray();
        int count = edited.AsSpan().IndexOf(new byte[] { 0x02, 0x02, 0x04, 0x00 });
        edited[count + 3] = 0xFF;
        edited[count + 2] = 0x03;

        var ex = Assert.Throws<MigrationFormatException>(() => new BerDeviceSerializer().Load(rng, edited, 1));

        Assert.Contains("1024", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, LegacyDeviceSerializer.Save(rng));
    }

    [Fact]
    public void LegacyLoad_MacTableLargerThanTheLimit_FailsBeforeAllocating()
    {
        QemuSectionRecord section = Fixtures.FullSections("pc-virtio", "virtio-net").Sections[0];
        var net = new QemuVirtioNet();
        LegacyDeviceSerializer.Load(net, section.Payload.Span, 11);
        net.MacTableInUse = uint.MaxValue;

        var ex = Assert.Throws<MigrationFormatException>(() => LegacyDeviceSerializer.Save(net));

        Assert.Equal(MigrationErrorKind.LimitExceeded, ex.Kind);
    }

    [Fact]
    public void Schema_EveryModel_DescribesWithoutError()
    {
        foreach (DeviceType type in QemuFieldModels.DeviceTypes)
        {
            StateLayout layout = StateLayout.For(type, type.CurrentVersion);

            Assert.NotEmpty(layout.Root.Children);
        }
    }

    [Fact]
    public void BerLoad_MacTableNotSixBytesAnEntry_FailsAndChangesNothing()
    {
        QemuSectionRecord section = Fixtures.FullSections("pc-virtio", "virtio-net").Sections[0];
        var net = new QemuVirtioNet();
        LegacyDeviceSerializer.Load(net, section.Payload.Span, 11);
        net.MacTableInUse = 2;
        net.MacTable = new byte[12];
        var ber = new ArrayBufferWriter<byte>();
        BerDeviceSerializer.Save(net, ber);

        // mac_table.in_use is [6] in the device part: 86 01 02. Say 3 entries, with 12 bytes of them.
        byte[] edited = ber.WrittenSpan.ToArray();
        int at = edited.AsSpan().IndexOf(new byte[] { 0x86, 0x01, 0x02 });
        edited[at + 2] = 3;
        var copy = new QemuVirtioNet();
        byte[] before = LegacyDeviceSerializer.Save(copy);

        var ex = Assert.Throws<MigrationFormatException>(() => new BerDeviceSerializer().Load(copy, edited, 11));

        Assert.Equal(MigrationErrorKind.UnexpectedValue, ex.Kind);
        Assert.Contains("mac_table.macs", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, LegacyDeviceSerializer.Save(copy));
    }
}
