using MigrationFormat.Visitors;

namespace MigrationFormat.Qemu.Devices;

/// <summary>
/// A virtio-rng device on virtio-pci as QEMU 7.2 to 10.0 saves it (section vmsd <c>virtio-rng</c>, version 1): the virtio
/// core alone (<c>hw/virtio/virtio-rng.c</c> has no device part).
/// </summary>
public sealed class QemuVirtioRng : IDeviceState, IStateHooks
{
    /// <summary>The device type: vmsd <c>virtio-rng</c>, version 1.</summary>
    public static readonly DeviceType DeviceType = new(
        "virtio-rng", "urn:migfmt:qemu:virtio-rng", currentVersion: 1, minimumVersion: 1, _ => new QemuVirtioRng(),
        "QEMU virtio-rng on virtio-pci (vmsd virtio-rng v1)");

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version => 1;

    /// <summary>Gets the virtio core and transport state.</summary>
    public QemuVirtioCore Core { get; } = new();

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
        Core.VisitTail(ref v);
    }
}
