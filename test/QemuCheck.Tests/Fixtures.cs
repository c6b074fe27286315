namespace MigrationFormat.QemuCheck.Tests;

/// <summary>The committed QEMU fixtures (test/fixtures/qemu), read once.</summary>
internal static class Fixtures
{
    private static readonly Lazy<VmStateDump> Pc72 = new(() => Dump("vmstate-pc-7.2.json"));

    /// <summary>Gets QEMU 7.2's -dump-vmstate for the pc machine.</summary>
    public static VmStateDump Pc => Pc72.Value;

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    public static VmStateDump Dump(string name) => VmStateDump.Parse(File.ReadAllBytes(PathOf(name)));
}
