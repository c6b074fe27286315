using MigrationFormat.Tests.Shared;

namespace MigrationFormat.DeviceState.Tests.RealQemu;

/// <summary>
/// QEMU 10.0 as .ci/qemu.sh unpacks it (<see cref="QemuInstallation.Qemu10Directory"/>, /opt/qemu-10.0 by default),
/// started directly with its module folder and data folders given here.
/// </summary>
internal static class Qemu10
{
    public static string Directory => QemuInstallation.Qemu10Directory;

    public static string Binary => Path.Combine(Directory, "usr/bin/qemu-system-x86_64");

    public static IDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["QEMU_MODULE_DIR"] = Path.Combine(Directory, "usr/lib/x86_64-linux-gnu/qemu"),
    };

    /// <summary>
    /// Its own data folder first, then the system's when there is one (QEMU 7.2's); SeaBIOS and iPXE come from the
    /// firmware folders built into Debian's QEMU (/usr/share/seabios, /usr/lib/ipxe/qemu), which .ci/qemu.sh installs.
    /// </summary>
    public static IEnumerable<string> DataArguments =>
        System.IO.Directory.Exists("/usr/share/qemu")
            ? ["-L", Path.Combine(Directory, "usr/share/qemu"), "-L", "/usr/share/qemu"]
            : ["-L", Path.Combine(Directory, "usr/share/qemu")];
}
