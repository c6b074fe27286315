using System.Diagnostics;
using System.Text;

namespace MigrationFormat.DeviceState.Tests.Processes;

/// <summary>A child process whose output is collected as it comes; killed on dispose if still running.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <c>migfmt</c> (the build the tests reference) with <paramref name="args"/>.</summary>
    public static ChildProcess Migfmt(params string[] args)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return Start(dotnet, [Path.Combine(AppContext.BaseDirectory, "migfmt.dll"), .. args]);
    }

    public static ChildProcess Start(string program, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}."));
    }

    /// <summary>Waits for the exit and returns the exit code; kills the process and fails when it takes longer.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The process did not exit within {timeout.TotalSeconds} s. stderr:\n{Stderr}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Waits until <paramref name="condition"/> holds on the collected stderr.</summary>
    public void WaitForStderr(Func<string, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition(Stderr))
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"The expected output did not come within {timeout.TotalSeconds} s. stderr so far:\n{Stderr}");
            }

            if (_process.HasExited)
            {
                _process.WaitForExit();
                if (!condition(Stderr))
                {
                    throw new InvalidOperationException($"The process exited ({_process.ExitCode}) before the expected output. stderr:\n{Stderr}");
                }

                return;
            }

            Thread.Sleep(20);
        }
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }
}
