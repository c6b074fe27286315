using System;
using System.Buffers.Binary;
using MigrationFormat.Visitors;

namespace MigrationFormat.Qemu.Devices;

/// <summary>
/// What the virtio-pci transport (<c>hw/virtio/virtio-pci.c</c>) adds to a virtio device's state: its config hook (the PCI
/// device, the MSI-X table and pending bits, the config vector), its queue hook (each queue's vector) and its extra state
/// (the modern interface's registers and per-queue settings, subsection <c>virtio_pci/modern_state</c>).
/// </summary>
/// <remarks>
/// What QEMU decides from the device rather than the stream is read from the saved PCI config space, as QEMU's device would
/// see it: the MSI-X table size from the MSI-X capability, and a 4 KiB PCI Express config space from the PCI Express
/// capability (QEMU gives a virtio-pci device that capability exactly when it makes it express).
/// </remarks>
public sealed class QemuVirtioPciTransport
{
    /// <summary>The bytes of conventional PCI config space.</summary>
    public const int ConfigSpaceSize = 256;

    /// <summary>The bytes a PCI Express config space adds.</summary>
    public const int ExpressExtraSize = 4096 - ConfigSpaceSize;

    private const byte MsixCapabilityId = 0x11;
    private const byte ExpressCapabilityId = 0x10;

    private readonly uint[] _irqState = new uint[4];
    private readonly uint[] _guestFeatures = new uint[2];
    private int _pciVersionId = 2;
    private byte[] _configExpress = [];
    private byte[] _msixTable = [];
    private byte[] _msixPba = [];
    private ushort _configVector;
    private uint _dfselect;
    private uint _gfselect;
    private bool _hasModernState = true;

    /// <summary>Gets the PCI config space (its first 256 bytes), changed in place.</summary>
    public byte[] Config { get; } = new byte[ConfigSpaceSize];

    /// <summary>Gets or sets the PCI device state's version field (<c>PCIDevice.version_id</c>, 2).</summary>
    public int PciVersionId { get => _pciVersionId; set => _pciVersionId = value; }

    /// <summary>Gets or sets the extended config space of a PCI Express device (3840 bytes), or an empty array.</summary>
    public byte[] ConfigExpress { get => _configExpress; set => _configExpress = value ?? []; }

    /// <summary>Gets the four INTx pin levels (<c>irq_state</c>), changed in place.</summary>
    public uint[] IrqState => _irqState;

    /// <summary>Gets or sets the MSI-X table (16 bytes per vector, as the guest wrote them, little-endian).</summary>
    public byte[] MsixTable { get => _msixTable; set => _msixTable = value ?? []; }

    /// <summary>Gets or sets the MSI-X pending bits (one bit per vector).</summary>
    public byte[] MsixPba { get => _msixPba; set => _msixPba = value ?? []; }

    /// <summary>Gets or sets the MSI-X vector of configuration changes (saved when MSI-X is present).</summary>
    public ushort ConfigVector { get => _configVector; set => _configVector = value; }

    /// <summary>Gets or sets the device feature select register of the modern interface.</summary>
    public uint DeviceFeatureSelect { get => _dfselect; set => _dfselect = value; }

    /// <summary>Gets or sets the driver (guest) feature select register of the modern interface.</summary>
    public uint GuestFeatureSelect { get => _gfselect; set => _gfselect = value; }

    /// <summary>Gets the guest features as written through the modern interface, low word first, changed in place.</summary>
    public uint[] GuestFeatures => _guestFeatures;

    /// <summary>Gets or sets whether the extra state carries the modern interface's state (QEMU sends it when the device is modern).</summary>
    public bool HasModernState { get => _hasModernState; set => _hasModernState = value; }

    /// <summary>Gets the number of MSI-X vectors, from the MSI-X capability in <see cref="Config"/>; 0 without MSI-X.</summary>
    public int MsixVectors => FindCapability(Config, MsixCapabilityId) is int at && at + 3 < Config.Length
        ? (BinaryPrimitives.ReadUInt16LittleEndian(Config.AsSpan(at + 2)) & 0x7FF) + 1
        : 0;

