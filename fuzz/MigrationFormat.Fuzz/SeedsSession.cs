using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using MigrationFormat.Qemu;
using MigrationFormat.Session;

namespace MigrationFormat.Fuzz;

/// <summary>Seeds for the session targets (recorded sessions) and the QEMU model target (sections of real QEMU streams).</summary>
internal static partial class Seeds
{
    /// <summary>The fixtures next to the QEMU fixture given to <c>--make-seeds</c> whose device sections seed <c>qemu-virtio</c>.</summary>
    private static readonly string[] VirtioFixtures = ["pc-virtio.mig", "q35-virtio.mig", "pc-devices.mig"];

    private static void SessionSeeds(string corpus)
    {
        // A whole session both ways, with every capability, and one without the integrity check.
        (byte[] forward, byte[] back) = Record(Targets.FuzzSessionOptions);
        Write(corpus, "session-forward", "seed-session.bin", forward);
        Write(corpus, "session-return-path", "seed-session.bin", SplitAtCommit(back));
        var plain = new SessionOptions
        {
            Capabilities = [new(SessionFormat.SwitchoverAckCapability)],
            Timeout = Targets.FuzzSessionOptions.Timeout,
            DataChunkSize = Targets.FuzzSessionOptions.DataChunkSize,
            MaxMessageLength = Targets.FuzzSessionOptions.MaxMessageLength,
        };
        (forward, back) = Record(plain);
        Write(corpus, "session-forward", "seed-no-integrity.bin", forward);
        Write(corpus, "session-return-path", "seed-no-integrity.bin", SplitAtCommit(back));

        // A destination that lacks one of the source's devices: its answer refuses, and the source gives up.
        (forward, back) = Record(Targets.FuzzSessionOptions, Targets.CreateSessionDestination().Skip(1).ToArray());
        Write(corpus, "session-forward", "seed-refused.bin", forward);
        Write(corpus, "session-return-path", "seed-refused.bin", SplitAtCommit(back));

        // A one-way stream, as a source writes it to a file: no answers are asked for.
        using var file = new MemoryStream();
        SessionTransport oneWay = SessionTransport.ForWriting(file);
        new MigrationSource(Targets.CreateSessionSource(), Targets.FuzzSessionOptions).RunAsync(oneWay).GetAwaiter().GetResult();
        oneWay.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Write(corpus, "session-forward", "seed-one-way.bin", file.ToArray());
    }

    /// <summary>
    /// A recorded return path as the <c>session-return-path</c> target takes it: the split (two bytes, little endian) at the
    /// commit ([APPLICATION 29], the last 0x7D; the whole path when there is none), then the path.
    /// </summary>
    private static byte[] SplitAtCommit(byte[] back)
    {
        int split = Array.LastIndexOf(back, (byte)0x7D);
        split = split < 0 ? back.Length : split;
        return [(byte)split, (byte)(split >> 8), .. back];
    }

    /// <summary>Runs a source and a destination against each other in memory and records what each sent.</summary>
    private static (byte[] Forward, byte[] Back) Record(SessionOptions options, IReadOnlyList<SessionDevice>? destinationDevices = null)
    {
        var unbounded = new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false);
        Pipe sourceOut = new(unbounded), destinationIn = new(unbounded), destinationOut = new(unbounded), sourceIn = new(unbounded);
        Task<byte[]> forward = Task.Run(() => RelayAsync(sourceOut.Reader, destinationIn.Writer));
        Task<byte[]> back = Task.Run(() => RelayAsync(destinationOut.Reader, sourceIn.Writer));
        SessionTransport source = SessionTransport.Create(sourceIn.Reader, sourceOut.Writer);
        SessionTransport destination = SessionTransport.Create(destinationIn.Reader, destinationOut.Writer);
        Task<MigrationResult> receiving = new MigrationDestination(destinationDevices ?? Targets.CreateSessionDestination(), options).RunAsync(destination);
        Task<MigrationResult> sending = new MigrationSource(Targets.CreateSessionSource(), options).RunAsync(source);
        // A refused session ends in failures on both sides; the recording is what is wanted.
        Task.WaitAny(Task.WhenAll(receiving, sending));
        source.DisposeAsync().AsTask().GetAwaiter().GetResult();
        destination.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return (forward.GetAwaiter().GetResult(), back.GetAwaiter().GetResult());
    }

    private static async Task<byte[]> RelayAsync(PipeReader from, PipeWriter to)
    {
        using var recorded = new MemoryStream();
        while (true)
        {
            ReadResult read = await from.ReadAsync().ConfigureAwait(false);
            foreach (ReadOnlyMemory<byte> segment in read.Buffer)
            {
                recorded.Write(segment.Span);
                await to.WriteAsync(segment).ConfigureAwait(false);
            }

            from.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted || read.IsCanceled)
            {
                break;
            }
        }

        await from.CompleteAsync().ConfigureAwait(false);
        await to.CompleteAsync().ConfigureAwait(false);
        return recorded.ToArray();
    }

    /// <summary>Every virtio, slirp and vmmouse section of the virtio fixtures, behind the byte that picks its device entry.</summary>
    private static void QemuModelSeeds(string corpus, string fixtureFolder)
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in VirtioFixtures)
        {
            string path = Path.Combine(fixtureFolder, name);
            if (!File.Exists(path))
            {
                continue;
            }

            using var reader = new QemuStreamReader(File.OpenRead(path));
            foreach (QemuRecord record in reader.ReadAll())
            {
                if (record is not QemuSectionRecord { Kind: QemuRecordKind.SectionFull } section || EntryFor(section) is not { } entry)
                {
                    continue;
                }

                byte[] seed = [(byte)entry, .. section.Payload.Span];
                if (written.Add(Convert.ToHexString(SHA256.HashData(seed))))
                {
                    string device = Safe(section.IdStr[(section.IdStr.LastIndexOf('/') + 1)..]);
                    Write(corpus, "qemu-virtio", $"seed-{Path.GetFileNameWithoutExtension(name)}-{device}-{section.InstanceId}.bin", seed);
                }
            }
        }
    }

    /// <summary>The device entry whose description decodes the section (the first of its kind when none does).</summary>
    private static int? EntryFor(QemuSectionRecord section)
    {
        static string Kind(string idStr) => idStr[(idStr.LastIndexOf('/') + 1)..];
        int? first = null;
        for (int i = 0; i < Targets.QemuModelDevices.Count; i++)
        {
            QemuModelDevice entry = Targets.QemuModelDevices[i];
            if (Kind(entry.Device.Name) != Kind(section.IdStr))
            {
                continue;
            }

            first ??= i;
            try
            {
                VmStateDecoder.Decode(entry.Device, section.Payload);
                return i;
            }
            catch (MigrationFormatException)
            {
            }
        }

        return first;
    }
}
