using System.Globalization;
using MigrationFormat.DeviceState.VhostUser;
using MigrationFormat.Samples;
using Xunit;
using Xunit.Abstractions;

namespace MigrationFormat.DeviceState.Tests.Processes;

/// <summary>
/// The front-end (<c>migfmt vhost-user-frontend</c>) and the back-end (<c>migfmt vhost-user-backend</c>) as two
/// processes: a large state both ways with bounded memory, and every fault ending with a clear error on both sides.
/// </summary>
[Collection(ProcessTestGroup.Name)]
public sealed class VhostUserCrossProcessTests(ITestOutputHelper output)
{
    private const long LargeState = 256L * 1024 * 1024;
    private const long MemoryBoundKiB = 64 * 1024;
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(30);

    [Fact]
    public void Transfer_256MiBEachWay_StateEqualAndEveryProcessUnder64MiB()
    {
        using var scratch = new Scratch();
        string file = scratch.File("state.mig");

        using ChildProcess source = StartBackEnd(scratch, "src", "--state-size", LargeState.ToString(CultureInfo.InvariantCulture), "--seed", "7");
        using ChildProcess save = ChildProcess.Migfmt("vhost-user-frontend", "--socket", scratch.File("src.sock"), "--save", file);
        Assert.True(save.WaitForExit(Long) == 0, save.Stderr);
        Assert.True(source.WaitForExit(Short) == 0, source.Stderr);

        using ChildProcess destination = StartBackEnd(scratch, "dst", "--empty");
        using ChildProcess load = ChildProcess.Migfmt("vhost-user-frontend", "--socket", scratch.File("dst.sock"), "--load", file);
        Assert.True(load.WaitForExit(Long) == 0, load.Stderr);
        Assert.True(destination.WaitForExit(Short) == 0, destination.Stderr);

        string sourceState = File.ReadAllText(scratch.File("src.json"));
        Assert.Contains("\"blob_length\": 268435456", sourceState, StringComparison.Ordinal);
        Assert.Equal(sourceState, File.ReadAllText(scratch.File("dst.json")));
        Assert.True(new FileInfo(file).Length > LargeState);

        (string Name, ChildProcess Process)[] processes =
            [("source back-end", source), ("save front-end", save), ("destination back-end", destination), ("load front-end", load)];
        foreach ((string name, ChildProcess process) in processes)
        {
            long peak = ToolLog.PeakRssKiB(process.Stderr);
            output.WriteLine($"{name}: peak RSS {peak} KiB");
            Assert.True(peak < MemoryBoundKiB, $"{name} peaked at {peak} KiB");
        }

        double saveSeconds = ToolLog.TransferSeconds(save.Stderr), loadSeconds = ToolLog.TransferSeconds(load.Stderr);
        output.WriteLine($"save: {saveSeconds:0.000} s, load: {loadSeconds:0.000} s, file {new FileInfo(file).Length} bytes");
    }

    [Fact]
    public void Save_BackEndKilledMidTransfer_FrontEndFailsClearly()
    {
        using var scratch = new Scratch();
        string fifo = Fifo.Create(scratch.File("out.fifo"));
        using ChildProcess source = StartBackEnd(scratch, "src", "--state-size", (64L << 20).ToString(CultureInfo.InvariantCulture));
        using ChildProcess save = ChildProcess.Migfmt("vhost-user-frontend", "--socket", scratch.File("src.sock"), "--save", fifo);
        using (FileStream output = Fifo.OpenRead(fifo))
        {
            // The front-end cannot run ahead of this reader, so the transfer is surely in progress.
            Fifo.ReadAtLeast(output, 1 << 20);
            source.Kill();
            output.CopyTo(Stream.Null);
        }

        Assert.Equal(1, save.WaitForExit(Short));
        Assert.Contains("closed the connection", save.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, source.WaitForExit(Short));
        Report(("front-end", save), ("back-end", source));
    }

