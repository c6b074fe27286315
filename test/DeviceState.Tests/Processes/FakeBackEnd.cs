using System.Net.Sockets;
using MigrationFormat.DeviceState.Linux;
using MigrationFormat.DeviceState.VhostUser;

namespace MigrationFormat.DeviceState.Tests.Processes;

/// <summary>
/// A back-end in this process that negotiates correctly and then answers SET_DEVICE_STATE_FD wrongly (or not at
/// all), and records how the front-end left.
/// </summary>
internal sealed class FakeBackEnd : IDisposable
{
    private readonly Socket _listener;
    private readonly Task<string> _serving;

    private FakeBackEnd(Socket listener, string fault)
    {
        _listener = listener;
        _serving = Task.Run(() => Serve(fault));
    }

    public static FakeBackEnd Listen(string path, string fault)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        return new FakeBackEnd(listener, fault);
    }

    /// <summary>How the session ended, as seen from the back-end.</summary>
    public string Outcome(TimeSpan timeout) =>
        _serving.Wait(timeout) ? _serving.Result : throw new TimeoutException("The fake back-end did not finish.");

    public void Dispose() => _listener.Dispose();

    private string Serve(string fault)
    {
        using var connection = new VhostUserConnection(new UnixFdSocket(_listener.Accept()));
        bool checkedState = false;
        while (connection.Receive() is { } message)
        {
            using (message)
            {
                switch (message.Header.Request)
                {
                    case VhostUserRequest.GetFeatures:
                        const ulong features = VhostUserFeatureBits.ProtocolFeatures | VhostUserFeatureBits.Version1 | VhostUserFeatureBits.LogAll;
                        Reply(connection, message.Header.Request, features);
                        break;
                    case VhostUserRequest.GetProtocolFeatures:
                        Reply(connection, message.Header.Request, (ulong)(VhostUserProtocolFeatures.DeviceState | VhostUserProtocolFeatures.LogShmfd));
                        break;
                    case VhostUserRequest.SetDeviceStateFd:
                        Misbehave(connection, fault);
                        break;
                    case VhostUserRequest.CheckDeviceState:
                        checkedState = true;
                        Reply(connection, message.Header.Request, 0);
                        break;
                    default:
                        break;
                }
            }
        }

        return checkedState ? "checked" : "the front-end closed the connection without CHECK_DEVICE_STATE";
    }

    private static void Misbehave(VhostUserConnection connection, string fault)
    {
        switch (fault)
        {
            case "flags":
                connection.Send(VhostUserRequest.SetDeviceStateFd, VhostUserHeader.Version, BitConverter.GetBytes(0x100UL));
                break;
            case "size":
                connection.Send(VhostUserRequest.SetDeviceStateFd, VhostUserHeader.ReplyFlags, BitConverter.GetBytes(0x100u));
                break;
            case "type":
                connection.Send(VhostUserRequest.CheckDeviceState, VhostUserHeader.ReplyFlags, BitConverter.GetBytes(0x100UL));
                break;
            case "refuse":
                Reply(connection, VhostUserRequest.SetDeviceStateFd, VhostUserDeviceStateMessages.Refused);
                break;
            default:
                // Silent: no reply at all.
                break;
        }
    }

    private static void Reply(VhostUserConnection connection, VhostUserRequest request, ulong value)
    {
        byte[] reply = new byte[VhostUserDeviceStateMessages.ReplySize];
        VhostUserDeviceStateMessages.WriteReply(reply, request, value);
        connection.SendRaw(reply);
    }
}
