using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using MigrationFormat.Visitors;

namespace MigrationFormat.Qemu.Devices;

/// <summary>
/// A user-mode network back-end (a <c>-netdev user</c>) as QEMU saves it through libslirp (<c>slirp_state_save</c>,
/// <c>src/state.c</c> of libslirp 4.7): section <c>slirp</c>, version 4, which the VM description describes only as a buffer
/// of its size. First the sockets of guest forwards that have a connection (each after the byte 42, the list ended by 0,
/// each a vmsd <c>slirp-socket</c>), then vmsd <c>slirp</c>: the IP identification counter and the 16 DHCP clients.
/// </summary>
/// <remarks>
/// Versions 1 to 3 are loaded as libslirp loads them: before version 4 a socket saved its addresses as four fixed fields
/// rather than two family-tagged structures; <c>ip_id</c> came in version 2 and the DHCP clients in version 3.
/// </remarks>
public sealed class QemuSlirp : IDeviceState, ILegacyListCounter, IStateHooks
{
    /// <summary>The device type: section <c>slirp</c>, versions 1 to 4.</summary>
    public static readonly DeviceType DeviceType = new(
        "slirp", "urn:migfmt:qemu:slirp", currentVersion: 4, minimumVersion: 1, version => new QemuSlirp(version),
        "libslirp state of a -netdev user (slirp_state_save)");

    /// <summary>The number of DHCP clients libslirp keeps (<c>NB_BOOTP_CLIENTS</c>).</summary>
    public const int BootpClientCount = 16;

    private ushort _ipId;

    /// <summary>Creates the state of a back-end running as <paramref name="version"/>.</summary>
    /// <param name="version">The section version (1 to 4).</param>
    public QemuSlirp(int version = 4)
    {
        Version = version;
        for (int i = 0; i < BootpClients.Length; i++)
        {
            BootpClients[i] = new QemuSlirpBootpClient();
        }
    }

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <summary>Gets the connected sockets of guest forwards.</summary>
    public List<QemuSlirpSocket> Sockets { get; } = [];

    /// <summary>Gets or sets the next IP identification (<c>ip_id</c>, version 2).</summary>
    public ushort IpId { get => _ipId; set => _ipId = value; }

    /// <summary>Gets the DHCP clients (<c>bootp_clients</c>, version 3).</summary>
    public QemuSlirpBootpClient[] BootpClients { get; } = new QemuSlirpBootpClient[BootpClientCount];

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor v)
        where TVisitor : IStateVisitor, allows ref struct
    {
        int sockets = v.BeginList(Fields.Sockets, Sockets.Count);
        if (sockets >= 0)
        {
            QemuLists.Resize(Sockets, sockets);
            for (int i = 0; i < sockets; i++)
            {
                v.BeginElement();
                Sockets[i].Visit(ref v);
                v.EndElement();
            }

            v.EndList();
        }

        v.Field(Fields.IpId, ref _ipId);
        int clients = v.BeginList(Fields.BootpClients, BootpClientCount);
        if (clients >= 0)
        {
            if (clients != BootpClientCount && v.Direction != VisitDirection.Describe)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue, $"'{Fields.BootpClients.Path}' has {clients} elements; libslirp saves all {BootpClientCount}.", -1,
                    Fields.BootpClients.Path);
            }

            for (int i = 0; i < clients; i++)
            {
                QemuSlirpBootpClient client = BootpClients[i];
                v.BeginElement();
                v.Field(Fields.Allocated, ref client.AllocatedField);
                v.Field(Fields.MacAddress, client.MacAddress.AsSpan());
                v.EndElement();
            }

            v.EndList();
        }
    }

    /// <inheritdoc/>
    public void PreSave()
    {
    }

    /// <inheritdoc/>
    public void PreLoad()
    {
    }

    /// <inheritdoc/>
    /// <exception cref="MigrationFormatException">A socket buffer's data is not <c>sb_datalen</c> bytes (a BER load carries its own).</exception>
    public void PostLoad(int sourceVersion)
    {
        foreach (QemuSlirpSocket socket in Sockets)
        {
            socket.Receive.Validate();
            socket.Send.Validate();
        }
    }

    /// <inheritdoc/>
    public int CountLegacyElements(ListSpec list, ReadOnlySpan<byte> data, int streamVersion)
    {
        int count = 0;
        while (data.Length > 0 && data[0] == 42)
        {
            int size = QemuSlirpSocket.LegacySize(data.Slice(1), streamVersion);
            if (size < 0)
            {
                return -1;
            }

            data = data.Slice(1 + size);
            count++;
        }

        return data.Length > 0 && data[0] == 0 ? count : -1;
    }

    /// <summary>The field specs, in libslirp's order.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("slirp");

        /// <summary>The connected sockets of guest forwards.</summary>
        public static readonly ListSpec Sockets = Root.List(
            "sockets", 0, 4096, description: "vmsd slirp-socket v4, each after the byte 42; the list ends with 0", legacyFraming: LegacyFraming.Markers(42, 0));

        /// <summary><c>ip_id</c>.</summary>
        public static readonly FieldSpec<ushort> IpId = Root.UInt16("ip_id", 1, since: 2);

        /// <summary><c>bootp_clients</c>.</summary>
        public static readonly ListSpec BootpClients = Root.List(
            "bootp_clients", 2, BootpClientCount, since: 3, description: "vmsd slirp_bootpclient for each of the 16 clients",
            legacyFraming: LegacyFraming.Implied);

        /// <summary><c>allocated</c>.</summary>
        public static readonly FieldSpec<ushort> Allocated = BootpClients.Members.UInt16("allocated", 0);

        /// <summary><c>macaddr</c>.</summary>
        public static readonly ArrayFieldSpec<byte> MacAddress = BootpClients.Members.FixedBytes("macaddr", 1, 6);
    }
}

