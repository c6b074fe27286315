using System.Buffers;
using System.Formats.Asn1;
using MigrationFormat.Samples;

namespace MigrationFormat.Visitors.Tests;

public class IntegrityTests
{
    private static byte[] Save(bool integrity)
    {
        var output = new ArrayBufferWriter<byte>();
        using var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { Integrity = integrity });
        writer.WriteDevice(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
        writer.WriteDevice(SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType, 3));
        writer.Complete();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Loads every section into fresh devices; returns the exception, if any, and whether any device changed on failure.</summary>
    private static (Exception? Error, bool Changed) LoadAll(byte[] stream)
    {
        var uart = new Uart16550(3);
        var rtc = new Mc146818Rtc(3);
        string before = StateDump.Of(uart).ToString() + StateDump.Of(rtc);
        IDeviceState? failing = null;
        Exception? error = Record.Exception(() =>
        {
            using var reader = new MigrationStreamReader(stream);
            while (reader.TryReadSection(out SectionHeader section))
            {
                failing = section.Id == uart.Type.Id ? uart : rtc;
                reader.LoadSection(failing);
                failing = null;
            }
        });

        bool changed = error is not null
            && failing is not null
            && StateDump.Of(failing).ToString() != (failing == uart ? StateDump.Of(new Uart16550(3)).ToString() : StateDump.Of(new Mc146818Rtc(3)).ToString());
        _ = before;
        return (error, changed);
    }

    [Fact]
    public void Integrity_AnnouncedInTheHeader_AndTheStreamLoads()
    {
        byte[] stream = Save(integrity: true);

        using var reader = new MigrationStreamReader(stream);
        Assert.Contains(MigrationStreamFormat.IntegrityCapability, reader.Header.Capabilities);
        Assert.Null(LoadAll(stream).Error);
    }

    [Fact]
    public void Integrity_StreamIsStillPlainBer()
    {
        var reader = new AsnReader(Save(integrity: true), AsnEncodingRules.BER);
        reader.ReadEncodedValue();
        Assert.False(reader.HasData);
    }

    [Fact]
    public void Integrity_EverySingleBitFlip_FailsTheLoadAndLeavesTheDeviceUnchanged()
    {
        byte[] stream = Save(integrity: true);
        int integrityFailures = 0;
        for (int bit = 0; bit < stream.Length * 8; bit++)
        {
            byte[] flipped = (byte[])stream.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));

            (Exception? error, bool changed) = LoadAll(flipped);

            var ex = Assert.IsType<MigrationFormatException>(error);
            Assert.False(changed, $"bit {bit}: the failed load changed the device");
            integrityFailures += ex.Kind == MigrationErrorKind.IntegrityCheckFailed ? 1 : 0;
        }

        Assert.True(integrityFailures > stream.Length, "most flips are caught by the checksum rather than by the structure");
    }

    [Fact]
    public void Integrity_EveryTruncation_FailsTheLoad()
    {
        byte[] stream = Save(integrity: true);
        for (int length = 0; length < stream.Length; length++)
        {
            Assert.IsType<MigrationFormatException>(LoadAll(stream.AsSpan(0, length).ToArray()).Error);
        }
    }

    [Fact]
    public void WithoutIntegrity_SomeBitFlipsLoadSilently()
    {
        // Why the checksum exists: a flipped bit inside an INTEGER's contents is still valid BER.
        byte[] stream = Save(integrity: false);
        int silent = 0;
        for (int bit = 0; bit < stream.Length * 8; bit++)
        {
            byte[] flipped = (byte[])stream.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            silent += LoadAll(flipped).Error is null ? 1 : 0;
        }

        Assert.True(silent > 0);
    }

    [Fact]
    public void Integrity_AnnouncedButChecksumMissing_IsIntegrityCheckFailed()
    {
        // The header with the capability, the sections without checksums.
        byte[] mixed = Splice(headerFrom: Save(integrity: true), restFrom: Save(integrity: false));

        var ex = Assert.IsType<MigrationFormatException>(LoadAll(mixed).Error);
        Assert.Equal(MigrationErrorKind.IntegrityCheckFailed, ex.Kind);
    }

    [Fact]
    public void Integrity_ChecksumsPresentButNotAnnounced_IsIntegrityCheckFailed()
    {
        // The header without the capability, the sections with their checksums: as if the capability name was altered.
        byte[] mixed = Splice(headerFrom: Save(integrity: false), restFrom: Save(integrity: true));

        var ex = Assert.IsType<MigrationFormatException>(LoadAll(mixed).Error);
        Assert.Equal(MigrationErrorKind.IntegrityCheckFailed, ex.Kind);
        Assert.Contains("does not announce", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The stream magic and header of one stream followed by everything after the header of another.</summary>
    private static byte[] Splice(byte[] headerFrom, byte[] restFrom) =>
        [.. headerFrom.AsSpan(0, HeaderEnd(headerFrom)), .. restFrom.AsSpan(HeaderEnd(restFrom))];

    private static int HeaderEnd(byte[] stream) => 4 + new AsnReader(stream.AsMemory(4), AsnEncodingRules.BER).PeekEncodedValue().Length;
}
