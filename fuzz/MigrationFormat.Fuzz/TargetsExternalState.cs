using System;
using System.IO;
using System.Net.Sockets;
using MigrationFormat.DeviceState.Linux;
using MigrationFormat.DeviceState.Vfio;
using MigrationFormat.DeviceState.VhostUser;
using MigrationFormat.Samples;

namespace MigrationFormat.Fuzz;

/// <summary>
/// Targets for the decoders of external device state (src/DeviceState) and for the tool's comparing and converting
/// verbs. Decoders that other parts of the project add later (session messages and the return path, QEMU virtio
/// models) get their targets here, one entry each in <see cref="All"/> and a corpus folder of the same name.
/// </summary>
public static partial class Targets
{
    /// <summary>The most input <c>vhost-user-messages</c> sends over its socket: the replies must fit the socket's buffer unread.</summary>
    public const int MaxVhostUserInput = 32 * 1024;

    private static readonly string[][] CompareConvertArguments =
    [
        ["load", "--device", "serial", "--version", "3", "-"],
        ["convert", "--to", "ber", "-", "-"],
        ["convert", "--to", "legacy", "-", "-"],
    ];

    /// <summary>
    /// Sends <paramref name="data"/> (up to <see cref="MaxVhostUserInput"/> bytes) as a front-end's messages to a vhost-user
    /// back-end over a real Unix socket and closes it: the back-end must decode every header and payload, refuse what is
    /// malformed, and end its session with a result (the errors it reports are in the result), never by throwing.
    /// </summary>
    /// <param name="data">The messages' bytes.</param>
    public static void VhostUserMessages(ReadOnlyMemory<byte> data)
    {
        ReadOnlySpan<byte> input = data.Span[..Math.Min(data.Length, MaxVhostUserInput)];
        string path = Path.Combine(Path.GetTempPath(), "migfmt-fuzz-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            client.Connect(new UnixDomainSocketEndPoint(path));
            using Socket accepted = listener.Accept();
            client.Send(input);
            client.Shutdown(SocketShutdown.Send);
            var backEnd = new VhostUserBackEnd(new BerDeviceStateHandler(SampleCatalog.DeviceTypes[0].Create()));
            using var connection = new VhostUserConnection(new UnixFdSocket(accepted));

            // The errors the back-end meets are in its result; only an escaping exception is a finding.
            _ = backEnd.Serve(connection);
        }
        finally
        {
            File.Delete(path);
        }

        // The front-end's reply reader: every header and payload the input holds, read as a reply to each request.
        while (input.Length >= VhostUserHeader.Length)
        {
            VhostUserHeader header = VhostUserHeader.Read(input);
            input = input[VhostUserHeader.Length..];
            if (header.Size > VhostUserConnection.MaxPayloadSize || header.Size > input.Length)
            {
                break;
            }

            ReadOnlySpan<byte> payload = input[..(int)header.Size];
            input = input[(int)header.Size..];
            foreach (VhostUserRequest expected in new[] { VhostUserRequest.SetDeviceStateFd, VhostUserRequest.CheckDeviceState })
            {
                try
                {
                    VhostUserDeviceStateMessages.ReadReply(expected, header, payload);
                }
                catch (MigrationFormatException)
                {
                }
            }

            try
            {
                (uint direction, uint phase) = VhostUserDeviceStateMessages.ReadTransferParameters(header, payload);
                _ = VhostUserDeviceStateMessages.Validate(direction, phase);
            }
            catch (MigrationFormatException)
            {
            }
        }
    }

    /// <summary>
    /// Loads <paramref name="data"/> as a VFIO device's section in QEMU's framing into a simulated device: the first byte's
    /// low bit says whether the switchover acknowledgement is in use, the rest is the section. Blocks are limited to 64 kB.
    /// </summary>
    /// <param name="data">The input.</param>
    public static void VfioStream(ReadOnlyMemory<byte> data)
    {
        bool acknowledge = !data.IsEmpty && (data.Span[0] & 1) != 0;
        ReadOnlyMemory<byte> section = data.IsEmpty ? data : data[1..];
        var device = new SimulatedVfioDevice(pageCount: 2);
        try
        {
            var frames = new VfioQemuFrameReader(acknowledge, 64 * 1024);
            VfioQemuStreamReader.Load(new MemoryStream(section.ToArray(), writable: false), new VfioLoadChannel(device), frames);
        }
        catch (MigrationFormatException)
        {
        }
    }

    /// <summary>
    /// Reads <paramref name="data"/> as a vhost-user back-end's state in QEMU's chunk framing (chunks of at most 4 kB), from
    /// memory and trickled.
    /// </summary>
    /// <param name="data">The input.</param>
    public static void BackendChunks(ReadOnlyMemory<byte> data)
    {
        long whole = -1, trickled = -1;
        try
        {
            whole = QemuChunkFraming.ReadChunks(new MemoryStream(data.ToArray(), writable: false), Stream.Null, maxChunkSize: 4096);
        }
        catch (MigrationFormatException)
        {
        }

        try
        {
            trickled = QemuChunkFraming.ReadChunks(new TrickleStream(data.ToArray(), bytesPerRead: 3), Stream.Null, maxChunkSize: 4096);
        }
        catch (MigrationFormatException)
        {
        }

        if (whole != trickled)
        {
            throw new FuzzInvariantException($"Read whole, the chunks gave {whole} bytes; trickled, {trickled}.");
        }
    }

    /// <summary>
    /// Runs the tool's comparing and converting verbs on <paramref name="data"/>: <c>diff</c> of its two halves (split where
    /// the first byte says), <c>load</c>, <c>convert --to ber</c> and <c>convert --to legacy</c>. Each must end in exit 0 or 1
    /// (diff also 4, different), never 2 or with an escaping exception.
    /// </summary>
    /// <param name="data">The input.</param>
    public static void ToolCompareConvert(ReadOnlyMemory<byte> data)
    {
        foreach (string[] arguments in CompareConvertArguments)
        {
            Expect(arguments, Run(arguments, data), Tool.Program.ExitOk, Tool.Program.ExitBadInput);
        }

        int split = data.IsEmpty ? 0 : (int)((long)data.Length * data.Span[0] / 256);
        string other = Path.Combine(Path.GetTempPath(), "migfmt-fuzz-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            File.WriteAllBytes(other, data[split..].ToArray());
            string[] diff = ["diff", "-", other];
            Expect(diff, Run(diff, data[..split]), Tool.Program.ExitOk, Tool.Program.ExitBadInput, Tool.Program.ExitDifferent);
        }
        finally
        {
            File.Delete(other);
        }
    }

    private static int Run(string[] arguments, ReadOnlyMemory<byte> standardInput)
    {
        using var input = new MemoryStream(standardInput.ToArray(), writable: false);
        var console = Tool.IO.ToolConsole.OverWriters(TextWriter.Null, TextWriter.Null, input);
        return Tool.Program.Run(arguments, console);
    }

    private static void Expect(string[] arguments, int code, params int[] allowed)
    {
        if (Array.IndexOf(allowed, code) < 0)
        {
            throw new FuzzInvariantException($"migfmt {string.Join(' ', arguments)} exited {code}; only {string.Join(", ", allowed)} are expected.");
        }
    }
}
