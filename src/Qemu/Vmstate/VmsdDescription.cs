using System.Collections.Generic;

namespace MigrationFormat.Qemu;

/// <summary>
/// A QEMU <c>VMStateDescription</c> as <c>-dump-vmstate</c> shows it: a device's top-level description, a nested structure's, or a
/// subsection's.
/// </summary>
/// <param name="Name">The description's name: a device's section id string, a subsection's name on the wire (<c>serial/fifo</c>), or a nested structure's
/// (<c>PCIDevice</c>).</param>
/// <param name="VersionId">The version it saves at; a loader refuses a stream version above it.</param>
/// <param name="MinimumVersionId">The oldest stream version it loads.</param>
/// <param name="Fields">The fields in wire order (empty when the dump has none).</param>
/// <param name="Subsections">The subsections, each sent after the fields when its <c>needed</c> test passes.</param>
public sealed record VmsdDescription(
    string Name,
    int VersionId,
    int MinimumVersionId,
    IReadOnlyList<VmsdField> Fields,
    IReadOnlyList<VmsdDescription> Subsections);
