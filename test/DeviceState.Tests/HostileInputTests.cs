using System.Buffers.Binary;
using MigrationFormat.DeviceState.Vfio;
using MigrationFormat.DeviceState.VhostUser;
using MigrationFormat.Samples;
using Xunit;

namespace MigrationFormat.DeviceState.Tests;

/// <summary>Random and damaged input to the new decoders: each ends with a result or MigrationFormatException, nothing else.</summary>
public sealed class HostileInputTests
{
    [Fact]
    public void QemuChunks_RandomBytes_EndInTheOneExceptionOrAResult()
    {
        var random = new Random(1);
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] input = RandomInput(random, trial);
            try
            {
                QemuChunkFraming.ReadChunks(new MemoryStream(input), Stream.Null, maxChunkSize: 4096);
            }
            catch (MigrationFormatException)
            {
            }
        }
    }

    [Fact]
    public void VfioQemuStream_EveryByteFlippedOrRandom_EndsInTheOneExceptionOrLoadsTheSameState()
    {
        SimulatedVfioDevice source = VfioTestDevices.Busy(seed: 31, pageCount: 2);
        var save = new VfioSaveChannel(source);
        using var file = new MemoryStream();
        using (var writer = new VfioQemuStreamWriter(file, new VfioQemuFraming(switchoverAck: true, blockSize: 1000)))
        {
            writer.WriteSetup();
            save.BeginSave();
            writer.WriteRound(save);
            writer.WriteCompletion(save);
        }

        byte[] good = file.ToArray();
        var random = new Random(2);
        for (int trial = 0; trial < 400; trial++)
        {
            byte[] input = (byte[])good.Clone();
            input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
            var destination = new SimulatedVfioDevice(pageCount: 2);
            try
            {
                VfioQemuStreamReader.Load(new MemoryStream(input), new VfioLoadChannel(destination), new VfioQemuFrameReader(true));

                // A flip the framing and the device's checks cannot see would have to leave the same state; there is none.
                Assert.True(destination.StateEquals(source));
            }
            catch (MigrationFormatException)
            {
            }
        }
    }

    [Fact]
    public void SimulatedVfioResumingStream_RandomBytes_EndInTheOneException()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 1000; trial++)
        {
            byte[] input = RandomInput(random, trial);
            var device = new SimulatedVfioDevice(pageCount: 2);
            var load = new VfioLoadChannel(device);
            load.BeginLoad();
            Assert.Throws<MigrationFormatException>(() =>
            {
                load.WriteLoadData(input);
                load.FinishLoad();
            });
        }
    }

    [Fact]
    public void VhostUserReply_RandomHeadersAndPayloads_EndInTheOneExceptionOrAValue()
    {
        var random = new Random(4);
        for (int trial = 0; trial < 5000; trial++)
        {
            var header = new VhostUserHeader((VhostUserRequest)random.Next(0, 50), (uint)random.Next(0, 16), (uint)random.Next(0, 20));
            byte[] payload = new byte[header.Size];
            random.NextBytes(payload);
            try
            {
                VhostUserDeviceStateMessages.ReadReply(VhostUserRequest.SetDeviceStateFd, header, payload);
                Assert.Equal(VhostUserHeader.ReplyFlags, header.Flags);
            }
            catch (MigrationFormatException)
            {
            }
        }
    }

    private static byte[] RandomInput(Random random, int trial)
    {
        byte[] input = new byte[random.Next(0, 200)];
        random.NextBytes(input);
        if (trial % 3 == 0 && input.Length >= 4)
        {
            // Small plausible lengths reach past the first check more often.
            BinaryPrimitives.WriteUInt32BigEndian(input, (uint)random.Next(0, 64));
        }

        return input;
    }
}
