using System.Buffers;
using System.Buffers.Binary;
using MigrationFormat.DeviceState.Vfio;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;

namespace MigrationFormat.DeviceState.Tests;

/// <summary>The VFIO device stream carried in the BER stream (as a chunked blob) and in a QEMU-style stream (QEMU's VFIO framing).</summary>
public sealed class VfioStreamTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1000, 7)]
    [InlineData(65536, 100_000)]
    public void BerBlob_SavedWithAnySegmentSize_ReadInAnyPieces_LoadsTheSameDevice(int segmentSize, int readPiece)
    {
        VfioPciDevice source = Pci(VfioTestDevices.Busy(seed: 20));
        source.Device.SetState(VfioDeviceState.Stop);
        byte[] stream = Save(source, segmentSize);
        Assert.Equal(VfioDeviceState.Stop, source.Device.State);

        VfioPciDevice destination = Pci(new SimulatedVfioDevice());
        using (var reader = new MigrationStreamReader(new TrickleStream(stream, readPiece)))
        {
            reader.LoadAll(_ => destination);
        }

        Assert.True(destination.Device.StateEquals(source.Device));
        Assert.Equal(source.Config, destination.Config);
        Assert.Equal(VfioDeviceState.Stop, destination.Device.State);
    }

    [Fact]
    public void BerBlob_IncompatibleDestination_FailsTheLoadAndResetsTheDevice()
    {
        VfioPciDevice source = Pci(VfioTestDevices.Busy(seed: 21));
        source.Device.SetState(VfioDeviceState.Stop);
        byte[] stream = Save(source, 0);

        VfioPciDevice destination = Pci(new SimulatedVfioDevice(model: 0x10de_0001));
        byte[] configBefore = (byte[])destination.Config.Clone();
        using var reader = new MigrationStreamReader(stream);
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() => reader.LoadAll(_ => destination));
        Assert.Contains("incompatible device", error.Message, StringComparison.Ordinal);
        Assert.Equal(VfioDeviceState.Running, destination.Device.State);
        Assert.Equal(configBefore, destination.Config);
    }

    [Fact]
    public void BerBlob_RunningDevice_CannotBeSavedByStopCopy()
    {
        VfioPciDevice source = Pci(VfioTestDevices.Busy(seed: 22));
        Assert.Throws<VfioStateException>(() => Save(source, 0));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void QemuStream_PreCopyRoundsThenStopCopy_RoundTripsWithTheInitialDataMarkOnlyWithTheAck(bool switchoverAck)
    {
        SimulatedVfioDevice source = VfioTestDevices.Busy(seed: 23);
        var save = new VfioSaveChannel(source);
        using var file = new MemoryStream();
        using (var writer = new VfioQemuStreamWriter(file, new VfioQemuFraming(switchoverAck, blockSize: 64 * 1024)))
        {
            writer.WriteSetup();
            save.BeginSave();
            for (int round = 0; round < 30; round++)
            {
                writer.WriteRound(save);
                source.WriteMemory(round * 3 * SimulatedVfioDevice.PageSize, [(byte)round]);
            }

            writer.WriteCompletion(save);
        }

        byte[] bytes = file.ToArray();
        Assert.Equal(switchoverAck, ContainsMarker(bytes, VfioQemuFraming.DeviceInitialDataSent));

        var destination = new SimulatedVfioDevice();
        int acknowledgements = 0;
        VfioQemuLoadSummary summary = VfioQemuStreamReader.Load(
            new TrickleStream(bytes, 5000), new VfioLoadChannel(destination), new VfioQemuFrameReader(switchoverAck), () => acknowledgements++);

        Assert.True(destination.StateEquals(source));
        Assert.Equal(switchoverAck ? 1 : 0, acknowledgements);
        Assert.Equal(switchoverAck, summary.InitialDataSent);
        Assert.Equal(VfioQemuStreamWriter.DefaultIdStr, summary.IdStr);
        Assert.Equal(32, summary.Parts);
        Assert.Equal(save.BytesRead, summary.DeviceBytes);
    }

    [Fact]
    public void QemuStream_InitialDataMarkWithoutTheAck_IsRejected()
    {
        byte[] bytes = QemuStream(switchoverAck: true);
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() =>
            VfioQemuStreamReader.Load(new MemoryStream(bytes), new VfioLoadChannel(new SimulatedVfioDevice()), new VfioQemuFrameReader(switchoverAck: false)));
        Assert.Contains("switchover acknowledgement is not in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QemuStream_InitialDataMarkTwice_IsRejected()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write(QemuStreamPrefix());
        WriteBe64(output, VfioQemuFraming.DeviceInitialDataSent);
        output.Write<byte>([0x7E, 0, 0, 0, 2, 0x02, 0, 0, 0, 2]);
        WriteBe64(output, VfioQemuFraming.DeviceInitialDataSent);
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() =>
            VfioQemuStreamReader.Load(
                new MemoryStream(output.WrittenSpan.ToArray()), new VfioLoadChannel(new SimulatedVfioDevice()), new VfioQemuFrameReader(true)));
        Assert.Contains("a second time", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QemuStream_DataBlockOverTheLimit_IsRejectedBeforeItsBytesAreRead()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write(QemuStreamPrefix());
        WriteBe64(output, VfioQemuFraming.DeviceDataState);
        WriteBe64(output, 1UL << 40);
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() =>
            VfioQemuStreamReader.Load(
                new MemoryStream(output.WrittenSpan.ToArray()), new VfioLoadChannel(new SimulatedVfioDevice()), new VfioQemuFrameReader(false)));
        Assert.Equal(MigrationErrorKind.LimitExceeded, error.Kind);
    }

    [Fact]
    public void QemuStream_UnknownMarker_IsRejectedWithItsOffset()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write(QemuStreamPrefix());
        WriteBe64(output, 0xffffffffef1000ffUL);
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() =>
            VfioQemuStreamReader.Load(
                new MemoryStream(output.WrittenSpan.ToArray()), new VfioLoadChannel(new SimulatedVfioDevice()), new VfioQemuFrameReader(false)));
        Assert.Equal(QemuStreamPrefix().Length, error.Offset);
        Assert.Contains("Unknown VFIO marker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QemuStream_EveryTruncation_IsRejected()
    {
        byte[] bytes = QemuStream(switchoverAck: false, pageCount: 2);
        for (int length = 0; length < bytes.Length; length += 97)
        {
            Assert.Throws<MigrationFormatException>(() =>
                VfioQemuStreamReader.Load(
                    new MemoryStream(bytes, 0, length), new VfioLoadChannel(new SimulatedVfioDevice(pageCount: 2)), new VfioQemuFrameReader(false)));
        }

        Assert.Throws<MigrationFormatException>(() =>
            VfioQemuStreamReader.Load(
                new MemoryStream(bytes, 0, bytes.Length - 1), new VfioLoadChannel(new SimulatedVfioDevice(pageCount: 2)), new VfioQemuFrameReader(false)));
    }

    private static VfioPciDevice Pci(SimulatedVfioDevice device)
    {
        var pci = new VfioPciDevice(device);
        for (int i = 0; i < pci.Config.Length; i++)
        {
            pci.Config[i] = (byte)(device.Model >> (i % 4 * 8));
        }

        return pci;
    }

    private static byte[] Save(VfioPciDevice device, int segmentSize)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { Integrity = true, BlobSegmentSize = segmentSize }))
        {
            writer.WriteDevice(device);
            writer.Complete();
        }

        return output.WrittenSpan.ToArray();
    }

    private static byte[] QemuStream(bool switchoverAck, int pageCount = 256)
    {
        SimulatedVfioDevice source = VfioTestDevices.Busy(seed: 24, pageCount: pageCount);
        var save = new VfioSaveChannel(source);
        using var file = new MemoryStream();
        using (var writer = new VfioQemuStreamWriter(file, new VfioQemuFraming(switchoverAck)))
        {
            writer.WriteSetup();
            save.BeginSave();
            writer.WriteRound(save);
            writer.WriteRound(save);
            writer.WriteCompletion(save);
        }

        return file.ToArray();
    }

    /// <summary>The header and a SECTION_START record of the VFIO section, up to its first marker.</summary>
    private static byte[] QemuStreamPrefix()
    {
        var output = new ArrayBufferWriter<byte>();
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, 0x5145564D);
        output.Write(word);
        BinaryPrimitives.WriteUInt32BigEndian(word, 3);
        output.Write(word);
        output.Write<byte>([0x01]);
        BinaryPrimitives.WriteUInt32BigEndian(word, 2);
        output.Write(word);
        byte[] name = "0000:00:05.0/vfio"u8.ToArray();
        output.Write<byte>([(byte)name.Length]);
        output.Write(name);
        output.Write(new byte[8]);
        return output.WrittenSpan.ToArray();
    }

    private static void WriteBe64(ArrayBufferWriter<byte> output, ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static bool ContainsMarker(byte[] bytes, ulong marker)
    {
        byte[] pattern = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(pattern, marker);
        return bytes.AsSpan().IndexOf(pattern) >= 0;
    }
}

/// <summary>A read-only stream that hands out at most a fixed number of bytes per read.</summary>
internal sealed class TrickleStream(byte[] data, int piece) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(piece, buffer.Length), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
