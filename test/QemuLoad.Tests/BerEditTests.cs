using System.Numerics;
using MigrationFormat.Qemu.Devices;
using MigrationFormat.Visitors;

namespace MigrationFormat.QemuLoad.Tests;

/// <summary>What an edit through the BER form does to QEMU's bytes, without QEMU.</summary>
public sealed class BerEditTests
{
    private const string Net = "0000:00:03.0/virtio-net";

    [Fact]
    public void ToLegacy_LastAvailIdxChangedThroughBer_ChangesOnlyThatValueInTheDevice()
    {
        QemuFixture fixture = QemuFixture.Named("pc-virtio");
        byte[] stream = fixture.Stream();
        var editor = new BerStreamEditor(Streams.ToBer(stream));
        BigInteger before = editor.GetInteger(Net, 0, "virtio", "queues", "0", "last_avail_idx");
        editor.SetInteger(Net, 0, before + 1, "virtio", "queues", "0", "last_avail_idx");

        byte[] edited = Streams.ToLegacy(editor.ToArray());

        (QemuVirtioNet original, int offset) = LoadNet(stream);
        (QemuVirtioNet changed, int changedOffset) = LoadNet(edited);
        Assert.Equal(original.Core.Queues[0].LastAvailIdx + 1, changed.Core.Queues[0].LastAvailIdx);
        Assert.Equal(offset, changedOffset);
        Assert.Equal(stream.Length, edited.Length);
        int[] differing = [.. Enumerable.Range(0, edited.Length).Where(i => edited[i] != stream[i])];
        Assert.InRange(differing.Length, 1, 2);
        Assert.All(differing, i => Assert.InRange(i, offset, offset + 46164));
    }

    [Fact]
    public void ToLegacy_ValueTooWideForQemusField_FailsAndWritesNothingUsable()
    {
        var editor = new BerStreamEditor(Streams.ToBer(QemuFixture.Named("pc-virtio").Stream()));
        editor.SetInteger(Net, 0, 70000, "virtio", "queues", "0", "last_avail_idx");

        var ex = Assert.Throws<MigrationFormatException>(() => Streams.ToLegacy(editor.ToArray()));

        Assert.Equal(MigrationErrorKind.IntegerOutOfRange, ex.Kind);
    }

    private static (QemuVirtioNet Net, int PayloadOffset) LoadNet(byte[] stream)
    {
        using var reader = new QemuStreamReader(new MemoryStream(stream));
        QemuSectionRecord section = reader.ReadAll().OfType<QemuSectionRecord>().Single(s => s.IdStr == Net);
        var net = new QemuVirtioNet();
        LegacyDeviceSerializer.Load(net, section.Payload.Span, (int)section.VersionId);
        return (net, (int)(section.Offset + section.HeaderLength));
    }
}
