using System.Diagnostics;

namespace MigrationFormat.DeviceState.Tests.RealQemu;

/// <summary>
/// Where QEMU 10.0 is: <c>QEMU10_DIR</c> (set by .ci/run), or the folder .ci/qemu10.sh installs it into (the script
/// is run when needed; it is idempotent).
/// </summary>
internal static class Qemu10
{
    private static readonly Lazy<string> Root = new(Locate);

    public static string Directory => Root.Value;

    public static string Binary => Path.Combine(Directory, "usr/bin/qemu-system-x86_64");

    public static IDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["QEMU_MODULE_DIR"] = Path.Combine(Directory, "usr/lib/x86_64-linux-gnu/qemu"),
    };

    /// <summary>
    /// Its own data folder first, then the system's when there is one (QEMU 7.2's); SeaBIOS and iPXE come from the
    /// firmware folders built into Debian's QEMU (/usr/share/seabios, /usr/lib/ipxe/qemu), which .ci/qemu10.sh installs.
    /// </summary>
    public static IEnumerable<string> DataArguments =>
        System.IO.Directory.Exists("/usr/share/qemu")
            ? ["-L", Path.Combine(Directory, "usr/share/qemu"), "-L", "/usr/share/qemu"]
            : ["-L", Path.Combine(Directory, "usr/share/qemu")];

    private static string Locate()
    {
        string? given = System.Environment.GetEnvironmentVariable("QEMU10_DIR");
        if (!string.IsNullOrEmpty(given) && File.Exists(Path.Combine(given, "usr/bin/qemu-system-x86_64")))
        {
            return given;
        }

        string script = FindScript();
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd().Trim();
        if (!process.WaitForExit(600_000) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} could not provide QEMU 10.0 (it needs root and Debian 12's bookworm-backports): {error.Result}");
        }

        return output.Split('\n')[^1];
    }

    private static string FindScript()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, ".ci", "qemu10.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Neither QEMU10_DIR nor .ci/qemu10.sh (above " + AppContext.BaseDirectory + ") was found.");
    }
}
