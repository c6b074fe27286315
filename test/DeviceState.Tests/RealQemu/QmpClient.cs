using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace MigrationFormat.DeviceState.Tests.RealQemu;

/// <summary>A QMP client over QEMU's Unix socket: the greeting, capabilities, commands (events are passed over).</summary>
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
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    }

    public static QmpClient Connect(string path, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 60_000 };
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(path));
                var client = new QmpClient(socket);
                _ = client._reader.ReadLine();
                client.Execute("qmp_capabilities");
                return client;
            }
            catch (SocketException) when (clock.Elapsed < timeout)
            {
                socket.Dispose();
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>Runs a command; returns its "return" value, or throws with QEMU's error.</summary>
    public JsonNode? Execute(string command, JsonObject? arguments = null)
    {
        var request = new JsonObject { ["execute"] = command };
        if (arguments is not null)
        {
            request["arguments"] = arguments;
        }

        _writer.WriteLine(request.ToJsonString());
        while (true)
        {
            string line = _reader.ReadLine() ?? throw new IOException($"QEMU closed the QMP connection during '{command}'.");
            JsonNode reply = JsonNode.Parse(line)!;
            if (reply["event"] is not null)
            {
                continue;
            }

            if (reply["error"] is { } error)
            {
                throw new InvalidOperationException($"QMP '{command}' failed: {error.ToJsonString()}");
            }

            return reply["return"];
        }
    }

    /// <summary>Polls query-migrate until the migration ends; returns its final status object.</summary>
    public JsonObject WaitForMigration(TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var status = (JsonObject)Execute("query-migrate")!;
            if (status["status"]?.GetValue<string>() is "completed" or "failed" or "cancelled")
            {
                return status;
            }

            Thread.Sleep(50);
        }

        throw new TimeoutException("The migration did not end within " + timeout.TotalSeconds + " s.");
    }

    public void Dispose()
    {
        _reader.Dispose();
        _writer.Dispose();
        _socket.Dispose();
    }
}
