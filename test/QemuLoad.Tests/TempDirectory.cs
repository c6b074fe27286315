namespace MigrationFormat.QemuLoad.Tests;

/// <summary>A directory of its own for one test's streams, disk image and QMP socket, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    // Unix socket paths are limited to about 100 bytes, so the directory stays short.
    public string Path { get; } = Directory.CreateTempSubdirectory("mfq").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A QEMU that has not quite exited may still hold its socket; the temporary folder is cleaned later.
        }
    }
}
