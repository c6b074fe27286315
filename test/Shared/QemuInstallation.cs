using System.Diagnostics;

namespace MigrationFormat.Tests.Shared;

/// <summary>
/// Where the emulators of the real-QEMU tests are, as .ci/qemu.sh installs them (one script, one place, for every test
/// project that starts QEMU): from the variables .ci/run exports (<c>QEMU72</c>, <c>QEMU10</c>, <c>QEMU10_DIR</c>), or
/// else from the script's own output, running it once (it is idempotent; the first run needs root and Debian 12).
/// </summary>
internal static class QemuInstallation
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> ScriptOutput = new(RunScript);

    /// <summary>Gets QEMU 7.2's binary (Debian 12's qemu-system-x86).</summary>
    public static string Qemu72 => Get("QEMU72");

    /// <summary>Gets the wrapper that runs QEMU 10.0 with its own modules and data folders.</summary>
    public static string Qemu10 => Get("QEMU10");

    /// <summary>Gets the folder QEMU 10.0's packages are unpacked into (their own layout: usr/bin, usr/lib, usr/share).</summary>
    public static string Qemu10Directory => Get("QEMU10_DIR");

    private static string Get(string name)
    {
        string? given = Environment.GetEnvironmentVariable(name);
        if (!string.IsNullOrEmpty(given))
        {
            return given;
        }

        return ScriptOutput.Value.TryGetValue(name, out string? value)
            ? value
            : throw new InvalidOperationException($".ci/qemu.sh printed no {name}.");
    }

    private static Dictionary<string, string> RunScript()
    {
        string script = FindScript();
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(600_000) || process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{script} could not provide QEMU 7.2 and 10.0 (it needs root and Debian 12's bookworm-backports): {error.Result}");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[line[..equals]] = line[(equals + 1)..];
            }
        }

        return values;
    }

    private static string FindScript()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, ".ci", "qemu.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Neither the QEMU variables of .ci/run nor .ci/qemu.sh (above " + AppContext.BaseDirectory + ") were found.");
    }
}
