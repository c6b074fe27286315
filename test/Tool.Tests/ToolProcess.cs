using System.Diagnostics;

namespace MigrationFormat.Tool.Tests;

/// <summary>The result of running migfmt as a process: exit code, standard output as bytes and text, standard error.</summary>
internal sealed record ProcessResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Stdout);
}

/// <summary>Runs the built migfmt as a separate process, so that its standard streams are real pipes.</summary>
internal static class ToolProcess
{
    private static string Tool => Path.Combine(AppContext.BaseDirectory, "migfmt.dll");

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Runs migfmt with <paramref name="stdin"/> written to its standard input through a pipe, then closed.</summary>
    public static ProcessResult Run(byte[]? stdin, params string[] args)
    {
        var start = new ProcessStartInfo(Dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Tool);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start migfmt.");
        Task<byte[]> output = Task.Run(() =>
        {
            using var buffer = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(buffer);
            return buffer.ToArray();
        });
        Task<string> error = process.StandardError.ReadToEndAsync();
        Task input = Task.Run(() =>
        {
            try
            {
                if (stdin is not null)
                {
                    process.StandardInput.BaseStream.Write(stdin);
                }

                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The tool stopped reading (it failed early); its exit code and message say why.
            }
        });
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("migfmt did not finish in 60 s.");
        }

        input.Wait();
        return new ProcessResult(process.ExitCode, output.Result, error.Result);
    }
}
