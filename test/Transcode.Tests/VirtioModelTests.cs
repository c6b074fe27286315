using System.Buffers;
using MigrationFormat.Qemu.Devices;
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
}

