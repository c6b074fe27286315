using System;
using System.Collections.Generic;
using MigrationFormat.Visitors;

namespace MigrationFormat.Qemu.Devices;

/// <summary>
/// A virtio-net device on virtio-pci as QEMU 7.2 to 10.0 saves it (section vmsd <c>virtio-net</c>, version 11): the virtio
/// core (<see cref="QemuVirtioCore"/>) around the device's own part, vmsd <c>virtio-net-device</c> version 11
/// (<c>hw/net/virtio-net.c</c>).
/// </summary>
/// <remarks>
/// What the device part's layout depends on is read from state saved before it, as QEMU's device knows it: the number of
/// queue pairs from the number of queues in use (two per pair and the control queue), the MAC table's length from
/// <c>mac_table.in_use</c>, the guest offloads from the low guest features. QEMU 10.0's vhost-user back-end subsection
/// (<c>virtio-net-device/backend</c>) is not modelled: a section that has it does not load.
/// </remarks>
public sealed class QemuVirtioNet : IDeviceState, IStateHooks
{
    /// <summary>The device type: vmsd <c>virtio-net</c>, version 11.</summary>
    public static readonly DeviceType DeviceType = new(
        "virtio-net", "urn:migfmt:qemu:virtio-net", currentVersion: 11, minimumVersion: 11, _ => new QemuVirtioNet(),
        "QEMU virtio-net on virtio-pci (vmsd virtio-net v11)");

    private const int MacTableEntries = 64;
    private const int MaxMacTableBytes = 1 << 20;
    private const int GuestOffloadsFeature = 2;

    private readonly byte[] _mac = new byte[6];
    private readonly byte[] _vlans = new byte[512];
    private readonly byte[] _rssKey = new byte[40];
    private uint _txWaiting;
    private uint _mergeableRxBufs;
    private ushort _status;
    private byte _promisc;
    private byte _allmulti;
    private uint _macTableInUse;
    private byte[] _macTable = [];
    private uint _hasVnetHeader;
    private byte _multiOverflow;
    private byte _uniOverflow;
    private byte _alluni;
    private byte _nomulti;
    private byte _nouni;
    private byte _nobcast;
    private byte _hasUfo;
    private ushort _maxQueuePairs = 1;
    private ushort _currQueuePairs = 1;
    private ulong _currGuestOffloads;
    private bool _hasRss;
    private bool _rssEnabled;
    private bool _rssRedirect;
    private bool _rssPopulateHash;
    private uint _rssHashTypes;
    private ushort _rssIndirectionsLength;
    private ushort _rssDefaultQueue;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version => 11;

    /// <summary>Gets the virtio core and transport state.</summary>
    public QemuVirtioCore Core { get; } = new();

    /// <summary>Gets the MAC address, changed in place.</summary>
    public byte[] Mac => _mac;

    /// <summary>Gets or sets the first queue pair's transmit-waiting flag (<c>vqs[0].tx_waiting</c>).</summary>
    public uint TxWaiting { get => _txWaiting; set => _txWaiting = value; }

    /// <summary>Gets or sets whether receive buffers are mergeable (<c>mergeable_rx_bufs</c>).</summary>
    public uint MergeableRxBufs { get => _mergeableRxBufs; set => _mergeableRxBufs = value; }

    /// <summary>Gets or sets the link status (<c>status</c>).</summary>
    public ushort LinkStatus { get => _status; set => _status = value; }

    /// <summary>Gets or sets the number of MAC table entries in use (<c>mac_table.in_use</c>).</summary>
    public uint MacTableInUse { get => _macTableInUse; set => _macTableInUse = value; }

    /// <summary>Gets or sets the MAC table's entries, 6 bytes each (<c>mac_table.macs</c>).</summary>
    public byte[] MacTable { get => _macTable; set => _macTable = value ?? []; }

    /// <summary>Gets the VLAN filter bitmap (<c>vlans</c>), changed in place.</summary>
    public byte[] Vlans => _vlans;

    /// <summary>Gets the transmit-waiting flags of queue pairs 1 and up (<c>vqs_1</c>).</summary>
    public List<QemuVirtioNetQueuePair> MoreQueuePairs { get; } = [];

    /// <summary>Gets or sets the current guest offloads (saved when the guest negotiated <c>VIRTIO_NET_F_CTRL_GUEST_OFFLOADS</c>).</summary>
    public ulong CurrGuestOffloads { get => _currGuestOffloads; set => _currGuestOffloads = value; }

    /// <summary>
    /// Gets or sets the number of queue pairs as saved (<c>max_queue_pairs</c>, a multiqueue device's; QEMU refuses a value that is
    /// not its own, <see cref="MaxQueuePairs"/>).
    /// </summary>
    public ushort SavedMaxQueuePairs { get => _maxQueuePairs; set => _maxQueuePairs = value; }

