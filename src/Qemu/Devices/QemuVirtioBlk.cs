using System;
using System.Collections.Generic;
using MigrationFormat.Visitors;

namespace MigrationFormat.Qemu.Devices;

/// <summary>
/// A virtio-blk device on virtio-pci as QEMU 7.2 to 10.0 saves it (section vmsd <c>virtio-blk</c>, version 2): the virtio
/// core around the device's hand-written part, <c>virtio_blk_save_device</c> (<c>hw/block/virtio-blk.c</c>): the requests
/// waiting to be restarted, each after the byte 1, the list ended by 0.
/// </summary>
/// <remarks>
/// Each request is its queue index (when the device has more than one queue, which the number of queues in use tells) and
/// QEMU's <c>VirtQueueElementOld</c>, which QEMU writes as the source host lays the C structure out (little-endian on
/// x86-64). A request saved from a packed ring (<c>packed=on</c>) carries a further be32 that QEMU decides from a host
/// feature the stream states only later; such a section does not load.
/// </remarks>
public sealed class QemuVirtioBlk : IDeviceState, ILegacyListCounter, IStateHooks
{
    /// <summary>The device type: vmsd <c>virtio-blk</c>, version 2.</summary>
    public static readonly DeviceType DeviceType = new(
        "virtio-blk", "urn:migfmt:qemu:virtio-blk", currentVersion: 2, minimumVersion: 2, _ => new QemuVirtioBlk(),
        "QEMU virtio-blk on virtio-pci (vmsd virtio-blk v2)");

    /// <summary>The size of <c>VirtQueueElementOld</c> on x86-64: three 32-bit counts, padding, 1024 addresses each way, 1024 iovecs each way.</summary>
    public const int ElementSize = 16 + (1024 * 8 * 2) + (1024 * 16 * 2);

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version => 2;

    /// <summary>Gets the virtio core and transport state.</summary>
    public QemuVirtioCore Core { get; } = new();

    /// <summary>Gets the requests waiting to be restarted.</summary>
    public List<QemuVirtioBlkRequest> Requests { get; } = [];

    /// <summary>Gets a value indicating whether each request names its queue: the device has more than one queue.</summary>
    public bool MultiQueue => Core.Queues.Count > 1;

    /// <inheritdoc/>
    public void PreSave()
    {
    }

    /// <inheritdoc/>
    public void PreLoad()
    {
    }

    /// <inheritdoc/>
    /// <exception cref="MigrationFormatException">A transport length does not follow from the config space (a BER load carries its own).</exception>
    public void PostLoad(int sourceVersion) => Core.Transport.Validate();

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor v)
        where TVisitor : IStateVisitor, allows ref struct
    {
        Core.VisitHead(ref v);
        if (v.BeginStruct(Fields.Device))
        {
            bool describing = v.Direction == VisitDirection.Describe;
            int count = v.BeginList(Fields.Requests, Requests.Count);
            if (count >= 0)
            {
                QemuLists.Resize(Requests, count);
                for (int i = 0; i < count; i++)
                {
                    QemuVirtioBlkRequest request = Requests[i];
                    v.BeginElement();
                    if (MultiQueue || describing)
                    {
                        v.Field(Fields.QueueIndex, ref request.QueueIndexField);
                    }

                    v.Field(Fields.Element, request.Element.AsSpan());
                    v.EndElement();
                }

                v.EndList();
            }

            v.EndStruct();
        }

        Core.VisitTail(ref v);
    }

    /// <inheritdoc/>
    public int CountLegacyElements(ListSpec list, ReadOnlySpan<byte> data, int streamVersion)
    {
        int size = 1 + (MultiQueue ? 4 : 0) + ElementSize;
        int count = 0;
        while (data.Length > 0 && data[0] == 1)
        {
            if (data.Length < size)
            {
                return -1;
            }

            data = data.Slice(size);
            count++;
        }

        return data.Length > 0 && data[0] == 0 ? count : -1;
    }

    /// <summary>The device part's field specs.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("virtio-blk");

        /// <summary>The device's own part.</summary>
        public static readonly StructSpec Device = Root.Struct("virtio-blk-device", QemuVirtioCore.Fields.DevicePartTag, description: "virtio_blk_save_device");

        /// <summary>The requests waiting to be restarted.</summary>
        public static readonly ListSpec Requests = Device.Members.List(
            "rq", 0, 4096, description: "each request after the byte 1; the list ends with 0", legacyFraming: LegacyFraming.Markers(1, 0));

        /// <summary>The request's queue (multiqueue devices).</summary>
        public static readonly FieldSpec<uint> QueueIndex = Requests.Members.UInt32("vq_index", 0, description: "only when num_queues > 1");

        /// <summary>The request's queue element.</summary>
        public static readonly ArrayFieldSpec<byte> Element = Requests.Members.FixedBytes(
            "elem", 1, ElementSize,
            description: "VirtQueueElementOld as the source host lays it out: index, out_num, in_num, in_addr, out_addr, in_sg, out_sg");
    }
}

/// <summary>A virtio-blk request waiting to be restarted.</summary>
public sealed class QemuVirtioBlkRequest
{
    internal uint QueueIndexField;

    /// <summary>Gets or sets the index of the request's queue.</summary>
    public uint QueueIndex { get => QueueIndexField; set => QueueIndexField = value; }

    /// <summary>Gets the queue element (<see cref="QemuVirtioBlk.ElementSize"/> bytes), changed in place.</summary>
    public byte[] Element { get; } = new byte[QemuVirtioBlk.ElementSize];
}
