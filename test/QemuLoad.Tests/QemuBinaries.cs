using System.Diagnostics;

namespace MigrationFormat.QemuLoad.Tests;

/// <summary>
/// The two emulators the load tests start: QEMU 7.2 (Debian 12's qemu-system-x86, on the PATH) and QEMU 10.0 (unpacked
/// from bookworm-backports by .ci/qemu.sh; QEMU10 names another place). A missing one fails the test that needs it.
/// </summary>
internal static class QemuBinaries
{
    private const string DefaultQemu10 = "/opt/migfmt/qemu-10.0/bin/qemu-system-x86_64";

    private static readonly Lazy<string> Qemu72 = new(() => Find("7.2", Environment.GetEnvironmentVariable("QEMU72") ?? OnPath("qemu-system-x86_64")));
    private static readonly Lazy<string> Qemu10 = new(() => Find("10.0", Environment.GetEnvironmentVariable("QEMU10") ?? DefaultQemu10));

    /// <summary>Gets the binary of a QEMU version: "7.2" or "10.0".</summary>
    public static string For(string version) => version switch
    {
        "7.2" => Qemu72.Value,
        "10.0" => Qemu10.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "7.2 or 10.0"),
    };

    private static string Find(string version, string? path)
    {
        if (path is null || !File.Exists(path))
        {
            throw new InvalidOperationException($"QEMU {version} is not installed ({path ?? "not on the PATH"}); .ci/qemu.sh installs both emulators.");
        }

        using var process = Process.Start(new ProcessStartInfo(path, "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
        string banner = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return banner.Contains($"version {version}.", StringComparison.Ordinal)
            ? path
            : throw new InvalidOperationException($"{path} is not QEMU {version}: {banner.Split('\n')[0]}");
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
