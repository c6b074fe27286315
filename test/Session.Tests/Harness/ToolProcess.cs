using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace MigrationFormat.Session.Tests;

/// <summary>
/// A running <c>migfmt</c> process (the build of src/Tool next to the tests), with its stderr lines collected as they
/// come so that a test can act at a given point of the migration.
/// </summary>
internal sealed partial class ToolProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly List<string> _stderr = [];
    private readonly List<(Regex Pattern, TaskCompletionSource<string> Seen)> _waiters = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ToolProcess(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "migfmt.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _stdoutClosed.TrySetResult();
                return;
            }

            lock (_stdout)
            {
                _stdout.AppendLine(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) => OnError(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

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
                return string.Join(Environment.NewLine, _stderr);
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    public static ToolProcess Start(params string[] args) => new(args);

    /// <summary>Waits for a stderr line matching <paramref name="pattern"/> (one already seen counts).</summary>
    public Task<string> SeenAsync(string pattern)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_stderr)
        {
            string? line = _stderr.FirstOrDefault(regex.IsMatch);
            if (line is not null)
            {
                seen.SetResult(line);
            }
            else
            {
                _waiters.Add((regex, seen));
            }
        }

        return seen.Task;
    }

    /// <summary>Waits for the process to exit and its output to be read, for at most <paramref name="limit"/>.</summary>
    public async Task<int> ExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"migfmt did not exit within {limit.TotalSeconds} s; stderr so far:{Environment.NewLine}{Stderr}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or an operator would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            _stderrClosed.TrySetResult();
            return;
        }

        List<TaskCompletionSource<string>> matched = [];
        lock (_stderr)
        {
            _stderr.Add(line);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Pattern.IsMatch(line))
                {
                    matched.Add(_waiters[i].Seen);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (TaskCompletionSource<string> seen in matched)
        {
            seen.TrySetResult(line);
        }
    }
}
