namespace MigrationFormat.Qemu.Tests;

/// <summary>The real QEMU 7.2 and 10.0 streams in test/fixtures/qemu, copied next to the test assembly.</summary>
internal static class Fixtures
{
    public static readonly string[] Names =
    [
        "pc-serial-paused", "pc-serial", "q35-basic", "pc-devices", "pc-virtio", "q35-virtio",
        "q10-pc-i440fx-7.2-virtio", "q10-pc-q35-7.2-virtio", "q10-pc-i440fx-10.0-virtio", "q10-pc-q35-10.0-virtio",
    ];

    private static readonly Dictionary<string, byte[]> Cache = [];

    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string name in Names)
            {
                data.Add(name);
            }

            return data;
        }
    }

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "fixtures", file);

    public static byte[] Stream(string name) => Load(name + ".mig");

    public static byte[] StateJson(string name) => Load(name + ".mig.dump-state.json");

    public static byte[] DescJson(string name) => Load(name + ".mig.dump-desc.json");

    public static byte[] Load(string file)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(file, out byte[]? bytes))
            {
                bytes = File.ReadAllBytes(PathOf(file));
                Cache.Add(file, bytes);
            }

            return bytes;
        }
    }

    public static List<QemuRecord> ReadAll(byte[] stream, QemuStreamReaderOptions options = default)
    {
        using var reader = new QemuStreamReader(new MemoryStream(stream, writable: false), options);
        return [.. reader.ReadAll()];
    }

    /// <summary>Reads a whole stream, for tests that only care whether it fails and how.</summary>
    public static void Drain(Stream stream, QemuStreamReaderOptions options = default)
    {
        using var reader = new QemuStreamReader(stream, options);
        while (reader.Read() is not null)
        {
        }
    }
}
