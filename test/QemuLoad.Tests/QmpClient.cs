using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MigrationFormat.QemuLoad.Tests;

/// <summary>A QMP connection over a Unix socket: commands in, replies out, events passed over.</summary>
internal sealed class QmpClient : IDisposable
{
    private readonly Socket _socket;
    private readonly StreamReader _reader;
    private readonly StreamWriter _writer;

    private QmpClient(Socket socket)
    {
        _socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: false);
        _reader = new StreamReader(stream, Encoding.UTF8);
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
    }

    /// <summary>Connects (QEMU creates the socket shortly after it starts), reads the greeting and leaves negotiation mode.</summary>
    public static QmpClient Connect(string path, Func<bool> stillRunning)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(path));
                var client = new QmpClient(socket);
                client.ReadMessage();
                client.Execute("qmp_capabilities");
                return client;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && stillRunning())
            {
                socket.Dispose();
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>Runs a command and returns its <c>return</c> value; a QMP error is an exception.</summary>
    public JsonNode? Execute(string command, object? arguments = null)
    {
        var request = new JsonObject { ["execute"] = command };
        if (arguments is not null)
        {
            request["arguments"] = JsonSerializer.SerializeToNode(arguments);
        }

        _writer.WriteLine(request.ToJsonString());
        while (true)
        {
            JsonNode message = ReadMessage();
            if (message["event"] is not null)
            {
                continue;
            }

            if (message["error"] is { } error)
            {
                throw new InvalidOperationException($"QMP {command} failed: {error.ToJsonString()}");
            }

            return message["return"];
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _writer.Dispose();
        _socket.Dispose();
    }

    private JsonNode ReadMessage()
    {
        string line = _reader.ReadLine() ?? throw new EndOfStreamException("QEMU closed the QMP connection.");
        return JsonNode.Parse(line)!;
    }
}
