using System.Diagnostics;
using System.Globalization;

namespace MigrationFormat.Resources.Tests;

/// <summary>What one run of the tool used: its exit code, peak resident memory, wall time and standard error.</summary>
internal sealed record MeasuredRun(int ExitCode, long PeakBytes, TimeSpan Elapsed, string Stderr)
{
    private static string Tool => Path.Combine(AppContext.BaseDirectory, "migfmt.dll");

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>
    /// Runs migfmt as a child process with its GC heap capped at <paramref name="heapLimit"/> bytes (and a fixed young
    /// generation), reading its peak resident
    /// set (VmHWM, which the kernel keeps as a high-water mark) from /proc while it runs, and killing it after
    /// <paramref name="timeout"/>. Standard output is read and dropped as it comes.
    /// </summary>
    public static MeasuredRun Of(long heapLimit, TimeSpan timeout, params string[] args) => Piped(heapLimit, timeout, null, args);

    /// <summary>As <see cref="Of(long, TimeSpan, string[])"/>, with a file's bytes piped to standard input.</summary>
    public static MeasuredRun Piped(long heapLimit, TimeSpan timeout, string? standardInput, params string[] args)
    {
        var start = new ProcessStartInfo(Dotnet)
        {
            RedirectStandardInput = standardInput is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Tool);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + heapLimit.ToString("X", CultureInfo.InvariantCulture);
        start.Environment["DOTNET_TieredPGO"] = "0";

        // A fixed young-generation budget (4 MiB): otherwise the collector grows it with the allocation rate, and the
        // readings would measure the collector's sizing rather than what the tool holds.
        start.Environment["DOTNET_GCgen0size"] = "0x400000";
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start migfmt.");
        Task drain = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        Task<string> error = process.StandardError.ReadToEndAsync();
        Task feed = standardInput is null ? Task.CompletedTask : Task.Run(() =>
        {
            try
            {
                using (FileStream file = File.OpenRead(standardInput))
                {
                    file.CopyTo(process.StandardInput.BaseStream);
                }

                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The tool stopped reading (it failed early); its exit code says why.
            }
        });
        string status = $"/proc/{process.Id}/status";
        long peak = 0;
        while (!process.WaitForExit(2))
        {
            peak = Math.Max(peak, ReadHighWaterMark(status));
            if (clock.Elapsed > timeout)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new TimeoutException($"migfmt {string.Join(' ', args)} did not finish in {timeout.TotalSeconds} s.");
            }
        }

        clock.Stop();
        drain.Wait();
        feed.Wait();
        return new MeasuredRun(process.ExitCode, peak, clock.Elapsed, error.Result);
    }

    /// <summary>Reads VmHWM from a /proc status file, in bytes; 0 once the process is gone.</summary>
    private static long ReadHighWaterMark(string statusPath)
    {
        try
        {
            foreach (string line in File.ReadLines(statusPath))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    string kilobytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process ended between two reads; its last reading stands.
        }
        catch (UnauthorizedAccessException)
        {
            // As above: /proc entries of an exited process vanish.
        }

        return 0;
    }
}
