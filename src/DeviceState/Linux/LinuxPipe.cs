using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MigrationFormat.DeviceState.Linux;

/// <summary>
/// An OS pipe made with <c>pipe2(O_CLOEXEC)</c>: its read and write ends as owned handles, ready to pass to another process or to wrap in a stream.
/// </summary>
public sealed class LinuxPipe : System.IDisposable
{
    private LinuxPipe(SafeFileHandle readEnd, SafeFileHandle writeEnd)
    {
        ReadEnd = readEnd;
        WriteEnd = writeEnd;
    }

    /// <summary>Gets the read end.</summary>
    public SafeFileHandle ReadEnd { get; }

    /// <summary>Gets the write end.</summary>
    public SafeFileHandle WriteEnd { get; }

    /// <summary>Creates a pipe.</summary>
    /// <param name="capacity">The pipe's buffer size to ask for (<c>F_SETPIPE_SZ</c>), or 0 for the system's default; a refusal is not an error.</param>
    /// <returns>The pipe.</returns>
    /// <exception cref="IOException">The system could not create it.</exception>
    /// <exception cref="System.PlatformNotSupportedException">Not 64-bit Linux.</exception>
    public static unsafe LinuxPipe Create(int capacity = 0)
    {
        Libc.EnsureSupported();
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.OCloexec) != 0)
        {
            throw UnixError.IOException("pipe2", Marshal.GetLastPInvokeError());
        }

        var pipe = new LinuxPipe(new SafeFileHandle(fds[0], ownsHandle: true), new SafeFileHandle(fds[1], ownsHandle: true));
        if (capacity > 0)
        {
            // A larger pipe means fewer context switches; the system may refuse (pipe-max-size), which only costs speed.
            _ = Libc.Fcntl(fds[1], Libc.FSetPipeSize, capacity);
        }

        return pipe;
    }

    /// <summary>Wraps a pipe end (or any file descriptor) in an unbuffered stream that owns it.</summary>
    /// <param name="handle">The handle; the stream closes it.</param>
    /// <param name="access">Read or write.</param>
    /// <returns>The stream.</returns>
    public static FileStream OpenStream(SafeFileHandle handle, FileAccess access) => new(handle, access, bufferSize: 0);

    /// <summary>Closes both ends that are still open here.</summary>
    public void Dispose()
    {
        ReadEnd.Dispose();
        WriteEnd.Dispose();
    }
}
