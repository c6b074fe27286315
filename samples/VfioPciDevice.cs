using System;
using MigrationFormat.DeviceState.Vfio;
using MigrationFormat.Visitors;

namespace MigrationFormat.Samples;

/// <summary>
/// The VMM's section for a VFIO PCI device: what the VMM itself emulates (the device's migration features and its
/// PCI configuration header) and, as a blob, the device's opaque data stream, read through the migration uAPI of a
/// <see cref="SimulatedVfioDevice"/> when saving (the guest stopped) and written back through it when loading.
/// </summary>
public sealed class VfioPciDevice : IDeviceState
{
    /// <summary>The size of the PCI configuration header the VMM keeps.</summary>
    public const int ConfigSize = 64;

    /// <summary>The device type: section id <c>vfio-pci</c>, version 1.</summary>
    public static readonly DeviceType DeviceType = new(
        "vfio-pci",
        "urn:migfmt:sample:vfio-pci",
        currentVersion: 1,
        minimumVersion: 1,
        _ => new VfioPciDevice(new SimulatedVfioDevice()),
        "VFIO PCI device with an opaque device stream");

    private readonly VfioStateBlob _blob;
    private uint _migrationFlags;

    /// <summary>Creates the VMM's side of <paramref name="device"/>.</summary>
    /// <param name="device">The device behind the uAPI.</param>
    public VfioPciDevice(SimulatedVfioDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
        _blob = new VfioStateBlob(device);
        _migrationFlags = (uint)device.Features;
    }

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version => 1;

    /// <summary>Gets the device behind the uAPI.</summary>
    public SimulatedVfioDevice Device { get; }

    /// <summary>Gets the PCI configuration header, changed in place.</summary>
    public byte[] Config { get; } = new byte[ConfigSize];

    /// <summary>Gets the migration features as saved (after a load, the source's).</summary>
    public VfioMigrationFeatures MigrationFlags => (VfioMigrationFeatures)_migrationFlags;

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.MigrationFlags, ref _migrationFlags);
        visitor.Field(Fields.Config, Config.AsSpan());
        visitor.Blob(Fields.DeviceState, _blob);
    }

    /// <summary>The section's field specs.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("vfio-pci");

        /// <summary>The device's migration features (<c>VFIO_DEVICE_FEATURE_MIGRATION</c> flags).</summary>
        public static readonly FieldSpec<uint> MigrationFlags = Root.UInt32("migration_flags", 0);

        /// <summary>The PCI configuration header the VMM emulates.</summary>
        public static readonly ArrayFieldSpec<byte> Config = Root.FixedBytes("config", 1, ConfigSize);

        /// <summary>The device's opaque data stream.</summary>
        public static readonly BlobSpec DeviceState = Root.Blob("device_state", 2, description: "The VFIO device's migration data stream (opaque)");
    }
}
