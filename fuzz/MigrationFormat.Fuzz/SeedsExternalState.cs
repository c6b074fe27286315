using System;
using System.Buffers.Binary;
using System.IO;
using MigrationFormat.DeviceState.Vfio;
using MigrationFormat.DeviceState.VhostUser;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Fuzz;

/// <summary>Seeds for the external-state targets and the tool's comparing and converting verbs.</summary>
internal static partial class Seeds
{
    private static void ExternalStateSeeds(string corpus)
    {
        // A front-end's session up to the state transfer: features, protocol features, the transfer request (without its
        // descriptor, which a file cannot carry), the check, and a reply-shaped message.
        using (var messages = new MemoryStream())
        {
            Message(messages, VhostUserRequest.GetFeatures, VhostUserHeader.Version, []);
            Message(messages, VhostUserRequest.GetProtocolFeatures, VhostUserHeader.Version, []);
            Message(messages, VhostUserRequest.SetProtocolFeatures, VhostUserHeader.Version, BitConverter.GetBytes(1UL << 19));
            byte[] buffer = new byte[64];
            messages.Write(buffer, 0, VhostUserDeviceStateMessages.WriteSetDeviceStateFd(buffer, 0, 0));
            messages.Write(buffer, 0, VhostUserDeviceStateMessages.WriteCheckDeviceState(buffer));
            messages.Write(buffer, 0, VhostUserDeviceStateMessages.WriteReply(buffer, VhostUserRequest.CheckDeviceState, 0));
            Write(corpus, "vhost-user-messages", "seed-session.bin", messages.ToArray());
        }

        // A VFIO section as QEMU frames it, with and without the switchover acknowledgement.
        foreach (bool acknowledge in new[] { false, true })
        {
            SimulatedVfioDevice source = new(pageCount: 2);
            var save = new VfioSaveChannel(source);
            using var file = new MemoryStream();
            using (var writer = new VfioQemuStreamWriter(file, new VfioQemuFraming(switchoverAck: acknowledge, blockSize: 512)))
            {
                writer.WriteSetup();
                save.BeginSave();
                writer.WriteRound(save);
                writer.WriteCompletion(save);
            }

            Write(corpus, "vfio-stream", acknowledge ? "seed-ack.bin" : "seed-no-ack.bin", [(byte)(acknowledge ? 1 : 0), .. file.ToArray()]);
        }

        // A back-end's BER state in QEMU's chunk framing.
        byte[] state = MigrationSerializer.Save([Busy(SampleCatalog.DeviceTypes[0], 3)]);
        using (var chunks = new MemoryStream())
        {
            QemuChunkFraming.WriteChunks(new MemoryStream(state), chunks, chunkSize: 256);
            Write(corpus, "backend-chunks", "seed-ber-state.bin", chunks.ToArray());
        }

        // The tool's comparing and converting verbs: a BER stream, a legacy stream of a known device, both halves.
        IDeviceState serial = Busy(SampleCatalog.DeviceTypes[0], 3);
        byte[] ber = MigrationSerializer.Save([serial]);
        byte[] legacy = Tool.LegacyStreams.SaveQemuStream([(serial, 0u)]);
        Write(corpus, "tool-compare-convert", "seed-ber.ber", [128, .. ber[1..], .. ber]);
        Write(corpus, "tool-compare-convert", "seed-legacy.mig", [.. legacy]);
        Write(corpus, "tool-compare-convert", "seed-ber-whole.ber", ber);
    }

    private static void Message(Stream output, VhostUserRequest request, uint flags, byte[] payload)
    {
        byte[] header = new byte[VhostUserHeader.Length];
        new VhostUserHeader(request, flags, (uint)payload.Length).Write(header);
        output.Write(header);
        output.Write(payload);
    }
}
