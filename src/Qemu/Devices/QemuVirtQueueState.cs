namespace MigrationFormat.Qemu.Devices;

/// <summary>
/// One queue in use, as the queue loop of <c>virtio_save</c> saves it: ring size, descriptor table address, the device's
/// next available index, and the transport's vector.
/// </summary>
public sealed class QemuVirtQueueState
{
    internal uint NumField;
    internal ulong DescField;
    internal ushort LastAvailIdxField;
    internal ushort VectorField;

    /// <summary>Gets or sets the ring size (<c>vring.num</c>).</summary>
    public uint Num { get => NumField; set => NumField = value; }

    /// <summary>Gets or sets the guest address of the descriptor table (<c>vring.desc</c>).</summary>
    public ulong Desc { get => DescField; set => DescField = value; }

    /// <summary>Gets or sets the index of the next available-ring entry the device will take (<c>last_avail_idx</c>).</summary>
    public ushort LastAvailIdx { get => LastAvailIdxField; set => LastAvailIdxField = value; }

    /// <summary>Gets or sets the MSI-X vector of the queue (saved by the virtio-pci transport when MSI-X is present).</summary>
    public ushort Vector { get => VectorField; set => VectorField = value; }
}

/// <summary>
/// What QEMU's virtio migration saves for each of the <see cref="QemuVirtioCore.QueueMax"/> queue slots, used or not: the
/// <c>virtio/virtqueues</c>, <c>virtio/ringsize</c> and <c>virtio/packed_virtqueues</c> subsections, and the
/// <c>virtio_pci/modern_state</c> subsection of the transport's extra state (<c>VirtIOPCIQueue</c>).
/// </summary>
public sealed class QemuVirtQueueSlot
{
    internal ulong AvailField;
    internal ulong UsedField;
    internal uint NumDefaultField;
    internal ushort PackedLastAvailIdxField;
    internal bool PackedLastAvailWrapCounterField;
    internal ushort PackedUsedIdxField;
    internal bool PackedUsedWrapCounterField;
    internal uint PackedInUseField;
    internal ushort ModernNumField;
    internal byte ModernUnusedField;
    internal bool ModernEnabledField;
    internal uint ModernDescLowField;
    internal uint ModernDescHighField;
    internal uint ModernAvailLowField;
    internal uint ModernAvailHighField;
    internal uint ModernUsedLowField;
    internal uint ModernUsedHighField;

    /// <summary>Gets or sets the guest address of the available ring (<c>vring.avail</c>, subsection <c>virtio/virtqueues</c>).</summary>
    public ulong Avail { get => AvailField; set => AvailField = value; }

    /// <summary>Gets or sets the guest address of the used ring (<c>vring.used</c>, subsection <c>virtio/virtqueues</c>).</summary>
    public ulong Used { get => UsedField; set => UsedField = value; }

    /// <summary>Gets or sets the ring size the device was created with (<c>vring.num_default</c>, subsection <c>virtio/ringsize</c>).</summary>
    public uint NumDefault { get => NumDefaultField; set => NumDefaultField = value; }

    /// <summary>
    /// Gets or sets the packed ring's <c>last_avail_idx</c> (subsection <c>virtio/packed_virtqueues</c>; QEMU loads it over the
    /// queue loop's copy).
    /// </summary>
    public ushort PackedLastAvailIdx { get => PackedLastAvailIdxField; set => PackedLastAvailIdxField = value; }

    /// <summary>Gets or sets the packed ring's <c>last_avail_wrap_counter</c>.</summary>
    public bool PackedLastAvailWrapCounter { get => PackedLastAvailWrapCounterField; set => PackedLastAvailWrapCounterField = value; }

    /// <summary>Gets or sets the packed ring's <c>used_idx</c>.</summary>
    public ushort PackedUsedIdx { get => PackedUsedIdxField; set => PackedUsedIdxField = value; }

    /// <summary>Gets or sets the packed ring's <c>used_wrap_counter</c>.</summary>
    public bool PackedUsedWrapCounter { get => PackedUsedWrapCounterField; set => PackedUsedWrapCounterField = value; }

    /// <summary>Gets or sets the packed ring's count of elements in flight (<c>inuse</c>).</summary>
    public uint PackedInUse { get => PackedInUseField; set => PackedInUseField = value; }

    /// <summary>Gets or sets the queue size the driver wrote through the modern virtio-pci interface (<c>VirtIOPCIQueue.num</c>).</summary>
    public ushort ModernNum { get => ModernNumField; set => ModernNumField = value; }

    /// <summary>Gets or sets the byte QEMU keeps where <c>enabled</c> was once stored as a be16 (<c>VMSTATE_UNUSED(1)</c>), as read.</summary>
    public byte ModernUnused { get => ModernUnusedField; set => ModernUnusedField = value; }

    /// <summary>Gets or sets whether the driver enabled the queue through the modern interface.</summary>
    public bool ModernEnabled { get => ModernEnabledField; set => ModernEnabledField = value; }

    /// <summary>Gets or sets the descriptor table address as the driver wrote it: low word (<c>desc[0]</c>).</summary>
    public uint ModernDescLow { get => ModernDescLowField; set => ModernDescLowField = value; }

    /// <summary>Gets or sets the descriptor table address as the driver wrote it: high word (<c>desc[1]</c>).</summary>
    public uint ModernDescHigh { get => ModernDescHighField; set => ModernDescHighField = value; }

    /// <summary>Gets or sets the available ring address as the driver wrote it: low word (<c>avail[0]</c>).</summary>
    public uint ModernAvailLow { get => ModernAvailLowField; set => ModernAvailLowField = value; }

    /// <summary>Gets or sets the available ring address as the driver wrote it: high word (<c>avail[1]</c>).</summary>
    public uint ModernAvailHigh { get => ModernAvailHighField; set => ModernAvailHighField = value; }

    /// <summary>Gets or sets the used ring address as the driver wrote it: low word (<c>used[0]</c>).</summary>
    public uint ModernUsedLow { get => ModernUsedLowField; set => ModernUsedLowField = value; }

    /// <summary>Gets or sets the used ring address as the driver wrote it: high word (<c>used[1]</c>).</summary>
    public uint ModernUsedHigh { get => ModernUsedHighField; set => ModernUsedHighField = value; }
}
