using System.Diagnostics;
using MigrationFormat.Tests.Shared;

namespace MigrationFormat.QemuLoad.Tests;

/// <summary>
/// The two emulators the load tests start, as .ci/qemu.sh installs them (<see cref="QemuInstallation"/>): QEMU 7.2
/// (Debian 12's qemu-system-x86) and QEMU 10.0 (unpacked from bookworm-backports, run through its wrapper). A missing
/// one, or one of another version, fails the test that needs it.
/// </summary>
internal static class QemuBinaries
{
    private static readonly Lazy<string> Qemu72 = new(() => Find("7.2", QemuInstallation.Qemu72));
    private static readonly Lazy<string> Qemu10 = new(() => Find("10.0", QemuInstallation.Qemu10));

    /// <summary>Gets the binary of a QEMU version: "7.2" or "10.0".</summary>
    public static string For(string version) => version switch
    {
        "7.2" => Qemu72.Value,
        "10.0" => Qemu10.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "7.2 or 10.0"),
    };

    private static string Find(string version, string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"QEMU {version} is not installed ({path}); .ci/qemu.sh installs both emulators.");
        }

        using var process = Process.Start(new ProcessStartInfo(path, "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
        string banner = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return banner.Contains($"version {version}.", StringComparison.Ordinal)
            ? path
            : throw new InvalidOperationException($"{path} is not QEMU {version}: {banner.Split('\n')[0]}");
    }
}
