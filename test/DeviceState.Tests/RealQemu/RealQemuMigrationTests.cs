using System.Text.Json.Nodes;
using MigrationFormat.DeviceState.Tests.Processes;
using MigrationFormat.Qemu;
using MigrationFormat.Tool;
using Xunit;
using Xunit.Abstractions;

namespace MigrationFormat.DeviceState.Tests.RealQemu;

/// <summary>
/// A <c>vhost-user-fs-pci</c> device migrated between two real QEMU 10.0 processes through a file, with
/// <c>migfmt vhost-user-backend</c> on both sides: paused, started by a guest driver, and with one byte of the
/// back-end's state flipped in the file.
/// </summary>
[Collection(ProcessTestGroup.Name)]
public sealed class RealQemuMigrationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public void Migrate_PausedDevice_DestinationBackEndLoadsExactlyTheSourcesStateAndChecksZero()
    {
        using var scratch = new Scratch();
        SourceRun source = Save(scratch, startDevice: false);
        DestinationRun destination = Load(scratch, source.File, startDevice: false);

        Assert.Equal("completed", destination.Status);
        Assert.Equal(0, destination.BackEndExit);
        Assert.Contains("-> reply CHECK_DEVICE_STATE 0x0", destination.BackEndLog, StringComparison.Ordinal);
        Assert.Equal(source.State, destination.State);
        Assert.DoesNotContain("\"blob_length\": 0,", destination.State, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrate_DeviceStartedByAGuestDriver_BackEndSeesTheLogAndRingStopsAndTheStateArrives()
    {
        using var scratch = new Scratch();
        SourceRun source = Save(scratch, startDevice: true);
        Assert.Contains("<- SET_MEM_TABLE", source.BackEndLog, StringComparison.Ordinal);
        Assert.Contains("<- SET_LOG_BASE", source.BackEndLog, StringComparison.Ordinal);
        Assert.Contains("-> reply SET_LOG_BASE", source.BackEndLog, StringComparison.Ordinal);
        Assert.Contains("<- GET_VRING_BASE", source.BackEndLog, StringComparison.Ordinal);
        int ringsStop = source.BackEndLog.IndexOf("<- GET_VRING_BASE", StringComparison.Ordinal);
        Assert.True(ringsStop < source.BackEndLog.IndexOf("<- SET_DEVICE_STATE_FD", StringComparison.Ordinal), "the rings stop before the state is saved");

        DestinationRun destination = Load(scratch, source.File, startDevice: true);
        Assert.Equal("completed", destination.Status);
        Assert.Equal(0, destination.BackEndExit);
        Assert.Equal(source.State, destination.State);

        // The destination guest runs on: QEMU starts the device again on the destination back-end, after the load.
        string log = destination.BackEndLog;
        Assert.True(
            log.IndexOf("<- SET_MEM_TABLE", log.IndexOf("loaded state:", StringComparison.Ordinal), StringComparison.Ordinal) > 0,
            "the destination device starts after the load:\n" + log);
    }

    [Fact]
    public void Migrate_OneByteOfTheBackEndStateFlipped_DestinationCheckFailsAndQemuRefusesTheLoad()
    {
        using var scratch = new Scratch();
        SourceRun source = Save(scratch, startDevice: false);
        long flipped = FlipStateByte(source.File);
        output.WriteLine($"flipped the byte at {flipped}");

        DestinationRun destination = Load(scratch, source.File, startDevice: false);
        Assert.NotEqual("completed", destination.Status);
        Assert.Contains("Back-end failed to process its internal state", destination.QemuLog, StringComparison.Ordinal);
        Assert.Contains("-> reply CHECK_DEVICE_STATE 0x1", destination.BackEndLog, StringComparison.Ordinal);
        Assert.Contains("load failed, state unchanged", destination.BackEndLog, StringComparison.Ordinal);
        Assert.Equal(1, destination.BackEndExit);
        Assert.Contains("\"blob_length\": 0,", destination.State, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_QemuStreamWithABackEndState_ShowsItAsAChunkedBlobAndDecodesItsBerStream()
    {
        using var scratch = new Scratch();
        SourceRun source = Save(scratch, startDevice: false);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(0, Program.Run(["dump", source.File], stdout, stderr));
        string dump = stdout.ToString();
        Assert.Matches(@"vhost-user-fs-backend: subsection version 0", dump);
        Assert.Matches(@"back-end: virtio-fs back-end state = chunked blob, \d+ bytes in \d+ chunks \(largest \d+\), ended by a zero length", dump);
        Assert.Contains("BER migration stream:", dump, StringComparison.Ordinal);
        Assert.Contains("section vhost-user-backend#0 v3", dump, StringComparison.Ordinal);
        Assert.Contains("backend_pid = 4242", dump, StringComparison.Ordinal);
    }

    private SourceRun Save(Scratch scratch, bool startDevice)
    {
        string socket = scratch.File("src.sock");
        string file = scratch.File("vm.mig");
        using ChildProcess backEnd = StartBackEnd(socket, scratch.File("src.json"));
        using (VhostUserFsVm vm = VhostUserFsVm.Start(scratch, "src", socket, incoming: false, qtest: startDevice))
        {
            if (startDevice)
            {
                Assert.Equal(2, vm.StartGuestDriver());
                backEnd.WaitForStderr(s => s.Contains("<- SET_VRING_ENABLE", StringComparison.Ordinal), Timeout);
            }

            vm.Qmp.Execute("migrate", new JsonObject { ["uri"] = $"exec:cat > {file}" });
            JsonObject status = vm.Qmp.WaitForMigration(Timeout);
            Assert.True(status["status"]!.GetValue<string>() == "completed", status.ToJsonString() + "\n" + vm.Process.Stderr);
            vm.Quit();
        }

        Assert.True(backEnd.WaitForExit(Timeout) == 0, backEnd.Stderr);
        output.WriteLine("source back-end:\n" + backEnd.Stderr);
        return new SourceRun(file, File.ReadAllText(scratch.File("src.json")), backEnd.Stderr);
    }

    private DestinationRun Load(Scratch scratch, string file, bool startDevice)
    {
        string socket = scratch.File("dst.sock");
        using ChildProcess backEnd = StartBackEnd(socket, scratch.File("dst.json"), "--empty");
        string status;
        string qemuLog;
        using (VhostUserFsVm vm = VhostUserFsVm.Start(scratch, "dst", socket, incoming: true, qtest: false))
        {
            try
            {
                vm.Qmp.Execute("migrate-incoming", new JsonObject { ["uri"] = $"exec:cat {file}" });
                status = vm.Qmp.WaitForMigration(Timeout)["status"]!.GetValue<string>();
                if (status == "completed" && startDevice)
                {
                    vm.Qmp.Execute("cont");
                    backEnd.WaitForStderr(
                        s => s.IndexOf("<- SET_VRING_ENABLE", Math.Max(0, s.IndexOf("loaded state:", StringComparison.Ordinal)), StringComparison.Ordinal) > 0,
                        Timeout);
                }
            }
            catch (IOException)
            {
                // A destination whose load fails exits, closing QMP.
                status = "failed";
            }

            vm.Quit();
            qemuLog = vm.Process.Stderr;
        }

        int exit = backEnd.WaitForExit(Timeout);
        output.WriteLine("destination QEMU:\n" + qemuLog + "\ndestination back-end:\n" + backEnd.Stderr);
        return new DestinationRun(status, File.ReadAllText(scratch.File("dst.json")), backEnd.Stderr, qemuLog, exit);
    }

    private static ChildProcess StartBackEnd(string socket, string stateOut, params string[] extra)
    {
        ChildProcess process = ChildProcess.Migfmt(["vhost-user-backend", "--socket", socket, "--state-out", stateOut, .. extra]);
        process.WaitForStderr(s => s.Contains("listening on", StringComparison.Ordinal), Timeout);
        return process;
    }

    /// <summary>Flips one byte inside the back-end's state, found through the stream's own description (never a chunk length).</summary>
    private static long FlipStateByte(string file)
    {
        long target = -1;
        using (FileStream stream = File.OpenRead(file))
        using (var reader = new QemuStreamReader(stream))
        {
            while (reader.Read() is { } record)
            {
                if (record is QemuSectionRecord { Kind: QemuRecordKind.SectionFull } section
                    && section.IdStr.EndsWith("/vhost-user-fs", StringComparison.Ordinal))
                {
                    VmDeviceDescription device = reader.Description!.FindDevice(section.IdStr, section.InstanceId)!;
                    VmStateStruct state = VmStateDecoder.Decode(device, section.Payload, section.Offset + section.HeaderLength);
                    Assert.True(state.TryGetValue("vhost-user-fs-backend", out VmStateValue? subsection));
                    Assert.True(((VmStateStruct)subsection!).TryGetValue("back-end", out VmStateValue? field));
                    var bytes = (VmStateBytes)field!;
                    Assert.True(QemuChunkedBlob.TryRead(bytes.Bytes.Span, out QemuChunkedBlob? blob));
                    // The middle of the largest chunk's data: skip the chunks before it and their be32 lengths.
                    int largest = 0;
                    for (int i = 1; i < blob!.ChunkLengths.Count; i++)
                    {
                        largest = blob.ChunkLengths[i] > blob.ChunkLengths[largest] ? i : largest;
                    }

                    long start = bytes.Offset;
                    for (int i = 0; i < largest; i++)
                    {
                        start += 4 + blob.ChunkLengths[i];
                    }

                    target = start + 4 + (blob.ChunkLengths[largest] / 2);
                }
            }
        }

        Assert.True(target > 0, "no vhost-user-fs section in the stream");
        byte[] data = File.ReadAllBytes(file);
        data[target] ^= 0x01;
        File.WriteAllBytes(file, data);
        return target;
    }

    private sealed record SourceRun(string File, string State, string BackEndLog);

    private sealed record DestinationRun(string Status, string State, string BackEndLog, string QemuLog, int BackEndExit);
}
