using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace MigrationFormat.DeviceState.Tests.RealQemu;

/// <summary>
/// Plays the guest driver through QEMU's qtest socket: finds a modern virtio-pci device's common configuration and
/// brings the device up (acknowledge, driver, VERSION_1, features OK, every queue at a guest address, driver OK), which
/// makes QEMU start its vhost-user back-end.
/// </summary>
internal sealed class QtestGuest : IDisposable
{
    private const int VirtioPciCapabilityId = 0x09;
    private const int CommonConfigType = 1;
    private readonly Socket _socket;
    private readonly StreamReader _reader;
    private readonly StreamWriter _writer;

    private QtestGuest(Socket socket)
    {
        _socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: false);
        _reader = new StreamReader(stream, Encoding.ASCII);
        _writer = new StreamWriter(stream, Encoding.ASCII) { AutoFlush = true, NewLine = "\n" };
    }

    public static QtestGuest Connect(string path, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 30_000 };
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(path));
                return new QtestGuest(socket);
            }
            catch (SocketException) when (clock.Elapsed < timeout)
            {
                socket.Dispose();
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>Brings up the virtio device at slot <paramref name="slot"/> of bus 0; returns the number of queues started.</summary>
    public int StartVirtioDevice(int slot, ulong ringMemory)
    {
        Assert.Equal(0x1af4UL, ConfigRead(slot, 0, 2));
        (int bar, uint offset) = FindCommonConfig(slot);
        ulong low = ConfigRead(slot, 0x10 + (4 * bar), 4);
        ulong high = ConfigRead(slot, 0x14 + (4 * bar), 4);
        ulong barAddress = ((high << 32) | low) & ~0xfUL;
        if (barAddress == 0)
        {
            // The firmware has not placed it: put it where nothing else is.
            barAddress = 0xfe000000;
            ConfigWrite(slot, 0x10 + (4 * bar), 4, barAddress);
            ConfigWrite(slot, 0x14 + (4 * bar), 4, 0);
        }

        ConfigWrite(slot, 0x04, 2, ConfigRead(slot, 0x04, 2) | 0x6);
        ulong common = barAddress + offset;
        Write("writeb", common + 0x14, 0x0);
        Write("writeb", common + 0x14, 0x1);
        Write("writeb", common + 0x14, 0x3);
        Write("writel", common + 0x08, 1);
        Write("writel", common + 0x0c, 1);
        Write("writel", common + 0x08, 0);
        Write("writel", common + 0x0c, 0);
        Write("writeb", common + 0x14, 0xb);
        Assert.Equal(0xbUL, Read("readb", common + 0x14));
        int queues = (int)Read("readw", common + 0x12);
        for (int queue = 0; queue < queues; queue++)
        {
            ulong ring = ringMemory + ((ulong)queue * 0x10000);
            Write("writew", common + 0x16, (ulong)queue);
            Write("writeq", common + 0x20, ring);
            Write("writeq", common + 0x28, ring + 0x4000);
            Write("writeq", common + 0x30, ring + 0x8000);
            Write("writew", common + 0x1c, 1);
        }

        Write("writeb", common + 0x14, 0xf);
        Assert.Equal(0xfUL, Read("readb", common + 0x14));
        return queues;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _writer.Dispose();
        _socket.Dispose();
    }

    private (int Bar, uint Offset) FindCommonConfig(int slot)
    {
        int pointer = (int)ConfigRead(slot, 0x34, 1);
        for (int guard = 0; pointer != 0 && guard < 48; guard++)
        {
            if (ConfigRead(slot, pointer, 1) == VirtioPciCapabilityId && ConfigRead(slot, pointer + 3, 1) == CommonConfigType)
            {
                return ((int)ConfigRead(slot, pointer + 4, 1), (uint)ConfigRead(slot, pointer + 8, 4));
            }

            pointer = (int)ConfigRead(slot, pointer + 1, 1);
        }

        throw new InvalidOperationException($"No virtio common configuration capability at slot {slot}.");
    }

    private ulong ConfigRead(int slot, int register, int size)
    {
        Write("outl", 0xcf8, ConfigAddress(slot, register));
        return Read(size switch { 1 => "inb", 2 => "inw", _ => "inl" }, 0xcfcUL + (ulong)(register & 3));
    }

    private void ConfigWrite(int slot, int register, int size, ulong value)
    {
        Write("outl", 0xcf8, ConfigAddress(slot, register));
        Write(size switch { 1 => "outb", 2 => "outw", _ => "outl" }, 0xcfcUL + (ulong)(register & 3), value);
    }

    private static ulong ConfigAddress(int slot, int register) => 0x80000000UL | ((ulong)slot << 11) | ((ulong)register & 0xfc);

    private void Write(string command, ulong address, ulong value) =>
        Command(string.Create(CultureInfo.InvariantCulture, $"{command} 0x{address:x} 0x{value:x}"));

    private ulong Read(string command, ulong address) =>
        Command(string.Create(CultureInfo.InvariantCulture, $"{command} 0x{address:x}")) ?? throw new InvalidOperationException(command + " returned no value");

    private ulong? Command(string line)
    {
        _writer.WriteLine(line);
        while (true)
        {
            string reply = _reader.ReadLine() ?? throw new IOException("QEMU closed the qtest socket.");
            if (reply.StartsWith("IRQ", StringComparison.Ordinal))
            {
                continue;
            }

            if (!reply.StartsWith("OK", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"qtest '{line}' answered '{reply}'.");
            }

            string[] parts = reply.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length > 1 ? ulong.Parse(parts[1].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) : null;
        }
    }
}
