namespace MigrationFormat.QemuLoad.Tests;

/// <summary>The library's conversions of a fixture, as the load tests feed them to QEMU.</summary>
internal static class Streams
{
    public static byte[] ToBer(byte[] qemu)
    {
        using var output = new MemoryStream();
        QemuTranscoder.ToBer(new MemoryStream(qemu, writable: false), output);
        return output.ToArray();
    }

    public static byte[] ToLegacy(byte[] ber)
    {
        using var output = new MemoryStream();
        QemuTranscoder.ToLegacy(new MemoryStream(ber, writable: false), output);
        return output.ToArray();
    }
}