    [Fact]
    public void Save_FrontEndKilledMidTransfer_BackEndFailsClearly()
    {
        using var scratch = new Scratch();
        string fifo = Fifo.Create(scratch.File("out.fifo"));
        using ChildProcess source = StartBackEnd(scratch, "src", "--state-size", (64L << 20).ToString(CultureInfo.InvariantCulture));
        using ChildProcess save = ChildProcess.Migfmt("vhost-user-frontend", "--socket", scratch.File("src.sock"), "--save", fifo);
        using (FileStream output = Fifo.OpenRead(fifo))
        {
            Fifo.ReadAtLeast(output, 1 << 20);
            save.Kill();
        }

        Assert.Equal(1, source.WaitForExit(Short));
        Assert.Contains("disconnected during a save transfer", source.Stderr, StringComparison.Ordinal);
        Assert.Contains("failed after", source.Stderr, StringComparison.Ordinal);
        Report(("front-end", save), ("back-end", source));
    }

    [Fact]
    public void Load_BackEndKilledMidTransfer_FrontEndFailsClearly()
    {
        using var scratch = new Scratch();
        byte[] state = File.ReadAllBytes(QemuFramedState(scratch, 8L << 20));
        string fifo = Fifo.Create(scratch.File("in.fifo"));
        using ChildProcess destination = StartBackEnd(scratch, "dst", "--empty");
        using ChildProcess load = ChildProcess.Migfmt("vhost-user-frontend", "--socket", scratch.File("dst.sock"), "--load", fifo, "--framing", "qemu");
        using (FileStream input = Fifo.OpenWrite(fifo))
        {
            input.Write(state, 0, 1 << 20);
            destination.WaitForStderr(s => s.Contains("transfer direction 1 (load)", StringComparison.Ordinal), Short);
            destination.Kill();
            Fifo.WriteUntilRefused(input, state.AsSpan(1 << 20));
        }

        Assert.Equal(1, load.WaitForExit(Short));
        Assert.Contains("the back-end closed its end of the state pipe or exited", load.Stderr, StringComparison.Ordinal);
        Report(("front-end", load), ("back-end", destination));
    }

    [Fact]
    public void Load_FrontEndKilledMidTransfer_BackEndKeepsItsStateAndFailsClearly()
    {
        using var scratch = new Scratch();
        byte[] state = File.ReadAllBytes(QemuFramedState(scratch, 8L << 20));
        string fifo = Fifo.Create(scratch.File("in.fifo"));
        using ChildProcess destination = StartBackEnd(scratch, "dst", "--empty");
        using ChildProcess load = ChildProcess.Migfmt("vhost-user-frontend", "--socket", scratch.File("dst.sock"), "--load", fifo, "--framing", "qemu");
        using (FileStream input = Fifo.OpenWrite(fifo))
        {
            input.Write(state, 0, 1 << 20);
            destination.WaitForStderr(s => s.Contains("transfer direction 1 (load)", StringComparison.Ordinal), Short);
            load.Kill();
        }

        Assert.Equal(1, destination.WaitForExit(Short));
        Assert.Contains("disconnected during a load transfer", destination.Stderr, StringComparison.Ordinal);
        Assert.Contains("\"blob_length\": 0", File.ReadAllText(scratch.File("dst.json")), StringComparison.Ordinal);
        Report(("front-end", load), ("back-end", destination));
    }

    [Fact]
    public void Load_OneByteOfTheStateFlipped_CheckFailsOnBothSides()
    {
        using var scratch = new Scratch();
        string file = QemuFramedState(scratch, 1L << 20);
        byte[] bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x08;
        File.WriteAllBytes(file, bytes);

        using ChildProcess destination = StartBackEnd(scratch, "dst", "--empty");
        using ChildProcess load = ChildProcess.Migfmt("vhost-user-frontend", "--socket", scratch.File("dst.sock"), "--load", file, "--framing", "qemu");
        Assert.Equal(1, load.WaitForExit(Short));
        Assert.Contains("CHECK_DEVICE_STATE replied 1", load.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, destination.WaitForExit(Short));
        Assert.Contains("load failed, state unchanged", destination.Stderr, StringComparison.Ordinal);
        Assert.Contains("\"blob_length\": 0", File.ReadAllText(scratch.File("dst.json")), StringComparison.Ordinal);
        Report(("front-end", load), ("back-end", destination));
    }

