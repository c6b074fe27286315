namespace MigrationFormat.Resources.Tests;

/// <summary>A folder for generated inputs, deleted with its contents.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "migfmt-resources-" + Guid.NewGuid().ToString("N"));

    public string Write(string name, byte[] contents)
    {
        string file = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(file, contents);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
