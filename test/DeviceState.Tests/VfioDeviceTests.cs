using MigrationFormat.DeviceState.Vfio;
using MigrationFormat.Samples;
using Xunit;

namespace MigrationFormat.DeviceState.Tests;

/// <summary>The simulated device behind the uAPI, driven through the save and load channels.</summary>
public sealed class VfioDeviceTests
{
    [Fact]
    public void PreCopyRounds_GuestWritesBetweenRounds_DestinationEndsWithTheSourcesFinalState()
    {
        SimulatedVfioDevice source = VfioTestDevices.Busy(seed: 1);
        var destination = new SimulatedVfioDevice();
        var save = new VfioSaveChannel(source);
        var load = new VfioLoadChannel(destination);
        save.BeginSave();
        load.BeginLoad();
        Assert.True(save.UsesPreCopy);
        Assert.Equal(VfioDeviceState.PreCopy, source.State);

        byte[] buffer = new byte[10_000];
        var random = new Random(2);
        for (int round = 0; round < 20; round++)
        {
            int read = save.ReadSaveData(buffer);
            load.WriteLoadData(buffer.AsSpan(0, read));

            // The guest keeps running: it writes pages already sent and pages not yet sent, and registers.
            source.WriteMemory(random.Next(source.PageCount) * SimulatedVfioDevice.PageSize, [(byte)round, 0xAA, 0x55]);
            source.WriteRegister(random.Next(source.RegisterCount), (uint)round);
        }

        save.StopAndCopy();
        Assert.Equal(VfioDeviceState.StopCopy, source.State);
        Drain(save, load, buffer);
        load.FinishLoad();
        save.EndSave(resume: false);
        load.EndLoad(commit: true);

        Assert.Equal(VfioDeviceState.Stop, source.State);
        Assert.Equal(VfioDeviceState.Stop, destination.State);
        Assert.True(destination.StateEquals(source));
    }

    [Fact]
    public void PrecopyInfo_InitialBytesShrinkToZero_AndWritesToSentPagesBecomeDirty()
    {
        SimulatedVfioDevice source = VfioTestDevices.Busy(seed: 3, pageCount: 8);
        var save = new VfioSaveChannel(source);
        save.BeginSave();
        VfioPrecopyInfo start = save.QueryPending();
        Assert.Equal((ulong)(SimulatedVfioDevice.HeaderSize + (8 * (SimulatedVfioDevice.RecordHeaderSize + SimulatedVfioDevice.PageSize))), start.InitialBytes);
        Assert.Equal(0UL, start.DirtyBytes);

        byte[] buffer = new byte[(int)start.InitialBytes];
        Assert.Equal(buffer.Length, save.ReadSaveData(buffer));
        Assert.Equal(new VfioPrecopyInfo(0, 0), save.QueryPending());
        Assert.True(save.InitialDataComplete);

        source.WriteMemory(SimulatedVfioDevice.PageSize * 3, [1]);
        Assert.Equal(new VfioPrecopyInfo(0, SimulatedVfioDevice.RecordHeaderSize + SimulatedVfioDevice.PageSize), save.QueryPending());
    }

    [Fact]
    public void ReadSaveData_NothingPendingInPreCopy_ReturnsZeroAndTheDeviceStaysInPreCopy()
    {
        SimulatedVfioDevice source = VfioTestDevices.Busy(seed: 4, pageCount: 2);
        var save = new VfioSaveChannel(source);
        save.BeginSave();
        byte[] buffer = new byte[1 << 16];
        Assert.True(save.ReadSaveData(buffer) > 0);
        Assert.Equal(0, save.ReadSaveData(buffer));
        Assert.Equal(VfioDeviceState.PreCopy, source.State);
        Assert.False(save.IsComplete);
    }

    [Fact]
    public void StopCopyOnly_DeviceWithoutPreCopy_SendsEverythingAfterTheStop()
    {
        SimulatedVfioDevice source = VfioTestDevices.Busy(seed: 5, features: VfioMigrationFeatures.StopCopy);
        var destination = new SimulatedVfioDevice(VfioMigrationFeatures.StopCopy);
        var save = new VfioSaveChannel(source);
        var load = new VfioLoadChannel(destination);
        save.BeginSave();
        Assert.False(save.UsesPreCopy);
        Assert.Equal(VfioDeviceState.Running, source.State);
        Assert.Equal(0, save.ReadSaveData(new byte[100]));

        save.StopAndCopy();
        load.BeginLoad();
        Assert.Equal((ulong)source.FullStreamLength, source.GetStopCopySize());
        Drain(save, load, new byte[7919]);
        load.FinishLoad();
        Assert.Equal(source.FullStreamLength, save.BytesRead);
        Assert.True(destination.StateEquals(source));
    }

