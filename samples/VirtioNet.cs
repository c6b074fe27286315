using System;
using System.Collections.Generic;
using MigrationFormat.Visitors;

namespace MigrationFormat.Samples;

/// <summary>
/// A virtio-style network device. Version 1 has the feature bits, status, MAC, name, VLAN filter and a list of
/// queues; version 2 adds the skippable receive counter; version 3 adds the must-parse MTU and the optional RSS
/// group (a hash key and an indirection table).
/// </summary>
public sealed class VirtioNet : IDeviceState
{
    /// <summary>The number of entries of the VLAN filter.</summary>
    public const int VlanFilterWords = 8;

    /// <summary>The number of entries of the RSS indirection table.</summary>
    public const int IndirectionTableSize = 16;

    /// <summary>The largest number of queues.</summary>
    public const int MaxQueues = 64;

    /// <summary>The device type: section id <c>virtio-net</c>, versions 1 to 3.</summary>
    public static readonly DeviceType DeviceType = new("virtio-net", "urn:migfmt:sample:virtio-net", currentVersion: 3, minimumVersion: 1, version => new VirtioNet(version), "Virtio network device");

    /// <summary>Creates a device running as <paramref name="version"/>, with reset values.</summary>
    /// <param name="version">The device version.</param>
    public VirtioNet(int version = 3) => Version = version;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <summary>Gets or sets the negotiated feature bits.</summary>
    public ulong Features { get; set; }

    /// <summary>Gets or sets the device status byte.</summary>
    public byte Status { get; set; }

    /// <summary>Gets the MAC address (6 bytes), changed in place.</summary>
    public byte[] Mac { get; } = new byte[6];

    /// <summary>Gets or sets the interface name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets the VLAN filter bitmap, changed in place.</summary>
    public uint[] VlanFilter { get; } = new uint[VlanFilterWords];

    /// <summary>Gets the queues.</summary>
    public List<VirtqueueState> Queues { get; } = [];

    /// <summary>Gets or sets the number of received packets (v2, skippable).</summary>
    public ulong RxPackets { get; set; }

    /// <summary>Gets or sets the MTU (v3, must-parse).</summary>
    public ushort Mtu { get; set; } = 1500;

    /// <summary>Gets or sets a value indicating whether RSS is enabled (v3, optional group).</summary>
    public bool RssEnabled { get; set; }

    /// <summary>Gets or sets the RSS hash key (v3, inside the optional group).</summary>
    public byte[] RssKey { get; set; } = [];

    /// <summary>Gets the RSS indirection table (v3, inside the optional group), changed in place.</summary>
    public ushort[] IndirectionTable { get; } = new ushort[IndirectionTableSize];

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        ulong features = Features, rx = RxPackets;
        byte status = Status;
        string name = Name;
        ushort mtu = Mtu;
        bool rss = RssEnabled;
        byte[] key = RssKey;

        visitor.Field(Fields.Features, ref features);
        visitor.Field(Fields.Status, ref status);
        visitor.Field(Fields.Mac, Mac.AsSpan());
        visitor.Field(Fields.Name, ref name);
        visitor.Field(Fields.VlanFilter, VlanFilter.AsSpan());
        int count = visitor.BeginList(Fields.Queues, Queues.Count);
        if (count >= 0)
        {
            if (visitor.Direction != VisitDirection.Save)
            {
                Resize(count);
            }

            for (int i = 0; i < count; i++)
            {
                visitor.BeginElement();
                Queues[i].Visit(ref visitor);
                visitor.EndElement();
            }

            visitor.EndList();
        }

        visitor.Field(Fields.RxPackets, ref rx);
        visitor.Field(Fields.Mtu, ref mtu);
        if (visitor.BeginOptional(Fields.Rss, needed: rss))
        {
            rss = true;
            visitor.Field(Fields.RssKey, ref key);
            visitor.Field(Fields.IndirectionTable, IndirectionTable.AsSpan());
            visitor.EndOptional();
        }
        else if (visitor.Direction == VisitDirection.Load && Version >= 3)
        {
            rss = false;
        }

