using System.Text.Json;

namespace MigrationFormat.QemuLoad.Tests;

/// <summary>A fixture as test/fixtures/qemu/fixtures.json records it: the QEMU that wrote it and its exact command line.</summary>
internal sealed record QemuFixture(string Name, string Qemu, IReadOnlyList<string> Args)
{
    private const string DiskPlaceholder = "@DISK@";

    public static IReadOnlyList<QemuFixture> All { get; } = Read();

    public static QemuFixture Named(string name) => All.Single(f => f.Name == name);

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "fixtures", file);

    public byte[] Stream() => File.ReadAllBytes(PathOf(Name + ".mig"));

    /// <summary>The command line with the disk image (when the machine has one) made in <paramref name="directory"/>.</summary>
    public IReadOnlyList<string> ArgsWithDisk(string directory)
    {
        string disk = Path.Combine(directory, "disk.img");
        if (Args.Any(a => a.Contains(DiskPlaceholder, StringComparison.Ordinal)) && !File.Exists(disk))
        {
            using FileStream image = File.Create(disk);
            image.SetLength(DiskBytes);
        }

        return [.. Args.Select(a => a.Replace(DiskPlaceholder, disk, StringComparison.Ordinal))];
    }

    private static long DiskBytes { get; set; }

    private static List<QemuFixture> Read()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(PathOf("fixtures.json")));
        DiskBytes = doc.RootElement.GetProperty("disk").GetProperty("bytes").GetInt64();
        return
        [
            .. doc.RootElement.GetProperty("fixtures").EnumerateArray().Select(f => new QemuFixture(
                f.GetProperty("name").GetString()!,
                f.GetProperty("qemu").GetString()!,
                [.. f.GetProperty("args").EnumerateArray().Select(a => a.GetString()!)])),
        ];
    }
}
