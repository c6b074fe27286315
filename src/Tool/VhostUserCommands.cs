using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MigrationFormat.DeviceState.VhostUser;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool;

/// <summary>
/// <c>migfmt vhost-user-backend</c> (the sample back-end, serving one front-end) and <c>migfmt vhost-user-frontend</c>
/// (the library's front-end, saving a back-end's state to a file or loading it back).
/// </summary>
internal static class VhostUserCommands
{
    private const long DefaultStateSize = 200_000;

    public static Command Backend(TextWriter stdout, TextWriter stderr)
    {
        var socket = new Option<string>("--socket") { Description = "The Unix socket to listen on.", HelpName = "PATH", Required = true };
        var empty = new Option<bool>("--empty") { Description = "Start with an empty state (a destination, before it loads)." };
        var size = new Option<long>("--state-size")
        {
            Description = "The size of the opaque state blob, in bytes.", HelpName = "BYTES", DefaultValueFactory = _ => DefaultStateSize,
        };
        var seed = new Option<ulong>("--seed") { Description = "The seed the opaque state is generated from.", HelpName = "N", DefaultValueFactory = _ => 1 };
        var stateOut = new Option<string?>("--state-out")
        {
            Description = "Write the state as JSON to FILE when the front-end disconnects.", HelpName = "FILE",
        };
        var command = new Command(
            "vhost-user-backend",
            "Run the sample vhost-user back-end (its state: the vhost-user-backend sample device, saved as a checksummed BER stream): listen on PATH, "
            + "serve one front-end (QEMU or migfmt vhost-user-frontend), log every message on stderr, exit when it disconnects.")
        {
            socket, empty, size, seed, stateOut,
        };
        command.SetAction(p => RunBackend(p.GetValue(socket)!, p.GetValue(empty), p.GetValue(size), p.GetValue(seed), p.GetValue(stateOut), stdout, stderr));
        return command;
    }

    public static Command Frontend(TextWriter stderr)
    {
        var socket = new Option<string>("--socket") { Description = "The back-end's Unix socket.", HelpName = "PATH", Required = true };
        var save = new Option<string?>("--save") { Description = "Save the back-end's state into FILE.", HelpName = "FILE" };
        var load = new Option<string?>("--load") { Description = "Load the back-end's state from FILE.", HelpName = "FILE" };
        var framing = new Option<string>("--framing")
        {
            Description = "ber: a BER migration stream with the state as a chunked blob; qemu: QEMU's be32-length chunks ended by a zero length.",
            DefaultValueFactory = _ => "ber",
        };
        framing.AcceptOnlyFromAmong("ber", "qemu");
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for each reply.", HelpName = "SECONDS", DefaultValueFactory = _ => 30 };
        var command = new Command(
            "vhost-user-frontend",
            "Connect to a vhost-user back-end and save its state into a file, or load it from one (SET_DEVICE_STATE_FD, then CHECK_DEVICE_STATE).")
        {
            socket, save, load, framing, timeout,
        };
        command.SetAction(p => RunFrontend(p.GetValue(socket)!, p.GetValue(save), p.GetValue(load), p.GetValue(framing)!, p.GetValue(timeout), stderr));
        return command;
    }

    private static int RunBackend(string socketPath, bool empty, long stateSize, ulong seed, string? stateOut, TextWriter stdout, TextWriter stderr)
    {
        if (stateSize < 0)
        {
            throw new UsageException("vhost-user-backend: --state-size must not be negative.");
        }

        void Log(string line)
        {
            lock (stderr)
            {
                stderr.WriteLine("vhost-user-backend: " + line);
                stderr.Flush();
            }
        }

        var device = empty ? new VhostUserBackend(3) : (VhostUserBackend)SampleCatalog.CreateBusy(VhostUserBackend.DeviceType, 3);
        using BackendStateStore store = empty ? BackendStateStore.Empty() : BackendStateStore.Generated(stateSize, seed);
        device.BackendState = [];
        device.StateStore = store;
        Log("state: " + Summary(device, store));
        var handler = new LoggingHandler(
            new BerDeviceStateHandler(device, "migfmt vhost-user-backend", static (writer, state) => SchemaEmbedding.WriteSchemas(writer, [state])),
            Log,
            () => Summary(device, store));
        var backEnd = new VhostUserBackEnd(handler, new VhostUserBackEndOptions { Log = Log });
        VhostUserServeResult result;
        try
        {
            result = backEnd.ListenAndServeOne(socketPath, () => stdout.Flush());
        }
        catch (SocketException ex)
        {
            Log("error: " + ex.Message);
            return Program.ExitBadInput;
        }

        if (stateOut is not null)
        {
            File.WriteAllText(stateOut, StateJson(device, store));
        }

        Log(string.Create(
            CultureInfo.InvariantCulture,
            $"{result.Messages} messages, {result.Saves} saves, {result.Loads} loads, {result.FailedTransfers} failed or refused; "
            + $"peak RSS {PeakRssKiB()} KiB"));
        return result.Succeeded ? Program.ExitOk : Program.ExitBadInput;
    }