        if (visitor.Direction == VisitDirection.Load)
        {
            Features = features;
            Status = status;
            Name = name;
            RxPackets = rx;
            Mtu = mtu;
            RssEnabled = rss;
            RssKey = key;
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
            Queues.Add(new VirtqueueState());
        }
    }

    /// <summary>The device's field specs.</summary>
    public static class Fields
    {
        /// <summary>Feature bits.</summary>
        public static readonly FieldSpec Features = FieldSpec.UInt64("features", 0, description: "Negotiated feature bits");

        /// <summary>Status.</summary>
        public static readonly FieldSpec Status = FieldSpec.UInt8("status", 1);

        /// <summary>MAC address.</summary>
        public static readonly FieldSpec Mac = FieldSpec.FixedBytes("mac", 2, 6);

        /// <summary>Interface name.</summary>
        public static readonly FieldSpec Name = FieldSpec.String("name", 3, maxLength: 64);

        /// <summary>VLAN filter.</summary>
        public static readonly FieldSpec VlanFilter = FieldSpec.Array("vlan_filter", 4, FieldKind.UInt32, VlanFilterWords);

        /// <summary>Queues.</summary>
        public static readonly FieldSpec Queues = FieldSpec.List("queues", 5, maxCount: MaxQueues);

        /// <summary>Received packets: statistics, safe to lose.</summary>
        public static readonly FieldSpec RxPackets = FieldSpec.UInt64("rx_packets", 6, skippable: true, since: 2);

        /// <summary>MTU.</summary>
        public static readonly FieldSpec Mtu = FieldSpec.UInt16("mtu", 7, since: 3);

        /// <summary>RSS group.</summary>
        public static readonly FieldSpec Rss = FieldSpec.Optional("rss", 8, since: 3, description: "Sent while RSS is enabled");

        /// <summary>RSS hash key.</summary>
        public static readonly FieldSpec RssKey = FieldSpec.Bytes("key", 0, maxLength: 52, since: 3);

        /// <summary>RSS indirection table.</summary>
        public static readonly FieldSpec IndirectionTable = FieldSpec.Array("indirection_table", 1, FieldKind.UInt16, IndirectionTableSize, since: 3);
    }
}

/// <summary>One virtqueue of a <see cref="VirtioNet"/>.</summary>
public sealed class VirtqueueState
{
    /// <summary>Gets or sets the descriptor table address.</summary>
    public ulong DescAddr { get; set; }

    /// <summary>Gets or sets the available ring address.</summary>
    public ulong AvailAddr { get; set; }

    /// <summary>Gets or sets the used ring address.</summary>
    public ulong UsedAddr { get; set; }

    /// <summary>Gets or sets the size in descriptors.</summary>
    public ushort Size { get; set; } = 256;

    /// <summary>Gets or sets the last available index seen.</summary>
    public ushort LastAvailIdx { get; set; }

    /// <summary>Gets or sets the used index.</summary>
    public ushort UsedIdx { get; set; }

    /// <summary>Visits the queue's fields inside a list element.</summary>
    /// <typeparam name="TVisitor">The visitor.</typeparam>
    /// <param name="visitor">The visitor.</param>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        ulong desc = DescAddr, avail = AvailAddr, used = UsedAddr;
        ushort size = Size, lastAvail = LastAvailIdx, usedIdx = UsedIdx;
        visitor.Field(Fields.DescAddr, ref desc);
        visitor.Field(Fields.AvailAddr, ref avail);
        visitor.Field(Fields.UsedAddr, ref used);
        visitor.Field(Fields.Size, ref size);
        visitor.Field(Fields.LastAvailIdx, ref lastAvail);
        visitor.Field(Fields.UsedIdx, ref usedIdx);
        if (visitor.Direction == VisitDirection.Load)
        {
            DescAddr = desc;
            AvailAddr = avail;
            UsedAddr = used;
            Size = size;
            LastAvailIdx = lastAvail;
            UsedIdx = usedIdx;
        }
    }

    /// <summary>The queue's field specs.</summary>
    public static class Fields
    {
        /// <summary>Descriptor table address.</summary>
        public static readonly FieldSpec DescAddr = FieldSpec.UInt64("desc", 0);

        /// <summary>Available ring address.</summary>
        public static readonly FieldSpec AvailAddr = FieldSpec.UInt64("avail", 1);

        /// <summary>Used ring address.</summary>
        public static readonly FieldSpec UsedAddr = FieldSpec.UInt64("used", 2);

        /// <summary>Size.</summary>
        public static readonly FieldSpec Size = FieldSpec.UInt16("size", 3);

        /// <summary>Last available index.</summary>
        public static readonly FieldSpec LastAvailIdx = FieldSpec.UInt16("last_avail_idx", 4);

        /// <summary>Used index.</summary>
        public static readonly FieldSpec UsedIdx = FieldSpec.UInt16("used_idx", 5);
    }
}
