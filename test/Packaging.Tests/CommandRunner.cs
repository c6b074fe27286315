using System.Diagnostics;

namespace MigrationFormat.Packaging.Tests;

/// <summary>The outcome of one command: its exit code and what it printed.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The command and everything it printed, for a failure message.</summary>
    public string Transcript => $"$ {Command}\n(exit {ExitCode})\n{Stdout}\n{Stderr}";
}

/// <summary>
/// Runs programs the way a user's shell would, with an environment cleaned of what the test host's own build sets
/// (MSBuild's variables would make a nested <c>dotnet build</c> use the outer build's SDK state).
/// </summary>
internal sealed class CommandRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, string> _environment;

    public CommandRunner(IReadOnlyDictionary<string, string> extra)
    {
        _environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            string name = (string)entry.Key;
            if (!name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                _environment[name] = (string?)entry.Value ?? string.Empty;
            }
        }

        _environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        _environment["DOTNET_NOLOGO"] = "1";
        _environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        _environment["DOTNET_ROOT"] = Path.GetDirectoryName(Dotnet) ?? string.Empty;
        foreach ((string name, string value) in extra)
        {
            _environment[name] = value;
        }
    }

    /// <summary>The <c>dotnet</c> host that runs these tests (so the nested commands use the same SDK).</summary>
    public static string Dotnet { get; } = ResolveDotnet();

    /// <summary>Runs <paramref name="program"/> in <paramref name="directory"/> and waits for it.</summary>
    public CommandResult Run(string directory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach ((string name, string value) in _environment)
        {
            start.Environment[name] = value;
        }

        string command = $"{Path.GetFileName(program)} {string.Join(' ', arguments)}";
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} did not finish in {Timeout.TotalMinutes} minutes.");
        }

        return new CommandResult(command, process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a command that must succeed; its transcript is the exception's message when it does not.</summary>
    public CommandResult RunChecked(string directory, string program, params string[] arguments)
    {
        CommandResult result = Run(directory, program, arguments);
        return result.ExitCode == 0 ? result : throw new InvalidOperationException(result.Transcript);
    }

    private static string ResolveDotnet()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(folder, "dotnet");
            if (File.Exists(candidate))
            {
                return new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            }
        }

        throw new InvalidOperationException("No dotnet host on PATH and DOTNET_HOST_PATH is not set.");
    }
}
