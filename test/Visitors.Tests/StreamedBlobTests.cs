using System.Buffers;
using System.Security.Cryptography;

namespace MigrationFormat.Visitors.Tests;

/// <summary>
/// Blob segments read from a stream go from the input straight to the device, without buffering a whole segment; the
/// outcome is the one an in-memory load gives, on intact, damaged and partially consumed streams.
/// </summary>
public class StreamedBlobTests
{
    private const int SegmentSize = 1000;

    private static readonly DeviceType BlobType = new("test-blob", "urn:migfmt:test:blob", 1, 1, _ => new BlobDevice(), "Test device with a small blob");

    /// <summary>A counter, a blob, a trailing counter; the blob is staged on load and kept on commit only.</summary>
    private sealed class BlobDevice : IDeviceState, IBlobState
    {
        private static readonly FieldSpec<uint> HeadSpec = new FieldSet("test").UInt32("head", 0);
        private static readonly BlobSpec StateSpec = new FieldSet("test").Blob("state", 1);
        private static readonly FieldSpec<uint> TailSpec = new FieldSet("test").UInt32("tail", 2);

        private byte[]? _staged;

        public uint Head;
        public uint Tail;

        public byte[] Blob { get; set; } = [];

        /// <summary>Gets or sets how many blob bytes a load reads before it returns (the rest is left to the reader).</summary>
        public int ReadAtMost { get; set; } = int.MaxValue;

        public DeviceType Type => BlobType;

        public int Version => 1;

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct
        {
            visitor.Field(HeadSpec, ref Head);
            visitor.Blob(StateSpec, this);
            visitor.Field(TailSpec, ref Tail);
        }

        public Stream OpenRead() => new MemoryStream(Blob, writable: false);

        public void Load(Stream source)
        {
            using var staged = new MemoryStream();
            byte[] chunk = new byte[333];
            int n;
            while (staged.Length < ReadAtMost && (n = source.Read(chunk, 0, (int)Math.Min(chunk.Length, ReadAtMost - staged.Length))) > 0)
            {
                staged.Write(chunk, 0, n);
            }

            _staged = staged.ToArray();
        }

        public void CommitLoad()
        {
            Blob = _staged ?? [];
            _staged = null;
        }

        public void AbortLoad() => _staged = null;

        public string Describe() => $"{Head} {Tail} {Convert.ToHexString(SHA256.HashData(Blob))} {Blob.Length}";
    }

    private static BlobDevice Busy(uint seed)
    {
        byte[] blob = new byte[4500];
        new Random((int)seed).NextBytes(blob);
        return new BlobDevice { Head = seed, Tail = seed * 3, Blob = blob };
    }

