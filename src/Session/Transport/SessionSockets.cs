using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace MigrationFormat.Session;

/// <summary>A listening socket (Unix domain or TCP) that accepts one session's connection.</summary>
public sealed class SessionListener : IDisposable
{
    private readonly Socket _socket;
    private readonly string? _path;

    private SessionListener(Socket socket, string? path)
    {
        _socket = socket;
        _path = path;
    }

    /// <summary>Gets the end point the listener is bound to (with the port a TCP listener on port 0 was given).</summary>
    public EndPoint LocalEndPoint => _socket.LocalEndPoint!;

    /// <summary>Binds and listens on <paramref name="endPoint"/>; a Unix socket path left over by an earlier listener is replaced.</summary>
    /// <param name="endPoint">A <see cref="UnixDomainSocketEndPoint"/> or an <see cref="IPEndPoint"/>.</param>
    /// <returns>The listener.</returns>
    public static SessionListener Start(EndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        string? path = (endPoint as UnixDomainSocketEndPoint)?.ToString();
        if (path is not null && File.Exists(path))
        {
            File.Delete(path);
        }

        Socket socket = SessionSockets.CreateSocket(endPoint);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(1);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new SessionListener(socket, path);
    }

    /// <summary>Accepts one connection.</summary>
    /// <param name="cancellation">Ends the wait.</param>
    /// <returns>A transport over the connection.</returns>
    public async Task<SessionTransport> AcceptAsync(CancellationToken cancellation = default)
    {
        Socket connection = await _socket.AcceptAsync(cancellation).ConfigureAwait(false);
        return SessionTransport.FromSocket(connection);
    }

    /// <summary>Stops listening and removes a Unix socket's path.</summary>
    public void Dispose()
    {
        _socket.Dispose();
        if (_path is not null)
        {
            try
            {
                File.Delete(_path);
            }
            catch (IOException)
            {
                // Someone else's socket may stand there now; leaving a path behind is harmless.
            }
        }
    }
}

/// <summary>Connecting a session's transport, and the end points <c>migfmt migrate</c> takes.</summary>
public static class SessionSockets
{
    /// <summary>
    /// Connects to a listener, retrying while it is not there yet (no socket path, connection refused) until
    /// <paramref name="patience"/> has passed, so that the two sides may start in either order.
    /// </summary>
    /// <param name="endPoint">A <see cref="UnixDomainSocketEndPoint"/> or an <see cref="IPEndPoint"/>.</param>
    /// <param name="patience">How long to keep trying.</param>
    /// <param name="cancellation">Ends the attempts.</param>
    /// <returns>A transport over the connection.</returns>
    /// <exception cref="SocketException">No listener answered in time.</exception>
    public static async Task<SessionTransport> ConnectAsync(EndPoint endPoint, TimeSpan patience, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        DateTime giveUp = DateTime.UtcNow + patience;
        while (true)
        {
            Socket socket = CreateSocket(endPoint);
            try
            {
                await socket.ConnectAsync(endPoint, cancellation).ConfigureAwait(false);
                return SessionTransport.FromSocket(socket);
            }
            catch (SocketException exception) when (DateTime.UtcNow < giveUp
                && exception.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported
                    or SocketError.TryAgain or (SocketError)2)
            {
                socket.Dispose();
                await Task.Delay(50, cancellation).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    /// <summary>Parses <c>HOST:PORT</c> (an IP address or a name, e.g. <c>127.0.0.1:7000</c> or <c>localhost:7000</c>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The end point.</returns>
    /// <exception cref="FormatException">The text is not HOST:PORT.</exception>
    public static IPEndPoint ParseTcp(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > IPEndPoint.MaxPort)
        {
            throw new FormatException($"'{text}' is not HOST:PORT.");
        }

        string host = text[..colon].Trim('[', ']');
        if (!IPAddress.TryParse(host, out IPAddress? address))
        {
            IPAddress[] addresses = Dns.GetHostAddresses(host);
            address = Array.Find(addresses, a => a.AddressFamily == AddressFamily.InterNetwork) ?? (addresses.Length > 0 ? addresses[0] : null)
                ?? throw new FormatException($"'{host}' has no address.");
        }

        return new IPEndPoint(address, port);
    }

    internal static Socket CreateSocket(EndPoint endPoint) => endPoint is UnixDomainSocketEndPoint
        ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
}
