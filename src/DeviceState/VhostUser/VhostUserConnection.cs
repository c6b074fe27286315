using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using MigrationFormat.DeviceState.Linux;

namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>
/// vhost-user messages over a Unix socket: a header, a payload of the size it declares (bounded), and descriptors as
/// <c>SCM_RIGHTS</c> ancillary data. Used by both ends.
/// </summary>
public sealed class VhostUserConnection : IDisposable
{
    /// <summary>The largest payload accepted: larger than any message QEMU sends (its payload union is under 4 KiB).</summary>
    public const int MaxPayloadSize = 4096;

    private readonly UnixFdSocket _socket;
    private readonly byte[] _header = new byte[VhostUserHeader.Length];

    /// <summary>Takes over a connected socket.</summary>
    /// <param name="socket">The socket; disposed with this connection.</param>
    public VhostUserConnection(UnixFdSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
    }

    /// <summary>Gets the socket.</summary>
    public UnixFdSocket Socket => _socket;

    /// <summary>Receives the next message.</summary>
    /// <returns>The message, or <see langword="null"/> when the peer closed the connection between messages.</returns>
    /// <exception cref="MigrationFormatException">The header declares a payload larger than <see cref="MaxPayloadSize"/>.</exception>
    /// <exception cref="EndOfStreamException">The peer closed the connection inside a message.</exception>
    /// <exception cref="TimeoutException">Nothing arrived within the socket's receive timeout.</exception>
    public VhostUserMessage? Receive()
    {
        var descriptors = new List<SafeFileHandle>();
        try
        {
            if (!_socket.ReceiveExactly(_header, descriptors))
            {
                return null;
            }

            VhostUserHeader header = VhostUserHeader.Read(_header);
            if (header.Size > MaxPayloadSize)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.LimitExceeded,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"The message {header} declares {header.Size} bytes of payload, more than the {MaxPayloadSize} accepted."),
                    -1,
                    "vhost-user." + VhostUserHeader.Name(header.Request));
            }

            byte[] payload = header.Size == 0 ? [] : new byte[header.Size];
            if (payload.Length > 0 && !_socket.ReceiveExactly(payload, descriptors))
            {
                throw new EndOfStreamException($"The peer closed the connection after the header of {header}, before its payload.");
            }

            var message = new VhostUserMessage(header, payload, descriptors);
            descriptors = [];
            return message;
        }
        finally
        {
            foreach (SafeFileHandle descriptor in descriptors)
            {
                descriptor.Dispose();
            }
        }
    }

    /// <summary>Receives the next message, which must come: a closed connection is an error here.</summary>
    /// <param name="waitingFor">What the message is awaited for, for the error.</param>
    /// <returns>The message.</returns>
    /// <exception cref="EndOfStreamException">The peer closed the connection.</exception>
    public VhostUserMessage ReceiveRequired(string waitingFor) =>
        Receive() ?? throw new EndOfStreamException($"The peer closed the connection while {waitingFor}.");

    /// <summary>Sends a message: header and payload in one write, with the descriptors attached.</summary>
    /// <param name="request">The request.</param>
    /// <param name="flags">The header flags.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="descriptors">Descriptors to pass.</param>
    public void Send(VhostUserRequest request, uint flags, ReadOnlySpan<byte> payload, ReadOnlySpan<SafeHandle> descriptors = default)
    {
        int length = VhostUserHeader.Length + payload.Length;
        Span<byte> message = payload.Length <= 256 ? stackalloc byte[length] : new byte[length];
        new VhostUserHeader(request, flags, (uint)payload.Length).Write(message);
        payload.CopyTo(message[VhostUserHeader.Length..]);
        _socket.Send(message, descriptors);
    }

    /// <summary>Sends bytes already encoded (a header and its payload), with descriptors attached.</summary>
    /// <param name="message">The encoded message.</param>
    /// <param name="descriptors">Descriptors to pass.</param>
    public void SendRaw(ReadOnlySpan<byte> message, ReadOnlySpan<SafeHandle> descriptors = default) => _socket.Send(message, descriptors);

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _socket.Dispose();
}
