using System.Diagnostics;

namespace MigrationFormat.DeviceState.Tests.Processes;

/// <summary>Named pipes, so a test paces a child's file input or output and can act while a transfer is surely in progress.</summary>
internal static class Fifo
{
    public static string Create(string path)
    {
        using Process mkfifo = Process.Start("mkfifo", path);
        mkfifo.WaitForExit();
        if (mkfifo.ExitCode != 0)
        {
            throw new InvalidOperationException("mkfifo failed for " + path);
        }

        return path;
    }

    /// <summary>Opens the reading end; shared, because .NET locks files it opens and the child holds the other end.</summary>
    public static FileStream OpenRead(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);

    /// <summary>Opens the writing end, shared likewise.</summary>
    public static FileStream OpenWrite(string path) => new(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);

    public static void ReadAtLeast(Stream input, int count)
    {
        byte[] buffer = new byte[count];
        input.ReadExactly(buffer);
    }

    /// <summary>Writes until done or until the reader has gone (the child exited).</summary>
    public static void WriteUntilRefused(Stream output, ReadOnlySpan<byte> data)
    {
        try
        {
            output.Write(data);
            output.Flush();
        }
        catch (IOException)
        {
            // The reader exited: what the test waits for.
        }
    }
}
