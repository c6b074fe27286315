using System;
using System.Collections.Generic;
using MigrationFormat.Visitors;

namespace MigrationFormat.Qemu.Devices;

/// <summary>
/// The part of every virtio device's state that <c>virtio_save</c> (<c>hw/virtio/virtio.c</c>, QEMU 7.2 to 10.0) writes
/// around the device's own part: the transport's config hook, status, ISR, queue select, the low guest features, the config
/// space, the list of queues in use (each with its transport hook), and after the device's part the subsections of vmsd
/// <c>virtio</c>. A device model visits <see cref="VisitHead"/>, its own part, then <see cref="VisitTail"/>.
/// </summary>
/// <remarks>
/// <para>
/// The queue list's length is the device's: the number of leading queues with a ring (<c>vring.num</c> not 0), written
/// as a be32 count as QEMU does. The subsections that QEMU saves for all <see cref="QueueMax"/> queues are lists whose
/// length the device knows (nothing on the legacy wire).
/// </para>
/// <para>
/// QEMU decides whether to send each subsection from host features and machine-type properties that the stream does not
/// carry; the model keeps which ones it read (<see cref="IsSent"/>) and sends those, so that a load then a save gives the
/// same bytes.
/// </para>
/// </remarks>
public sealed class QemuVirtioCore
{
    /// <summary>QEMU's <c>VIRTIO_QUEUE_MAX</c>: the number of queues a virtio device has room for.</summary>
    public const int QueueMax = 1024;

    private readonly bool[] _sent = new bool[9];
    private byte _status;
    private byte _isr;
    private ushort _queueSel;
    private uint _guestFeaturesLow;
    private byte[] _config = [];
    private byte _deviceEndian = 1;
    private ulong _guestFeatures;
    private bool _broken;
    private bool _started;
    private bool _disabled;

    /// <summary>Creates the state of a device with no queue in use, sending the subsections a modern virtio-pci device sends.</summary>
    public QemuVirtioCore()
    {
        for (int i = 0; i < Slots.Length; i++)
        {
            Slots[i] = new QemuVirtQueueSlot();
        }

        _sent[(int)QemuVirtioSubsection.Virtqueues] = true;
        _sent[(int)QemuVirtioSubsection.ExtraState] = true;
    }

    /// <summary>Gets the transport's state.</summary>
    public QemuVirtioPciTransport Transport { get; } = new();

    /// <summary>Gets the queues in use: the leading queues with a ring, which the queue loop of <c>virtio_save</c> writes.</summary>
    public List<QemuVirtQueueState> Queues { get; } = [];

    /// <summary>Gets what QEMU saves for every queue slot, used or not (<see cref="QueueMax"/> of them).</summary>
    public QemuVirtQueueSlot[] Slots { get; } = new QemuVirtQueueSlot[QueueMax];

    /// <summary>Gets or sets the device status register.</summary>
    public byte Status { get => _status; set => _status = value; }

    /// <summary>Gets or sets the interrupt status register.</summary>
    public byte Isr { get => _isr; set => _isr = value; }

    /// <summary>Gets or sets the queue select register.</summary>
    public ushort QueueSel { get => _queueSel; set => _queueSel = value; }

    /// <summary>Gets or sets the low 32 bits of the guest features, as the queue loop's header saves them.</summary>
    public uint GuestFeaturesLow { get => _guestFeaturesLow; set => _guestFeaturesLow = value; }

    /// <summary>Gets or sets the device's config space (its length is QEMU's <c>config_len</c>).</summary>
    public byte[] Config { get => _config; set => _config = value ?? []; }

    /// <summary>Gets or sets the device endianness (subsection <c>virtio/device_endian</c>: 1 little, 2 big).</summary>
    public byte DeviceEndian { get => _deviceEndian; set => _deviceEndian = value; }

    /// <summary>Gets or sets all 64 bits of the guest features (subsection <c>virtio/64bit_features</c>).</summary>
    public ulong GuestFeatures { get => _guestFeatures; set => _guestFeatures = value; }

