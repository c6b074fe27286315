using System.Collections.Generic;

namespace MigrationFormat.Qemu;

/// <summary>
/// One device entry of the VM description: the section's id string and instance id, and the description of its payload.
/// Old-style sections (no vmsd) have no <see cref="VmStateDescription.VmsdName"/> and one <c>buffer</c> field named <c>data</c>.
/// </summary>
public sealed class VmDeviceDescription : VmStateDescription
{
    internal VmDeviceDescription(
        string name,
        uint instanceId,
        long? size,
        string? vmsdName,
        int? version,
        IReadOnlyList<VmFieldDescription> fields,
        IReadOnlyList<VmStateDescription> subsections,
        long offset)
        : base(vmsdName, version, fields, subsections, offset)
    {
        Name = name;
        InstanceId = instanceId;
        Size = size;
    }

    /// <summary>Gets the section id string (<c>name</c>).</summary>
    public string Name { get; }

    /// <summary>Gets the instance id (<c>instance_id</c>).</summary>
    public uint InstanceId { get; }

    /// <summary>Gets the device-level <c>size</c> of an old-style section, when given.</summary>
    public long? Size { get; }
}
