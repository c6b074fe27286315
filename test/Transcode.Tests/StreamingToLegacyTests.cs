using System.Formats.Asn1;
using MigrationFormat.Qemu;

namespace MigrationFormat.Transcode.Tests;

/// <summary>
/// <see cref="QemuTranscoder.ToLegacy"/> reads its input forward, header by header, holding one segment or one device
/// state at a time: any read size, any BER length form, and a cut anywhere give the same bytes or a clear error.
/// </summary>
public sealed class StreamingToLegacyTests
{
    [Fact]
    public void ToLegacy_ForwardOnlyInputInSevenByteReads_ReproducesOriginalBytes()
    {
        byte[] original = Fixtures.Stream("pc-serial");
        byte[] ber = QemuTranscoderTests.ToBer(original, embedSchemas: true).Ber;
        using var input = new TrickleStream(ber, 7);
        using var qemu = new MemoryStream();

        long written = QemuTranscoder.ToLegacy(input, qemu);

        Assert.Equal(original.Length, written);
        Assert.True(original.AsSpan().SequenceEqual(qemu.ToArray()));
    }

    [Fact]
    public void ToLegacy_DefiniteLengthFraming_ReproducesOriginalBytes()
    {
        byte[] original = Fixtures.Stream("q35-basic");
        byte[] indefinite = QemuTranscoderTests.ToBer(original, embedSchemas: true).Ber;
        byte[] definite = ToDefiniteLengths(indefinite);
        Assert.NotEqual(indefinite.Length, definite.Length);

        byte[] back = QemuTranscoderTests.ToLegacy(definite);

        Assert.True(original.AsSpan().SequenceEqual(back));
    }

    [Fact]
    public void ToLegacy_CutInsideTheRawRecords_ThrowsTruncatedAndWritesNothing()
    {
        byte[] ber = QemuTranscoderTests.ToBer(Fixtures.Stream("pc-serial"), embedSchemas: true).Ber;
        byte[] cut = ber[..(ber.Length * 3 / 4)];
        using var output = new MemoryStream();

        MigrationFormatException error = Assert.Throws<MigrationFormatException>(
            () => QemuTranscoder.ToLegacy(new MemoryStream(cut, writable: false), output));

        Assert.Equal(MigrationErrorKind.Truncated, error.Kind);
        Assert.InRange(error.Offset, ber.Length / 2, cut.Length);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public void ToLegacy_ToAStreamItCannotReadBack_WritesTheCheckedResultOnce()
    {
        byte[] original = Fixtures.Stream("pc-serial");
        byte[] ber = QemuTranscoderTests.ToBer(original, embedSchemas: true).Ber;
        using var sink = new MemoryStream();
        using var writeOnly = new WriteOnlyStream(sink);

        long written = QemuTranscoder.ToLegacy(new MemoryStream(ber, writable: false), writeOnly);

        Assert.Equal(original.Length, written);
        Assert.Equal(original, sink.ToArray());
    }

    /// <summary>A stream that can only be written forward, as a pipe is.</summary>
    private sealed class WriteOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }

    [Fact]
    public void ToLegacy_SegmentThatIsNotAnOctetString_ThrowsUnexpectedValue()
    {
        byte[] ber = QemuTranscoderTests.ToBer(Fixtures.Stream("pc-serial"), embedSchemas: true).Ber;
        // The first raw-record segment: its OCTET STRING identifier (04) becomes an INTEGER's (02).
        int segment = FindFirstSegment(ber);
        ber[segment] = 0x02;

        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() => QemuTranscoderTests.ToLegacy(ber));

        Assert.Equal(MigrationErrorKind.UnexpectedValue, error.Kind);
        Assert.Equal(segment, error.Offset);
    }

    /// <summary>
    /// Re-encodes every constructed value inside the stream with a definite length (the transcoder writes indefinite
    /// ones); the stream's own value keeps its indefinite length, which its magic (7F CD 46 80) includes.
    /// </summary>
    private static byte[] ToDefiniteLengths(byte[] ber)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        var outer = new AsnReader(ber, AsnEncodingRules.BER);
        Copy(outer.ReadSequence(outer.PeekTag()), writer);
        return [.. ber.AsSpan(0, 4), .. writer.Encode(), 0, 0];

        static void Copy(AsnReader reader, AsnWriter writer)
        {
            while (reader.HasData)
            {
                Asn1Tag tag = reader.PeekTag();
                if (tag.IsConstructed)
                {
                    writer.PushSequence(tag);
                    Copy(reader.ReadSequence(tag), writer);
                    writer.PopSequence(tag);
                }
                else
                {
                    writer.WriteEncodedValue(reader.ReadEncodedValue().Span);
                }
            }
        }
    }

    /// <summary>The offset of the first OCTET STRING inside the first qemu:record section's blob (found by its id's UTF8String).</summary>
    private static int FindFirstSegment(byte[] ber)
    {
        byte[] id = [0x0C, 0x0B, .. "qemu:record"u8];
        int at = ber.AsSpan().IndexOf(id);
        Assert.True(at > 0);
        // After the id come the instance, the version, the state (62 80) and the blob ([0] constructed: A0 80).
        int blob = ber.AsSpan(at).IndexOf(new byte[] { 0xA0, 0x80 });
        Assert.True(blob > 0);
        int segment = at + blob + 2;
        Assert.Equal(0x04, ber[segment]);
        return segment;
    }

    /// <summary>A forward-only stream that hands out at most a few bytes per read.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, chunk), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
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
}
