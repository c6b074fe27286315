using System.IO.Pipelines;
using System.Security.Cryptography;

namespace MigrationFormat.Visitors.Tests;

/// <summary>Runs alone: its tests measure the whole process's allocations.</summary>
[CollectionDefinition(nameof(AllocationMeasuringTests), DisableParallelization = true)]
public class AllocationMeasuringTests
{
}

/// <summary>A large blob passes through save and load in bounded memory, segment by segment.</summary>
[Collection(nameof(AllocationMeasuringTests))]
public class LargeBlobTests
{
    private const long BlobSize = 64L * 1024 * 1024;

    private static readonly DeviceType StreamingType = new(
        "streaming-blob",
        "urn:migfmt:test:streaming-blob",
        1,
        1,
        _ => new StreamingBlobDevice(),
        "Test device with a generated blob");

    /// <summary>A device whose blob is generated on the fly when saved and hashed, never held, when loaded.</summary>
    private sealed class StreamingBlobDevice : IDeviceState, IBlobState
    {
        public static readonly FieldSpec<uint> Id = new FieldSet("test").UInt32("id", 0);

        public static readonly BlobSpec State = new FieldSet("test").Blob("state", 1);

        private byte[]? _staged;

        public DeviceType Type => StreamingType;

        public int Version => 1;

        public uint DeviceId { get; set; }

        public long BlobLength { get; set; }

        public byte[] BlobHash { get; private set; } = [];

        public long LoadedLength { get; private set; }

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct
        {
            uint id = DeviceId;
            visitor.Field(Id, ref id);
            visitor.Blob(State, this);
            if (visitor.Direction == VisitDirection.Load)
            {
                DeviceId = id;
            }
        }

        public Stream OpenRead() => new GeneratedStream(BlobLength);

        public void Load(Stream source)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[] buffer = new byte[81920];
            long total = 0;
            int n;
            while ((n = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                total += n;
            }

            _staged = hash.GetHashAndReset();
            LoadedLength = total;
        }

        public void CommitLoad()
        {
            BlobHash = _staged ?? [];
            _staged = null;
        }

        public void AbortLoad() => _staged = null;
    }

    private static byte[] HashOfGenerated(long length)
    {
        using var source = new GeneratedStream(length);
        return SHA256.HashData(source);
    }

    [Fact]
    public void Save_64MiBGeneratedBlobToStream_WritesMoreThanTheBlobInBoundedMemory()
    {
        var device = new StreamingBlobDevice { DeviceId = 7, BlobLength = BlobSize };
        using var sink = new CountingSink();

        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        using (var writer = new MigrationStreamWriter(sink))
        {
            writer.WriteDevice(device);
            writer.Complete();
        }

        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;

        Assert.InRange(sink.Count, BlobSize, BlobSize + (BlobSize / 100));
        Assert.True(allocated < BlobSize / 16, $"{allocated} bytes allocated");
    }

    [Fact]
    public async Task Load_64MiBBlobFromProducerStream_MatchesHashInBoundedMemory()
    {
        var source = new StreamingBlobDevice { DeviceId = 7, BlobLength = BlobSize };
        var destination = new StreamingBlobDevice();
        byte[] expectedHash = HashOfGenerated(BlobSize);
        var pipe = new Pipe();

        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        Task producing = Task.Run(() =>
        {
            using Stream output = pipe.Writer.AsStream();
            using var writer = new MigrationStreamWriter(output);
            writer.WriteDevice(source);
            writer.Complete();
        });
        await Task.Run(() =>
        {
            using Stream input = pipe.Reader.AsStream();
            using var reader = new MigrationStreamReader(input);
            StateDump.Load(reader, destination);
        });
        await producing;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;

        Assert.Equal(7u, destination.DeviceId);
        Assert.Equal(BlobSize, destination.LoadedLength);
        Assert.Equal(expectedHash, destination.BlobHash);
        Assert.True(allocated < BlobSize / 16, $"{allocated} bytes allocated");
    }
}
