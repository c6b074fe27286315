using System.Buffers;
using System.IO.Pipelines;

namespace MigrationFormat.Session.Tests;

/// <summary>The stream format read and written asynchronously over pipes, section by section.</summary>
public class PipeStreamTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WriteDeviceAsync_ReadByTheStreamReader_LoadsEverySample(bool integrity)
    {
        IReadOnlyList<SessionDevice> source = SessionSamples.CreateSource();
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        using (var writer = new MigrationPipeWriter(pipe.Writer, new MigrationStreamWriterOptions { Integrity = integrity }))
        {
            foreach (SessionDevice device in source)
            {
                await writer.WriteDeviceAsync(device.Device, device.InstanceId);
            }

            await writer.CompleteAsync();
        }

        await pipe.Writer.CompleteAsync();
        ReadResult all = await pipe.Reader.ReadAtLeastAsync(int.MaxValue);
        using var reader = new MigrationStreamReader(all.Buffer.ToArray());
        IReadOnlyList<SessionDevice> destination = SessionSamples.CreateDestination();
        IReadOnlyList<SectionLoadResult> results = reader.LoadAll(section => destination.First(d => d.Device.Type.Id == section.Id).Device);

        Assert.Equal(source.Count, results.Count);
        Assert.Equal(integrity, reader.Header.Capabilities.Contains(MigrationStreamFormat.IntegrityCapability));
        Assert.Equal(FieldsOf(source), FieldsOf(destination));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReadSectionAsync_StreamWriterOutputArrivingAByteAtATime_LoadsEverySample(bool integrity)
    {
        IReadOnlyList<SessionDevice> source = SessionSamples.CreateSource();
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { Integrity = integrity }))
        {
            foreach (SessionDevice device in source)
            {
                writer.WriteDevice(device.Device);
            }

            writer.Complete();
        }

        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        Task feeding = FeedAsync(pipe.Writer, output.WrittenMemory, chunk: 1);
        IReadOnlyList<SessionDevice> destination = SessionSamples.CreateDestination();
        using var reader = new MigrationPipeReader(pipe.Reader);

        while (await reader.ReadSectionAsync())
        {
            reader.LoadSection(destination.First(d => reader.IsFor(d.Device.Type)).Device);
        }

        reader.Commit();
        await feeding;
        Assert.Equal(FieldsOf(source), FieldsOf(destination));
    }

    [Fact]
    public async Task LoadSection_BeforeTheTrailer_NothingChangesAndDisposeUndoesIt()
    {
        byte[] stream = await WriteAsync(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
        var target = new Uart16550();
        string before = DeviceState.Of(target);
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(stream.AsMemory(0, stream.Length - 6));

        using (var reader = new MigrationPipeReader(pipe.Reader))
        {
            Assert.True(await reader.ReadSectionAsync());
            reader.LoadSection(target);
            Assert.Throws<InvalidOperationException>(reader.Commit);
        }

        Assert.Equal(before, DeviceState.Of(target));
    }

    [Fact]
    public async Task LoadSection_SectionConfigurationTheDeviceCannotTake_FailsNamingTheParameterAndNothingChanges()
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            writer.WriteDevice(VirtioNet.DeviceType.Create("rx-filter-size=64"));
            writer.Complete();
        }

        IDeviceState target = VirtioNet.DeviceType.Create("rx-filter-size=16");
        string before = DeviceState.Of(target);
        using var reader = new MigrationPipeReader(PipeReader.Create(new MemoryStream(output.WrittenMemory.ToArray())));
        Assert.True(await reader.ReadSectionAsync());

        var ex = Assert.Throws<MigrationFormatException>(() => reader.LoadSection(target));

        Assert.Equal(MigrationErrorKind.ConfigurationMismatch, ex.Kind);
        Assert.Equal("configuration.rx-filter-size", ex.FieldPath);
        Assert.Equal(before, DeviceState.Of(target));
    }

    [Fact]
    public async Task ReadSectionAsync_FlippedByte_FailsTheChecksumAndNothingChanges()
    {
        byte[] stream = await WriteAsync(SampleCatalog.CreateBusy(VirtioNet.DeviceType, 3), integrity: true);
        stream[stream.Length / 2] ^= 0x04;
        var target = new VirtioNet();
        string before = DeviceState.Of(target);

        using var reader = new MigrationPipeReader(PipeReader.Create(new MemoryStream(stream)));
        var ex = await Assert.ThrowsAsync<MigrationFormatException>(async () => await reader.ReadSectionAsync());

        Assert.Equal(MigrationErrorKind.IntegrityCheckFailed, ex.Kind);
        Assert.Equal(before, DeviceState.Of(target));
    }

    [Fact]
    public async Task ReadSectionAsync_SectionDeclaredLongerThanTheLimit_FailsBeforeBufferingIt()
    {
        byte[] stream = await WriteAsync(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
        Ber.BerDecoder.TryReadHeader(stream.AsSpan(4), out _, out long headerContent, out int headerLength);
        int section = 4 + headerLength + (int)headerContent;
        byte[] hostile = [.. stream.AsSpan(0, section), 0x61, 0x84, 0x7F, 0xFF, 0xFF, 0xFF, 0x0C, 0x01];

        using var reader = new MigrationPipeReader(PipeReader.Create(new MemoryStream(hostile)), maxSectionLength: 1 << 20);
        var ex = await Assert.ThrowsAsync<MigrationFormatException>(async () => await reader.ReadSectionAsync());

        Assert.Equal(MigrationErrorKind.LimitExceeded, ex.Kind);
    }

    [Fact]
    public async Task ReadHeaderAsync_RequiredCapabilityUnknown_FailsNamingIt()
    {
        var pipe = new Pipe();
        var writer = new MessageWriter(pipe.Writer, null);
        writer.Write(MigrationStreamFormat.Magic);
        MessageCodec.WriteHeader(writer, "test", [new SessionCapability("x-encrypted", Required: true)]);
        await writer.FlushAsync(default);

        using var reader = new MigrationPipeReader(pipe.Reader);
        var ex = await Assert.ThrowsAsync<MigrationFormatException>(async () => await reader.ReadHeaderAsync());

        Assert.Contains("'x-encrypted'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadSectionAsync_Cancelled_EndsTheWait()
    {
        var pipe = new Pipe();
        using var reader = new MigrationPipeReader(pipe.Reader);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadSectionAsync(cancel.Token));
    }

    private static async Task<byte[]> WriteAsync(IDeviceState device, bool integrity = false)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        using (var writer = new MigrationPipeWriter(pipe.Writer, new MigrationStreamWriterOptions { Integrity = integrity }))
        {
            await writer.WriteDeviceAsync(device);
            await writer.CompleteAsync();
        }

        await pipe.Writer.CompleteAsync();
        ReadResult all = await pipe.Reader.ReadAtLeastAsync(int.MaxValue);
        return all.Buffer.ToArray();
    }

    private static async Task FeedAsync(PipeWriter writer, ReadOnlyMemory<byte> bytes, int chunk)
    {
        for (int i = 0; i < bytes.Length; i += chunk)
        {
            await writer.WriteAsync(bytes.Slice(i, Math.Min(chunk, bytes.Length - i)));
        }

        await writer.CompleteAsync();
    }

    /// <summary>The devices' fields (an accelerator's memory travels only in a session, not in a plain stream).</summary>
    private static string[] FieldsOf(IReadOnlyList<SessionDevice> devices) => devices.Select(d => Testing.StateFingerprint.Of(d.Device).ToString()).ToArray();
}
