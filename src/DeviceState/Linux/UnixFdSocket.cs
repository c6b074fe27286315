using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace MigrationFormat.DeviceState.Linux;

/// <summary>
/// A connected Unix stream socket that carries file descriptors beside its bytes (<c>SCM_RIGHTS</c>), which .NET's
/// <see cref="Socket"/> cannot: every read and write of the connection goes through <c>recvmsg</c>/<c>sendmsg</c>
/// here, waiting with <c>poll</c> so that a receive timeout applies whether the socket blocks or not.
/// </summary>
/// <remarks>64-bit Linux only (<see cref="PlatformNotSupportedException"/> elsewhere). Received descriptors are
/// close-on-exec and owned by the caller.</remarks>
public sealed class UnixFdSocket : IDisposable
{
    /// <summary>The most descriptors accepted with one message (vhost-user sends at most 8, for memory regions).</summary>
    public const int MaxDescriptors = 8;

    private readonly Socket _socket;
    private readonly int _fd;

    /// <summary>Takes over a connected Unix stream socket.</summary>
    /// <param name="socket">The socket; disposed with this object.</param>
    /// <exception cref="PlatformNotSupportedException">Not 64-bit Linux.</exception>
    public UnixFdSocket(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Libc.EnsureSupported();
        if (socket.AddressFamily != AddressFamily.Unix || socket.SocketType != SocketType.Stream)
        {
            throw new ArgumentException("A connected Unix stream socket is required.", nameof(socket));
        }

        _socket = socket;
        _fd = checked((int)socket.Handle);
    }

