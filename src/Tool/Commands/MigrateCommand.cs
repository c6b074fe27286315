using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MigrationFormat.DeviceState.Vfio;
using MigrationFormat.Samples;
using MigrationFormat.Session;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool.Commands;

/// <summary>
/// <c>migfmt migrate</c>: a live migration of the sample devices between two processes, over a Unix socket or TCP.
/// The destination (<c>--listen</c>) loads them and prints their state as JSON; the source (<c>--connect</c>) saves
/// their busy state, with the accelerator's memory in pre-copy rounds while a simulated guest keeps writing it. Both
/// log the phases on stderr and exit 0 on success, 1 on failure with the reason.
/// </summary>
internal static class MigrateCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var listen = new Option<string?>("--listen")
        {
            Description = "Be the destination: listen on this Unix socket path (or on --tcp).",
            HelpName = "PATH",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var connect = new Option<string?>("--connect")
        {
            Description = "Be the source: connect to this Unix socket path (or to --tcp).",
            HelpName = "PATH",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var tcp = new Option<string?>("--tcp") { Description = "Use TCP instead of a Unix socket.", HelpName = "HOST:PORT" };
        var saveVersion = new Option<string[]>("--save-version")
        {
            Description = "Destination: run DEVICE as version N and ask the source to save that version (repeatable).",
            HelpName = "DEVICE=N",
            AllowMultipleArgumentsPerToken = false,
        };
        var noAck = new Option<string[]>("--no-switchover-ack")
        {
            Description = "This side's DEVICE does not support the switchover acknowledgement (repeatable).",
            HelpName = "DEVICE",
        };
        var capability = new Option<string[]>("--capability")
        {
            Description = "Offer (source) or support (destination) capability NAME; NAME! also requires it (repeatable).",
            HelpName = "NAME[!]",
        };
        var vfio = new Option<bool>("--vfio")
        {
            Description = "Also migrate the simulated VFIO device (vfio-sim) through its migration uAPI; give it on both sides.",
        };
        var noChecksums = new Option<bool>("--no-checksums") { Description = "Neither offer nor support CRC-32C checksums." };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds either side waits on its peer before it gives up.",
            DefaultValueFactory = _ => 10,
        };
        var roundInterval = new Option<int>("--round-interval")
        {
            Description = "Source: milliseconds the guest runs between pre-copy rounds.",
            DefaultValueFactory = _ => 100,
        };
        var acceptTimeout = new Option<double>("--accept-timeout")
        {
            Description = "Seconds to wait for the other side to connect.",
            DefaultValueFactory = _ => 60,
        };
        var command = new Command("migrate", "Migrate the sample devices live between two processes: --listen (destination) or --connect (source).")
        {
            listen, connect, tcp, saveVersion, noAck, capability, vfio, noChecksums, timeout, roundInterval, acceptTimeout,
        };
        command.SetAction(p =>
        {
            bool isDestination = p.GetResult(listen) is not null;
            bool isSource = p.GetResult(connect) is not null;
            if (isDestination == isSource)
            {
                throw new UsageException("migrate: give exactly one of --listen and --connect.");
            }

            string? path = isDestination ? p.GetValue(listen) : p.GetValue(connect);
            string? host = p.GetValue(tcp);
            if ((path is null) == (host is null))
            {
                throw new UsageException("migrate: give a Unix socket PATH or --tcp HOST:PORT, not both.");
            }

            var settings = new Settings(
                isDestination,
                EndPointOf(path, host),
                ParseVersions(p.GetValue(saveVersion) ?? []),
                new HashSet<string>(p.GetValue(noAck) ?? [], StringComparer.Ordinal),
                Capabilities(p.GetValue(capability) ?? [], !p.GetValue(noChecksums)),
                Seconds(p.GetValue(timeout), "--timeout"),
                TimeSpan.FromMilliseconds(Math.Max(0, p.GetValue(roundInterval))),
                Seconds(p.GetValue(acceptTimeout), "--accept-timeout"),
                p.GetValue(vfio));
            return Run(settings, stdout, stderr);
        });
        return command;
    }

    private static int Run(Settings settings, TextWriter stdout, TextWriter stderr)
    {
        var log = new Log(stderr, settings.IsDestination ? "destination" : "source");
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            log.Write("interrupted: cancelling");
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return settings.IsDestination
                ? RunDestinationAsync(settings, log, stdout, cancellation.Token).GetAwaiter().GetResult()
                : RunSourceAsync(settings, log, cancellation.Token).GetAwaiter().GetResult();
        }
        catch (MigrationSessionException ex)
        {
            log.Write("failed: " + ex.Message);
            return Program.ExitBadInput;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or TimeoutException)
        {
            log.Write("failed: " + ex.Message);
            return Program.ExitBadInput;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<int> RunDestinationAsync(Settings settings, Log log, TextWriter stdout, CancellationToken cancellation)
    {
        IReadOnlyList<SessionDevice> devices = WithVfio(
            SessionSamples.CreateDestination(settings.Versions, settings.NoAck),
            settings,
            ack => VfioSessionSamples.CreateDestination(switchoverAck: ack));
        using var listener = SessionListener.Start(settings.EndPoint);
        log.Write($"listening on {Describe(listener.LocalEndPoint)}");
        SessionTransport transport;
        using (var accept = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
        {
            accept.CancelAfter(settings.AcceptTimeout);
            try
            {
                transport = await listener.AcceptAsync(accept.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                throw new TimeoutException(Invariant($"no source connected within {settings.AcceptTimeout.TotalSeconds:0.###} s"));
            }
        }

        await using (transport.ConfigureAwait(false))
        {
            log.Write("source connected");
            var options = new SessionOptions
            {
                Capabilities = settings.Capabilities,
                Timeout = settings.Timeout,
                SaveVersions = settings.Versions.Count > 0 ? settings.Versions : null,
                Events = e => log.Event(e),
            };
            await new MigrationDestination(devices, options).RunAsync(transport, cancellation).ConfigureAwait(false);
        }

        LogMemory(log, devices);
        stdout.WriteLine(StatesJson(devices));
        return Program.ExitOk;
    }

    private static async Task<int> RunSourceAsync(Settings settings, Log log, CancellationToken cancellation)
    {
        IReadOnlyList<SessionDevice> devices = WithVfio(
            SessionSamples.CreateSource(null, settings.NoAck),
            settings,
            ack => VfioSessionSamples.CreateSource(switchoverAck: ack));
        VfioAccelerator? accelerator = null;
        VfioSessionDevice? vfio = null;
        foreach (SessionDevice device in devices)
        {
            accelerator ??= device.Device as VfioAccelerator;
            vfio ??= device.Device as VfioSessionDevice;
        }

        log.Write($"connecting to {Describe(settings.EndPoint)}");
        SessionTransport transport = await SessionSockets.ConnectAsync(settings.EndPoint, settings.AcceptTimeout, cancellation).ConfigureAwait(false);
        await using (transport.ConfigureAwait(false))
        {
            log.Write("connected; the guest is running");
            LogMemory(log, devices);
            var options = new SessionOptions
            {
                Capabilities = settings.Capabilities,
                Timeout = settings.Timeout,
                RoundInterval = settings.RoundInterval,
                Events = e => log.Event(e),
                RoundCompleted = round =>
                {
                    if (accelerator is not null)
                    {
                        SessionSamples.RunGuest(accelerator, round);
                    }

                    if (vfio is not null)
                    {
                        VfioSessionSamples.RunGuest(vfio, round);
                    }
                },
                StopGuest = _ =>
                {
                    log.Write("stopping the guest");
                    return ValueTask.CompletedTask;
                },
                ResumeGuest = () =>
                {
                    log.Write("the migration failed after the stop: resuming the guest here");
                    return ValueTask.CompletedTask;
                },
            };
            await new MigrationSource(devices, options).RunAsync(transport, cancellation).ConfigureAwait(false);
        }

        LogMemory(log, devices);
        return Program.ExitOk;
    }

    private static void LogMemory(Log log, IReadOnlyList<SessionDevice> devices)
    {
        foreach (SessionDevice device in devices)
        {
            if (device.Device is VfioAccelerator accelerator)
            {
                string digest = Convert.ToHexStringLower(SHA256.HashData(accelerator.Memory))[..16];
                log.Write(Invariant($"{device.Name}: device memory {accelerator.Memory.Length} bytes, sha256 {digest}"));
            }
            else if (device.Device is VfioSessionDevice { Device: SimulatedVfioDevice simulated } vfio)
            {
                byte[] registers = new byte[simulated.RegisterCount * sizeof(uint)];
                Buffer.BlockCopy(simulated.Registers, 0, registers, 0, registers.Length);
                string memory = Convert.ToHexStringLower(SHA256.HashData(simulated.Memory))[..16];
                string registerDigest = Convert.ToHexStringLower(SHA256.HashData(registers))[..16];
                string state = VfioStates.UapiName(vfio.Device.State);
                log.Write(Invariant(
                    $"{device.Name}: VFIO device {state}, memory {simulated.Memory.Length} bytes sha256 {memory}, registers sha256 {registerDigest}"));
            }
        }
    }

    private static IReadOnlyList<SessionDevice> WithVfio(IReadOnlyList<SessionDevice> samples, Settings settings, Func<bool, VfioSessionDevice> create)
    {
        if (!settings.Vfio)
        {
            return samples;
        }

        bool ack = !settings.NoAck.Contains(VfioPciConfig.DeviceType.Id);
        return [.. samples, new SessionDevice(create(ack))];
    }

    private static string StatesJson(IReadOnlyList<SessionDevice> devices)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            foreach (SessionDevice device in devices)
            {
                json.WritePropertyName(device.Name);
                JsonDumpVisitor.Write(json, device.Device);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static EndPoint EndPointOf(string? path, string? host)
    {
        if (path is not null)
        {
            return new UnixDomainSocketEndPoint(path);
        }

        try
        {
            return SessionSockets.ParseTcp(host!);
        }
        catch (FormatException ex)
        {
            throw new UsageException("migrate: --tcp " + ex.Message);
        }
    }

    private static Dictionary<string, int> ParseVersions(string[] entries)
    {
        var versions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string entry in entries)
        {
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !int.TryParse(entry.AsSpan(equals + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int version))
            {
                throw new UsageException($"migrate: --save-version takes DEVICE=N, not '{entry}'.");
            }

            string id = entry[..equals];
            DeviceType? type = null;
            foreach (DeviceType candidate in SessionSamples.DeviceTypes)
            {
                type = candidate.Id == id ? candidate : type;
            }

            if (type is null || !type.Supports(version))
            {
                throw new UsageException(type is null
                    ? $"migrate: unknown device '{id}'."
                    : Invariant($"migrate: device '{id}' has versions {type.MinimumVersion} to {type.CurrentVersion}; version {version} was given."));
            }

            versions[id] = version;
        }

        return versions;
    }

    private static List<SessionCapability> Capabilities(string[] extra, bool checksums)
    {
        var capabilities = new List<SessionCapability> { new(SessionFormat.SwitchoverAckCapability) };
        if (checksums)
        {
            capabilities.Add(new SessionCapability(SessionFormat.IntegrityCapability));
        }

        foreach (string entry in extra)
        {
            bool required = entry.EndsWith('!');
            string name = required ? entry[..^1] : entry;
            if (name.Length == 0)
            {
                throw new UsageException("migrate: --capability takes a name.");
            }

            capabilities.RemoveAll(c => c.Name == name);
            capabilities.Add(new SessionCapability(name, required));
        }

        return capabilities;
    }

    private static TimeSpan Seconds(double value, string option) =>
        value > 0 && value <= 86_400 ? TimeSpan.FromSeconds(value) : throw new UsageException($"migrate: {option} takes a number of seconds above 0.");

    private static string Describe(EndPoint endPoint) => endPoint is UnixDomainSocketEndPoint unix ? "unix:" + unix : "tcp:" + endPoint;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Settings(
        bool IsDestination,
        EndPoint EndPoint,
        Dictionary<string, int> Versions,
        HashSet<string> NoAck,
        List<SessionCapability> Capabilities,
        TimeSpan Timeout,
        TimeSpan RoundInterval,
        TimeSpan AcceptTimeout,
        bool Vfio);

    /// <summary>Lines on stderr, each with the side and the time since the start.</summary>
    private sealed class Log(TextWriter output, string side)
    {
        private readonly long _start = Stopwatch.GetTimestamp();
        private readonly Lock _lock = new();

        /// <summary>Logs a session event; a failure is logged once, from the exception that ends the command.</summary>
        public void Event(SessionEvent e)
        {
            if (e.Kind != SessionEventKind.Failed)
            {
                Write(e.Kind == SessionEventKind.Warning ? "warning: " + e.Text : e.Text);
            }
        }

        public void Write(string text)
        {
            string line = Invariant($"migfmt migrate [{side} {Stopwatch.GetElapsedTime(_start).TotalSeconds,7:0.000}s] {text}");
            lock (_lock)
            {
                output.WriteLine(line);
                output.Flush();
            }
        }
    }
}