    [Fact]
    public void WriteLoadData_HeaderOfAnotherModel_IsRefusedWhenTheHeaderCompletes()
    {
        byte[] stream = VfioTestDevices.StopCopyStream(VfioTestDevices.Busy(seed: 6));
        var destination = new SimulatedVfioDevice(model: 0x8086_0001);
        var load = new VfioLoadChannel(destination);
        load.BeginLoad();
        load.WriteLoadData(stream.AsSpan(0, SimulatedVfioDevice.HeaderSize - 1));
        MigrationFormatException error =
            Assert.Throws<MigrationFormatException>(() => load.WriteLoadData(stream.AsSpan(SimulatedVfioDevice.HeaderSize - 1, 1)));
        Assert.Equal(MigrationErrorKind.UnexpectedValue, error.Kind);
        Assert.Contains("incompatible device", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteLoadData_AnotherMajorVersion_IsRefusedAsUnsupported()
    {
        byte[] stream = VfioTestDevices.StopCopyStream(VfioTestDevices.Busy(seed: 7));
        stream[8] = 2;
        var load = new VfioLoadChannel(new SimulatedVfioDevice());
        load.BeginLoad();
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() => load.WriteLoadData(stream.AsSpan(0, 64)));
        Assert.Equal(MigrationErrorKind.UnsupportedVersion, error.Kind);
    }

    [Fact]
    public void FinishLoad_StreamCutShort_FailsAndLeavesTheDeviceInErrorUntilReset()
    {
        byte[] stream = VfioTestDevices.StopCopyStream(VfioTestDevices.Busy(seed: 8));
        var destination = new SimulatedVfioDevice();
        var load = new VfioLoadChannel(destination);
        load.BeginLoad();
        load.WriteLoadData(stream.AsSpan(0, stream.Length - 1));
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(load.FinishLoad);
        Assert.Equal(MigrationErrorKind.Truncated, error.Kind);
        Assert.Equal(VfioDeviceState.Error, destination.State);
        Assert.Throws<VfioStateException>(() => destination.SetState(VfioDeviceState.Stop));

        load.EndLoad(commit: false);
        Assert.Equal(VfioDeviceState.Running, destination.State);
        Assert.True(destination.StateEquals(new SimulatedVfioDevice()));
    }

    [Theory]
    [InlineData(40)]
    [InlineData(100)]
    [InlineData(5000)]
    public void WriteLoadData_OneFlippedByte_IsRejected(int offset)
    {
        SimulatedVfioDevice source = VfioTestDevices.Busy(seed: 9, pageCount: 4);
        byte[] stream = VfioTestDevices.StopCopyStream(source);
        stream[offset] ^= 0x01;
        var destination = new SimulatedVfioDevice(pageCount: 4);
        var load = new VfioLoadChannel(destination);
        load.BeginLoad();
        Assert.Throws<MigrationFormatException>(() =>
        {
            load.WriteLoadData(stream);
            load.FinishLoad();
        });
        Assert.False(destination.StateEquals(source));
    }

    [Fact]
    public void WriteLoadData_BytesAfterTheEndRecord_AreRefused()
    {
        byte[] stream = VfioTestDevices.StopCopyStream(VfioTestDevices.Busy(seed: 10, pageCount: 2));
        var load = new VfioLoadChannel(new SimulatedVfioDevice(pageCount: 2));
        load.BeginLoad();
        load.WriteLoadData(stream);
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() => load.WriteLoadData([0]));
        Assert.Equal(MigrationErrorKind.LimitExceeded, error.Kind);
    }

    [Fact]
    public void WriteLoadData_AnySegmentation_LoadsTheSameState()
    {
        SimulatedVfioDevice source = VfioTestDevices.Busy(seed: 11, pageCount: 16);
        byte[] stream = VfioTestDevices.StopCopyStream(source);
        var random = new Random(12);
        for (int trial = 0; trial < 20; trial++)
        {
            var destination = new SimulatedVfioDevice(pageCount: 16);
            var load = new VfioLoadChannel(destination);
            load.BeginLoad();
            int offset = 0;
            while (offset < stream.Length)
            {
                int piece = Math.Min(stream.Length - offset, random.Next(1, trial % 2 == 0 ? 16 : 9000));
                load.WriteLoadData(stream.AsSpan(offset, piece));
                offset += piece;
            }

            load.FinishLoad();
            Assert.True(destination.StateEquals(source));
        }
    }

