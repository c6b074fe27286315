namespace MigrationFormat.Qemu;

/// <summary>One entry of a <c>-dump-vmstate</c> file: a QOM device type and the vmstate description its instances save.</summary>
/// <param name="QomType">The QOM type name (the entry's key), which names the device to people; the wire never carries it.</param>
/// <param name="VersionId">The entry's <c>version_id</c>: the version the saver writes in the section header and the highest the loader accepts there.</param>
/// <param name="MinimumVersionId">The entry's <c>minimum_version_id</c>.</param>
/// <param name="Description">The top-level description, or <see langword="null"/> for an entry without one.</param>
public sealed record VmStateDumpDevice(string QomType, int VersionId, int MinimumVersionId, VmsdDescription? Description);
