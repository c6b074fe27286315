using MigrationFormat.Visitors;

namespace MigrationFormat.Qemu.Devices;

/// <summary>
/// A virtio-balloon device on virtio-pci as QEMU 7.2 to 10.0 saves it (section vmsd <c>virtio-balloon</c>, version 1): the
/// virtio core around vmsd <c>virtio-balloon-device</c> version 1 (<c>hw/virtio/virtio-balloon.c</c>).
/// </summary>
public sealed class QemuVirtioBalloon : IDeviceState, IStateHooks
{
    /// <summary>The device type: vmsd <c>virtio-balloon</c>, version 1.</summary>
    public static readonly DeviceType DeviceType = new(
        "virtio-balloon", "urn:migfmt:qemu:virtio-balloon", currentVersion: 1, minimumVersion: 1, _ => new QemuVirtioBalloon(),
        "QEMU virtio-balloon on virtio-pci (vmsd virtio-balloon v1)");

    private uint _numPages;
    private uint _actual;
    private bool _hasFreePageHint;
    private uint _freePageHintCommandId;
    private uint _freePageHintStatus;
    private bool _hasPagePoison;
    private uint _poisonValue;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version => 1;

    /// <summary>Gets the virtio core and transport state.</summary>
    public QemuVirtioCore Core { get; } = new();

    /// <summary>Gets or sets the number of pages the host asks the guest to give up (<c>num_pages</c>).</summary>
    public uint NumPages { get => _numPages; set => _numPages = value; }

    /// <summary>Gets or sets the number of pages the guest gave up (<c>actual</c>).</summary>
    public uint Actual { get => _actual; set => _actual = value; }

    /// <summary>Gets or sets whether the free page hinting subsection is sent.</summary>
    public bool HasFreePageHint { get => _hasFreePageHint; set => _hasFreePageHint = value; }

    /// <summary>Gets or sets whether the page poison subsection is sent.</summary>
    public bool HasPagePoison { get => _hasPagePoison; set => _hasPagePoison = value; }

    /// <summary>Gets or sets the page poison value.</summary>
    public uint PoisonValue { get => _poisonValue; set => _poisonValue = value; }

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
            v.Field(Fields.NumPages, ref _numPages);
            v.Field(Fields.Actual, ref _actual);
            if (v.BeginOptional(Fields.FreePageHint, _hasFreePageHint).Track(ref _hasFreePageHint))
            {
                v.Field(Fields.FreePageHintCommandId, ref _freePageHintCommandId);
                v.Field(Fields.FreePageHintStatus, ref _freePageHintStatus);
                v.EndOptional();
            }

            if (v.BeginOptional(Fields.PagePoison, _hasPagePoison).Track(ref _hasPagePoison))
            {
                v.Field(Fields.PoisonValue, ref _poisonValue);
                v.EndOptional();
            }

            v.EndStruct();
        }

        Core.VisitTail(ref v);
    }

    /// <summary>The device part's field specs (vmsd <c>virtio-balloon-device</c> v1).</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("virtio-balloon");

        /// <summary>The device's own part.</summary>
        public static readonly StructSpec Device = Root.Struct(
            "virtio-balloon-device", QemuVirtioCore.Fields.DevicePartTag, description: "vmsd virtio-balloon-device v1");

        /// <summary><c>num_pages</c>.</summary>
        public static readonly FieldSpec<uint> NumPages = Device.Members.UInt32("num_pages", 0);

        /// <summary><c>actual</c>.</summary>
        public static readonly FieldSpec<uint> Actual = Device.Members.UInt32("actual", 1);

        /// <summary>Subsection <c>virtio-balloon-device/free-page-report</c>.</summary>
        public static readonly OptionalSpec FreePageHint = Device.Members.Optional("virtio-balloon-device/free-page-report", 2);

        /// <summary><c>free_page_hint_cmd_id</c>.</summary>
        public static readonly FieldSpec<uint> FreePageHintCommandId = FreePageHint.Members.UInt32("free_page_hint_cmd_id", 0);

        /// <summary><c>free_page_hint_status</c>.</summary>
        public static readonly FieldSpec<uint> FreePageHintStatus = FreePageHint.Members.UInt32("free_page_hint_status", 1);

        /// <summary>Subsection <c>virtio-balloon-device/page-poison</c>.</summary>
        public static readonly OptionalSpec PagePoison = Device.Members.Optional("virtio-balloon-device/page-poison", 3);

        /// <summary><c>poison_val</c>.</summary>
        public static readonly FieldSpec<uint> PoisonValue = PagePoison.Members.UInt32("poison_val", 0);
    }
}
