using System.Reflection;

namespace MigrationFormat.Packaging.Tests;

/// <summary>
/// Everything a new user does, once for all the tests: the repository's packages packed into a temporary local source;
/// in an empty temporary folder, a console project that adds <c>MigrationFormat</c> from there (nuget.org for the rest),
/// declares a device with the generator, saves two streams and loads one into two versions; and <c>migfmt</c>
/// installed as a .NET tool from the same source. A NuGet configuration listing only those two sources and a package
/// cache of its own keep anything already on the machine out.
/// </summary>
public sealed class InstalledPackages : IDisposable
{
    public InstalledPackages()
    {
        Version = Metadata("PackageVersion");
        RepositoryRoot = Metadata("RepositoryRoot");
        Root = Directory.CreateTempSubdirectory("migfmt-packaging-").FullName;
        PackageFolder = Directory.CreateDirectory(Path.Combine(Root, "packages")).FullName;
        string work = Directory.CreateDirectory(Path.Combine(Root, "work")).FullName;
        string nugetConfig = Path.Combine(work, "nuget.config");
        File.WriteAllText(nugetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{PackageFolder}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);

        var repository = new CommandRunner(new Dictionary<string, string>());
        repository.RunChecked(
            RepositoryRoot,
            CommandRunner.Dotnet,
            "pack",
            Path.Combine(RepositoryRoot, "MigrationFormat.sln"),
            "-c",
            Metadata("Configuration"),
            "--no-build",
            "-o",
            PackageFolder);

        var user = new CommandRunner(new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(Root, "nuget-cache"),
            ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(Root, "nuget-http-cache"),
        });
        AppFolder = Path.Combine(work, "DeviceApp");
        user.RunChecked(work, CommandRunner.Dotnet, "new", "console", "--name", "DeviceApp", "--output", AppFolder);
        user.RunChecked(AppFolder, CommandRunner.Dotnet, "add", "package", "MigrationFormat", "--version", Version);
        foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "UserApp")))
        {
            File.Copy(file, Path.Combine(AppFolder, Path.GetFileName(file)), overwrite: true);
        }

        StreamFolder = Directory.CreateDirectory(Path.Combine(Root, "streams")).FullName;
        AppRun = user.RunChecked(AppFolder, CommandRunner.Dotnet, "run", "-c", "Release", "--", StreamFolder);
        AppAssembly = Path.Combine(AppFolder, "bin", "Release", "net10.0", "DeviceApp.dll");

        string tools = Path.Combine(Root, "tools");
        user.RunChecked(
            work,
            CommandRunner.Dotnet,
            "tool",
            "install",
            "migfmt",
            "--tool-path",
            tools,
            "--version",
            Version,
            "--add-source",
            PackageFolder,
            "--configfile",
            nugetConfig);
        Tool = Path.Combine(tools, "migfmt");
        Runner = user;
    }

    /// <summary>The one version every package carries.</summary>
    public string Version { get; }

    /// <summary>The repository the packages were made from.</summary>
    public string RepositoryRoot { get; }

    /// <summary>The temporary folder that holds everything below.</summary>
    public string Root { get; }

    /// <summary>The local package source <c>dotnet pack</c> wrote to.</summary>
    public string PackageFolder { get; }

    /// <summary>The user's console project.</summary>
    public string AppFolder { get; }

    /// <summary>The user's compiled assembly, with the device in it.</summary>
    public string AppAssembly { get; }

    /// <summary>What the console program printed.</summary>
    public CommandResult AppRun { get; }

    /// <summary>Where the program wrote a.mig (the fan at 2400 rpm) and b.mig (the same fan at 2500 rpm).</summary>
    public string StreamFolder { get; }

    /// <summary>The installed migfmt command.</summary>
    public string Tool { get; }

    /// <summary>Runs commands in the user's environment.</summary>
    internal CommandRunner Runner { get; }

    /// <summary>Runs the installed migfmt in the stream folder.</summary>
    internal CommandResult Migfmt(params string[] arguments) => Runner.Run(StreamFolder, Tool, arguments);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open leaves the temporary folder behind; the next run makes a new one.
        }
    }

    private static string Metadata(string key) =>
        typeof(InstalledPackages).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} has no value.");
}
