using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using Microsoft.Win32.SafeHandles;
using MigrationFormat.DeviceState.Linux;

namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>
/// A vhost-user back-end's message loop, enough of the protocol for a front-end (QEMU, or
/// <see cref="VhostUserFrontEnd"/>) to set it up, start and stop it, and migrate its state: features and protocol
/// features, owner, memory table and rings (recorded, their descriptors closed: this back-end processes no queue), the
/// dirty log, and the device state transfer (<c>SET_DEVICE_STATE_FD</c>, <c>CHECK_DEVICE_STATE</c>) through an
/// <see cref="IVhostUserStateHandler"/>.
/// </summary>
/// <remarks>
/// The transfer follows what QEMU needs: the reply to SET_DEVICE_STATE_FD goes out before any state moves (a back-end
/// that writes first deadlocks once the pipe fills), the state moves on a worker thread, and CHECK_DEVICE_STATE is
/// answered only when that worker has finished: 0 when the state was written or taken whole, 1 otherwise. Refused
/// requests (a direction other than save or load, a phase other than stopped, no descriptor, a transfer already
/// running) are answered with <see cref="VhostUserDeviceStateMessages.Refused"/>; CHECK without a transfer with 1.
/// </remarks>
public sealed class VhostUserBackEnd
{
    private readonly IVhostUserStateHandler _handler;
    private readonly VhostUserBackEndOptions _options;
    private readonly VringState[] _vrings = new VringState[64];
    private VhostUserProtocolFeatures _protocolFeatures;
    private ulong _ackedFeatures;
    private Transfer? _transfer;
    private int _saves;
    private int _loads;
    private int _failed;

    /// <summary>Creates a back-end.</summary>
    /// <param name="handler">Its state.</param>
    /// <param name="options">What it offers; <see langword="null"/> for the defaults.</param>
    public VhostUserBackEnd(IVhostUserStateHandler handler, VhostUserBackEndOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
        _options = options ?? new VhostUserBackEndOptions();
    }

