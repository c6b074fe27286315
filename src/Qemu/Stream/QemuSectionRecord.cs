using System;

namespace MigrationFormat.Qemu;

/// <summary>
/// A section record: <c>SECTION_START</c>, <c>SECTION_PART</c>, <c>SECTION_END</c> or <c>SECTION_FULL</c>, with its header
/// and, unless the body is the <c>ram</c> section's (see <see cref="Body"/>), its payload. The footer, when the stream has
/// one, is the next record (<see cref="QemuSectionFooterRecord"/>).
/// </summary>
public sealed class QemuSectionRecord : QemuRecord
{
    private readonly byte[] _idStr;

    internal QemuSectionRecord(
        QemuRecordKind kind,
        uint sectionId,
        byte[] idStr,
        uint instanceId,
        uint versionId,
        QemuSectionBody body,
        ReadOnlyMemory<byte> payload,
        long offset)
        : base(offset)
    {
        Kind = kind;
        SectionId = sectionId;
        _idStr = idStr;
        IdStr = QemuText.Decode(idStr);
        InstanceId = instanceId;
        VersionId = versionId;
        Body = body;
        Payload = payload;
    }

    /// <inheritdoc/>
    public override QemuRecordKind Kind { get; }

    /// <summary>Gets the section id (a registration counter; it has gaps and does not start at 1).</summary>
    public uint SectionId { get; }

    /// <summary>
    /// Gets the section's id string (<c>ram</c>, <c>serial</c>, <c>0000:00:01.3/piix4_pm</c>). For <c>SECTION_PART</c> and
    /// <c>SECTION_END</c> it is the one the section's <c>SECTION_START</c> carried (the record itself carries only the id).
    /// </summary>
    public string IdStr { get; }

    /// <summary>Gets the id string's bytes as they are on the wire.</summary>
    public ReadOnlyMemory<byte> IdStrBytes => _idStr;

    /// <summary>Gets the instance id (for <c>SECTION_PART</c>/<c>SECTION_END</c>, the one of the section's start).</summary>
    public uint InstanceId { get; }

    /// <summary>Gets the section version (for <c>SECTION_PART</c>/<c>SECTION_END</c>, the one of the section's start).</summary>
    public uint VersionId { get; }

    /// <summary>Gets a value indicating whether the record carries the full header (id string, instance and version).</summary>
    public bool HasFullHeader => Kind is QemuRecordKind.SectionStart or QemuRecordKind.SectionFull;

    /// <summary>Gets what the body holds.</summary>
    public QemuSectionBody Body { get; }

    /// <summary>
    /// Gets the payload bytes between the header and the footer: the VMState payload of a device section, or the opaque body
    /// of an iterative section. Empty for the <c>ram</c> section, whose body follows as <see cref="QemuRamRecord"/>s.
    /// </summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Gets the size of the header on the wire: 5 bytes, or 14 plus the id string's length for a full header.</summary>
    public int HeaderLength => HasFullHeader ? 14 + _idStr.Length : 5;

    /// <inheritdoc/>
    public override long Length => HeaderLength + Payload.Length;

    /// <summary>Creates a <c>SECTION_FULL</c> device section from its header fields and VMState payload.</summary>
    /// <param name="sectionId">The section id.</param>
    /// <param name="idStr">The id string (at most 255 UTF-8 bytes).</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="versionId">The section version.</param>
    /// <param name="payload">The VMState payload.</param>
    /// <returns>The record, with <see cref="QemuRecord.Offset"/> -1.</returns>
    public static QemuSectionRecord CreateFull(uint sectionId, string idStr, uint instanceId, uint versionId, ReadOnlyMemory<byte> payload) =>
        new(QemuRecordKind.SectionFull, sectionId, QemuText.EncodeCounted(idStr, nameof(idStr)), instanceId, versionId, QemuSectionBody.VmState, payload, -1);

    /// <summary>Creates a <c>SECTION_START</c> record.</summary>
    /// <param name="sectionId">The section id.</param>
    /// <param name="idStr">The id string (at most 255 UTF-8 bytes).</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="versionId">The section version.</param>
    /// <param name="payload">The body bytes (empty for <c>ram</c>, whose body is written as <see cref="QemuRamRecord"/>s).</param>
    /// <returns>The record, with <see cref="QemuRecord.Offset"/> -1.</returns>
    public static QemuSectionRecord CreateStart(uint sectionId, string idStr, uint instanceId, uint versionId, ReadOnlyMemory<byte> payload = default)
    {
        byte[] name = QemuText.EncodeCounted(idStr, nameof(idStr));
        QemuSectionBody body = idStr == "ram" && instanceId == 0 ? QemuSectionBody.Ram : QemuSectionBody.Opaque;
        return new(QemuRecordKind.SectionStart, sectionId, name, instanceId, versionId, body, payload, -1);
    }

    /// <summary>Creates a <c>SECTION_PART</c> or <c>SECTION_END</c> record, which carries only the section id.</summary>
    /// <param name="end"><see langword="true"/> for <c>SECTION_END</c>, <see langword="false"/> for <c>SECTION_PART</c>.</param>
    /// <param name="sectionId">The section id.</param>
    /// <param name="payload">The body bytes (empty for <c>ram</c>).</param>
    /// <returns>The record, with <see cref="QemuRecord.Offset"/> -1.</returns>
    public static QemuSectionRecord CreatePartOrEnd(bool end, uint sectionId, ReadOnlyMemory<byte> payload = default) =>
        new(end ? QemuRecordKind.SectionEnd : QemuRecordKind.SectionPart, sectionId, [], 0, 0, QemuSectionBody.Opaque, payload, -1);

    internal byte[] IdStrArray => _idStr;
}