    [Fact]
    public void Load_ChunkOverTheLimit_FrontEndRefusesAndTheBackEndSeesTheTransferCutShort()
    {
        using var scratch = new Scratch();
        string file = scratch.File("oversized.qemu");
        byte[] bytes = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, 2u << 20);
        File.WriteAllBytes(file, bytes);

        using ChildProcess destination = StartBackEnd(scratch, "dst", "--empty");
        using ChildProcess load = ChildProcess.Migfmt("vhost-user-frontend", "--socket", scratch.File("dst.sock"), "--load", file, "--framing", "qemu");
        Assert.Equal(1, load.WaitForExit(Short));
        Assert.Contains("exceeds the limit of 1048576", load.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, destination.WaitForExit(Short));
        Assert.Contains("disconnected during a load transfer", destination.Stderr, StringComparison.Ordinal);
        Report(("front-end", load), ("back-end", destination));
    }

    [Fact]
    public void Load_BerStreamCutShort_FailsOnBothSides()
    {
        using var scratch = new Scratch();
        string file = scratch.File("state.mig");
        using (ChildProcess source = StartBackEnd(scratch, "src"))
        using (ChildProcess save = ChildProcess.Migfmt("vhost-user-frontend", "--socket", scratch.File("src.sock"), "--save", file))
        {
            Assert.True(save.WaitForExit(Short) == 0, save.Stderr);
            Assert.True(source.WaitForExit(Short) == 0, source.Stderr);
        }

        byte[] bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        using ChildProcess destination = StartBackEnd(scratch, "dst", "--empty");
        using ChildProcess load = ChildProcess.Migfmt("vhost-user-frontend", "--socket", scratch.File("dst.sock"), "--load", file);
        Assert.Equal(1, load.WaitForExit(Short));
        Assert.Contains("ended", load.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, destination.WaitForExit(Short));
        Assert.Contains("failed after", destination.Stderr, StringComparison.Ordinal);
        Report(("front-end", load), ("back-end", destination));
    }

    [Theory]
    [InlineData("flags", "has flags 0x1")]
    [InlineData("size", "carries 4 bytes")]
    [InlineData("type", "with a message of type CHECK_DEVICE_STATE")]
    [InlineData("refuse", "did not accept the state transfer")]
    [InlineData("silent", "sent nothing within 3 s")]
    public void Save_BadReplyToSetDeviceStateFd_FrontEndFailsAndTheBackEndSeesItLeave(string fault, string message)
    {
        using var scratch = new Scratch();
        string socket = scratch.File("fake.sock");
        using var fake = FakeBackEnd.Listen(socket, fault);
        // 3 s, not 1: the fake back-end's replies to the feature queries must not miss the deadline on a loaded machine.
        using ChildProcess save = ChildProcess.Migfmt("vhost-user-frontend", "--socket", socket, "--save", scratch.File("state.mig"), "--timeout", "3");
        Assert.Equal(1, save.WaitForExit(Short));
        Assert.Contains(message, save.Stderr, StringComparison.Ordinal);
        Assert.Equal("the front-end closed the connection without CHECK_DEVICE_STATE", fake.Outcome(Short));
        Report(("front-end", save));
    }

    [Theory]
    [InlineData(3u, 0u, "invalid transfer direction 3")]
    [InlineData(0u, 1u, "unsupported transfer phase 1")]
    public void SetDeviceStateFd_InvalidParameters_BackEndRefusesLogsAndExitsOne(uint direction, uint phase, string reason)
    {
        using var scratch = new Scratch();
        using ChildProcess backEnd = StartBackEnd(scratch, "be");
        using (VhostUserFrontEnd frontEnd = VhostUserFrontEnd.Connect(scratch.File("be.sock"), Short))
        {
            frontEnd.Negotiate();
            using var pipe = Linux.LinuxPipe.Create();
            Assert.Equal(VhostUserDeviceStateMessages.Refused, frontEnd.SetDeviceStateFdRaw(direction, phase, pipe.WriteEnd, out _));
        }

        Assert.Equal(1, backEnd.WaitForExit(Short));
        Assert.Contains("refused: " + reason, backEnd.Stderr, StringComparison.Ordinal);
        Assert.Contains("1 failed or refused", backEnd.Stderr, StringComparison.Ordinal);
        Report(("back-end", backEnd));
    }

    [Fact]
    public void CheckDeviceState_WithoutATransfer_BackEndRepliesOneAndExitsOne()
    {
        using var scratch = new Scratch();
        using ChildProcess backEnd = StartBackEnd(scratch, "be");
        using (VhostUserFrontEnd frontEnd = VhostUserFrontEnd.Connect(scratch.File("be.sock"), Short))
        {
            frontEnd.Negotiate();
            MigrationFormatException error = Assert.Throws<MigrationFormatException>(frontEnd.CheckDeviceState);
            Assert.Contains("replied 1", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1, backEnd.WaitForExit(Short));
        Assert.Contains("CHECK_DEVICE_STATE without a transfer", backEnd.Stderr, StringComparison.Ordinal);
        Report(("back-end", backEnd));
    }

    [Fact]
    public void Message_DeclaringAnOversizedPayload_BackEndDropsTheConnectionAndExitsOne()
    {
        using var scratch = new Scratch();
        using ChildProcess backEnd = StartBackEnd(scratch, "be");
        using (VhostUserFrontEnd frontEnd = VhostUserFrontEnd.Connect(scratch.File("be.sock"), Short))
        {
            byte[] header = new byte[VhostUserHeader.Length];
            new VhostUserHeader(VhostUserRequest.SetMemTable, VhostUserHeader.Version, 1u << 20).Write(header);
            frontEnd.Connection.SendRaw(header);
            Assert.Null(frontEnd.Connection.Receive());
        }

        Assert.Equal(1, backEnd.WaitForExit(Short));
        Assert.Contains("declares 1048576 bytes of payload", backEnd.Stderr, StringComparison.Ordinal);
        Report(("back-end", backEnd));
    }

    /// <summary>Puts each side's last lines in the test output, where the fault list's outcomes are read from.</summary>
    private void Report(params (string Side, ChildProcess Process)[] sides)
    {
        foreach ((string side, ChildProcess process) in sides)
        {
            string[] lines = process.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            output.WriteLine($"--- {side} (exit {(process.HasExited ? process.WaitForExit(Short).ToString(CultureInfo.InvariantCulture) : "running")}):");
            foreach (string line in lines.Skip(Math.Max(0, lines.Length - 3)))
            {
                output.WriteLine(line);
            }
        }
    }

    private static ChildProcess StartBackEnd(Scratch scratch, string name, params string[] extra)
    {
        ChildProcess process = ChildProcess.Migfmt(
            ["vhost-user-backend", "--socket", scratch.File(name + ".sock"), "--state-out", scratch.File(name + ".json"), .. extra]);
        process.WaitForStderr(s => s.Contains("listening on", StringComparison.Ordinal), Long);
        return process;
    }

    /// <summary>A back-end state of <paramref name="blobSize"/> blob bytes in QEMU's chunk framing, made in this process.</summary>
    private static string QemuFramedState(Scratch scratch, long blobSize)
    {
        var device = (VhostUserBackend)SampleCatalog.CreateBusy(VhostUserBackend.DeviceType, 3);
        using BackendStateStore store = BackendStateStore.Generated(blobSize, 11);
        device.BackendState = [];
        device.StateStore = store;
        string ber = scratch.File("state.ber");
        using (var stream = File.Create(ber))
        {
            new BerDeviceStateHandler(device).SaveState(stream);
        }

        string framed = scratch.File("state.qemu");
        using (FileStream input = File.OpenRead(ber))
        using (FileStream output = File.Create(framed))
        {
            QemuChunkFraming.WriteChunks(input, output, 65536);
        }

        return framed;
    }

}

/// <summary>The process tests start many processes; running them one class at a time keeps the machine responsive.</summary>
[CollectionDefinition(Name)]
public sealed class ProcessTestGroup
{
    public const string Name = "processes";
}