    private static byte[] Save(bool integrity, params IDeviceState[] devices)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { Integrity = integrity, BlobSegmentSize = SegmentSize }))
        {
            foreach (IDeviceState device in devices)
            {
                writer.WriteDevice(device);
            }

            writer.Complete();
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Loads every section into fresh devices; the outcome is the error kind (or "ok") and every device's state.</summary>
    private static string Outcome(byte[] stream, bool fromStream, int readAtMost = int.MaxValue)
    {
        var devices = new List<BlobDevice>();
        string result;
        try
        {
            using MigrationStreamReader reader = fromStream
                ? new MigrationStreamReader(new ChunkedStream(stream, () => 7))
                : new MigrationStreamReader(stream);
            while (reader.TryReadSection(out _))
            {
                var device = new BlobDevice { ReadAtMost = readAtMost };
                devices.Add(device);
                reader.LoadSection(device);
            }

            result = "ok";
        }
        catch (MigrationFormatException ex)
        {
            result = ex.Kind.ToString();
        }

        return result + "\n" + string.Join("\n", devices.Select(d => d.Describe()));
    }

    [Fact]
    public void Load_FromSmallReads_StreamsTheBlobAndGivesTheInMemoryState()
    {
        byte[] stream = Save(false, Busy(1), Busy(2));

        string fromStream = Outcome(stream, fromStream: true);

        Assert.StartsWith("ok", fromStream, StringComparison.Ordinal);
        Assert.Equal(Outcome(stream, fromStream: false), fromStream);
        Assert.Contains(Busy(2).Describe(), fromStream, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DeviceReadsPartOfTheBlob_TheRestIsPassedAndTheNextFieldsAndSectionsLoad()
    {
        byte[] stream = Save(false, Busy(1), Busy(2));

        string fromStream = Outcome(stream, fromStream: true, readAtMost: 1500);

        Assert.StartsWith("ok", fromStream, StringComparison.Ordinal);
        Assert.Equal(Outcome(stream, fromStream: false, readAtMost: 1500), fromStream);
        Assert.Contains("2 6 ", fromStream, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EveryTruncation_FailsLikeTheInMemoryLoadAndNeverCommitsAPartialBlob()
    {
        byte[] stream = Save(false, Busy(1));
        string untouched = new BlobDevice().Describe(), loaded = Busy(1).Describe();
        for (int length = 0; length < stream.Length; length += 37)
        {
            byte[] cut = stream.AsSpan(0, length).ToArray();

            string fromStream = Outcome(cut, fromStream: true);

            Assert.Equal(Outcome(cut, fromStream: false), fromStream);
            string[] lines = fromStream.Split('\n');
            Assert.NotEqual("ok", lines[0]);
            Assert.All(lines.Skip(1).Where(line => line.Length > 0), line => Assert.Contains(line, new[] { untouched, loaded }));
        }
    }

    [Fact]
    public void Load_ChecksummedStreamWithAFlippedBlobBit_FailsTheIntegrityCheckWhenStreamed()
    {
        byte[] stream = Save(true, Busy(1));
        Assert.StartsWith("ok", Outcome(stream, fromStream: true), StringComparison.Ordinal);

        int inBlob = stream.AsSpan().IndexOf(Busy(1).Blob.AsSpan(2000, 16)) + 5;
        Assert.True(inBlob > 5);
        foreach (int bit in new[] { 0, 3, 7 })
        {
            byte[] flipped = (byte[])stream.Clone();
            flipped[inBlob] ^= (byte)(1 << bit);

            string fromStream = Outcome(flipped, fromStream: true);

            Assert.StartsWith(nameof(MigrationErrorKind.IntegrityCheckFailed), fromStream, StringComparison.Ordinal);
            Assert.Equal(Outcome(flipped, fromStream: false), fromStream);
        }
    }

    [Fact]
    public void Load_RandomDamage_GivesTheSameOutcomeAsTheInMemoryLoad()
    {
        byte[] stream = Save(false, Busy(1), Busy(2));
        var random = new Random(5);
        for (int i = 0; i < 400; i++)
        {
            byte[] damaged = (byte[])stream.Clone();
            int at = random.Next(damaged.Length);
            damaged[at] = (byte)random.Next(256);

            Assert.Equal(Outcome(damaged, fromStream: false), Outcome(damaged, fromStream: true));
        }
    }
}

/// <summary>The input source's streamed-contents path, value by value.</summary>
public class StreamedOctetStringSourceTests
{
    private static byte[] Sequence(byte[] content, bool definiteParent = false, int parentLength = 0)
    {
        byte[] header = [0x04, 0x82, (byte)(content.Length >> 8), (byte)content.Length];
        byte[] parent = definiteParent ? [0x30, 0x82, (byte)(parentLength >> 8), (byte)parentLength] : [0x30, 0x80];
        byte[] end = definiteParent ? [] : [0x00, 0x00];
        return [.. parent, .. header, .. content, .. end];
    }

    private static byte[] Content(int length)
    {
        byte[] content = new byte[length];
        new Random(length).NextBytes(content);
        return content;
    }

    [Fact]
    public void TryBeginStreamedOctetString_ContentsNotYetBuffered_HandsThemOverAsTheyArrive()
    {
        byte[] content = Content(4000);
        using var source = new BerInputSource(new ChunkedStream(Sequence(content), () => 100));
        Assert.True(source.Peek());
        source.Accept();

        Assert.True(source.TryBeginStreamedOctetString(out int length));
        Assert.Equal(4000, length);
        Assert.Equal(6, source.Position);
        byte[] received = new byte[4000];
        int at = 0;
        while (at < received.Length)
        {
            at += source.ReadStreamedContent(received.AsSpan(at, Math.Min(1500, received.Length - at)));
        }

        Assert.Equal(content, received);
        Assert.Equal(0, source.ReadStreamedContent(new byte[10]));
        Assert.Equal(4006, source.Position);
        Assert.True(source.Peek());
        Assert.Equal(MigrationFormat.Ber.BerTokenType.EndConstructed, source.TokenType);
    }

    [Fact]
    public void Peek_WhileStreamedContentsRemain_Throws()
    {
        using var source = new BerInputSource(new ChunkedStream(Sequence(Content(4000)), () => 100));
        source.Peek();
        source.Accept();
        Assert.True(source.TryBeginStreamedOctetString(out _));

        Assert.Throws<InvalidOperationException>(() => source.Peek());
    }

    [Fact]
    public void TryBeginStreamedOctetString_MemoryInput_DeclinesSoTheValueIsReadWhole()
    {
        using var source = new BerInputSource(Sequence(Content(4000)));
        source.Peek();
        source.Accept();

        Assert.False(source.TryBeginStreamedOctetString(out _));
        Assert.True(source.Peek());
        Assert.Equal(4000, source.Length);
    }

    [Fact]
    public void TryBeginStreamedOctetString_ValueRunningPastItsDefiniteParent_DeclinesAndPeekReportsIt()
    {
        using var source = new BerInputSource(new ChunkedStream(Sequence(Content(4000), definiteParent: true, parentLength: 1000), () => 100));
        source.Peek();
        source.Accept();

        Assert.False(source.TryBeginStreamedOctetString(out _));
        Assert.Equal(4, source.Position);
        Assert.Throws<MigrationFormatException>(() => source.Peek());
    }

    [Fact]
    public void ReadStreamedContent_InputEndsInsideTheValue_IsTruncated()
    {
        byte[] whole = Sequence(Content(4000));
        using var source = new BerInputSource(new ChunkedStream(whole.AsSpan(0, 2000).ToArray(), () => 100));
        source.Peek();
        source.Accept();
        Assert.True(source.TryBeginStreamedOctetString(out _));

        var ex = Assert.Throws<MigrationFormatException>(() =>
        {
            byte[] sink = new byte[4000];
            int at = 0;
            while (at < sink.Length)
            {
                at += source.ReadStreamedContent(sink.AsSpan(at));
            }
        });
        Assert.Equal(MigrationErrorKind.Truncated, ex.Kind);
    }
}