    /// <summary>Gets or sets whether the device is broken (subsection <c>virtio/broken</c>).</summary>
    public bool Broken { get => _broken; set => _broken = value; }

    /// <summary>Gets or sets whether the device was started (subsection <c>virtio/started</c>).</summary>
    public bool Started { get => _started; set => _started = value; }

    /// <summary>Gets or sets whether the device is disabled (subsection <c>virtio/disabled</c>).</summary>
    public bool Disabled { get => _disabled; set => _disabled = value; }

    /// <summary>Gets whether a subsection of vmsd <c>virtio</c> is sent.</summary>
    /// <param name="subsection">The subsection.</param>
    /// <returns><see langword="true"/> when it is sent.</returns>
    public bool IsSent(QemuVirtioSubsection subsection) => _sent[(int)subsection];

    /// <summary>Sets whether a subsection of vmsd <c>virtio</c> is sent.</summary>
    /// <param name="subsection">The subsection.</param>
    /// <param name="sent"><see langword="true"/> to send it.</param>
    public void SetSent(QemuVirtioSubsection subsection, bool sent) => _sent[(int)subsection] = sent;

    /// <summary>Visits what <c>virtio_save</c> writes before the device's own part.</summary>
    /// <typeparam name="TVisitor">The visitor.</typeparam>
    /// <param name="v">The visitor.</param>
    public void VisitHead<TVisitor>(ref TVisitor v)
        where TVisitor : IStateVisitor, allows ref struct
    {
        if (v.BeginStruct(Fields.Transport))
        {
            Transport.VisitConfig(ref v);
            v.EndStruct();
        }

        v.Field(Fields.Status, ref _status);
        v.Field(Fields.Isr, ref _isr);
        v.Field(Fields.QueueSel, ref _queueSel);
        v.Field(Fields.GuestFeaturesLow, ref _guestFeaturesLow);
        v.Field(Fields.Config, ref _config);
        int count = v.BeginList(Fields.Queues, Queues.Count);
        if (count < 0)
        {
            return;
        }

        // A load (or a rollback) brings the list to the count it read; new queues start empty, so a failed load that
        // added some leaves the old ones untouched.
        QemuLists.Resize(Queues, v.Direction == VisitDirection.Describe ? Math.Max(count, Queues.Count) : count);
        for (int i = 0; i < count; i++)
        {
            QemuVirtQueueState q = Queues[i];
            v.BeginElement();
            v.Field(Fields.QueueNum, ref q.NumField);
            v.Field(Fields.QueueDesc, ref q.DescField);
            v.Field(Fields.QueueLastAvailIdx, ref q.LastAvailIdxField);
            Transport.VisitQueue(ref v, q);
            v.EndElement();
        }

        v.EndList();
    }

