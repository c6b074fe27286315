using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using MigrationFormat.DeviceState.Linux;

namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>
/// The front-end's side of a vhost-user back-end's state transfer, as QEMU's <c>vhost_save_backend_state</c> and
/// <c>vhost_load_backend_state</c> drive it: negotiate <see cref="VhostUserProtocolFeatures.DeviceState"/>, send
/// <c>SET_DEVICE_STATE_FD</c> with one end of a new pipe, move the state through the other end, close it, and ask
/// <c>CHECK_DEVICE_STATE</c>. Replies are held to QEMU's rules (request, flags <c>0x5</c>, 8-byte payload).
/// </summary>
public sealed class VhostUserFrontEnd : IDisposable
{
    /// <summary>The default time to wait for a reply.</summary>
    public static readonly TimeSpan DefaultReplyTimeout = TimeSpan.FromSeconds(30);

    private readonly VhostUserConnection _connection;

    /// <summary>Creates a front-end over a connection.</summary>
    /// <param name="connection">The connection to the back-end; disposed with the front-end.</param>
    public VhostUserFrontEnd(VhostUserConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
    }

    /// <summary>Gets the back-end's virtio features, once negotiated.</summary>
    public ulong Features { get; private set; }

    /// <summary>Gets the protocol features in use, once negotiated.</summary>
    public VhostUserProtocolFeatures ProtocolFeatures { get; private set; }

    /// <summary>Gets or sets the pipe buffer size asked for (<c>F_SETPIPE_SZ</c>); 0 keeps the system's default.</summary>
    public int PipeCapacity { get; set; } = 1024 * 1024;

    /// <summary>Gets the connection.</summary>
    public VhostUserConnection Connection => _connection;

    /// <summary>Connects to a back-end listening at <paramref name="socketPath"/>.</summary>
    /// <param name="socketPath">The back-end's socket.</param>
    /// <param name="replyTimeout">How long to wait for each reply; <see langword="null"/> for <see cref="DefaultReplyTimeout"/>.</param>
    /// <returns>The front-end, not yet negotiated.</returns>
    public static VhostUserFrontEnd Connect(string socketPath, TimeSpan? replyTimeout = null)
    {
        UnixFdSocket socket = UnixFdSocket.Connect(socketPath);
        socket.ReceiveTimeout = replyTimeout ?? DefaultReplyTimeout;
        socket.SendTimeout = replyTimeout ?? DefaultReplyTimeout;
        return new VhostUserFrontEnd(new VhostUserConnection(socket));
    }

    /// <summary>
    /// Negotiates as QEMU does before any transfer: GET_FEATURES (which must offer protocol features),
    /// GET_PROTOCOL_FEATURES (which must offer DEVICE_STATE), SET_PROTOCOL_FEATURES, SET_OWNER.
    /// </summary>
    /// <exception cref="MigrationFormatException">A reply is malformed, or the back-end lacks a needed feature.</exception>
    public void Negotiate()
    {
        Features = Query(VhostUserRequest.GetFeatures);
        if ((Features & VhostUserFeatureBits.ProtocolFeatures) == 0)
        {
            throw Refusal("The back-end does not offer protocol features (virtio feature bit 30), so it cannot transfer its state.");
        }

        var offered = (VhostUserProtocolFeatures)Query(VhostUserRequest.GetProtocolFeatures);
        if ((offered & VhostUserProtocolFeatures.DeviceState) == 0)
        {
            throw Refusal(string.Create(
                CultureInfo.InvariantCulture, $"The back-end does not offer the DEVICE_STATE protocol feature (bit 19); it offers 0x{(ulong)offered:x}."));
        }

        ProtocolFeatures = offered & (VhostUserProtocolFeatures.DeviceState | VhostUserProtocolFeatures.LogShmfd);
        Span<byte> value = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(value, (ulong)ProtocolFeatures);
        _connection.Send(VhostUserRequest.SetProtocolFeatures, VhostUserHeader.Version, value);
        _connection.Send(VhostUserRequest.SetOwner, VhostUserHeader.Version, []);
    }

    /// <summary>Starts a save: sends SET_DEVICE_STATE_FD (save, stopped) with a pipe's write end and returns its read end.</summary>
    /// <returns>The back-end's state as it arrives; its end means the back-end has written it all (then call <see cref="CheckDeviceState"/>).</returns>
    /// <exception cref="MigrationFormatException">The back-end refused or replied wrongly.</exception>
    public Stream BeginSave()
    {
        using LinuxPipe pipe = LinuxPipe.Create(PipeCapacity);
        SafeFileHandle? returned = Transfer(VhostUserTransferDirection.Save, pipe.WriteEnd);
        pipe.WriteEnd.Dispose();
        SafeFileHandle end = returned ?? Detach(pipe.ReadEnd);
        return new TransferPipe(LinuxPipe.OpenStream(end, FileAccess.Read), VhostUserTransferDirection.Save);
    }

