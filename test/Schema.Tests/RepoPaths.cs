using System.Diagnostics;
using Xunit;

namespace MigrationFormat.Schema.Tests;

/// <summary>Finds the repository and runs test/jsonschema/validate.mjs (Ajv 2020, strict) on a schema and an instance.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string JsonSchemaDir => Path.Combine(Root, "test", "jsonschema");

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MigrationFormat.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"MigrationFormat.sln was not found above {AppContext.BaseDirectory}.");
    }
}

internal static class AjvValidator
{
    private const string InstallHint = "Install them with: npm ci --prefix test/jsonschema (CI does this in .ci/run).";

    /// <summary>Runs <c>node validate.mjs</c>; fails the test (never skips) when node or the npm packages are missing.</summary>
    public static (int ExitCode, string Output) Run(byte[] schema, byte[] instance)
    {
        string dir = RepoPaths.JsonSchemaDir;
        string script = Path.Combine(dir, "validate.mjs");
        Assert.True(File.Exists(script), $"{script} is missing.");
        Assert.True(
            Directory.Exists(Path.Combine(dir, "node_modules", "ajv")) && Directory.Exists(Path.Combine(dir, "node_modules", "ajv-formats")),
            $"The JSON Schema validator's packages are not installed in {dir}/node_modules. {InstallHint}");

        string temp = Directory.CreateTempSubdirectory("migfmt-jsonschema-").FullName;
        try
        {
            string schemaPath = Path.Combine(temp, "schema.json");
            string instancePath = Path.Combine(temp, "instance.json");
            File.WriteAllBytes(schemaPath, schema);
            File.WriteAllBytes(instancePath, instance);
            var info = new ProcessStartInfo("node")
            {
                WorkingDirectory = dir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(script);
            info.ArgumentList.Add(schemaPath);
            info.ArgumentList.Add(instancePath);
            Process process;
            try
            {
                process = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                Assert.Fail($"node (Node.js 18 or later) is required on PATH to run the JSON Schema tests: {ex.Message}. {InstallHint}");
                throw;
            }

            using (process)
            {
                Task<string> stdout = process.StandardOutput.ReadToEndAsync();
                Task<string> stderr = process.StandardError.ReadToEndAsync();
                Assert.True(process.WaitForExit(60_000), "node validate.mjs did not finish within 60 s.");
                return (process.ExitCode, stdout.Result + stderr.Result);
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }
}
