using System.Runtime.InteropServices;

namespace MigrationFormat.DeviceState.Linux;

/// <summary>
/// The few libc calls the vhost-user transfer needs that .NET does not expose: <c>sendmsg</c>/<c>recvmsg</c> with
/// <c>SCM_RIGHTS</c> ancillary data, <c>pipe2</c>, <c>poll</c>, <c>fcntl</c> and <c>close</c>. Linux on 64-bit
/// processors only (the structure layouts below are LP64's); <see cref="EnsureSupported"/> says so clearly elsewhere.
/// </summary>
internal static unsafe partial class Libc
{
    public const int SolSocket = 1;
    public const int ScmRights = 1;
    public const int MsgNoSignal = 0x4000;
    public const int MsgCmsgCloexec = 0x40000000;
    public const int MsgCtrunc = 0x8;
    public const int OCloexec = 0x80000;
    public const short PollIn = 0x1;
    public const short PollOut = 0x4;
    public const int FSetPipeSize = 1031;
    public const int FGetPipeSize = 1032;
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int EPipe = 32;
    public const int EConnReset = 104;

    /// <summary>The size of <c>struct cmsghdr</c> on LP64: <c>size_t cmsg_len; int cmsg_level; int cmsg_type</c>.</summary>
    public const int CmsgHeaderSize = 16;

    private const string LibraryName = "libc";

    /// <summary>Throws <see cref="System.PlatformNotSupportedException"/> unless the process runs on 64-bit Linux.</summary>
    public static void EnsureSupported()
    {
        if (!System.OperatingSystem.IsLinux() || System.IntPtr.Size != 8)
        {
            throw new System.PlatformNotSupportedException(
                "File descriptor passing (SCM_RIGHTS) and pipes for the vhost-user state transfer are implemented for 64-bit Linux only.");
        }
    }

    /// <summary><c>CMSG_SPACE(n)</c>: the control buffer size for <paramref name="dataLength"/> bytes of ancillary data.</summary>
    public static int CmsgSpace(int dataLength) => CmsgHeaderSize + ((dataLength + 7) & ~7);

    /// <summary><c>CMSG_LEN(n)</c>.</summary>
    public static int CmsgLength(int dataLength) => CmsgHeaderSize + dataLength;

    [LibraryImport(LibraryName, EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMessage(int socket, MessageHeader* message, int flags);

    [LibraryImport(LibraryName, EntryPoint = "recvmsg", SetLastError = true)]
    public static partial nint ReceiveMessage(int socket, MessageHeader* message, int flags);

    [LibraryImport(LibraryName, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(LibraryName, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollDescriptor* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(LibraryName, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(LibraryName, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary><c>struct iovec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary><c>struct msghdr</c> (LP64: 56 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollDescriptor
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }
}
