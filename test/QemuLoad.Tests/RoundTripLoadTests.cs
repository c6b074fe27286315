namespace MigrationFormat.QemuLoad.Tests;

/// <summary>
/// Real QEMU loads what the library writes: each fixture, converted to BER and back, is fed to a destination QEMU started
/// with the fixture's exact command line (the emulator that wrote it, and across versions the other one).
/// </summary>
public sealed class RoundTripLoadTests
{
    public static TheoryData<string> Fixtures => [.. QemuFixture.All.Select(f => f.Name)];

    /// <summary>QEMU 10.0 streams of a 7.2 machine type go to QEMU 7.2, and 7.2 streams of the virtio machines to 10.0.</summary>
    public static TheoryData<string, string> CrossVersion => new()
    {
        { "q10-pc-i440fx-7.2-virtio", "7.2" },
        { "q10-pc-q35-7.2-virtio", "7.2" },
        { "pc-virtio", "10.0" },
        { "q35-virtio", "10.0" },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Load_BerThenLegacyOfFixture_CompletesInTheQemuThatWroteIt(string name)
    {
        QemuFixture fixture = QemuFixture.Named(name);
        byte[] legacy = Streams.ToLegacy(Streams.ToBer(fixture.Stream()));
        Assert.Equal(fixture.Stream(), legacy);
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("stream.mig"), legacy);

        using QemuDestination qemu = QemuDestination.Start(fixture.Qemu, fixture.ArgsWithDisk(dir.Path), dir.Path);
        string status = qemu.Load(dir.File("stream.mig"));

        Assert.True(status == "completed", $"QEMU {fixture.Qemu} did not load {name}: {status}. {qemu.Output}");
        // The run state travels too: a guest stopped after it ran is paused, one that never started is in prelaunch.
        Assert.Equal(name == "pc-serial-paused" ? "prelaunch" : "paused", qemu.Execute("query-status")!["status"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(CrossVersion))]
    public void Load_BerThenLegacyOfFixture_CompletesInTheOtherQemu(string name, string destination)
    {
        QemuFixture fixture = QemuFixture.Named(name);
        Assert.NotEqual(destination, fixture.Qemu);
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("stream.mig"), Streams.ToLegacy(Streams.ToBer(fixture.Stream())));

        using QemuDestination qemu = QemuDestination.Start(destination, fixture.ArgsWithDisk(dir.Path), dir.Path);
        string status = qemu.Load(dir.File("stream.mig"));

        Assert.True(status == "completed", $"QEMU {destination} did not load {name} (written by {fixture.Qemu}): {status}. {qemu.Output}");
        Assert.Equal(4, qemu.VirtioDevices().Count);
    }
}