    /// <summary>Gets or sets how long a receive waits for bytes before it fails with <see cref="TimeoutException"/>; infinite by default.</summary>
    public TimeSpan ReceiveTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>Gets or sets how long a send waits for room before it fails with <see cref="TimeoutException"/>; infinite by default.</summary>
    public TimeSpan SendTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>Connects to a listening Unix socket.</summary>
    /// <param name="path">The socket's path.</param>
    /// <returns>The connection.</returns>
    /// <exception cref="SocketException">The connection was refused or the path does not exist.</exception>
    public static UnixFdSocket Connect(string path)
    {
        Libc.EnsureSupported();
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return new UnixFdSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends all of <paramref name="data"/>, with <paramref name="descriptors"/> attached to its first byte.</summary>
    /// <param name="data">The bytes; at least one when descriptors are sent.</param>
    /// <param name="descriptors">Descriptors to pass (duplicated into the peer; still owned by the caller).</param>
    /// <exception cref="IOException">The peer has gone, or the system refused.</exception>
    /// <exception cref="TimeoutException">No room within <see cref="SendTimeout"/>.</exception>
    public unsafe void Send(ReadOnlySpan<byte> data, ReadOnlySpan<SafeHandle> descriptors = default)
    {
        if (descriptors.Length > MaxDescriptors)
        {
            throw new ArgumentException($"At most {MaxDescriptors} descriptors go with one message.", nameof(descriptors));
        }

        if (!descriptors.IsEmpty && data.IsEmpty)
        {
            throw new ArgumentException("Descriptors travel with at least one byte.", nameof(data));
        }

        int controlLength = descriptors.IsEmpty ? 0 : Libc.CmsgSpace(4 * descriptors.Length);
        byte* control = stackalloc byte[Libc.CmsgSpace(4 * MaxDescriptors)];
        var added = new bool[descriptors.Length];
        try
        {
            if (controlLength > 0)
            {
                new Span<byte>(control, controlLength).Clear();
                *(nuint*)control = (nuint)Libc.CmsgLength(4 * descriptors.Length);
                *(int*)(control + 8) = Libc.SolSocket;
                *(int*)(control + 12) = Libc.ScmRights;
                for (int i = 0; i < descriptors.Length; i++)
                {
                    descriptors[i].DangerousAddRef(ref added[i]);
                    ((int*)(control + Libc.CmsgHeaderSize))[i] = checked((int)descriptors[i].DangerousGetHandle());
                }
            }

            int sent = 0;
            fixed (byte* bytes = data)
            {
                while (sent < data.Length)
                {
                    var vector = new Libc.IoVector { Base = bytes + sent, Length = (nuint)(data.Length - sent) };
                    var message = new Libc.MessageHeader
                    {
                        Vectors = &vector,
                        VectorCount = 1,
                        Control = sent == 0 && controlLength > 0 ? control : null,
                        ControlLength = sent == 0 ? (nuint)controlLength : 0,
                    };
                    nint result = Libc.SendMessage(_fd, &message, Libc.MsgNoSignal);
                    if (result < 0)
                    {
                        int errno = Marshal.GetLastPInvokeError();
                        if (errno == Libc.EIntr)
                        {
                            continue;
                        }

                        if (errno == Libc.EAgain)
                        {
                            Wait(Libc.PollOut, SendTimeout, "send");
                            continue;
                        }

                        throw errno == Libc.EPipe
                            ? new IOException("The peer closed the connection (sendmsg: broken pipe).", errno)
                            : UnixError.IOException("sendmsg", errno);
                    }

                    sent += (int)result;
                }
            }
        }
        finally
        {
            for (int i = 0; i < descriptors.Length; i++)
            {
                if (added[i])
                {
                    descriptors[i].DangerousRelease();
                }
            }
        }
    }

    /// <summary>Receives up to <paramref name="buffer"/>'s length, and any descriptors that came with those bytes.</summary>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="descriptors">Receives the descriptors, owned by the caller from then on.</param>
    /// <returns>The number of bytes; 0 when the peer has closed the connection (or reset it by going away).</returns>
    /// <exception cref="IOException">The system refused, or more descriptors came than <see cref="MaxDescriptors"/> (those are closed).</exception>
    /// <exception cref="TimeoutException">Nothing arrived within <see cref="ReceiveTimeout"/>.</exception>
    public unsafe int Receive(Span<byte> buffer, List<SafeFileHandle> descriptors)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        int controlSize = Libc.CmsgSpace(4 * MaxDescriptors);
        byte* control = stackalloc byte[controlSize];
        fixed (byte* bytes = buffer)
        {
            while (true)
            {
                Wait(Libc.PollIn, ReceiveTimeout, "receive");
                var vector = new Libc.IoVector { Base = bytes, Length = (nuint)buffer.Length };
                var message = new Libc.MessageHeader { Vectors = &vector, VectorCount = 1, Control = control, ControlLength = (nuint)controlSize };
                nint result = Libc.ReceiveMessage(_fd, &message, Libc.MsgCmsgCloexec);
                if (result < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno is Libc.EIntr or Libc.EAgain)
                    {
                        continue;
                    }

                    if (errno == Libc.EConnReset)
                    {
                        // The peer went away with our bytes unread (it died, or closed without reading): closed, as EOF is.
                        return 0;
                    }

                    throw UnixError.IOException("recvmsg", errno);
                }

                int before = descriptors.Count;
                CollectDescriptors(control, (int)message.ControlLength, descriptors);
                if ((message.Flags & Libc.MsgCtrunc) != 0)
                {
                    for (int i = descriptors.Count - 1; i >= before; i--)
                    {
                        descriptors[i].Dispose();
                        descriptors.RemoveAt(i);
                    }

                    throw new IOException(
                        string.Create(
                            CultureInfo.InvariantCulture, $"The peer sent more than {MaxDescriptors} descriptors with one message; they were closed."));
                }

                return (int)result;
            }
        }
    }

    /// <summary>Receives exactly <paramref name="buffer"/>'s length, with any descriptors that came with it.</summary>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="descriptors">Receives the descriptors.</param>
    /// <returns><see langword="false"/> when the peer closed the connection before the first byte; <see langword="true"/> when the buffer is full.</returns>
    /// <exception cref="EndOfStreamException">The peer closed the connection part way.</exception>
    public bool ReceiveExactly(Span<byte> buffer, List<SafeFileHandle> descriptors)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = Receive(buffer[filled..], descriptors);
            if (read == 0)
            {
                if (filled == 0)
                {
                    return false;
                }

                throw new EndOfStreamException(
                    string.Create(CultureInfo.InvariantCulture, $"The peer closed the connection after {filled} of {buffer.Length} bytes."));
            }

            filled += read;
        }

        return true;
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _socket.Dispose();

    private static unsafe void CollectDescriptors(byte* control, int length, List<SafeFileHandle> descriptors)
    {
        int offset = 0;
        while (offset + Libc.CmsgHeaderSize <= length)
        {
            int cmsgLength = (int)*(nuint*)(control + offset);
            int level = *(int*)(control + offset + 8);
            int type = *(int*)(control + offset + 12);
            if (cmsgLength < Libc.CmsgHeaderSize || offset + cmsgLength > length)
            {
                break;
            }

            if (level == Libc.SolSocket && type == Libc.ScmRights)
            {
                int count = (cmsgLength - Libc.CmsgHeaderSize) / 4;
                for (int i = 0; i < count; i++)
                {
                    descriptors.Add(new SafeFileHandle(((int*)(control + offset + Libc.CmsgHeaderSize))[i], ownsHandle: true));
                }
            }

            offset += (cmsgLength + 7) & ~7;
        }
    }

    private unsafe void Wait(short events, TimeSpan timeout, string what)
    {
        int milliseconds = timeout == Timeout.InfiniteTimeSpan ? -1 : (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);
        long deadline = milliseconds < 0 ? long.MaxValue : Environment.TickCount64 + milliseconds;
        while (true)
        {
            var poll = new Libc.PollDescriptor { Fd = _fd, Events = events };
            int left = milliseconds < 0 ? -1 : (int)Math.Max(0, deadline - Environment.TickCount64);
            int ready = Libc.Poll(&poll, 1, left);
            if (ready > 0)
            {
                return;
            }

            if (ready == 0)
            {
                string detail = events == Libc.PollIn ? "sent nothing" : "took nothing";
                throw new TimeoutException(
                    string.Create(CultureInfo.InvariantCulture, $"The peer {detail} within {timeout.TotalSeconds:0.###} s (waiting to {what})."));
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.EIntr)
            {
                throw UnixError.IOException("poll", errno);
            }
        }
    }
}