    [Fact]
    public void SetState_ImpossibleRequest_ThrowsWithTheReasonAndChangesNothing()
    {
        var device = new SimulatedVfioDevice(VfioMigrationFeatures.StopCopy);
        VfioStateException error = Assert.Throws<VfioStateException>(() => device.SetState(VfioDeviceState.PreCopy));
        Assert.Contains("needs stop-copy,pre-copy", error.Message, StringComparison.Ordinal);
        Assert.Equal(VfioDeviceState.Running, device.State);
    }

    [Fact]
    public void SetState_StopCopyBackToPreCopy_IsRefusedAndTheStreamGoesOn()
    {
        SimulatedVfioDevice device = VfioTestDevices.Busy(seed: 13, pageCount: 2);
        device.SetState(VfioDeviceState.Stop);
        IVfioDataFile data = device.SetState(VfioDeviceState.StopCopy)!;
        Assert.Throws<VfioStateException>(() => device.SetState(VfioDeviceState.PreCopy));
        Assert.Equal(VfioDeviceState.StopCopy, device.State);
        Assert.Equal(VfioReadStatus.Data, data.Read(new byte[16], out int read));
        Assert.Equal(16, read);
    }

    [Fact]
    public void GetPrecopyInfo_OutsidePreCopy_IsInvalid()
    {
        SimulatedVfioDevice device = VfioTestDevices.Busy(seed: 14, pageCount: 2);
        device.SetState(VfioDeviceState.Stop);
        IVfioDataFile data = device.SetState(VfioDeviceState.StopCopy)!;
        Assert.Throws<InvalidOperationException>(() => data.GetPrecopyInfo());
    }

    [Fact]
    public void DataFile_AfterItsSessionEnds_IsClosed()
    {
        SimulatedVfioDevice device = VfioTestDevices.Busy(seed: 15, pageCount: 2);
        IVfioDataFile data = device.SetState(VfioDeviceState.PreCopy)!;
        device.SetState(VfioDeviceState.Running);
        Assert.Throws<ObjectDisposedException>(() => data.Read(new byte[8], out _));
    }

    [Fact]
    public void WriteMemory_StoppedDevice_IsRefused()
    {
        var device = new SimulatedVfioDevice();
        device.SetState(VfioDeviceState.Stop);
        Assert.Throws<InvalidOperationException>(() => device.WriteMemory(0, [1]));
    }

    [Fact]
    public void EndSave_MigrationFailed_ReturnsTheSourceToRunning()
    {
        SimulatedVfioDevice device = VfioTestDevices.Busy(seed: 16, pageCount: 2);
        var save = new VfioSaveChannel(device);
        save.BeginSave();
        save.ReadSaveData(new byte[100]);
        save.EndSave(resume: true);
        Assert.Equal(VfioDeviceState.Running, device.State);
        device.WriteRegister(0, 1);
    }

    internal static void Drain(VfioSaveChannel save, VfioLoadChannel load, byte[] buffer)
    {
        int read;
        while ((read = save.ReadSaveData(buffer)) > 0)
        {
            load.WriteLoadData(buffer.AsSpan(0, read));
        }

        Assert.True(save.IsComplete);
    }
}

internal static class VfioTestDevices
{
    public static SimulatedVfioDevice Busy(int seed, int pageCount = 256, VfioMigrationFeatures features = VfioMigrationFeatures.All)
    {
        var device = new SimulatedVfioDevice(features, pageCount: pageCount);
        var random = new Random(seed);
        byte[] page = new byte[SimulatedVfioDevice.PageSize];
        for (int i = 0; i < pageCount; i++)
        {
            random.NextBytes(page);
            device.WriteMemory(i * SimulatedVfioDevice.PageSize, page);
        }

        for (int i = 0; i < device.RegisterCount; i++)
        {
            device.WriteRegister(i, (uint)random.Next());
        }

        return device;
    }

    /// <summary>The device's complete stop-copy stream; the device ends stopped.</summary>
    public static byte[] StopCopyStream(SimulatedVfioDevice device)
    {
        device.SetState(VfioDeviceState.Stop);
        IVfioDataFile data = device.SetState(VfioDeviceState.StopCopy)!;
        using var output = new MemoryStream();
        byte[] buffer = new byte[3000];
        while (data.Read(buffer, out int read) == VfioReadStatus.Data)
        {
            output.Write(buffer, 0, read);
        }

        device.SetState(VfioDeviceState.Stop);
        return output.ToArray();
    }
}
