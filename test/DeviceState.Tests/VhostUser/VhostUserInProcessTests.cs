using System.Buffers.Binary;
using MigrationFormat.DeviceState.Linux;
using MigrationFormat.DeviceState.VhostUser;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.DeviceState.Tests.VhostUser;

/// <summary>The library's front-end and back-end over a real Unix socket and pipes, in one process.</summary>
public sealed class VhostUserInProcessTests
{
    [Fact]
    public void SaveThenLoad_BerBlob_DestinationBackEndHasTheSourcesState()
    {
        var source = (VhostUserBackend)SampleCatalog.CreateBusy(VhostUserBackend.DeviceType, 3);
        byte[] stream;
        using (var pair = BackEndPair.Start(new BerDeviceStateHandler(source)))
        {
            var device = new VhostUserFrontEndDevice(pair.FrontEnd);
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { BlobSegmentSize = 1000 }))
            {
                writer.WriteDevice(device);
                writer.Complete();
            }

            stream = output.WrittenSpan.ToArray();
            Assert.True(device.Blob.BytesMoved > 200_000);
            VhostUserServeResult served = pair.Finish();
            Assert.True(served.Succeeded, served.Error);
            Assert.Equal(1, served.Saves);
        }

        var destination = new VhostUserBackend(3);
        using (var pair = BackEndPair.Start(new BerDeviceStateHandler(destination)))
        {
            var device = new VhostUserFrontEndDevice(pair.FrontEnd);
            using (var reader = new MigrationStreamReader(new TrickleStream(stream, 4099)))
            {
                reader.LoadAll(_ => device);
            }

            Assert.Equal(1, pair.Finish().Loads);
        }

        Assert.Equal(source.BackendState, destination.BackendState);
        Assert.Equal(source.ProtocolFeatures, destination.ProtocolFeatures);
        Assert.Equal(source.LastError, destination.LastError);
        Assert.Equal(source.BackendPid, destination.BackendPid);
        Assert.Equal(source.LogBase, destination.LogBase);
    }

    [Fact]
    public void SaveThenLoad_QemuFraming_RoundTrips()
    {
        var source = (VhostUserBackend)SampleCatalog.CreateBusy(VhostUserBackend.DeviceType, 3);
        using var framed = new MemoryStream();
        using (var pair = BackEndPair.Start(new BerDeviceStateHandler(source)))
        {
            using (Stream pipe = pair.FrontEnd.BeginSave())
            {
                QemuChunkFraming.WriteChunks(pipe, framed);
            }

            pair.FrontEnd.CheckDeviceState();
        }

        var destination = new VhostUserBackend(3);
        using (var pair = BackEndPair.Start(new BerDeviceStateHandler(destination)))
        {
            framed.Position = 0;
            using (Stream pipe = pair.FrontEnd.BeginLoad())
            {
                QemuChunkFraming.ReadChunks(framed, pipe);
            }

            pair.FrontEnd.CheckDeviceState();
        }

        Assert.Equal(source.BackendState, destination.BackendState);
        Assert.Equal(source.InflightAddresses, destination.InflightAddresses);
    }

    [Fact]
    public void Load_CorruptState_CheckFailsAndTheBackEndKeepsItsState()
    {
        var source = (VhostUserBackend)SampleCatalog.CreateBusy(VhostUserBackend.DeviceType, 3);
        byte[] state = SavedState(source);
        state[state.Length / 2] ^= 0x40;
        var destination = new VhostUserBackend(3) { BackendPid = 7 };
        using var pair = BackEndPair.Start(new BerDeviceStateHandler(destination));
        using (Stream pipe = pair.FrontEnd.BeginLoad())
        {
            pipe.Write(state);
        }

        MigrationFormatException error = Assert.Throws<MigrationFormatException>(pair.FrontEnd.CheckDeviceState);
        Assert.Contains("CHECK_DEVICE_STATE replied 1", error.Message, StringComparison.Ordinal);
        Assert.Equal(7, destination.BackendPid);
        Assert.Empty(destination.BackendState);
        VhostUserServeResult served = pair.Finish();
        Assert.Equal(1, served.FailedTransfers);
        Assert.Contains(pair.Log, line => line.Contains("CRC-32C", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_CorruptHeaderOfAStateLargerThanThePipe_BackEndReadsToTheEndAndCheckFails()
    {
        var source = (VhostUserBackend)SampleCatalog.CreateBusy(VhostUserBackend.DeviceType, 3);
        using BackendStateStore store = BackendStateStore.Generated(4 << 20, 5);
        source.StateStore = store;
        byte[] state = SavedState(source);
        state[2] ^= 0xFF;
        using var pair = BackEndPair.Start(new BerDeviceStateHandler(new VhostUserBackend(3)));
        pair.FrontEnd.PipeCapacity = 0;
        using (Stream pipe = pair.FrontEnd.BeginLoad())
        {
            // The back-end fails on the first bytes but keeps reading, so the whole state goes in without a broken pipe.
            pipe.Write(state);
        }

        Assert.Throws<MigrationFormatException>(pair.FrontEnd.CheckDeviceState);
        Assert.Contains(pair.Log, line => line.Contains($"failed after {state.Length} bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_FrontEndClosesEarly_CheckFailsWithTruncation()
    {
        byte[] state = SavedState((VhostUserBackend)SampleCatalog.CreateBusy(VhostUserBackend.DeviceType, 3));
        var destination = new VhostUserBackend(3);
        using var pair = BackEndPair.Start(new BerDeviceStateHandler(destination));
        using (Stream pipe = pair.FrontEnd.BeginLoad())
        {
            pipe.Write(state.AsSpan(0, state.Length / 3));
        }

        Assert.Throws<MigrationFormatException>(pair.FrontEnd.CheckDeviceState);
        Assert.Contains(
            pair.Log, line => line.Contains("failed after", StringComparison.Ordinal) && line.Contains("ended", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(2u, 0u, "invalid transfer direction 2")]
    [InlineData(3u, 0u, "invalid transfer direction 3")]
    [InlineData(0u, 1u, "unsupported transfer phase 1")]
    public void SetDeviceStateFd_InvalidDirectionOrPhase_IsRefusedAndTheBackEndGoesOn(uint direction, uint phase, string reason)
    {
        var destination = new VhostUserBackend(3);
        using var pair = BackEndPair.Start(new BerDeviceStateHandler(destination));
        using LinuxPipe pipe = LinuxPipe.Create();
        ulong reply = pair.FrontEnd.SetDeviceStateFdRaw(direction, phase, pipe.ReadEnd, out _);
        Assert.Equal(VhostUserDeviceStateMessages.Refused, reply);
        Assert.Contains(pair.Log, line => line.Contains(reason, StringComparison.Ordinal));

        // The refusal left nothing open: a proper save still works.
        using (Stream state = pair.FrontEnd.BeginSave())
        {
            state.CopyTo(Stream.Null);
        }

        pair.FrontEnd.CheckDeviceState();
    }

    [Fact]
    public void SetDeviceStateFd_WithoutDescriptor_IsRefused()
    {
        using var pair = BackEndPair.Start(new BerDeviceStateHandler(new VhostUserBackend(3)));
        Assert.Equal(VhostUserDeviceStateMessages.Refused, pair.FrontEnd.SetDeviceStateFdRaw(0, 0, null, out _));
        Assert.Contains(pair.Log, line => line.Contains("carries 0 descriptors", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckDeviceState_WithoutATransfer_RepliesNonZero()
    {
        using var pair = BackEndPair.Start(new BerDeviceStateHandler(new VhostUserBackend(3)));
        Assert.Equal(1UL, pair.FrontEnd.CheckDeviceStateRaw());
        Assert.Contains(pair.Log, line => line.Contains("CHECK_DEVICE_STATE without a transfer", StringComparison.Ordinal));
    }

    [Fact]
    public void SetDeviceStateFd_WhileATransferRuns_IsRefused()
    {
        using var pair = BackEndPair.Start(new BerDeviceStateHandler(new VhostUserBackend(3)));
        using Stream first = pair.FrontEnd.BeginLoad();
        using LinuxPipe second = LinuxPipe.Create();
        Assert.Equal(VhostUserDeviceStateMessages.Refused, pair.FrontEnd.SetDeviceStateFdRaw(1, 0, second.ReadEnd, out _));
        Assert.Contains(pair.Log, line => line.Contains("already running", StringComparison.Ordinal));
    }

    [Fact]
    public void Negotiate_BackEndWithoutDeviceState_IsRefusedBeforeAnyTransfer()
    {
        var options = new VhostUserBackEndOptions { ProtocolFeatures = VhostUserProtocolFeatures.LogShmfd };
        using var pair = BackEndPair.Start(new BerDeviceStateHandler(new VhostUserBackend(3)), options, negotiate: false);
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(pair.FrontEnd.Negotiate);
        Assert.Contains("DEVICE_STATE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BackEnd_FrontEndDisconnectsDuringATransfer_ReportsItAsAnError()
    {
        var pair = BackEndPair.Start(new BerDeviceStateHandler(new VhostUserBackend(3)));
        Stream pipe = pair.FrontEnd.BeginLoad();
        pipe.Write(new byte[100]);
        pipe.Dispose();
        VhostUserServeResult served = pair.Finish();
        Assert.False(served.Succeeded);
        Assert.Contains("disconnected during a load transfer", served.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void GetVringBase_AfterSetVringBase_RepliesTheRingAndItsBase()
    {
        using var pair = BackEndPair.Start(new BerDeviceStateHandler(new VhostUserBackend(3)));
        byte[] state = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(state, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(state.AsSpan(4), 77);
        pair.FrontEnd.Connection.Send(VhostUserRequest.SetVringBase, VhostUserHeader.Version, state);
        pair.FrontEnd.Connection.Send(VhostUserRequest.GetVringBase, VhostUserHeader.Version, state);
        using VhostUserMessage reply = pair.FrontEnd.Connection.ReceiveRequired("GET_VRING_BASE");
        Assert.Equal(VhostUserHeader.ReplyFlags, reply.Header.Flags);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(reply.Payload));
        Assert.Equal(77u, BinaryPrimitives.ReadUInt32LittleEndian(reply.Payload.AsSpan(4)));
    }

    private static byte[] SavedState(VhostUserBackend device)
    {
        using var output = new MemoryStream();
        new BerDeviceStateHandler(device).SaveState(output);
        return output.ToArray();
    }
}

/// <summary>A back-end serving on a thread, and a front-end connected to it.</summary>
internal sealed class BackEndPair : IDisposable
{
    private readonly Task<VhostUserServeResult> _serving;
    private readonly List<string> _log;
    private VhostUserServeResult? _result;

    private BackEndPair(VhostUserFrontEnd frontEnd, Task<VhostUserServeResult> serving, List<string> log)
    {
        FrontEnd = frontEnd;
        _serving = serving;
        _log = log;
    }

    public VhostUserFrontEnd FrontEnd { get; }

    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log)
            {
                return [.. _log];
            }
        }
    }

    public static BackEndPair Start(IVhostUserStateHandler handler, VhostUserBackEndOptions? options = null, bool negotiate = true)
    {
        var log = new List<string>();
        options ??= new VhostUserBackEndOptions();
        var backEnd = new VhostUserBackEnd(handler, new VhostUserBackEndOptions
        {
            Features = options.Features,
            ProtocolFeatures = options.ProtocolFeatures,
            Log = line =>
            {
                lock (log)
                {
                    log.Add(line);
                }
            },
        });
        (UnixFdSocket left, UnixFdSocket right) = SocketPair.Create();
        right.ReceiveTimeout = TimeSpan.FromSeconds(30);
        left.ReceiveTimeout = TimeSpan.FromSeconds(30);
        Task<VhostUserServeResult> serving = Task.Run(() =>
        {
            using var connection = new VhostUserConnection(right);
            return backEnd.Serve(connection);
        });
        var frontEnd = new VhostUserFrontEnd(new VhostUserConnection(left));
        if (negotiate)
        {
            frontEnd.Negotiate();
        }

        return new BackEndPair(frontEnd, serving, log);
    }

    /// <summary>Disconnects the front-end and waits for the back-end to end.</summary>
    public VhostUserServeResult Finish()
    {
        if (_result is null)
        {
            FrontEnd.Dispose();
            if (!_serving.Wait(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException("The back-end did not end after the front-end disconnected.");
            }

            _result = _serving.Result;
        }

        return _result;
    }

    public void Dispose() => Finish();
}
