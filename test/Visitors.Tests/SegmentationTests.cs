using System.IO.Pipelines;
using MigrationFormat.Samples;

namespace MigrationFormat.Visitors.Tests;

/// <summary>The reader accepts any segmentation of its input: one byte at a time, random chunks, a pipe.</summary>
public class SegmentationTests
{
    public static TheoryData<string> Devices() => [.. SampleCatalog.DeviceTypes.Select(t => t.Id)];

    private static (IDeviceState Source, byte[] Stream, SortedDictionary<string, string> FromMemory) Prepare(string id)
    {
        DeviceType type = SampleCompatibilityMatrixTests.TypeOf(id);
        IDeviceState source = SampleCatalog.CreateBusy(type, 3);
        byte[] stream = StateDump.Save(source);
        IDeviceState fromMemory = type.Create(3);
        StateDump.Load(stream, fromMemory);
        return (source, stream, StateDump.Of(fromMemory));
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void Load_OneBytePerRead_GivesSameStateAsFromMemory(string id)
    {
        (IDeviceState source, byte[] stream, SortedDictionary<string, string> fromMemory) = Prepare(id);
        IDeviceState loaded = source.Type.Create(3);

        using (var reader = new MigrationStreamReader(new ChunkedStream(stream, () => 1)))
        {
            StateDump.Load(reader, loaded);
        }

        Assert.Equal(fromMemory, StateDump.Of(loaded));
        Assert.Equal(StateDump.Of(source), fromMemory);
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void Load_RandomChunkSizes_GivesSameStateAsFromMemory(string id)
    {
        (IDeviceState source, byte[] stream, SortedDictionary<string, string> fromMemory) = Prepare(id);
        for (int seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            IDeviceState loaded = source.Type.Create(3);

            using (var reader = new MigrationStreamReader(new ChunkedStream(stream, () => random.Next(1, 5000))))
            {
                StateDump.Load(reader, loaded);
            }

            Assert.Equal(fromMemory, StateDump.Of(loaded));
        }
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public async Task Load_ThroughPipe_GivesSameStateAsFromMemory(string id)
    {
        (IDeviceState source, byte[] _, SortedDictionary<string, string> fromMemory) = Prepare(id);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4096, resumeWriterThreshold: 2048));
        Task writing = Task.Run(() =>
        {
            using var writer = new MigrationStreamWriter(pipe.Writer);
            writer.WriteDevice(source);
            writer.Complete();
            pipe.Writer.Complete();
        });
        IDeviceState loaded = source.Type.Create(3);

        await Task.Run(() =>
        {
            using Stream input = pipe.Reader.AsStream();
            using var reader = new MigrationStreamReader(input);
            StateDump.Load(reader, loaded);
        });
        await writing;

        Assert.Equal(fromMemory, StateDump.Of(loaded));
    }
}
