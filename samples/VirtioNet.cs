using System;
using System.Collections.Generic;
using System.Linq;
using MigrationFormat.Visitors;

namespace MigrationFormat.Samples;

/// <summary>
/// A virtio-style network device. Version 1 has the feature bits, status, MAC, name, VLAN filter and a list of
/// queues; version 2 adds the skippable receive counter; version 3 adds the must-parse MTU and the optional RSS
/// group (a hash key and an indirection table).
/// </summary>
/// <remarks>
/// Its configuration (docs/catalog.md) changes its state layout: <c>rx-filter-size</c> (0, 16, 32 or 64 entries)
/// adds a receive MAC filter table of that many 6-byte entries from version 2 on, and <c>rss=off</c> takes the RSS
/// group away. Version 1 fixes <c>rx-filter-size=0</c> and <c>rss=off</c>, version 2 <c>rss=off</c>, version 3
/// <c>rss=on</c>; <c>queue-size</c> and <c>ifname</c> set the reset state and leave the layout alone.
/// </remarks>
public sealed class VirtioNet : IDeviceState
{
    /// <summary>The number of entries of the VLAN filter.</summary>
    public const int VlanFilterWords = 8;

    /// <summary>The number of entries of the RSS indirection table.</summary>
    public const int IndirectionTableSize = 16;

    /// <summary>The largest number of queues.</summary>
    public const int MaxQueues = 64;

    /// <summary>The bytes of one receive filter entry (a MAC address).</summary>
    public const int RxFilterEntrySize = 6;

    /// <summary>The device type: section id <c>virtio-net</c>, versions 1 to 3, with its parameters and the values each version implies.</summary>
    public static readonly DeviceType DeviceType = new(
        "virtio-net",
        "urn:migfmt:sample:virtio-net",
        currentVersion: 3,
        minimumVersion: 1,
        configuration => new VirtioNet(configuration),
        new DeviceParameterSet(
            [Parameters.RxFilterSize, Parameters.Rss, Parameters.QueueSize, Parameters.InterfaceName],
            new Dictionary<int, string>
            {
                [1] = "rx-filter-size=0,rss=off",
                [2] = "rss=off",
                [3] = "rss=on",
            }),
        "Virtio network device");

    private readonly byte[] _rxFilter;
    private readonly bool _rss;

    private ulong _features;
    private byte _status;
    private string _name = string.Empty;
    private ulong _rxPackets;
    private ushort _mtu = 1500;
    private bool _rssEnabled;
    private byte[] _rssKey = [];

    /// <summary>Creates a device running as <paramref name="version"/> in the configuration the version implies, with reset values.</summary>
    /// <param name="version">The device version.</param>
    public VirtioNet(int version = 3)
        : this(DeviceType.DefaultConfiguration(version))
    {
    }

    /// <summary>Creates a device with an effective configuration, with reset values.</summary>
    /// <param name="configuration">The configuration, resolved by <see cref="DeviceType"/> (or another type of this model).</param>
    public VirtioNet(DeviceConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Configuration = configuration;
        Version = configuration.Version;
        _rxFilter = new byte[RxFilterEntrySize * (int)configuration.Get(Parameters.RxFilterSize)];
        _rss = configuration.Get(Parameters.Rss);
        _name = configuration.Get(Parameters.InterfaceName);
        QueueSize = (ushort)configuration.Get(Parameters.QueueSize);
    }

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <inheritdoc/>
    public DeviceConfiguration Configuration { get; }

    /// <summary>Gets the size of a queue this device creates, from the <c>queue-size</c> parameter.</summary>
    public ushort QueueSize { get; }

    /// <summary>Gets the receive MAC filter table (<c>rx-filter-size</c> entries of 6 bytes; empty when 0), changed in place.</summary>
    public byte[] RxFilter => _rxFilter;

    /// <summary>Gets or sets the negotiated feature bits.</summary>
    public ulong Features { get => _features; set => _features = value; }

    /// <summary>Gets or sets the device status byte.</summary>
    public byte Status { get => _status; set => _status = value; }

    /// <summary>Gets the MAC address (6 bytes), changed in place.</summary>
    public byte[] Mac { get; } = new byte[6];

    /// <summary>Gets or sets the interface name.</summary>
    public string Name { get => _name; set => _name = value; }

    /// <summary>Gets the VLAN filter bitmap, changed in place.</summary>
    public uint[] VlanFilter { get; } = new uint[VlanFilterWords];

    /// <summary>Gets the queues.</summary>
    public List<VirtqueueState> Queues { get; } = [];

    /// <summary>Gets or sets the number of received packets (v2, skippable).</summary>
    public ulong RxPackets { get => _rxPackets; set => _rxPackets = value; }