    /// <summary>Starts a load: sends SET_DEVICE_STATE_FD (load, stopped) with a pipe's read end and returns its write end.</summary>
    /// <returns>Where the state goes; dispose it to end the transfer (then call <see cref="CheckDeviceState"/>).</returns>
    /// <exception cref="MigrationFormatException">The back-end refused or replied wrongly.</exception>
    public Stream BeginLoad()
    {
        using LinuxPipe pipe = LinuxPipe.Create(PipeCapacity);
        SafeFileHandle? returned = Transfer(VhostUserTransferDirection.Load, pipe.ReadEnd);
        pipe.ReadEnd.Dispose();
        SafeFileHandle end = returned ?? Detach(pipe.WriteEnd);
        return new TransferPipe(LinuxPipe.OpenStream(end, FileAccess.Write), VhostUserTransferDirection.Load);
    }

    /// <summary>Asks CHECK_DEVICE_STATE once the transfer's pipe is closed.</summary>
    /// <exception cref="MigrationFormatException">The back-end reports failure (a non-zero reply) or replied wrongly.</exception>
    public void CheckDeviceState()
    {
        ulong result = CheckDeviceStateRaw();
        if (result != 0)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                string.Create(CultureInfo.InvariantCulture, $"The back-end failed to process its state: CHECK_DEVICE_STATE replied {result}."),
                -1,
                "vhost-user.CHECK_DEVICE_STATE");
        }
    }

    /// <summary>Sends CHECK_DEVICE_STATE and returns the back-end's answer as it is.</summary>
    /// <returns>The reply's u64.</returns>
    public ulong CheckDeviceStateRaw()
    {
        Span<byte> request = stackalloc byte[VhostUserHeader.Length];
        VhostUserDeviceStateMessages.WriteCheckDeviceState(request);
        _connection.SendRaw(request);
        return ReadReply(VhostUserRequest.CheckDeviceState, out _);
    }

    /// <summary>Sends SET_DEVICE_STATE_FD with the given raw parameters and descriptor, and returns the reply as it is.</summary>
    /// <param name="direction">The direction, as sent.</param>
    /// <param name="phase">The phase, as sent.</param>
    /// <param name="descriptor">The descriptor to pass, or <see langword="null"/> to send none.</param>
    /// <param name="returned">A descriptor the back-end sent back, owned by the caller.</param>
    /// <returns>The reply's u64.</returns>
    public ulong SetDeviceStateFdRaw(uint direction, uint phase, SafeHandle? descriptor, out SafeFileHandle? returned)
    {
        Span<byte> request = stackalloc byte[VhostUserDeviceStateMessages.SetDeviceStateFdSize];
        VhostUserDeviceStateMessages.WriteSetDeviceStateFd(request, direction, phase);
        if (descriptor is null)
        {
            _connection.SendRaw(request);
        }
        else
        {
            _connection.SendRaw(request, [descriptor]);
        }

        return ReadReply(VhostUserRequest.SetDeviceStateFd, out returned);
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _connection.Dispose();

    private SafeFileHandle? Transfer(VhostUserTransferDirection direction, SafeHandle backendEnd)
    {
        if ((ProtocolFeatures & VhostUserProtocolFeatures.DeviceState) == 0)
        {
            throw new InvalidOperationException("Negotiate DEVICE_STATE before a transfer.");
        }

        ulong reply = SetDeviceStateFdRaw((uint)direction, (uint)VhostUserTransferPhase.Stopped, backendEnd, out SafeFileHandle? returned);
        if ((reply & VhostUserDeviceStateMessages.ResultMask) != 0)
        {
            returned?.Dispose();
            throw Refusal(string.Create(
                CultureInfo.InvariantCulture, $"The back-end did not accept the state transfer ({direction}): SET_DEVICE_STATE_FD replied 0x{reply:x}."));
        }

        if ((reply & VhostUserDeviceStateMessages.NoFdFlag) != 0)
        {
            returned?.Dispose();
            return null;
        }

        return returned ?? throw Refusal("The back-end's reply says it returns its own descriptor, but none came with it.");
    }

    private ulong Query(VhostUserRequest request)
    {
        _connection.Send(request, VhostUserHeader.Version, []);
        return ReadReply(request, out _);
    }

    private ulong ReadReply(VhostUserRequest request, out SafeFileHandle? descriptor)
    {
        using VhostUserMessage reply = _connection.ReceiveRequired("waiting for the reply to " + VhostUserHeader.Name(request));
        ulong value = VhostUserDeviceStateMessages.ReadReply(request, reply.Header, reply.Payload);
        descriptor = reply.TakeDescriptor();
        return value;
    }

    /// <summary>Moves a handle's descriptor into a new owning handle, leaving the old one empty (so the pipe's dispose does not close it).</summary>
    private static SafeFileHandle Detach(SafeFileHandle handle)
    {
        var detached = new SafeFileHandle(handle.DangerousGetHandle(), ownsHandle: true);
        handle.SetHandleAsInvalid();
        return detached;
    }

    private static MigrationFormatException Refusal(string detail) => new(MigrationErrorKind.UnexpectedValue, detail, -1, "vhost-user");
}
