using System.IO;
using System.Runtime.InteropServices;

namespace MigrationFormat.DeviceState.Linux;

/// <summary>Turns an <c>errno</c> into an exception with the system's text.</summary>
internal static class UnixError
{
    public static IOException IOException(string call, int errno) =>
        new($"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
}
