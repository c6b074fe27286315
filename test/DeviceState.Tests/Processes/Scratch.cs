namespace MigrationFormat.DeviceState.Tests.Processes;

/// <summary>A temporary folder, removed on dispose; socket paths stay short (Unix socket paths are limited to 107 bytes).</summary>
internal sealed class Scratch : IDisposable
{
    public Scratch()
    {
        Path = System.IO.Path.Combine("/tmp", "mfx-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