/// <summary>A DHCP client libslirp gave an address to.</summary>
public sealed class QemuSlirpBootpClient
{
    internal ushort AllocatedField;

    /// <summary>Gets or sets whether the entry is in use.</summary>
    public ushort Allocated { get => AllocatedField; set => AllocatedField = value; }

    /// <summary>Gets the client's MAC address, changed in place.</summary>
    public byte[] MacAddress { get; } = new byte[6];
}

/// <summary>A connected socket of a guest forward, as vmsd <c>slirp-socket</c> (version 4) saves it.</summary>
public sealed class QemuSlirpSocket
{
    private const ushort FamilyIpv4 = 2;

    private uint _urgentCount;
    private uint _foreignAddress;
    private uint _localAddress;
    private ushort _foreignPort;
    private ushort _localPort;
    private byte _tos;
    private byte _emulation;
    private byte _socketType;
    private int _state;

    /// <summary>Gets the foreign end (version 4).</summary>
    public QemuSlirpAddress ForeignHost { get; } = new();

    /// <summary>Gets the local end (version 4).</summary>
    public QemuSlirpAddress LocalHost { get; } = new();

    /// <summary>Gets the receive buffer.</summary>
    public QemuSlirpBuffer Receive { get; } = new();

    /// <summary>Gets the send buffer.</summary>
    public QemuSlirpBuffer Send { get; } = new();

    /// <summary>Gets the TCP control block.</summary>
    public QemuSlirpTcp Tcp { get; } = new();

    /// <summary>Gets or sets the socket state flags (<c>so_state</c>).</summary>
    public int State { get => _state; set => _state = value; }

    /// <summary>Measures one socket's legacy bytes (after its marker), as libslirp would read them.</summary>
    /// <param name="data">The bytes from the socket's first field.</param>
    /// <param name="version">The section version.</param>
    /// <returns>The socket's size, or -1 when the bytes end first.</returns>
    internal static int LegacySize(ReadOnlySpan<byte> data, int version)
    {
        int at = 4;
        if (version < 4)
        {
            at += 12;
        }
        else
        {
            for (int host = 0; host < 2; host++)
            {
                if (data.Length < at + 2)
                {
                    return -1;
                }

                at += BinaryPrimitives.ReadUInt16BigEndian(data.Slice(at)) == FamilyIpv4 ? 8 : 2;
            }
        }

        at += 3 + 4;
        for (int buffer = 0; buffer < 2; buffer++)
        {
            if (data.Length < at + 16)
            {
                return -1;
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(at + 4));
            if (length > (uint)(data.Length - at - 16))
            {
                return -1;
            }

            at += 16 + (int)length;
        }

        at += QemuSlirpTcp.LegacySize;
        return at <= data.Length ? at : -1;
    }

