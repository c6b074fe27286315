namespace MigrationFormat.Qemu;

/// <summary>What the body of a section record holds.</summary>
public enum QemuSectionBody
{
    /// <summary>A VMState payload (a <c>SECTION_FULL</c> device section): <see cref="QemuSectionRecord.Payload"/> holds it.</summary>
    VmState,

    /// <summary>The body of the <c>ram</c> section: <see cref="QemuRamRecord"/>s follow the section record, up to the end-of-section record.</summary>
    Ram,

    /// <summary>The body of an iterative section this library does not parse: <see cref="QemuSectionRecord.Payload"/> holds its bytes.</summary>
    Opaque,
}
