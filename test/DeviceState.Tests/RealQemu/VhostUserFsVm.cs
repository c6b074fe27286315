using MigrationFormat.DeviceState.Tests.Processes;

namespace MigrationFormat.DeviceState.Tests.RealQemu;

/// <summary>
/// A QEMU 10.0 process (TCG, q35, 256 MiB of shared memfd memory, no guest OS) with a <c>vhost-user-fs-pci</c> device at
/// slot 4 whose back-end listens at a given socket; driven through QMP, and through qtest when asked.
/// </summary>
internal sealed class VhostUserFsVm : IDisposable
{
    public const int DeviceSlot = 4;
    public const ulong RingMemory = 0x4000000;

    private VhostUserFsVm(ChildProcess process, QmpClient qmp, string? qtestSocket)
    {
        Process = process;
        Qmp = qmp;
        QtestSocket = qtestSocket;
    }

    public ChildProcess Process { get; }

    public QmpClient Qmp { get; }

    public string? QtestSocket { get; }

    public static VhostUserFsVm Start(Scratch scratch, string name, string backEndSocket, bool incoming, bool qtest)
    {
        string qmp = scratch.File(name + ".qmp");
        string? qtestSocket = qtest ? scratch.File(name + ".qt") : null;
        var args = new List<string>(Qemu10.DataArguments)
        {
            "-nodefaults", "-display", "none", "-accel", "tcg", "-machine", "q35", "-m", "256M",
            "-object", "memory-backend-memfd,id=mem,size=256M,share=on", "-numa", "node,memdev=mem",
            "-chardev", $"socket,id=vfs,path={backEndSocket}",
            "-device", $"vhost-user-fs-pci,chardev=vfs,tag=migfmt,addr=0x{DeviceSlot:x}",
            "-qmp", $"unix:{qmp},server=on,wait=off", "-S",
        };
        if (incoming)
        {
            args.AddRange(["-incoming", "defer"]);
        }

        if (qtestSocket is not null)
        {
            args.AddRange(["-qtest", $"unix:{qtestSocket},server=on,wait=off", "-qtest-log", "/dev/null"]);
        }

        ChildProcess process = ChildProcess.Start(Qemu10.Binary, args, Qemu10.Environment);
        try
        {
            return new VhostUserFsVm(process, QmpClient.Connect(qmp, TimeSpan.FromSeconds(60)), qtestSocket);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            process.Dispose();
            throw new InvalidOperationException("QEMU 10.0 did not start: " + process.Stderr, ex);
        }
    }

    /// <summary>
    /// Plays the guest driver while the guest is still paused (so the firmware cannot race it for the PCI configuration
    /// ports), then runs the guest: QEMU starts a driver-ready virtio device when the VM runs, and with it the back-end.
    /// </summary>
    public int StartGuestDriver()
    {
        int queues;
        using (QtestGuest guest = QtestGuest.Connect(QtestSocket ?? throw new InvalidOperationException("Started without qtest."), TimeSpan.FromSeconds(30)))
        {
            queues = guest.StartVirtioDevice(DeviceSlot, RingMemory);
        }

        Qmp.Execute("cont");
        return queues;
    }

    /// <summary>Asks QEMU to quit and waits for it.</summary>
    public int Quit()
    {
        try
        {
            Qmp.Execute("quit");
        }
        catch (IOException)
        {
            // It may have gone already (a failed incoming migration ends the process).
        }

        return Process.WaitForExit(TimeSpan.FromSeconds(60));
    }

    public void Dispose()
    {
        Qmp.Dispose();
        Process.Dispose();
    }
}