    /// <summary>Visits the subsections of vmsd <c>virtio</c>, which <c>virtio_save</c> writes after the device's own part.</summary>
    /// <typeparam name="TVisitor">The visitor.</typeparam>
    /// <param name="v">The visitor.</param>
    public void VisitTail<TVisitor>(ref TVisitor v)
        where TVisitor : IStateVisitor, allows ref struct
    {
        if (Begin(ref v, Fields.DeviceEndianGroup, QemuVirtioSubsection.DeviceEndian))
        {
            v.Field(Fields.DeviceEndian, ref _deviceEndian);
            v.EndOptional();
        }

        if (Begin(ref v, Fields.Features64Group, QemuVirtioSubsection.Features64))
        {
            v.Field(Fields.GuestFeatures, ref _guestFeatures);
            v.EndOptional();
        }

        if (Begin(ref v, Fields.VirtqueuesGroup, QemuVirtioSubsection.Virtqueues))
        {
            int count = v.BeginList(Fields.Virtqueues, QueueMax);
            RequireQueueMax(count, Fields.Virtqueues, v.Direction);
            for (int i = 0; i < count; i++)
            {
                v.BeginElement();
                v.Field(Fields.VirtqueueAvail, ref Slots[i].AvailField);
                v.Field(Fields.VirtqueueUsed, ref Slots[i].UsedField);
                v.EndElement();
            }

            EndListAndGroup(ref v, count);
        }

        if (Begin(ref v, Fields.RingSizeGroup, QemuVirtioSubsection.RingSize))
        {
            int count = v.BeginList(Fields.RingSizes, QueueMax);
            RequireQueueMax(count, Fields.RingSizes, v.Direction);
            for (int i = 0; i < count; i++)
            {
                v.BeginElement();
                v.Field(Fields.RingSizeNumDefault, ref Slots[i].NumDefaultField);
                v.EndElement();
            }

            EndListAndGroup(ref v, count);
        }

        if (Begin(ref v, Fields.BrokenGroup, QemuVirtioSubsection.Broken))
        {
            v.Field(Fields.Broken, ref _broken);
            v.EndOptional();
        }

        if (Begin(ref v, Fields.ExtraState, QemuVirtioSubsection.ExtraState))
        {
            Transport.VisitExtraState(ref v, Slots);
            v.EndOptional();
        }

        if (Begin(ref v, Fields.StartedGroup, QemuVirtioSubsection.Started))
        {
            v.Field(Fields.Started, ref _started);
            v.EndOptional();
        }

        if (Begin(ref v, Fields.PackedGroup, QemuVirtioSubsection.PackedVirtqueues))
        {
            int count = v.BeginList(Fields.PackedQueues, QueueMax);
            RequireQueueMax(count, Fields.PackedQueues, v.Direction);
            for (int i = 0; i < count; i++)
            {
                QemuVirtQueueSlot q = Slots[i];
                v.BeginElement();
                v.Field(Fields.PackedLastAvailIdx, ref q.PackedLastAvailIdxField);
                v.Field(Fields.PackedLastAvailWrapCounter, ref q.PackedLastAvailWrapCounterField);
                v.Field(Fields.PackedUsedIdx, ref q.PackedUsedIdxField);
                v.Field(Fields.PackedUsedWrapCounter, ref q.PackedUsedWrapCounterField);
                v.Field(Fields.PackedInUse, ref q.PackedInUseField);
                v.EndElement();
            }

            EndListAndGroup(ref v, count);
        }

        if (Begin(ref v, Fields.DisabledGroup, QemuVirtioSubsection.Disabled))
        {
            v.Field(Fields.Disabled, ref _disabled);
            v.EndOptional();
        }
    }

