namespace MigrationFormat.Qemu;

/// <summary>The kind of a <see cref="QemuRecord"/>.</summary>
public enum QemuRecordKind
{
    /// <summary>The file header: magic <c>QEVM</c> and the stream version (<see cref="QemuFileHeaderRecord"/>).</summary>
    FileHeader,

    /// <summary>The configuration section, type byte 0x07 (<see cref="QemuConfigurationRecord"/>).</summary>
    Configuration,

    /// <summary>The first record of an iterative section, type byte 0x01 (<see cref="QemuSectionRecord"/>).</summary>
    SectionStart,

    /// <summary>A middle record of an iterative section, type byte 0x02 (<see cref="QemuSectionRecord"/>).</summary>
    SectionPart,

    /// <summary>The last record of an iterative section, type byte 0x03 (<see cref="QemuSectionRecord"/>).</summary>
    SectionEnd,

    /// <summary>A whole device section, type byte 0x04 (<see cref="QemuSectionRecord"/>).</summary>
    SectionFull,

    /// <summary>A section footer, type byte 0x7E (<see cref="QemuSectionFooterRecord"/>).</summary>
    SectionFooter,

    /// <summary>One record inside the body of the <c>ram</c> section (<see cref="QemuRamRecord"/>).</summary>
    Ram,

    /// <summary>A command record, type byte 0x08 (<see cref="QemuCommandRecord"/>).</summary>
    Command,

    /// <summary>The end of device data, type byte 0x00 (<see cref="QemuEndOfFileRecord"/>).</summary>
    EndOfFile,

    /// <summary>The JSON VM description trailer, type byte 0x06 (<see cref="QemuVmDescriptionRecord"/>).</summary>
    VmDescription,
}