    /// <summary>Gets a value indicating whether the device has MSI-X (QEMU's <c>msix_present</c>): then vectors are saved.</summary>
    public bool MsixPresent => MsixVectors > 0;

    /// <summary>Gets a value indicating whether the device is PCI Express (its config space then has 4096 bytes).</summary>
    public bool IsExpress => FindCapability(Config, ExpressCapabilityId) is not null;

    /// <summary>Visits the config hook (<c>virtio_pci_save_config</c>): the PCI device, the MSI-X table and pending bits, the config vector.</summary>
    /// <typeparam name="TVisitor">The visitor.</typeparam>
    /// <param name="v">The visitor.</param>
    public void VisitConfig<TVisitor>(ref TVisitor v)
        where TVisitor : IStateVisitor, allows ref struct
    {
        bool describing = v.Direction == VisitDirection.Describe;
        if (v.BeginStruct(Fields.Pci))
        {
            v.Field(Fields.PciVersionId, ref _pciVersionId);
            v.Field(Fields.PciConfig, Config.AsSpan());

            // Sized from the config space just visited, as QEMU's device knows it; describing, every field is visited.
            Array.Resize(ref _configExpress, IsExpress ? ExpressExtraSize : 0);
            v.Field(Fields.PciConfigExpress, ref _configExpress);
            v.Field(Fields.PciIrqState, _irqState.AsSpan());
            v.EndStruct();
        }

        int vectors = MsixVectors;
        Array.Resize(ref _msixTable, vectors * 16);
        v.Field(Fields.MsixTable, ref _msixTable);
        Array.Resize(ref _msixPba, (vectors + 7) / 8);
        v.Field(Fields.MsixPba, ref _msixPba);
        if (vectors > 0 || describing)
        {
            v.Field(Fields.ConfigVector, ref _configVector);
        }
    }