    private static int RunFrontend(string socketPath, string? saveFile, string? loadFile, string framing, double timeoutSeconds, TextWriter stderr)
    {
        if ((saveFile is null) == (loadFile is null))
        {
            throw new UsageException("vhost-user-frontend: give exactly one of --save FILE and --load FILE.");
        }

        try
        {
            using VhostUserFrontEnd frontEnd = VhostUserFrontEnd.Connect(socketPath, TimeSpan.FromSeconds(timeoutSeconds));
            frontEnd.Negotiate();
            var clock = Stopwatch.StartNew();
            long bytes = saveFile is not null ? Save(frontEnd, saveFile, framing) : Load(frontEnd, loadFile!, framing);
            double seconds = clock.Elapsed.TotalSeconds;
            stderr.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"vhost-user-frontend: {(saveFile is not null ? "saved" : "loaded")} {bytes} bytes of back-end state ({framing}) in {seconds:0.000} s "
                + $"({bytes / 1048576.0 / Math.Max(seconds, 1e-9):0} MiB/s), CHECK_DEVICE_STATE 0; peak RSS {PeakRssKiB()} KiB"));
            return Program.ExitOk;
        }
        catch (Exception ex) when (ex is TimeoutException or SocketException or InvalidOperationException)
        {
            stderr.WriteLine("migfmt: error: " + ex.Message);
            return Program.ExitBadInput;
        }
    }

    private static long Save(VhostUserFrontEnd frontEnd, string file, string framing)
    {
        using var output = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        if (framing == "qemu")
        {
            long copied;
            using (Stream pipe = frontEnd.BeginSave())
            {
                copied = QemuChunkFraming.WriteChunks(pipe, output);
            }

            frontEnd.CheckDeviceState();
            return copied;
        }

        var device = new VhostUserFrontEndDevice(frontEnd);
        using (var writer = new MigrationStreamWriter(
            output,
            new MigrationStreamWriterOptions { Producer = "migfmt vhost-user-frontend", Integrity = true },
            leaveOpen: true))
        {
            writer.WriteDevice(device);
            writer.Complete();
        }

        return device.Blob.BytesMoved;
    }

    private static long Load(VhostUserFrontEnd frontEnd, string file, string framing)
    {
        using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (framing == "qemu")
        {
            long copied;
            using (Stream pipe = frontEnd.BeginLoad())
            {
                copied = QemuChunkFraming.ReadChunks(input, pipe);
            }

            frontEnd.CheckDeviceState();
            return copied;
        }

        var device = new VhostUserFrontEndDevice(frontEnd);
        using var reader = new MigrationStreamReader(input, leaveOpen: true);
        reader.LoadAll(section => string.Equals(section.Id, VhostUserFrontEndDevice.DeviceType.Id, StringComparison.Ordinal) ? device : null);
        return device.Blob.BytesMoved;
    }

    private static string Summary(VhostUserBackend device, BackendStateStore store) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"protocol_features 0x{device.ProtocolFeatures:x}, backend_pid {device.BackendPid}, last_error \"{device.LastError}\", "
            + $"dirty_log {(device.DirtyLogActive ? "on" : "off")}, blob {store}");

    private static string StateJson(VhostUserBackend device, BackendStateStore store)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("protocol_features", device.ProtocolFeatures);
            json.WriteStartArray("inflight_addrs");
            foreach (ulong address in device.InflightAddresses)
            {
                json.WriteNumberValue(address);
            }

            json.WriteEndArray();
            json.WriteString("last_error", device.LastError);
            json.WriteNumber("backend_pid", device.BackendPid);
            json.WriteBoolean("dirty_log", device.DirtyLogActive);
            json.WriteNumber("log_base", device.LogBase);
            json.WriteNumber("log_size", device.LogSize);
            json.WriteNumber("blob_length", store.Length);
            json.WriteString("blob_sha256", store.Sha256);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + Environment.NewLine;
    }

    /// <summary>The process's peak resident set (VmHWM in /proc/self/status), in KiB; -1 when unknown.</summary>
    internal static long PeakRssKiB()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return -1;
    }

    /// <summary>Logs each transfer's outcome with the state it leaves.</summary>
    private sealed class LoggingHandler(IVhostUserStateHandler inner, Action<string> log, Func<string> summary) : IVhostUserStateHandler
    {
        public void SaveState(Stream destination)
        {
            inner.SaveState(destination);
            log("saved state: " + summary());
        }

        public void LoadState(Stream source)
        {
            try
            {
                inner.LoadState(source);
            }
            catch (MigrationFormatException ex)
            {
                log("load failed, state unchanged: " + ex.Message);
                throw;
            }

            log("loaded state: " + summary());
        }
    }
}