    /// <summary>Gets or sets the MTU (v3, must-parse).</summary>
    public ushort Mtu { get => _mtu; set => _mtu = value; }

    /// <summary>Gets or sets a value indicating whether RSS is enabled (v3, optional group).</summary>
    public bool RssEnabled { get => _rssEnabled; set => _rssEnabled = value; }

    /// <summary>Gets or sets the RSS hash key (v3, inside the optional group).</summary>
    public byte[] RssKey { get => _rssKey; set => _rssKey = value; }

    /// <summary>Gets the RSS indirection table (v3, inside the optional group), changed in place.</summary>
    public ushort[] IndirectionTable { get; } = new ushort[IndirectionTableSize];

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.Features, ref _features);
        visitor.Field(Fields.Status, ref _status);
        visitor.Field(Fields.Mac, Mac.AsSpan());
        visitor.Field(Fields.Name, ref _name);
        visitor.Field(Fields.VlanFilter, VlanFilter.AsSpan());
        int count = visitor.BeginList(Fields.Queues, Queues.Count);
        if (count >= 0)
        {
            // Saving passes the current count back, so the resize changes nothing then.
            Resize(count);
            for (int i = 0; i < count; i++)
            {
                visitor.BeginElement();
                Queues[i].Visit(ref visitor);
                visitor.EndElement();
            }

            visitor.EndList();
        }

        visitor.Field(Fields.RxPackets, ref _rxPackets);
        visitor.Field(Fields.Mtu, ref _mtu);

        // The configuration decides the layout: without RSS the group does not exist (not merely absent), and the
        // filter table is there, in its configured size, only when it has entries.
        if (_rss && visitor.BeginOptional(Fields.Rss, needed: _rssEnabled).Track(ref _rssEnabled))
        {
            visitor.Field(Fields.RssKey, ref _rssKey);
            visitor.Field(Fields.IndirectionTable, IndirectionTable.AsSpan());
            visitor.EndOptional();
        }

        if (_rxFilter.Length > 0)
        {
            visitor.Field(Fields.RxFilter(_rxFilter.Length / RxFilterEntrySize), _rxFilter.AsSpan());
        }
    }

    private void Resize(int count)
    {
        if (Queues.Count > count)
        {
            Queues.RemoveRange(count, Queues.Count - count);
        }

        while (Queues.Count < count)
        {
            Queues.Add(new VirtqueueState { Size = QueueSize });
        }
    }

    /// <summary>The device's field specs.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("virtio-net");

        /// <summary>Feature bits.</summary>
        public static readonly FieldSpec<ulong> Features = Root.UInt64("features", 0, description: "Negotiated feature bits");

        /// <summary>Status.</summary>
        public static readonly FieldSpec<byte> Status = Root.UInt8("status", 1);

        /// <summary>MAC address.</summary>
        public static readonly ArrayFieldSpec<byte> Mac = Root.FixedBytes("mac", 2, 6);

        /// <summary>Interface name.</summary>
        public static readonly FieldSpec<string> Name = Root.String("name", 3, maxLength: 64);

        /// <summary>VLAN filter.</summary>
        public static readonly ArrayFieldSpec<uint> VlanFilter = Root.Array<uint>("vlan_filter", 4, VlanFilterWords);

        /// <summary>Queues.</summary>
        public static readonly ListSpec Queues = Root.List("queues", 5, maxCount: MaxQueues);

        /// <summary>Received packets: statistics, safe to lose.</summary>
        public static readonly FieldSpec<ulong> RxPackets = Root.UInt64("rx_packets", 6, skippable: true, since: 2);

        /// <summary>MTU.</summary>
        public static readonly FieldSpec<ushort> Mtu = Root.UInt16("mtu", 7, since: 3);

        /// <summary>RSS group.</summary>
        public static readonly OptionalSpec Rss = Root.Optional("rss", 8, since: 3, description: "Sent while RSS is enabled");

        /// <summary>RSS hash key.</summary>
        public static readonly FieldSpec<byte[]> RssKey = Rss.Members.Bytes("key", 0, maxLength: 52, since: 3);

        /// <summary>RSS indirection table.</summary>
        public static readonly ArrayFieldSpec<ushort> IndirectionTable = Rss.Members.Array<ushort>("indirection_table", 1, IndirectionTableSize, since: 3);

        // One declaration per size the rx-filter-size parameter allows: the same field, sized by the configuration.
        private static readonly ArrayFieldSpec<byte>[] RxFilterTables =
        [
            .. new[] { 16, 32, 64 }.Select(entries => Root.FixedBytes(
                "rx_filter",
                9,
                entries * RxFilterEntrySize,
                since: 2,
                description: "Receive MAC filter table: rx-filter-size entries of 6 bytes")),
        ];

        /// <summary>Gets the receive filter table of <paramref name="entries"/> entries.</summary>
        /// <param name="entries">A value of <see cref="Parameters.RxFilterSize"/> other than 0.</param>
        /// <returns>The field.</returns>
        public static ArrayFieldSpec<byte> RxFilter(int entries) =>
            Array.Find(RxFilterTables, table => table.Length == entries * RxFilterEntrySize)
                ?? throw new ArgumentOutOfRangeException(nameof(entries), entries, "The filter table has 16, 32 or 64 entries.");
    }

    /// <summary>The device's configuration parameters.</summary>
    public static class Parameters
    {
        /// <summary>Entries of the receive MAC filter table, 0 for none: changes the layout.</summary>
        public static readonly DeviceParameter<long> RxFilterSize = DeviceParameter.Integer(
            "rx-filter-size", [0, 16, 32, 64], 0, "Entries of the receive MAC filter table (0: none)", changesLayout: true);

        /// <summary>Receive-side scaling: without it the RSS group does not exist; changes the layout.</summary>
        public static readonly DeviceParameter<bool> Rss = DeviceParameter.Bool("rss", true, "Receive-side scaling (the RSS group)", changesLayout: true);

        /// <summary>The size of each queue the device creates.</summary>
        public static readonly DeviceParameter<long> QueueSize = DeviceParameter.Integer("queue-size", 64, 1024, 256, "Descriptors per queue");

        /// <summary>The interface name of a reset device.</summary>
        public static readonly DeviceParameter<string> InterfaceName = DeviceParameter.String("ifname", string.Empty, maxLength: 15, "Interface name at reset");
    }
}