    /// <summary>Visits the queue hook (<c>virtio_pci_save_queue</c>): the queue's vector, when MSI-X is present.</summary>
    /// <typeparam name="TVisitor">The visitor.</typeparam>
    /// <param name="v">The visitor.</param>
    /// <param name="queue">The queue.</param>
    public void VisitQueue<TVisitor>(ref TVisitor v, QemuVirtQueueState queue)
        where TVisitor : IStateVisitor, allows ref struct
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (MsixPresent || v.Direction == VisitDirection.Describe)
        {
            v.Field(Fields.QueueVector, ref queue.VectorField);
        }
    }

    /// <summary>
    /// Visits the extra state (<c>virtio_pci_save_extra_state</c>, vmsd <c>virtio_pci</c>): no fields, and the subsection
    /// <c>virtio_pci/modern_state</c> with every one of the <see cref="QemuVirtioCore.QueueMax"/> queues.
    /// </summary>
    /// <typeparam name="TVisitor">The visitor.</typeparam>
    /// <param name="v">The visitor.</param>
    /// <param name="queues">The device's queue slots, <see cref="QemuVirtioCore.QueueMax"/> of them.</param>
    public void VisitExtraState<TVisitor>(ref TVisitor v, QemuVirtQueueSlot[] queues)
        where TVisitor : IStateVisitor, allows ref struct
    {
        ArgumentNullException.ThrowIfNull(queues);
        if (!v.BeginOptional(Fields.ModernState, _hasModernState).Track(ref _hasModernState))
        {
            return;
        }

        v.Field(Fields.DeviceFeatureSelect, ref _dfselect);
        v.Field(Fields.GuestFeatureSelect, ref _gfselect);
        v.Field(Fields.GuestFeatures, _guestFeatures.AsSpan());
        int count = v.BeginList(Fields.ModernQueues, queues.Length);
        QemuVirtioCore.RequireQueueMax(count, Fields.ModernQueues, v.Direction);
        for (int i = 0; i < count; i++)
        {
            QemuVirtQueueSlot q = queues[i];
            v.BeginElement();
            v.Field(Fields.ModernNum, ref q.ModernNumField);
            v.Field(Fields.ModernUnused, ref q.ModernUnusedField);
            v.Field(Fields.ModernEnabled, ref q.ModernEnabledField);
            v.Field(Fields.ModernDescLow, ref q.ModernDescLowField);
            v.Field(Fields.ModernDescHigh, ref q.ModernDescHighField);
            v.Field(Fields.ModernAvailLow, ref q.ModernAvailLowField);
            v.Field(Fields.ModernAvailHigh, ref q.ModernAvailHighField);
            v.Field(Fields.ModernUsedLow, ref q.ModernUsedLowField);
            v.Field(Fields.ModernUsedHigh, ref q.ModernUsedHighField);
            v.EndElement();
        }

        if (count >= 0)
        {
            v.EndList();
        }

        v.EndOptional();
    }

    /// <summary>
    /// Checks that the lengths QEMU derives from the config space agree with it (a BER load carries them itself): the
    /// extended config space, the MSI-X table and the pending bits.
    /// </summary>
    /// <exception cref="MigrationFormatException">A length disagrees; QEMU could not load the bytes saved from this state.</exception>
    public void Validate()
    {
        int vectors = MsixVectors;
        Require(_configExpress.Length == (IsExpress ? ExpressExtraSize : 0), Fields.PciConfigExpress, _configExpress.Length, IsExpress ? ExpressExtraSize : 0);
        Require(_msixTable.Length == vectors * 16, Fields.MsixTable, _msixTable.Length, vectors * 16);
        Require(_msixPba.Length == (vectors + 7) / 8, Fields.MsixPba, _msixPba.Length, (vectors + 7) / 8);
    }

    /// <summary>Fails unless a length derived from other state is the one the state has.</summary>
    /// <param name="holds">Whether the length is the derived one.</param>
    /// <param name="field">The field.</param>
    /// <param name="found">Its length.</param>
    /// <param name="expected">The derived length.</param>
    /// <exception cref="MigrationFormatException"><paramref name="holds"/> is <see langword="false"/>.</exception>
    internal static void Require(bool holds, FieldSpec field, int found, int expected)
    {
        if (!holds)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue, $"'{field.Path}' has {found} elements or bytes; the state before it calls for {expected}.", -1, field.Path);
        }
    }

    /// <summary>Walks a PCI capability list (pointer at 0x34, when the status register says there is one) for a capability id.</summary>
    private static int? FindCapability(ReadOnlySpan<byte> config, byte id)
    {
        if (config.Length < 0x40 || (config[0x06] & 0x10) == 0)
        {
            return null;
        }

        int at = config[0x34] & ~3;
        for (int hops = 0; at >= 0x40 && at + 1 < config.Length && hops < 48; hops++)
        {
            if (config[at] == id)
            {
                return at;
            }

            at = config[at + 1] & ~3;
        }

        return null;
    }

    /// <summary>The transport's field specs.</summary>
    public static class Fields
    {
        private static readonly FieldSet Transport = new("virtio-pci");

        /// <summary>The PCI device (vmsd <c>PCIDevice</c> v2).</summary>
        public static readonly StructSpec Pci = Transport.Struct("pci", 0, description: "vmsd PCIDevice v2, as pci_device_save writes it");

        /// <summary><c>version_id</c>.</summary>
        public static readonly FieldSpec<int> PciVersionId = Pci.Members.Int32("version_id", 0, description: "int32 le (at most the destination's)");

        /// <summary>The conventional config space.</summary>
        public static readonly ArrayFieldSpec<byte> PciConfig = Pci.Members.FixedBytes("config", 1, ConfigSpaceSize, description: "pci config");

        /// <summary>The rest of a PCI Express config space.</summary>
        public static readonly FieldSpec<byte[]> PciConfigExpress = Pci.Members.Bytes(
            "config_express", 2, ExpressExtraSize, description: "pci config bytes 256 to 4095, for a PCI Express device", legacyFraming: LegacyFraming.Implied);

        /// <summary>The INTx pin levels.</summary>
        public static readonly ArrayFieldSpec<uint> PciIrqState = Pci.Members.Array<uint>("irq_state", 3, 4, description: "pci irq state: int32[4]");

        /// <summary>The MSI-X table.</summary>
        public static readonly FieldSpec<byte[]> MsixTable = Transport.Bytes(
            "msix_table", 1, 2048 * 16, description: "msix_save: 16 bytes per vector", legacyFraming: LegacyFraming.Implied);

        /// <summary>The MSI-X pending bits.</summary>
        public static readonly FieldSpec<byte[]> MsixPba = Transport.Bytes(
            "msix_pba", 2, 2048 / 8, description: "msix_save: one bit per vector", legacyFraming: LegacyFraming.Implied);

        /// <summary>The config vector.</summary>
        public static readonly FieldSpec<ushort> ConfigVector = Transport.UInt16("config_vector", 3, description: "when MSI-X is present");

        /// <summary>A queue's vector (in the core's queue list).</summary>
        public static readonly FieldSpec<ushort> QueueVector = QemuVirtioCore.Fields.Queues.Members.UInt16(
            "vector", 4, description: "virtio_pci_save_queue: when MSI-X is present");

        /// <summary>Subsection <c>virtio_pci/modern_state</c>.</summary>
        public static readonly OptionalSpec ModernState = QemuVirtioCore.Fields.ExtraState.Members.Optional(
            "virtio_pci/modern_state", 0, description: "vmsd virtio_pci/modern_state v1");

        /// <summary><c>dfselect</c>.</summary>
        public static readonly FieldSpec<uint> DeviceFeatureSelect = ModernState.Members.UInt32("dfselect", 0);

        /// <summary><c>gfselect</c>.</summary>
        public static readonly FieldSpec<uint> GuestFeatureSelect = ModernState.Members.UInt32("gfselect", 1);

        /// <summary><c>guest_features</c>.</summary>
        public static readonly ArrayFieldSpec<uint> GuestFeatures = ModernState.Members.Array<uint>("guest_features", 2, 2);

        /// <summary><c>vqs</c>: every queue (<see cref="QemuVirtioCore.QueueMax"/>).</summary>
        public static readonly ListSpec ModernQueues = ModernState.Members.List(
            "vqs", 3, QemuVirtioCore.QueueMax, description: "vmsd virtio_pci/modern_queue_state v1 for every queue", legacyFraming: LegacyFraming.Implied);

        /// <summary><c>num</c>.</summary>
        public static readonly FieldSpec<ushort> ModernNum = ModernQueues.Members.UInt16("num", 0);

        /// <summary>The unused byte (once the high byte of <c>enabled</c>).</summary>
        public static readonly FieldSpec<byte> ModernUnused = ModernQueues.Members.UInt8("unused", 1, description: "VMSTATE_UNUSED(1), kept as read");

        /// <summary><c>enabled</c>.</summary>
        public static readonly FieldSpec<bool> ModernEnabled = ModernQueues.Members.Bool("enabled", 2);

        /// <summary><c>desc[0]</c>.</summary>
        public static readonly FieldSpec<uint> ModernDescLow = ModernQueues.Members.UInt32("desc_lo", 3, description: "desc[0]");

        /// <summary><c>desc[1]</c>.</summary>
        public static readonly FieldSpec<uint> ModernDescHigh = ModernQueues.Members.UInt32("desc_hi", 4, description: "desc[1]");

        /// <summary><c>avail[0]</c>.</summary>
        public static readonly FieldSpec<uint> ModernAvailLow = ModernQueues.Members.UInt32("avail_lo", 5, description: "avail[0]");

        /// <summary><c>avail[1]</c>.</summary>
        public static readonly FieldSpec<uint> ModernAvailHigh = ModernQueues.Members.UInt32("avail_hi", 6, description: "avail[1]");

        /// <summary><c>used[0]</c>.</summary>
        public static readonly FieldSpec<uint> ModernUsedLow = ModernQueues.Members.UInt32("used_lo", 7, description: "used[0]");

        /// <summary><c>used[1]</c>.</summary>
        public static readonly FieldSpec<uint> ModernUsedHigh = ModernQueues.Members.UInt32("used_hi", 8, description: "used[1]");
    }
}
