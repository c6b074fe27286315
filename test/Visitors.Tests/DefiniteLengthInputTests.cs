using MigrationFormat.Samples;

namespace MigrationFormat.Visitors.Tests;

/// <summary>The loader reads definite-length encodings from other BER writers with the same checks as indefinite ones.</summary>
public class DefiniteLengthInputTests
{
    [Fact]
    public void Load_FieldRunningPastItsDefiniteLengthParent_IsInvalidEncodingAndDeviceUnchanged()
    {
        // [APPLICATION 2] of length 3 holding [0] of length 2: the field ends one byte after its parent.
        byte[] state = [0x62, 0x03, 0x80, 0x02, 0x12, 0x34];
        var uart = new Uart16550(1) { Divider = 7 };

        var ex = Assert.Throws<MigrationFormatException>(() => new BerDeviceSerializer().Load(uart, state, streamVersion: 1));

        Assert.Equal(MigrationErrorKind.InvalidEncoding, ex.Kind);
        Assert.Equal(2, ex.Offset);
        Assert.Equal(7, uart.Divider);
    }

    [Fact]
    public void Load_DefiniteLengthState_LoadsLikeIndefinite()
    {
        var saved = new Uart16550(1) { Divider = 0x1234, Scr = 9 };
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        BerDeviceSerializer.Save(saved, output);
        byte[] indefinite = output.WrittenSpan.ToArray();

        // Re-frame the same fields with a definite length: drop "62 80" and the final "00 00".
        byte[] fields = indefinite[2..^2];
        byte[] definite = [0x62, (byte)fields.Length, .. fields];
        var loaded = new Uart16550(1);

        new BerDeviceSerializer().Load(loaded, definite, streamVersion: 1);

        Assert.Equal(0x1234, loaded.Divider);
        Assert.Equal(9, loaded.Scr);
    }
}