/// <summary>One virtqueue of a <see cref="VirtioNet"/>.</summary>
public sealed class VirtqueueState
{
    private ulong _descAddr;
    private ulong _availAddr;
    private ulong _usedAddr;
    private ushort _size = 256;
    private ushort _lastAvailIdx;
    private ushort _usedIdx;

    /// <summary>Gets or sets the descriptor table address.</summary>
    public ulong DescAddr { get => _descAddr; set => _descAddr = value; }

    /// <summary>Gets or sets the available ring address.</summary>
    public ulong AvailAddr { get => _availAddr; set => _availAddr = value; }

    /// <summary>Gets or sets the used ring address.</summary>
    public ulong UsedAddr { get => _usedAddr; set => _usedAddr = value; }

    /// <summary>Gets or sets the size in descriptors.</summary>
    public ushort Size { get => _size; set => _size = value; }

    /// <summary>Gets or sets the last available index seen.</summary>
    public ushort LastAvailIdx { get => _lastAvailIdx; set => _lastAvailIdx = value; }

    /// <summary>Gets or sets the used index.</summary>
    public ushort UsedIdx { get => _usedIdx; set => _usedIdx = value; }

    /// <summary>Visits the queue's fields inside a list element.</summary>
    /// <typeparam name="TVisitor">The visitor.</typeparam>
    /// <param name="visitor">The visitor.</param>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.DescAddr, ref _descAddr);
        visitor.Field(Fields.AvailAddr, ref _availAddr);
        visitor.Field(Fields.UsedAddr, ref _usedAddr);
        visitor.Field(Fields.Size, ref _size);
        visitor.Field(Fields.LastAvailIdx, ref _lastAvailIdx);
        visitor.Field(Fields.UsedIdx, ref _usedIdx);
    }

    /// <summary>The queue's field specs.</summary>
    public static class Fields
    {
        /// <summary>Descriptor table address.</summary>
        public static readonly FieldSpec<ulong> DescAddr = VirtioNet.Fields.Queues.Members.UInt64("desc", 0);

        /// <summary>Available ring address.</summary>
        public static readonly FieldSpec<ulong> AvailAddr = VirtioNet.Fields.Queues.Members.UInt64("avail", 1);

        /// <summary>Used ring address.</summary>
        public static readonly FieldSpec<ulong> UsedAddr = VirtioNet.Fields.Queues.Members.UInt64("used", 2);

        /// <summary>Size.</summary>
        public static readonly FieldSpec<ushort> Size = VirtioNet.Fields.Queues.Members.UInt16("size", 3);

        /// <summary>Last available index.</summary>
        public static readonly FieldSpec<ushort> LastAvailIdx = VirtioNet.Fields.Queues.Members.UInt16("last_avail_idx", 4);

        /// <summary>Used index.</summary>
        public static readonly FieldSpec<ushort> UsedIdx = VirtioNet.Fields.Queues.Members.UInt16("used_idx", 5);
    }
}
