namespace MigrationFormat.Qemu;

/// <summary>A section footer (type byte 0x7E followed by the be32 section id), written after each section body.</summary>
public sealed class QemuSectionFooterRecord : QemuRecord
{
    /// <summary>Creates a footer record for writing.</summary>
    /// <param name="sectionId">The id of the section it closes.</param>
    public QemuSectionFooterRecord(uint sectionId)
        : this(sectionId, -1)
    {
    }

    internal QemuSectionFooterRecord(uint sectionId, long offset)
        : base(offset)
    {
        SectionId = sectionId;
    }

    /// <inheritdoc/>
    public override QemuRecordKind Kind => QemuRecordKind.SectionFooter;

    /// <inheritdoc/>
    public override long Length => 5;

    /// <summary>Gets the id of the section the footer closes.</summary>
    public uint SectionId { get; }
}
