using System;
using MigrationFormat.Visitors;

namespace MigrationFormat.Samples.Qemu;

/// <summary>
/// QEMU's VMware mouse (<c>hw/i386/vmmouse.c</c>, QEMU 7.2 to 10.0) exactly as its vmsd <c>vmmouse</c> saves it: the queue
/// size (which must equal the destination's), the 1024-word queue, the number of words queued, the status and the
/// absolute-mode flag.
/// </summary>
/// <remarks>
/// QEMU's vmsd has version 0, which a device version of this library cannot be (versions start at 1): the model's version 1
/// is QEMU's version 0, so a QEMU payload loads with stream version 1. The transcoder maps the section version the same way.
/// </remarks>
public sealed class QemuVmMouse : IDeviceState
{
    /// <summary>The device type: vmsd <c>vmmouse</c> (QEMU version 0, here version 1).</summary>
    public static readonly DeviceType DeviceType = new(
        "vmmouse", "urn:migfmt:qemu:vmmouse", currentVersion: 1, minimumVersion: 1, _ => new QemuVmMouse(), "QEMU vmmouse (vmsd vmmouse, version 0)");

    /// <summary>The queue's capacity in words (<c>VMMOUSE_QUEUE_SIZE</c>).</summary>
    public const int QueueSize = 1024;

    private readonly uint[] _queue = new uint[QueueSize];
    private int _queueSize = QueueSize;
    private ushort _queued;
    private ushort _status;
    private byte _absolute;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version => 1;

    /// <summary>Gets or sets the saved queue size (<c>queue_size</c>; QEMU loads only its own, 1024).</summary>
    public int SavedQueueSize { get => _queueSize; set => _queueSize = value; }

    /// <summary>Gets the queue of 32-bit words, changed in place.</summary>
    public uint[] Queue => _queue;

    /// <summary>Gets or sets the number of words queued (<c>nb_queue</c>).</summary>
    public ushort Queued { get => _queued; set => _queued = value; }

    /// <summary>Gets or sets the status word.</summary>
    public ushort Status { get => _status; set => _status = value; }

    /// <summary>Gets or sets whether the mouse reports absolute positions.</summary>
    public byte Absolute { get => _absolute; set => _absolute = value; }

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.QueueSize, ref _queueSize);
        visitor.Field(Fields.Queue, _queue.AsSpan());
        visitor.Field(Fields.Queued, ref _queued);
        visitor.Field(Fields.Status, ref _status);
        visitor.Field(Fields.Absolute, ref _absolute);
    }

    /// <summary>The mouse's field specs, in QEMU's order.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("vmmouse");

        /// <summary><c>queue_size</c>.</summary>
        public static readonly FieldSpec<int> QueueSize = Root.Int32("queue_size", 0, description: "int32 equal: must be the destination's");

        /// <summary><c>queue</c>.</summary>
        public static readonly ArrayFieldSpec<uint> Queue = Root.Array<uint>("queue", 1, QemuVmMouse.QueueSize);

        /// <summary><c>nb_queue</c>.</summary>
        public static readonly FieldSpec<ushort> Queued = Root.UInt16("nb_queue", 2);

        /// <summary><c>status</c>.</summary>
        public static readonly FieldSpec<ushort> Status = Root.UInt16("status", 3);

        /// <summary><c>absolute</c>.</summary>
        public static readonly FieldSpec<byte> Absolute = Root.UInt8("absolute", 4);
    }
}