    /// <summary>
    /// Checks the count of a list QEMU saves for every queue: <see cref="QueueMax"/> elements (-1 when the list is not in the
    /// version, 1 when describing).
    /// </summary>
    /// <param name="count">What <see cref="IStateVisitor.BeginList"/> returned.</param>
    /// <param name="list">The list.</param>
    /// <param name="direction">The visit's direction.</param>
    /// <exception cref="MigrationFormatException">A loaded list has another count: QEMU's layout has room for exactly <see cref="QueueMax"/>.</exception>
    public static void RequireQueueMax(int count, ListSpec list, VisitDirection direction)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (count is not -1 and not QueueMax && direction != VisitDirection.Describe)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue, $"'{list.Path}' has {count} elements; QEMU saves one for each of its {QueueMax} queues.", -1, list.Path);
        }
    }

    private static void EndListAndGroup<TVisitor>(ref TVisitor v, int count)
        where TVisitor : IStateVisitor, allows ref struct
    {
        if (count >= 0)
        {
            v.EndList();
        }

        v.EndOptional();
    }

    private bool Begin<TVisitor>(ref TVisitor v, OptionalSpec group, QemuVirtioSubsection which)
        where TVisitor : IStateVisitor, allows ref struct =>
        v.BeginOptional(group, _sent[(int)which]).Track(ref _sent[(int)which]);

    /// <summary>The field specs of the virtio core, in <c>virtio_save</c>'s order.</summary>
    public static class Fields
    {
        private static readonly FieldSet Core = new("virtio");

        /// <summary>The transport's config hook.</summary>
        public static readonly StructSpec Transport = Core.Struct("transport", 0, description: "virtio-pci's save_config hook");

        /// <summary><c>status</c>.</summary>
        public static readonly FieldSpec<byte> Status = Core.UInt8("status", 1);

        /// <summary><c>isr</c>.</summary>
        public static readonly FieldSpec<byte> Isr = Core.UInt8("isr", 2);

        /// <summary><c>queue_sel</c>.</summary>
        public static readonly FieldSpec<ushort> QueueSel = Core.UInt16("queue_sel", 3);

        /// <summary>The low 32 bits of <c>guest_features</c>.</summary>
        public static readonly FieldSpec<uint> GuestFeaturesLow = Core.UInt32("guest_features_lo", 4);

        /// <summary><c>config</c> (be32 <c>config_len</c>, then the bytes).</summary>
        public static readonly FieldSpec<byte[]> Config = Core.Bytes("config", 5, 65536, description: "be32 config_len, then the config space");

        /// <summary>The queues in use.</summary>
        public static readonly ListSpec Queues = Core.List("queues", 6, QueueMax, description: "be32 count of the leading queues with a ring, then each");

        /// <summary><c>vring.num</c>.</summary>
        public static readonly FieldSpec<uint> QueueNum = Queues.Members.UInt32("num", 0, description: "vring.num");

        /// <summary><c>vring.desc</c>.</summary>
        public static readonly FieldSpec<ulong> QueueDesc = Queues.Members.UInt64("desc", 1, description: "vring.desc");

        /// <summary><c>last_avail_idx</c>.</summary>
        public static readonly FieldSpec<ushort> QueueLastAvailIdx = Queues.Members.UInt16("last_avail_idx", 2);

        /// <summary>Subsection <c>virtio/device_endian</c>.</summary>
        public static readonly OptionalSpec DeviceEndianGroup = Core.Optional("virtio/device_endian", 8);

        /// <summary><c>device_endian</c>.</summary>
        public static readonly FieldSpec<byte> DeviceEndian = DeviceEndianGroup.Members.UInt8("device_endian", 0);

        /// <summary>Subsection <c>virtio/64bit_features</c>.</summary>
        public static readonly OptionalSpec Features64Group = Core.Optional("virtio/64bit_features", 9);

        /// <summary><c>guest_features</c>.</summary>
        public static readonly FieldSpec<ulong> GuestFeatures = Features64Group.Members.UInt64("guest_features", 0);

        /// <summary>Subsection <c>virtio/virtqueues</c>.</summary>
        public static readonly OptionalSpec VirtqueuesGroup = Core.Optional("virtio/virtqueues", 10);

        /// <summary>vmsd <c>virtqueue_state</c> of every queue.</summary>
        public static readonly ListSpec Virtqueues = VirtqueuesGroup.Members.List(
            "vq", 0, QueueMax, description: "vmsd virtqueue_state v1 for every queue", legacyFraming: LegacyFraming.Implied);

        /// <summary><c>vring.avail</c>.</summary>
        public static readonly FieldSpec<ulong> VirtqueueAvail = Virtqueues.Members.UInt64("avail", 0, description: "vring.avail");

        /// <summary><c>vring.used</c>.</summary>
        public static readonly FieldSpec<ulong> VirtqueueUsed = Virtqueues.Members.UInt64("used", 1, description: "vring.used");

        /// <summary>Subsection <c>virtio/ringsize</c>.</summary>
        public static readonly OptionalSpec RingSizeGroup = Core.Optional("virtio/ringsize", 11);

        /// <summary>vmsd <c>ringsize_state</c> of every queue.</summary>
        public static readonly ListSpec RingSizes = RingSizeGroup.Members.List(
            "vq", 0, QueueMax, description: "vmsd ringsize_state v1 for every queue", legacyFraming: LegacyFraming.Implied);

        /// <summary><c>vring.num_default</c>.</summary>
        public static readonly FieldSpec<uint> RingSizeNumDefault = RingSizes.Members.UInt32("num_default", 0, description: "vring.num_default");

        /// <summary>Subsection <c>virtio/broken</c>.</summary>
        public static readonly OptionalSpec BrokenGroup = Core.Optional("virtio/broken", 12);

        /// <summary><c>broken</c>.</summary>
        public static readonly FieldSpec<bool> Broken = BrokenGroup.Members.Bool("broken", 0);

        /// <summary>Subsection <c>virtio/extra_state</c>: the transport's extra state (vmsd <c>virtio_pci</c>).</summary>
        public static readonly OptionalSpec ExtraState = Core.Optional("virtio/extra_state", 13, description: "field extra_state: vmsd virtio_pci v1");

        /// <summary>Subsection <c>virtio/started</c>.</summary>
        public static readonly OptionalSpec StartedGroup = Core.Optional("virtio/started", 14);

        /// <summary><c>started</c>.</summary>
        public static readonly FieldSpec<bool> Started = StartedGroup.Members.Bool("started", 0);

        /// <summary>Subsection <c>virtio/packed_virtqueues</c>.</summary>
        public static readonly OptionalSpec PackedGroup = Core.Optional("virtio/packed_virtqueues", 15);

        /// <summary>vmsd <c>packed_virtqueue_state</c> of every queue.</summary>
        public static readonly ListSpec PackedQueues = PackedGroup.Members.List(
            "vq", 0, QueueMax, description: "vmsd packed_virtqueue_state v1 for every queue", legacyFraming: LegacyFraming.Implied);

        /// <summary><c>last_avail_idx</c>.</summary>
        public static readonly FieldSpec<ushort> PackedLastAvailIdx = PackedQueues.Members.UInt16("last_avail_idx", 0);

        /// <summary><c>last_avail_wrap_counter</c>.</summary>
        public static readonly FieldSpec<bool> PackedLastAvailWrapCounter = PackedQueues.Members.Bool("last_avail_wrap_counter", 1);

        /// <summary><c>used_idx</c>.</summary>
        public static readonly FieldSpec<ushort> PackedUsedIdx = PackedQueues.Members.UInt16("used_idx", 2);

        /// <summary><c>used_wrap_counter</c>.</summary>
        public static readonly FieldSpec<bool> PackedUsedWrapCounter = PackedQueues.Members.Bool("used_wrap_counter", 3);

        /// <summary><c>inuse</c>.</summary>
        public static readonly FieldSpec<uint> PackedInUse = PackedQueues.Members.UInt32("inuse", 4);

        /// <summary>Subsection <c>virtio/disabled</c>.</summary>
        public static readonly OptionalSpec DisabledGroup = Core.Optional("virtio/disabled", 16);

        /// <summary><c>disabled</c>.</summary>
        public static readonly FieldSpec<bool> Disabled = DisabledGroup.Members.Bool("disabled", 0);

        /// <summary>The tag every device model gives its own part (a structure visited between the queues and the subsections).</summary>
        public const int DevicePartTag = 7;
    }
}

/// <summary>The subsections of vmsd <c>virtio</c>, in the order QEMU saves them.</summary>
public enum QemuVirtioSubsection
{
    /// <summary><c>virtio/device_endian</c>.</summary>
    DeviceEndian,

    /// <summary><c>virtio/64bit_features</c>.</summary>
    Features64,

    /// <summary><c>virtio/virtqueues</c>.</summary>
    Virtqueues,

    /// <summary><c>virtio/ringsize</c>.</summary>
    RingSize,

    /// <summary><c>virtio/broken</c>.</summary>
    Broken,

    /// <summary><c>virtio/extra_state</c>.</summary>
    ExtraState,

    /// <summary><c>virtio/started</c>.</summary>
    Started,

    /// <summary><c>virtio/packed_virtqueues</c>.</summary>
    PackedVirtqueues,

    /// <summary><c>virtio/disabled</c>.</summary>
    Disabled,
}
