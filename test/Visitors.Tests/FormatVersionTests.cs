using System.Buffers;
using MigrationFormat.Samples;

namespace MigrationFormat.Visitors.Tests;

/// <summary>
/// Format version 2 wraps the sections in <c>[APPLICATION 6]</c> so that the stream is the value of the framing
/// module's <c>MigrationStream</c>; version 1 streams, whose sections stood unwrapped, still load.
/// </summary>
public class FormatVersionTests
{
    private static readonly byte[] SectionsStart = [0x66, 0x80];
    private static readonly byte[] TrailerStart = [0x64, 0x80];

    [Fact]
    public void Complete_TwoDevices_WrapsBothSectionsInOneSectionsValueBeforeTheTrailer()
    {
        byte[] stream = StateDump.Save(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3), SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType, 3));

        int sections = stream.AsSpan().IndexOf(SectionsStart);
        int trailer = stream.AsSpan().LastIndexOf(TrailerStart);

        Assert.Equal(0x02, stream[8]); // the header's INTEGER 2: the format version
        Assert.Equal(0x61, stream[sections + 2]); // the first section follows the sections' start
        Assert.Equal(new byte[] { 0x00, 0x00, 0x00, 0x00 }, stream[(trailer - 4)..trailer]); // the last section's end, then the sections'
    }

    [Fact]
    public void Complete_NoDevice_WritesAnEmptySectionsValue()
    {
        byte[] stream = StateDump.Save();

        Assert.Equal(new byte[] { 0x66, 0x80, 0x00, 0x00, 0x64, 0x80 }, stream[^13..^7]);
    }

    [Fact]
    public void WriteSchemas_CalledTwice_WritesOneSchemasValue()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { CompressSchemas = false });
        writer.WriteSchemas([new("a/v1", [1])]);
        writer.WriteSchemas([new("b/v1", [2])]);
        writer.WriteDevice(new Uart16550(1));
        writer.Complete();

        using var reader = new MigrationStreamReader(output.WrittenMemory);
        Assert.True(reader.TryReadSection(out _));

        Assert.Equal(1, CountOf(output.WrittenSpan, [0x63, 0x80]));
        Assert.Equal(["a/v1", "b/v1"], reader.Schemas.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WriteSchemas_AfterASection_Throws()
    {
        var writer = new MigrationStreamWriter(new ArrayBufferWriter<byte>());
        writer.WriteDevice(new Uart16550(1));

        Assert.Throws<InvalidOperationException>(() => writer.WriteSchemas([new("a/v1", [1])]));
    }

    [Fact]
    public void LoadSection_FormatVersion1Stream_LoadsEveryDevice()
    {
        byte[] stream = FormatVersion1.From(
            StateDump.Save(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3), SampleCatalog.CreateBusy(VirtioNet.DeviceType, 3)));
        var uart = new Uart16550(3);
        var net = new VirtioNet(3);

        using var reader = new MigrationStreamReader(stream);
        IReadOnlyList<SectionLoadResult> results = reader.LoadAll(section => section.Id == "serial" ? uart : net);

        Assert.Equal(1, reader.Header.FormatVersion);
        Assert.Equal(2, results.Count);
        Assert.Equal(StateDump.Of(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3)), StateDump.Of(uart));
        Assert.Equal(StateDump.Of(SampleCatalog.CreateBusy(VirtioNet.DeviceType, 3)), StateDump.Of(net));
    }

    [Fact]
    public void TryReadSection_Version2StreamWithoutTheSectionsValue_FailsUnexpectedValue()
    {
        byte[] version1 = FormatVersion1.From(StateDump.Save(new Uart16550(3)));
        version1[8] = 0x02;

        var ex = Assert.Throws<MigrationFormatException>(() =>
        {
            using var reader = new MigrationStreamReader(version1);
            reader.TryReadSection(out _);
        });

        Assert.Equal(MigrationErrorKind.UnexpectedValue, ex.Kind);
        Assert.Contains("[APPLICATION 6]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadSection_Version2StreamWithTwoSchemasValues_FailsUnexpectedValue()
    {
        byte[] stream = StateDump.Save(new Uart16550(3));
        int sections = stream.AsSpan().IndexOf(SectionsStart);
        byte[] twoSchemas = [.. stream[..sections], 0x63, 0x80, 0x00, 0x00, 0x63, 0x80, 0x00, 0x00, .. stream[sections..]];

        var ex = Assert.Throws<MigrationFormatException>(() =>
        {
            using var reader = new MigrationStreamReader(twoSchemas);
            reader.TryReadSection(out _);
        });

        Assert.Equal(MigrationErrorKind.UnexpectedValue, ex.Kind);
        Assert.Equal(sections + 4, ex.Offset);
    }

    [Fact]
    public void TryReadSection_TrailerInsideTheSectionsValue_FailsUnexpectedValue()
    {
        byte[] stream = StateDump.Save();
        byte[] inside = [.. stream[..^13], 0x66, 0x80, .. stream[^9..^2], 0x00, 0x00, 0x00, 0x00];

        var ex = Assert.Throws<MigrationFormatException>(() =>
        {
            using var reader = new MigrationStreamReader(inside);
            reader.TryReadSection(out _);
        });

        Assert.Equal(MigrationErrorKind.UnexpectedValue, ex.Kind);
    }

    [Fact]
    public void MigrationStreamReader_FormatVersion3_FailsUnsupportedVersion()
    {
        byte[] stream = StateDump.Save();
        stream[8] = 0x03;

        var ex = Assert.Throws<MigrationFormatException>(() => new MigrationStreamReader(stream).Dispose());

        Assert.Equal(MigrationErrorKind.UnsupportedVersion, ex.Kind);
    }

    private static int CountOf(ReadOnlySpan<byte> data, ReadOnlySpan<byte> pattern)
    {
        int count = 0;
        for (int at; (at = data.IndexOf(pattern)) >= 0; data = data[(at + pattern.Length)..])
        {
            count++;
        }

        return count;
    }
}

/// <summary>Rewrites a format version 2 stream without checksums as the format version 1 stream of the same content.</summary>
internal static class FormatVersion1
{
    /// <summary>Sets the header's version to 1 and removes the sections' start and end-of-contents.</summary>
    /// <param name="version2">A stream from <see cref="MigrationStreamWriter"/>, written without checksums.</param>
    /// <returns>The version 1 stream.</returns>
    public static byte[] From(byte[] version2)
    {
        Assert.Equal(new byte[] { 0x02, 0x01, 0x02 }, version2[6..9]);
        int sections = version2.AsSpan().IndexOf(stackalloc byte[] { 0x66, 0x80 });
        int trailer = version2.AsSpan().LastIndexOf(stackalloc byte[] { 0x64, 0x80 });
        Assert.Equal(new byte[] { 0x00, 0x00 }, version2[(trailer - 2)..trailer]);
        byte[] version1 = [.. version2[..sections], .. version2[(sections + 2)..(trailer - 2)], .. version2[trailer..]];
        version1[8] = 0x01;
        return version1;
    }
}
