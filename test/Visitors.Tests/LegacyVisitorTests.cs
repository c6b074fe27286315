using MigrationFormat.Samples;
using Xunit;

namespace MigrationFormat.Visitors.Tests;

public class LegacyVisitorTests
{
    private static Uart16550 Busy(int version) => new(version)
    {
        Divider = 0x1234, Ier = 5, Lcr = 3, Scr = 0xAA, TxCount = 0x0102030405060708, FifoTriggerLevel = 14, FifoTimeoutArmed = true,
        FifoTimeoutNs = 0x1122334455667788,
    };

    [Fact]
    public void Save_UartV3_WritesQemuStyleBigEndianFieldsAndSubsection()
    {
        byte[] payload = LegacyDeviceSerializer.Save(Busy(3));
        string expected =
            "1234" + "00" + "05" + "01" + "03" + "00" + "60" + "B0" + "AA" // divider, rbr, ier, iir, lcr, mcr, lsr, msr, scr
            + "0102030405060708" // tx_count (since 2)
            + "0E" // fifo_trigger_level (since 3)
            + "05" + "13" + Convert.ToHexString("serial/fifo_timeout"u8) + "00000001" // subsection header
            + "1122334455667788"; // deadline_ns
        Assert.Equal(expected, Convert.ToHexString(payload));
    }

    [Fact]
    public void Save_UartV1_OmitsFieldsOfLaterVersions()
    {
        Assert.Equal(10, LegacyDeviceSerializer.Save(Busy(1)).Length);
    }

    [Fact]
    public void SaveThenLoad_SameVersion_RestoresEveryField()
    {
        byte[] payload = LegacyDeviceSerializer.Save(Busy(3));
        var loaded = new Uart16550(3);
        LegacyDeviceSerializer.Load(loaded, payload, streamVersion: 3);
        Assert.Equal(0x1234, loaded.Divider);
        Assert.Equal(0x0102030405060708UL, loaded.TxCount);
        Assert.True(loaded.FifoTimeoutArmed);
        Assert.Equal(0x1122334455667788, loaded.FifoTimeoutNs);
    }

    [Fact]
    public void Load_OlderSectionIntoNewerDevice_ReadsOnlyFieldsOfTheSectionVersion()
    {
        byte[] payload = LegacyDeviceSerializer.Save(Busy(2));
        var loaded = new Uart16550(3);
        LegacyDeviceSerializer.Load(loaded, payload, streamVersion: 2);
        Assert.Equal(0x0102030405060708UL, loaded.TxCount);
        Assert.Equal(1, loaded.FifoTriggerLevel);
    }

    [Fact]
    public void Load_NewerSectionIntoOlderDevice_IsUnsupportedVersion()
    {
        byte[] payload = LegacyDeviceSerializer.Save(Busy(3));
        var loaded = new Uart16550(2);
        var ex = Assert.Throws<MigrationFormatException>(() => LegacyDeviceSerializer.Load(loaded, payload, streamVersion: 3));
        Assert.Equal(MigrationErrorKind.UnsupportedVersion, ex.Kind);
        Assert.Equal(3, ex.SourceVersion);
        Assert.Equal(2, ex.DestinationVersion);
    }

    [Fact]
    public void Load_TruncatedInsideAnyField_ThrowsAndLeavesDeviceUnchanged()
    {
        byte[] payload = LegacyDeviceSerializer.Save(Busy(3));
        const int SubsectionStart = 19; // a payload cut just before a subsection is a valid payload without it
        for (int length = 0; length < payload.Length; length++)
        {
            if (length == SubsectionStart)
            {
                continue;
            }

            var loaded = new Uart16550(3) { Divider = 77 };
            Assert.Throws<MigrationFormatException>(() => LegacyDeviceSerializer.Load(loaded, payload.AsSpan(0, length), streamVersion: 3));
            Assert.Equal(77, loaded.Divider);
            Assert.False(loaded.FifoTimeoutArmed);
        }
    }

    [Fact]
    public void Load_CutBeforeTheSubsection_LoadsWithoutTheOptionalGroup()
    {
        byte[] payload = LegacyDeviceSerializer.Save(Busy(3));
        var loaded = new Uart16550(3) { FifoTimeoutArmed = true };
        LegacyDeviceSerializer.Load(loaded, payload.AsSpan(0, 19), streamVersion: 3);
        Assert.False(loaded.FifoTimeoutArmed);
        Assert.Equal(14, loaded.FifoTriggerLevel);
    }

    [Fact]
    public void Load_TrailingBytes_IsAnError()
    {
        byte[] payload = [.. LegacyDeviceSerializer.Save(Busy(1)), 0xFF];
        var ex = Assert.Throws<MigrationFormatException>(() => LegacyDeviceSerializer.Load(new Uart16550(1), payload, streamVersion: 1));
        Assert.Equal(10, ex.Offset);
    }

    [Fact]
    public void Load_UnknownSubsectionOfTheDevice_IsAnError()
    {
        byte[] payload = [.. LegacyDeviceSerializer.Save(Busy(1)), 0x05, 0x0A, .. "serial/new"u8, 0, 0, 0, 1];
        var ex = Assert.Throws<MigrationFormatException>(() => LegacyDeviceSerializer.Load(new Uart16550(1), payload, streamVersion: 1));
        Assert.Equal(MigrationErrorKind.UnknownRequiredField, ex.Kind);
    }
}