    /// <summary>Visits the socket's fields inside an opened list element.</summary>
    /// <typeparam name="TVisitor">The visitor.</typeparam>
    /// <param name="v">The visitor.</param>
    public void Visit<TVisitor>(ref TVisitor v)
        where TVisitor : IStateVisitor, allows ref struct
    {
        v.Field(Fields.UrgentCount, ref _urgentCount);
        v.Field(Fields.ForeignAddress, ref _foreignAddress);
        v.Field(Fields.LocalAddress, ref _localAddress);
        v.Field(Fields.ForeignPort, ref _foreignPort);
        v.Field(Fields.LocalPort, ref _localPort);
        if (v.BeginStruct(Fields.ForeignHost))
        {
            ForeignHost.Visit(ref v);
            v.EndStruct();
        }

        if (v.BeginStruct(Fields.LocalHost))
        {
            LocalHost.Visit(ref v);
            v.EndStruct();
        }

        v.Field(Fields.Tos, ref _tos);
        v.Field(Fields.Emulation, ref _emulation);
        v.Field(Fields.SocketType, ref _socketType);
        v.Field(Fields.State, ref _state);
        if (v.BeginStruct(Fields.Receive))
        {
            Receive.Visit(ref v);
            v.EndStruct();
        }

        if (v.BeginStruct(Fields.Send))
        {
            Send.Visit(ref v);
            v.EndStruct();
        }

        if (v.BeginStruct(Fields.Tcp))
        {
            Tcp.Visit(ref v);
            v.EndStruct();
        }
    }

    /// <summary>The socket's field specs.</summary>
    public static class Fields
    {
        private static readonly FieldSet Socket = QemuSlirp.Fields.Sockets.Members;

        /// <summary><c>so_urgc</c>.</summary>
        public static readonly FieldSpec<uint> UrgentCount = Socket.UInt32("so_urgc", 0);

        /// <summary><c>so_faddr</c> (before version 4).</summary>
        public static readonly FieldSpec<uint> ForeignAddress = Socket.UInt32("so_faddr", 1, removedIn: 4);

        /// <summary><c>so_laddr</c> (before version 4).</summary>
        public static readonly FieldSpec<uint> LocalAddress = Socket.UInt32("so_laddr", 2, removedIn: 4);

        /// <summary><c>so_fport</c> (before version 4).</summary>
        public static readonly FieldSpec<ushort> ForeignPort = Socket.UInt16("so_fport", 3, removedIn: 4);

        /// <summary><c>so_lport</c> (before version 4).</summary>
        public static readonly FieldSpec<ushort> LocalPort = Socket.UInt16("so_lport", 4, removedIn: 4);

        /// <summary><c>fhost</c> (version 4).</summary>
        public static readonly StructSpec ForeignHost = Socket.Struct("fhost", 5, since: 4, description: "vmsd slirp-socket-addr v4");

        /// <summary><c>lhost</c> (version 4).</summary>
        public static readonly StructSpec LocalHost = Socket.Struct("lhost", 6, since: 4, description: "vmsd slirp-socket-addr v4");

        /// <summary><c>so_iptos</c>.</summary>
        public static readonly FieldSpec<byte> Tos = Socket.UInt8("so_iptos", 7);

        /// <summary><c>so_emu</c>.</summary>
        public static readonly FieldSpec<byte> Emulation = Socket.UInt8("so_emu", 8);

        /// <summary><c>so_type</c>.</summary>
        public static readonly FieldSpec<byte> SocketType = Socket.UInt8("so_type", 9);

        /// <summary><c>so_state</c>.</summary>
        public static readonly FieldSpec<int> State = Socket.Int32("so_state", 10);

        /// <summary><c>so_rcv</c>.</summary>
        public static readonly StructSpec Receive = Socket.Struct("so_rcv", 11, description: "vmsd slirp-sbuf");

        /// <summary><c>so_snd</c>.</summary>
        public static readonly StructSpec Send = Socket.Struct("so_snd", 12, description: "vmsd slirp-sbuf");

        /// <summary><c>so_tcpcb</c>.</summary>
        public static readonly StructSpec Tcp = Socket.Struct("so_tcpcb", 13, description: "vmsd slirp-tcp");
    }
}

/// <summary>A socket address as vmsd <c>slirp-socket-addr</c> (version 4) saves it: the family, and an IPv4 address and port.</summary>
public sealed class QemuSlirpAddress
{
    private ushort _family = 2;
    private uint _address;
    private ushort _port;

    /// <summary>Gets or sets the portable family: 2 IPv4, 10 IPv6, 0xffff another.</summary>
    public ushort Family { get => _family; set => _family = value; }

    /// <summary>Gets or sets the IPv4 address (saved for the IPv4 family).</summary>
    public uint Address { get => _address; set => _address = value; }

    /// <summary>Gets or sets the port (saved for the IPv4 family).</summary>
    public ushort Port { get => _port; set => _port = value; }

