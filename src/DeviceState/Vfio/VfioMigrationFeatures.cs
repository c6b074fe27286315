using System;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// The migration features a VFIO device announces (<c>struct vfio_device_feature_migration.flags</c>, read with
/// <c>VFIO_DEVICE_FEATURE_MIGRATION</c>), with the uAPI's bit values.
/// </summary>
[Flags]
public enum VfioMigrationFeatures
{
    /// <summary>No feature: not a migratable device.</summary>
    None = 0,

    /// <summary><c>VFIO_MIGRATION_STOP_COPY</c>: the STOP, RUNNING, STOP_COPY and RESUMING states; every migratable device has it.</summary>
    StopCopy = 1 << 0,

    /// <summary><c>VFIO_MIGRATION_P2P</c>: the RUNNING_P2P state (and PRE_COPY_P2P with <see cref="PreCopy"/>).</summary>
    P2P = 1 << 1,

    /// <summary><c>VFIO_MIGRATION_PRE_COPY</c>: the PRE_COPY state (and PRE_COPY_P2P with <see cref="P2P"/>).</summary>
    PreCopy = 1 << 2,

    /// <summary>Every feature this uAPI defines.</summary>
    All = StopCopy | P2P | PreCopy,
}