    /// <summary>Listens at <paramref name="socketPath"/>, serves one front-end until it disconnects, and removes the socket.</summary>
    /// <param name="socketPath">The socket's path; an existing socket file there is replaced.</param>
    /// <param name="listening">Called once the socket listens, or <see langword="null"/>.</param>
    /// <param name="cancellation">Stops waiting for a front-end to connect.</param>
    /// <returns>How the session ended.</returns>
    public VhostUserServeResult ListenAndServeOne(string socketPath, Action? listening = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        Libc.EnsureSupported();
        if (File.Exists(socketPath))
        {
            File.Delete(socketPath);
        }

        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        try
        {
            listener.Listen(1);
            Log($"listening on {socketPath}");
            listening?.Invoke();
            Socket accepted = listener.AcceptAsync(cancellation).AsTask().GetAwaiter().GetResult();
            Log("front-end connected");
            using var connection = new VhostUserConnection(new UnixFdSocket(accepted));
            return Serve(connection);
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    /// <summary>Serves messages until the front-end disconnects.</summary>
    /// <param name="connection">The connection.</param>
    /// <returns>How the session ended.</returns>
    public VhostUserServeResult Serve(VhostUserConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        int messages = 0;
        string? error = null;
        try
        {
            while (true)
            {
                using VhostUserMessage? message = connection.Receive();
                if (message is null)
                {
                    break;
                }

                messages++;
                Log("<- " + message.Header + Descriptors(message));
                Handle(connection, message);
            }
        }
        catch (Exception ex) when (ex is MigrationFormatException or IOException or TimeoutException)
        {
            error = "the connection failed: " + ex.Message;
        }

        Log("front-end disconnected");
        if (_transfer is { } open)
        {
            _transfer = null;
            string outcome = open.Finish(_options.TransferDrainTimeout);
            _failed++;
            error ??= string.Create(
                CultureInfo.InvariantCulture,
                $"the front-end disconnected during a {open.Direction.ToString().ToLowerInvariant()} transfer, before CHECK_DEVICE_STATE ({outcome})");
        }

        if (error is not null)
        {
            Log("error: " + error);
        }

        return new VhostUserServeResult(messages, _saves, _loads, _failed, error);
    }

    private void Handle(VhostUserConnection connection, VhostUserMessage message)
    {
        VhostUserHeader header = message.Header;
        switch (header.Request)
        {
            case VhostUserRequest.GetFeatures:
                Reply(connection, header.Request, _options.Features);
                return;
            case VhostUserRequest.SetFeatures:
                _ackedFeatures = message.PayloadUInt64 ?? 0;
                string logging = (_ackedFeatures & VhostUserFeatureBits.LogAll) != 0 ? " (dirty logging on)" : string.Empty;
                Log(string.Create(CultureInfo.InvariantCulture, $"   features acknowledged 0x{_ackedFeatures:x}{logging}"));
                break;
            case VhostUserRequest.GetProtocolFeatures:
                Reply(connection, header.Request, (ulong)_options.ProtocolFeatures);
                return;
            case VhostUserRequest.SetProtocolFeatures:
                _protocolFeatures = (VhostUserProtocolFeatures)(message.PayloadUInt64 ?? 0) & _options.ProtocolFeatures;
                Log(string.Create(CultureInfo.InvariantCulture, $"   protocol features in use 0x{(ulong)_protocolFeatures:x}"));
                break;
            case VhostUserRequest.GetQueueNum:
                Reply(connection, header.Request, (ulong)_options.QueueCount);
                return;
            case VhostUserRequest.GetMaxMemSlots:
                Reply(connection, header.Request, 32);
                return;
            case VhostUserRequest.GetStatus:
                Reply(connection, header.Request, 0);
                return;
            case VhostUserRequest.SetLogBase:
                // With LOG_SHMFD the front-end waits for this reply (QEMU's vhost_user_set_log_base).
                if ((_protocolFeatures & VhostUserProtocolFeatures.LogShmfd) != 0)
                {
                    Reply(connection, header.Request, 0);
                    return;
                }

                break;
            case VhostUserRequest.SetVringNum:
            case VhostUserRequest.SetVringBase:
            case VhostUserRequest.SetVringEnable:
                if (RingIndex(message) is { } ring && message.Payload.Length >= 8)
                {
                    uint value = BinaryPrimitives.ReadUInt32LittleEndian(message.Payload.AsSpan(4));
                    if (header.Request == VhostUserRequest.SetVringNum)
                    {
                        _vrings[ring].Size = value;
                    }
                    else if (header.Request == VhostUserRequest.SetVringBase)
                    {
                        _vrings[ring].Base = value;
                    }
                    else
                    {
                        _vrings[ring].Enabled = value != 0;
                    }
                }

                break;
            case VhostUserRequest.GetVringBase:
                if (RingIndex(message) is { } stopped)
                {
                    // The ring stops; its next available index is where the destination resumes (no queue is processed here).
                    Span<byte> state = stackalloc byte[8];
                    BinaryPrimitives.WriteUInt32LittleEndian(state, (uint)stopped);
                    BinaryPrimitives.WriteUInt32LittleEndian(state[4..], _vrings[stopped].Base);
                    _vrings[stopped].Started = false;
                    connection.Send(header.Request, VhostUserHeader.ReplyFlags, state);
                    Log(string.Create(
                        CultureInfo.InvariantCulture, $"-> reply {VhostUserHeader.Name(header.Request)} ring {stopped} base {_vrings[stopped].Base}"));
                    return;
                }

                break;
            case VhostUserRequest.SetVringKick:
                if (RingIndex(message) is { } kicked)
                {
                    _vrings[kicked].Started = true;
                }

                break;
            case VhostUserRequest.SetDeviceStateFd:
                SetDeviceStateFd(connection, message);
                return;
            case VhostUserRequest.CheckDeviceState:
                CheckDeviceState(connection);
                return;
            default:
                break;
        }

        // REPLY_ACK is not offered, but a front-end that asks anyway is answered rather than left waiting.
        if (header.NeedsReply)
        {
            Reply(connection, header.Request, 0);
        }
    }

    private void SetDeviceStateFd(VhostUserConnection connection, VhostUserMessage message)
    {
        string? refusal;
        uint direction = 0;
        try
        {
            (direction, uint phase) = VhostUserDeviceStateMessages.ReadTransferParameters(message.Header, message.Payload);
            string name = direction switch { 0 => "save", 1 => "load", _ => "invalid" };
            Log(string.Create(CultureInfo.InvariantCulture, $"   transfer direction {direction} ({name}), phase {phase}"));
            refusal = VhostUserDeviceStateMessages.Validate(direction, phase);
        }
        catch (MigrationFormatException ex)
        {
            // The header framed the message, so the connection is intact: refuse this request and go on.
            refusal = ex.Detail;
        }

        if (refusal is null && (_protocolFeatures & VhostUserProtocolFeatures.DeviceState) == 0)
        {
            refusal = "the DEVICE_STATE protocol feature was not negotiated";
        }

        if (refusal is null && message.DescriptorCount != 1)
        {
            refusal = string.Create(CultureInfo.InvariantCulture, $"the request carries {message.DescriptorCount} descriptors; it must carry exactly one");
        }

        if (refusal is null && _transfer is not null)
        {
            refusal = "a transfer is already running; CHECK_DEVICE_STATE ends it";
        }

        if (refusal is not null)
        {
            _failed++;
            Log("   refused: " + refusal);
            Reply(connection, VhostUserRequest.SetDeviceStateFd, VhostUserDeviceStateMessages.Refused);
            return;
        }

        SafeFileHandle channel = message.TakeDescriptor()!;
        var transfer = new Transfer((VhostUserTransferDirection)direction, channel, _handler);

        // Reply first: the front-end reads the state only after this reply, so writing before it would deadlock on a full pipe.
        Reply(connection, VhostUserRequest.SetDeviceStateFd, VhostUserDeviceStateMessages.AcceptedWithoutFd);
        _transfer = transfer;
        transfer.Start();
    }

    private void CheckDeviceState(VhostUserConnection connection)
    {
        if (_transfer is not { } transfer)
        {
            _failed++;
            Log("   refused: CHECK_DEVICE_STATE without a transfer");
            Reply(connection, VhostUserRequest.CheckDeviceState, 1);
            return;
        }

        _transfer = null;
        string outcome = transfer.Finish(Timeout.InfiniteTimeSpan);
        Log("   transfer " + outcome);
        if (!transfer.Succeeded)
        {
            _failed++;
        }
        else if (transfer.Direction == VhostUserTransferDirection.Save)
        {
            _saves++;
        }
        else
        {
            _loads++;
        }

        Reply(connection, VhostUserRequest.CheckDeviceState, transfer.Succeeded ? 0UL : 1UL);
    }

    private void Reply(VhostUserConnection connection, VhostUserRequest request, ulong value)
    {
        Span<byte> reply = stackalloc byte[VhostUserDeviceStateMessages.ReplySize];
        VhostUserDeviceStateMessages.WriteReply(reply, request, value);
        connection.SendRaw(reply);
        Log(string.Create(CultureInfo.InvariantCulture, $"-> reply {VhostUserHeader.Name(request)} 0x{value:x}"));
    }

    private int? RingIndex(VhostUserMessage message)
    {
        if (message.Payload.Length < 4)
        {
            return null;
        }

        // Ring requests carry the index in the low byte of their first word (the kick/call/err u64 adds flags above it).
        uint index = BinaryPrimitives.ReadUInt32LittleEndian(message.Payload) & 0xff;
        return index < _vrings.Length ? (int)index : null;
    }

    private static string Descriptors(VhostUserMessage message) =>
        message.DescriptorCount == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", {message.DescriptorCount} fd");

    private void Log(string line) => _options.Log?.Invoke(line);

    private struct VringState
    {
        public uint Size;
        public uint Base;
        public bool Enabled;
        public bool Started;
    }

    /// <summary>One transfer: the worker that moves the state through the channel, and its outcome.</summary>
    private sealed class Transfer(VhostUserTransferDirection direction, SafeFileHandle channel, IVhostUserStateHandler handler)
    {
        private readonly Thread _worker = new(static state => ((Transfer)state!).Run()) { IsBackground = true, Name = "vhost-user state transfer" };
        private Exception? _error;
        private long _bytes;

        public VhostUserTransferDirection Direction => direction;

        public bool Succeeded { get; private set; }

        public void Start() => _worker.Start(this);

        /// <summary>Waits for the worker and describes the outcome.</summary>
        public string Finish(TimeSpan timeout)
        {
            if (!_worker.Join(timeout))
            {
                return "still running; abandoned";
            }

            string verb = direction == VhostUserTransferDirection.Save ? "saved" : "loaded";
            return _error is null
                ? string.Create(CultureInfo.InvariantCulture, $"{verb} {_bytes} bytes")
                : string.Create(CultureInfo.InvariantCulture, $"failed after {_bytes} bytes: {_error.Message}");
        }

        private void Run()
        {
            try
            {
                FileAccess access = direction == VhostUserTransferDirection.Save ? FileAccess.Write : FileAccess.Read;
                using var counted = new CountingStream(LinuxPipe.OpenStream(channel, access));
                try
                {
                    if (direction == VhostUserTransferDirection.Save)
                    {
                        handler.SaveState(counted);
                    }
                    else
                    {
                        try
                        {
                            handler.LoadState(counted);
                        }
                        catch (Exception ex) when (ex is MigrationFormatException or IOException)
                        {
                            // Read on to the end, so the front-end finishes writing and asks CHECK_DEVICE_STATE (which
                            // fails) instead of meeting a closed pipe part way.
                            Drain(counted);
                            throw;
                        }
                    }
                }
                finally
                {
                    _bytes = counted.BytesMoved;
                }

                Succeeded = true;
            }
            catch (Exception ex) when (ex is MigrationFormatException or IOException or InvalidOperationException or ArgumentException
                or NotSupportedException or TimeoutException or UnauthorizedAccessException)
            {
                _error = ex;
            }
        }

        private static void Drain(Stream source)
        {
            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                while (source.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
                // The channel broke as well; the load has failed either way.
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
