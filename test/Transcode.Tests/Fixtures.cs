using MigrationFormat.Qemu;

namespace MigrationFormat.Transcode.Tests;

/// <summary>The real QEMU 7.2 and 10.0 streams in test/fixtures/qemu, copied next to the test assembly.</summary>
internal static class Fixtures
{
    public static readonly string[] Names =
    [
        "pc-serial-paused", "pc-serial", "q35-basic", "pc-devices", "pc-virtio", "q35-virtio",
        "q10-pc-i440fx-7.2-virtio", "q10-pc-q35-7.2-virtio", "q10-pc-i440fx-10.0-virtio", "q10-pc-q35-10.0-virtio",
    ];

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

    public static byte[] Stream(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", name + ".mig"));

    public static List<QemuRecord> ReadAll(byte[] stream)
    {
        using var reader = new QemuStreamReader(new MemoryStream(stream, writable: false));
        return [.. reader.ReadAll()];
    }

    /// <summary>Every FULL section of a fixture whose idstr is <paramref name="idStr"/>, with the stream's description.</summary>
    public static (List<QemuSectionRecord> Sections, VmDescription Description) FullSections(string name, string idStr)
    {
        using var input = new MemoryStream(Stream(name));
        using var reader = new QemuStreamReader(input);
        var sections = new List<QemuSectionRecord>();
        foreach (QemuRecord record in reader.ReadAll())
        {
            if (record is QemuSectionRecord { Kind: QemuRecordKind.SectionFull } section
                && (section.IdStr == idStr || section.IdStr.EndsWith("/" + idStr, StringComparison.Ordinal)))
            {
                sections.Add(section);
            }
        }

        return (sections, reader.Description!);
    }
}