    /// <summary>Gets or sets the number of queue pairs in use (<c>curr_queue_pairs</c>, saved for a multiqueue device).</summary>
    public ushort CurrQueuePairs { get => _currQueuePairs; set => _currQueuePairs = value; }

    /// <summary>Gets or sets whether the RSS subsection (<c>virtio-net-device/rss</c>) is sent.</summary>
    public bool HasRss { get => _hasRss; set => _hasRss = value; }

    /// <summary>Gets the RSS key (40 bytes), changed in place.</summary>
    public byte[] RssKey => _rssKey;

    /// <summary>Gets the RSS indirection table (<c>rss_data.indirections_table</c>).</summary>
    public List<QemuVirtioNetIndirection> RssIndirections { get; } = [];

    /// <summary>Gets the number of queue pairs the device has: its queues in use are two per pair and the control queue.</summary>
    public int MaxQueuePairs => Math.Max((Core.Queues.Count - 1) / 2, 1);

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor v)
        where TVisitor : IStateVisitor, allows ref struct
    {
        Core.VisitHead(ref v);
        if (v.BeginStruct(Fields.Device))
        {
            VisitDevice(ref v);
            v.EndStruct();
        }

        Core.VisitTail(ref v);
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
    /// <exception cref="MigrationFormatException">A length does not follow from the state before it (a BER load carries its own).</exception>
    public void PostLoad(int sourceVersion)
    {
        Core.Transport.Validate();
        long macBytes = _macTableInUse * 6L;
        QemuVirtioPciTransport.Require(_macTable.Length == macBytes, Fields.MacTable, _macTable.Length, (int)Math.Min(macBytes, int.MaxValue));
        int more = Math.Max(_currQueuePairs - 1, 0);
        QemuVirtioPciTransport.Require(MoreQueuePairs.Count == more, Fields.MoreQueuePairs, MoreQueuePairs.Count, more);
        QemuVirtioPciTransport.Require(
            !_hasRss || RssIndirections.Count == _rssIndirectionsLength, Fields.RssIndirectionsTable, RssIndirections.Count, _rssIndirectionsLength);
    }

    private void VisitDevice<TVisitor>(ref TVisitor v)
        where TVisitor : IStateVisitor, allows ref struct
    {
        bool describing = v.Direction == VisitDirection.Describe;
        v.Field(Fields.Mac, _mac.AsSpan());
        v.Field(Fields.TxWaiting, ref _txWaiting);
        v.Field(Fields.MergeableRxBufs, ref _mergeableRxBufs);
        v.Field(Fields.Status, ref _status);
        v.Field(Fields.Promisc, ref _promisc);
        v.Field(Fields.Allmulti, ref _allmulti);
        v.Field(Fields.MacTableInUse, ref _macTableInUse);

        // QEMU loads the entries when they fit its table and skips them otherwise: the same bytes either way.
        long macBytes = (long)_macTableInUse * 6;
        if (macBytes > MaxMacTableBytes)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.LimitExceeded, $"mac_table.in_use is {_macTableInUse}: more than {MaxMacTableBytes / 6} entries.", -1,
                Fields.MacTableInUse.Path);
        }

        Array.Resize(ref _macTable, (int)macBytes);
        v.Field(_macTableInUse <= MacTableEntries ? Fields.MacTable : Fields.MacTableNotFitting, ref _macTable);
        if (describing)
        {
            v.Field(Fields.MacTableNotFitting, ref _macTable);
        }

        v.Field(Fields.Vlans, _vlans.AsSpan());
        v.Field(Fields.HasVnetHeader, ref _hasVnetHeader);
        v.Field(Fields.MultiOverflow, ref _multiOverflow);
        v.Field(Fields.UniOverflow, ref _uniOverflow);
        v.Field(Fields.Alluni, ref _alluni);
        v.Field(Fields.Nomulti, ref _nomulti);
        v.Field(Fields.Nouni, ref _nouni);
        v.Field(Fields.Nobcast, ref _nobcast);
        v.Field(Fields.HasUfo, ref _hasUfo);
        if (MaxQueuePairs > 1 || describing)
        {
            v.Field(Fields.MaxQueuePairs, ref _maxQueuePairs);
            v.Field(Fields.CurrQueuePairs, ref _currQueuePairs);
        }

        int more = v.BeginList(Fields.MoreQueuePairs, Math.Max(_currQueuePairs - 1, 0));
        if (more >= 0)
        {
            QemuLists.Resize(MoreQueuePairs, more);
            for (int i = 0; i < more; i++)
            {
                v.BeginElement();
                v.Field(Fields.MoreTxWaiting, ref MoreQueuePairs[i].TxWaitingField);
                v.EndElement();
            }

            v.EndList();
        }

        if ((Core.GuestFeaturesLow & (1u << GuestOffloadsFeature)) != 0 || describing)
        {
            v.Field(Fields.CurrGuestOffloads, ref _currGuestOffloads);
        }

        if (v.BeginOptional(Fields.Rss, _hasRss).Track(ref _hasRss))
        {
            v.Field(Fields.RssEnabled, ref _rssEnabled);
            v.Field(Fields.RssRedirect, ref _rssRedirect);
            v.Field(Fields.RssPopulateHash, ref _rssPopulateHash);
            v.Field(Fields.RssHashTypes, ref _rssHashTypes);
            v.Field(Fields.RssIndirectionsLength, ref _rssIndirectionsLength);
            v.Field(Fields.RssDefaultQueue, ref _rssDefaultQueue);
            v.Field(Fields.RssKey, _rssKey.AsSpan());
            int entries = v.BeginList(Fields.RssIndirectionsTable, _rssIndirectionsLength);
            if (entries >= 0)
            {
                QemuLists.Resize(RssIndirections, entries);
                for (int i = 0; i < entries; i++)
                {
                    v.BeginElement();
                    v.Field(Fields.RssIndirectionQueue, ref RssIndirections[i].QueueField);
                    v.EndElement();
                }

                v.EndList();
            }

            v.EndOptional();
        }
    }

    /// <summary>The device part's field specs (vmsd <c>virtio-net-device</c> v11), in QEMU's order.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("virtio-net");

        /// <summary>The device's own part.</summary>
        public static readonly StructSpec Device = Root.Struct(
            "virtio-net-device", QemuVirtioCore.Fields.DevicePartTag, description: "vmsd virtio-net-device v11");

        /// <summary><c>mac</c>.</summary>
        public static readonly ArrayFieldSpec<byte> Mac = Device.Members.FixedBytes("mac", 0, 6);

        /// <summary><c>vqs[0].tx_waiting</c>.</summary>
        public static readonly FieldSpec<uint> TxWaiting = Device.Members.UInt32(
            "vqs.tx_waiting", 1, description: "vmsd virtio-net-queue-tx_waiting of the first queue pair");

        /// <summary><c>mergeable_rx_bufs</c>.</summary>
        public static readonly FieldSpec<uint> MergeableRxBufs = Device.Members.UInt32("mergeable_rx_bufs", 2);

        /// <summary><c>status</c>.</summary>
        public static readonly FieldSpec<ushort> Status = Device.Members.UInt16("status", 3);

        /// <summary><c>promisc</c>.</summary>
        public static readonly FieldSpec<byte> Promisc = Device.Members.UInt8("promisc", 4);

        /// <summary><c>allmulti</c>.</summary>
        public static readonly FieldSpec<byte> Allmulti = Device.Members.UInt8("allmulti", 5);

        /// <summary><c>mac_table.in_use</c>.</summary>
        public static readonly FieldSpec<uint> MacTableInUse = Device.Members.UInt32("mac_table.in_use", 6);

        /// <summary><c>mac_table.macs</c>: <c>in_use</c> entries of 6 bytes, when they fit the table.</summary>
        public static readonly FieldSpec<byte[]> MacTable = Device.Members.Bytes(
            "mac_table.macs", 7, MaxMacTableBytes, description: "6 bytes per entry in use", legacyFraming: LegacyFraming.Implied);

        /// <summary>The entries of a table larger than the device's, which QEMU skips (<c>VMSTATE_UNUSED_VARRAY_UINT32</c>).</summary>
        public static readonly FieldSpec<byte[]> MacTableNotFitting = Device.Members.Bytes(
            "mac_table.unused", 8, MaxMacTableBytes, description: "more than 64 entries: skipped by QEMU", legacyFraming: LegacyFraming.Implied);

        /// <summary><c>vlans</c>.</summary>
        public static readonly ArrayFieldSpec<byte> Vlans = Device.Members.FixedBytes("vlans", 9, 512, description: "bitmap of 4096 VLANs");

        /// <summary><c>has_vnet_hdr</c>.</summary>
        public static readonly FieldSpec<uint> HasVnetHeader = Device.Members.UInt32("has_vnet_hdr", 10, description: "vmsd virtio-net-vnet");

        /// <summary><c>mac_table.multi_overflow</c>.</summary>
        public static readonly FieldSpec<byte> MultiOverflow = Device.Members.UInt8("mac_table.multi_overflow", 11);

        /// <summary><c>mac_table.uni_overflow</c>.</summary>
        public static readonly FieldSpec<byte> UniOverflow = Device.Members.UInt8("mac_table.uni_overflow", 12);

        /// <summary><c>alluni</c>.</summary>
        public static readonly FieldSpec<byte> Alluni = Device.Members.UInt8("alluni", 13);

        /// <summary><c>nomulti</c>.</summary>
        public static readonly FieldSpec<byte> Nomulti = Device.Members.UInt8("nomulti", 14);

        /// <summary><c>nouni</c>.</summary>
        public static readonly FieldSpec<byte> Nouni = Device.Members.UInt8("nouni", 15);

        /// <summary><c>nobcast</c>.</summary>
        public static readonly FieldSpec<byte> Nobcast = Device.Members.UInt8("nobcast", 16);

        /// <summary><c>has_ufo</c>.</summary>
        public static readonly FieldSpec<byte> HasUfo = Device.Members.UInt8("has_ufo", 17, description: "vmsd virtio-net-ufo");

        /// <summary><c>max_queue_pairs</c> (multiqueue devices).</summary>
        public static readonly FieldSpec<ushort> MaxQueuePairs = Device.Members.UInt16(
            "max_queue_pairs", 18, description: "uint16 equal; only when max_queue_pairs > 1");

        /// <summary><c>curr_queue_pairs</c> (multiqueue devices).</summary>
        public static readonly FieldSpec<ushort> CurrQueuePairs = Device.Members.UInt16("curr_queue_pairs", 19, description: "only when max_queue_pairs > 1");

        /// <summary>The transmit-waiting flags of queue pairs 1 to <c>curr_queue_pairs</c> - 1.</summary>
        public static readonly ListSpec MoreQueuePairs = Device.Members.List(
            "vqs_1", 20, ushort.MaxValue, description: "vmsd virtio-net-tx_waiting: curr_queue_pairs - 1 entries", legacyFraming: LegacyFraming.Implied);

        /// <summary><c>tx_waiting</c>.</summary>
        public static readonly FieldSpec<uint> MoreTxWaiting = MoreQueuePairs.Members.UInt32("tx_waiting", 0);

        /// <summary><c>curr_guest_offloads</c>.</summary>
        public static readonly FieldSpec<ulong> CurrGuestOffloads = Device.Members.UInt64(
            "curr_guest_offloads", 21, description: "only with VIRTIO_NET_F_CTRL_GUEST_OFFLOADS");

        /// <summary>Subsection <c>virtio-net-device/rss</c>.</summary>
        public static readonly OptionalSpec Rss = Device.Members.Optional("virtio-net-device/rss", 22);

        /// <summary><c>rss_data.enabled</c>.</summary>
        public static readonly FieldSpec<bool> RssEnabled = Rss.Members.Bool("rss_data.enabled", 0);

        /// <summary><c>rss_data.redirect</c>.</summary>
        public static readonly FieldSpec<bool> RssRedirect = Rss.Members.Bool("rss_data.redirect", 1);

        /// <summary><c>rss_data.populate_hash</c>.</summary>
        public static readonly FieldSpec<bool> RssPopulateHash = Rss.Members.Bool("rss_data.populate_hash", 2);

        /// <summary><c>rss_data.hash_types</c>.</summary>
        public static readonly FieldSpec<uint> RssHashTypes = Rss.Members.UInt32("rss_data.hash_types", 3);

        /// <summary><c>rss_data.indirections_len</c>.</summary>
        public static readonly FieldSpec<ushort> RssIndirectionsLength = Rss.Members.UInt16("rss_data.indirections_len", 4);

        /// <summary><c>rss_data.default_queue</c>.</summary>
        public static readonly FieldSpec<ushort> RssDefaultQueue = Rss.Members.UInt16("rss_data.default_queue", 5);

        /// <summary><c>rss_data.key</c>.</summary>
        public static readonly ArrayFieldSpec<byte> RssKey = Rss.Members.FixedBytes("rss_data.key", 6, 40);

        /// <summary><c>rss_data.indirections_table</c>: <c>indirections_len</c> entries.</summary>
        public static readonly ListSpec RssIndirectionsTable = Rss.Members.List(
            "rss_data.indirections_table", 7, ushort.MaxValue, legacyFraming: LegacyFraming.Implied);

        /// <summary>One entry: a queue index.</summary>
        public static readonly FieldSpec<ushort> RssIndirectionQueue = RssIndirectionsTable.Members.UInt16("queue", 0);
    }
}

/// <summary>A queue pair after the first, as vmsd <c>virtio-net-queue-tx_waiting</c> saves it.</summary>
public sealed class QemuVirtioNetQueuePair
{
    internal uint TxWaitingField;

    /// <summary>Gets or sets the transmit-waiting flag.</summary>
    public uint TxWaiting { get => TxWaitingField; set => TxWaitingField = value; }
}

/// <summary>One entry of the RSS indirection table.</summary>
public sealed class QemuVirtioNetIndirection
{
    internal ushort QueueField;

    /// <summary>Gets or sets the queue the entry sends to.</summary>
    public ushort Queue { get => QueueField; set => QueueField = value; }
}