    /// <summary>Visits the address inside an opened structure.</summary>
    /// <typeparam name="TVisitor">The visitor.</typeparam>
    /// <param name="v">The visitor.</param>
    public void Visit<TVisitor>(ref TVisitor v)
        where TVisitor : IStateVisitor, allows ref struct
    {
        v.Field(Fields.Family, ref _family);
        if (_family == 2 || v.Direction == VisitDirection.Describe)
        {
            v.Field(Fields.Address, ref _address);
            v.Field(Fields.Port, ref _port);
        }
    }

    /// <summary>The address's field specs (one set, visited under <c>fhost</c> and <c>lhost</c>).</summary>
    public static class Fields
    {
        private static readonly FieldSet Address4 = new("slirp-socket-addr");

        /// <summary><c>ss_family</c> (portable).</summary>
        public static readonly FieldSpec<ushort> Family = Address4.UInt16("ss_family", 0, description: "2 IPv4, 10 IPv6, 0xffff other");

        /// <summary><c>sin.sin_addr.s_addr</c>.</summary>
        public static readonly FieldSpec<uint> Address = Address4.UInt32("sin.sin_addr.s_addr", 1, description: "IPv4 only");

        /// <summary><c>sin.sin_port</c>.</summary>
        public static readonly FieldSpec<ushort> Port = Address4.UInt16("sin.sin_port", 2, description: "IPv4 only");
    }
}

/// <summary>A socket buffer as vmsd <c>slirp-sbuf</c> saves it: the count, the size, the write and read offsets, and the data.</summary>
public sealed class QemuSlirpBuffer
{
    private const int MaxData = 1 << 24;

    private uint _count;
    private uint _size;
    private uint _writeOffset;
    private uint _readOffset;
    private byte[] _data = [];

    /// <summary>Gets or sets the bytes held (<c>sb_cc</c>).</summary>
    public uint Count { get => _count; set => _count = value; }

    /// <summary>Gets or sets the buffer's data (<c>sb_data</c>, <c>sb_datalen</c> bytes).</summary>
    public byte[] Data { get => _data; set => _data = value ?? []; }

    /// <summary>Checks that the data is <c>sb_datalen</c> bytes, as libslirp reads it.</summary>
    /// <exception cref="MigrationFormatException">It is not.</exception>
    public void Validate() => QemuVirtioPciTransport.Require(_data.Length == _size, Fields.Data, _data.Length, (int)Math.Min(_size, int.MaxValue));

    /// <summary>Visits the buffer inside an opened structure.</summary>
    /// <typeparam name="TVisitor">The visitor.</typeparam>
    /// <param name="v">The visitor.</param>
    public void Visit<TVisitor>(ref TVisitor v)
        where TVisitor : IStateVisitor, allows ref struct
    {
        v.Field(Fields.Count, ref _count);
        _size = v.Direction == VisitDirection.Save ? (uint)_data.Length : _size;
        v.Field(Fields.Size, ref _size);
        v.Field(Fields.WriteOffset, ref _writeOffset);
        v.Field(Fields.ReadOffset, ref _readOffset);
        if (_size > MaxData)
        {
            throw new MigrationFormatException(MigrationErrorKind.LimitExceeded, $"sb_datalen is {_size}: more than {MaxData}.", -1, Fields.Size.Path);
        }

        Array.Resize(ref _data, (int)_size);
        v.Field(Fields.Data, ref _data);
    }

    /// <summary>The buffer's field specs (one set, visited under <c>so_rcv</c> and <c>so_snd</c>).</summary>
    public static class Fields
    {
        private static readonly FieldSet Buffer = new("slirp-sbuf");

        /// <summary><c>sb_cc</c>.</summary>
        public static readonly FieldSpec<uint> Count = Buffer.UInt32("sb_cc", 0);

        /// <summary><c>sb_datalen</c>.</summary>
        public static readonly FieldSpec<uint> Size = Buffer.UInt32("sb_datalen", 1);

        /// <summary><c>woff</c>.</summary>
        public static readonly FieldSpec<uint> WriteOffset = Buffer.UInt32("woff", 2, description: "sb_wptr - sb_data");

        /// <summary><c>roff</c>.</summary>
        public static readonly FieldSpec<uint> ReadOffset = Buffer.UInt32("roff", 3, description: "sb_rptr - sb_data");

        /// <summary><c>sb_data</c>.</summary>
        public static readonly FieldSpec<byte[]> Data = Buffer.Bytes(
            "sb_data", 4, MaxData, description: "sb_datalen bytes", legacyFraming: LegacyFraming.Implied);
    }
}
