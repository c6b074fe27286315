using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MigrationFormat.QemuLoad.Tests;

/// <summary>
/// A value changed through the BER form reaches the guest's devices: in one stream the RTC's base time, the CPU's first
/// register and a virtqueue's <c>last_avail_idx</c> are changed, and QEMU shows each change (<c>qom-get rtc-time</c>,
/// <c>info registers</c>, <c>x-query-virtio-queue-status</c>). A value QEMU checks, set wrong, fails the load.
/// </summary>
public sealed partial class EditedLoadTests
{
    private const string Net = "0000:00:03.0/virtio-net";
    private const uint Rax = 0x1234ABCD;

    public static TheoryData<string> Machines => ["pc-virtio", "q10-pc-i440fx-10.0-virtio"];

    [Theory]
    [MemberData(nameof(Machines))]
    public void Load_RtcCpuAndVirtqueueChangedThroughBer_ShowsEachChange(string name)
    {
        QemuFixture fixture = QemuFixture.Named(name);
        var editor = new BerStreamEditor(Streams.ToBer(fixture.Stream()));
        BigInteger lastAvail = editor.GetInteger(Net, 0, "virtio", "queues", "0", "last_avail_idx");
        editor.SetInteger("mc146818rtc", 0, editor.GetInteger("mc146818rtc", 0, "base_rtc") + 3600, "base_rtc");
        editor.SetInteger("cpu", 0, Rax, "env.regs", "0");
        editor.SetInteger(Net, 0, lastAvail + 1, "virtio", "queues", "0", "last_avail_idx");
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("original.mig"), fixture.Stream());
        File.WriteAllBytes(dir.File("edited.mig"), Streams.ToLegacy(editor.ToArray()));

        (JsonNode originalTime, _, _) = LoadAndLook(fixture, dir, "original.mig");
        (JsonNode editedTime, string registers, JsonNode queue) = LoadAndLook(fixture, dir, "edited.mig");

        Assert.Equal((originalTime["tm_hour"]!.GetValue<int>() + 1) % 24, editedTime["tm_hour"]!.GetValue<int>());
        Assert.Equal(originalTime["tm_min"]!.GetValue<int>(), editedTime["tm_min"]!.GetValue<int>());
        Assert.True(Rax.ToString("x8", CultureInfo.InvariantCulture) == RaxPattern().Match(registers).Groups[1].Value, registers);
        Assert.Equal((int)lastAvail + 1, queue["last-avail-idx"]!.GetValue<int>());
    }

    [Fact]
    public void Load_VirtqueueIndexWithoutARing_FailsAsQemuChecks()
    {
        // virtio-rng's queue has no ring (the firmware never drove it); QEMU refuses a next index into no ring.
        QemuFixture fixture = QemuFixture.Named("pc-virtio");
        var editor = new BerStreamEditor(Streams.ToBer(fixture.Stream()));
        Assert.Equal(BigInteger.Zero, editor.GetInteger("0000:00:04.0/virtio-rng", 0, "virtio", "queues", "0", "desc"));
        editor.SetInteger("0000:00:04.0/virtio-rng", 0, 5, "virtio", "queues", "0", "last_avail_idx");
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("wrong.mig"), Streams.ToLegacy(editor.ToArray()));

        using QemuDestination qemu = QemuDestination.Start(fixture.Qemu, fixture.ArgsWithDisk(dir.Path), dir.Path);
        string status = qemu.Load(dir.File("wrong.mig"));

        Assert.Equal("failed", status);
        Assert.Contains("VQ 0 address 0x0 inconsistent with Host index 0x5", qemu.Output, StringComparison.Ordinal);
    }

    private static (JsonNode Time, string Registers, JsonNode Queue) LoadAndLook(QemuFixture fixture, TempDirectory dir, string stream)
    {
        using QemuDestination qemu = QemuDestination.Start(fixture.Qemu, fixture.ArgsWithDisk(dir.Path), dir.Path);
        string status = qemu.Load(dir.File(stream));
        Assert.True(status == "completed", $"QEMU {fixture.Qemu} did not load {stream}: {status}. {qemu.Output}");
        JsonNode time = qemu.Execute("qom-get", new { path = "/machine", property = "rtc-time" })!;
        string registers = qemu.Hmp("info registers");

        // The first virtio-net on the PCI bus (slot 3), the one iPXE drove.
        string netPath = qemu.VirtioDevices().Where(d => d.Name == "virtio-net").Select(d => d.Path).Min(StringComparer.Ordinal)!;
        JsonNode queue = qemu.Execute("x-query-virtio-queue-status", new { path = netPath, queue = 0 })!;
        return (time, registers, queue);
    }

    [GeneratedRegex("EAX=([0-9a-f]{8})")]
    private static partial Regex RaxPattern();
}
