using System.Text.Json;

namespace MigrationFormat.QemuCheck.Tests;

/// <summary>The committed QEMU 7.2 / 10.0 real-pair fixtures (test/fixtures/qemu/real-pairs) and the device verdicts they imply.</summary>
internal static class RealPairs
{
    private static readonly Dictionary<string, VmStateDump> Dumps = [];

    public static IReadOnlyList<Migration> Migrations { get; } = ReadMigrations();

    public static VmStateDump Dump(string machine, string qemu)
    {
        string key = machine + "/" + qemu;
        lock (Dumps)
        {
            if (!Dumps.TryGetValue(key, out VmStateDump? dump))
            {
                dump = Fixtures.Dump($"real-pairs/vmstate-{machine}-qemu{qemu}.json");
                string counts = Fixtures.PathOf($"real-pairs/array-counts-{machine}-qemu{qemu}.json");
                if (File.Exists(counts))
                {
                    dump = dump.WithArrayCounts(VmStateDump.ReadArrayCounts(File.ReadAllBytes(counts)));
                }

                Dumps[key] = dump;
            }

            return dump;
        }
    }

    /// <summary>
    /// Every device of the migration whose state was sent and that both dumps describe: its QOM type, what QEMU did with it
    /// (true loaded, false refused, null not reached), and the checker's verdict.
    /// </summary>
    public static IEnumerable<DeviceOutcome> Outcomes(Migration migration)
    {
        string[] qemu = migration.Direction.Split("-to-");
        VmStateDump source = Dump(migration.Machine, qemu[0]);
        VmStateDump destination = Dump(migration.Machine, qemu[1]);
        int failedAt = migration.FailedSection is null ? int.MaxValue : migration.Sections.FindIndex(s => s.Name == migration.FailedSection);
        foreach (string type in migration.QomTypes)
        {
            if (source.Find(type) is not { Description: { } description } device)
            {
                continue;
            }

            int index = migration.Sections.FindIndex(s => s.Vmsd == description.Name);
            if (index < 0)
            {
                continue;
            }

            if (destination.Find(type) is null)
            {
                // Not judged: the destination's dump does not describe the type, yet its QEMU loaded the section (7.2
                // registers piix3-ide's "ide" state outside -dump-vmstate). Counted by Undescribed.
                continue;
            }

            bool? loaded = migration.Loaded || index < failedAt ? true : index == failedAt ? false : null;
            yield return new DeviceOutcome(migration, type, loaded, VmStateChecker.CheckDevice(device, destination.Find(type)));
        }
    }

    /// <summary>Device types that were sent but that the destination's dump does not describe, with the migration.</summary>
    public static IEnumerable<(Migration Migration, string QomType)> Undescribed() =>
        from m in Migrations
        let qemu = m.Direction.Split("-to-")
        from type in m.QomTypes
        where Dump(m.Machine, qemu[0]).Find(type) is { Description: { } d } && m.Sections.Exists(s => s.Vmsd == d.Name)
            && Dump(m.Machine, qemu[1]).Find(type) is null
        select (m, type);

    private static List<Migration> ReadMigrations()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Fixtures.PathOf("real-pairs/loads.json")));
        var list = new List<Migration>();
        foreach (JsonElement m in document.RootElement.GetProperty("migrations").EnumerateArray())
        {
            list.Add(new Migration(
                m.GetProperty("machine").GetString()!,
                m.GetProperty("device").GetString()!,
                m.GetProperty("direction").GetString()!,
                m.GetProperty("loaded").GetBoolean(),
                m.GetProperty("failedSection").GetString(),
                m.GetProperty("sections").EnumerateArray().Select(s => new SentSection(s.GetProperty("name").GetString()!,
                    s.GetProperty("vmsd").GetString() ?? string.Empty)).ToList(),
                m.GetProperty("qomTypes").EnumerateArray().Select(t => t.GetString()!).ToList()));
        }

        return list;
    }

    internal sealed record SentSection(string Name, string Vmsd);

    internal sealed record Migration(string Machine, string Device, string Direction, bool Loaded, string? FailedSection, List<SentSection> Sections,
        List<string> QomTypes)
    {
        public override string ToString() => $"{Machine} {Device} {Direction}";
    }

    internal sealed record DeviceOutcome(Migration Migration, string QomType, bool? Loaded, VmStateDeviceResult Result);
}
