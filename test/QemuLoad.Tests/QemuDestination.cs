using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace MigrationFormat.QemuLoad.Tests;

/// <summary>
/// A destination QEMU started with a fixture's command line, <c>-incoming defer</c> and a QMP socket, which loads one
/// stream through <c>migrate-incoming exec:cat FILE</c>. Disposing quits it (and kills it if it does not go).
/// </summary>
internal sealed class QemuDestination : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly QmpClient _qmp;

    private QemuDestination(Process process, StringBuilder output, QmpClient qmp)
    {
        _process = process;
        _output = output;
        _qmp = qmp;
    }

    /// <summary>Gets what QEMU printed, standard output and standard error.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static QemuDestination Start(string qemuVersion, IReadOnlyList<string> args, string directory)
    {
        string socket = Path.Combine(directory, $"qmp-{Guid.NewGuid():N}.sock");
        var info = new ProcessStartInfo(QemuBinaries.For(qemuVersion))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args.Concat(["-incoming", "defer", "-qmp", $"unix:{socket},server=on,wait=off"]))
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = new StringBuilder();
        void Collect(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return new QemuDestination(process, output, QmpClient.Connect(socket, () => !process.HasExited));
        }
        catch
        {
            Stop(process);
            lock (output)
            {
                throw new InvalidOperationException($"QEMU {qemuVersion} did not start: {output}");
            }
        }
    }

    /// <summary>Loads a stream file and returns the final migration status: completed, or failed (QEMU then exits).</summary>
    public string Load(string streamPath)
    {
        _qmp.Execute("migrate-incoming", new { uri = $"exec:cat '{streamPath}'" });
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            string? status;
            try
            {
                status = _qmp.Execute("query-migrate")?["status"]?.GetValue<string>();
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException)
            {
                // A destination whose incoming migration fails exits at once; its last words are read to the end.
                if (_process.WaitForExit(10_000))
                {
                    _process.WaitForExit();
                }

                return "failed";
            }

            if (status is "completed" or "failed")
            {
                return status;
            }

            Thread.Sleep(10);
        }

        throw new TimeoutException("The incoming migration did not finish in 60 s.");
    }

    public JsonNode? Execute(string command, object? arguments = null) => _qmp.Execute(command, arguments);

    /// <summary>Runs a human monitor command (such as <c>info registers</c>) and returns its text.</summary>
    public string Hmp(
        string commandLine) => Execute("human-monitor-command", new Dictionary<string, string> { ["command-line"] = commandLine })!.GetValue<string>();

    /// <summary>Every virtio device, by name and QOM path, from <c>x-query-virtio</c>.</summary>
    public IReadOnlyList<(string Name, string Path)> VirtioDevices() =>
        [.. Execute("x-query-virtio")!.AsArray().Select(d => (d!["name"]!.GetValue<string>(), d["path"]!.GetValue<string>()))];

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _qmp.Execute("quit");
            }
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or InvalidOperationException)
        {
            // Already gone.
        }

        _qmp.Dispose();
        Stop(_process);
    }

    private static void Stop(Process process)
    {
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            process.WaitForExit();
        }

        process.Dispose();
    }
}
