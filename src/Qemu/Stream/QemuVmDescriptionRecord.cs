using System;

namespace MigrationFormat.Qemu;

/// <summary>The VM description trailer (type byte 0x06, be32 length, UTF-8 JSON), which follows the end-of-file record.</summary>
public sealed class QemuVmDescriptionRecord : QemuRecord
{
    /// <summary>Creates a trailer record for writing.</summary>
    /// <param name="json">The JSON text, as UTF-8 bytes.</param>
    public QemuVmDescriptionRecord(ReadOnlyMemory<byte> json)
        : this(json, null, -1)
    {
    }

    internal QemuVmDescriptionRecord(ReadOnlyMemory<byte> json, VmDescription? description, long offset)
        : base(offset)
    {
        Json = json;
        Description = description;
    }

    /// <inheritdoc/>
    public override QemuRecordKind Kind => QemuRecordKind.VmDescription;

    /// <summary>Gets the JSON text exactly as it is on the wire.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>Gets the parsed description (set on records read by <see cref="QemuStreamReader"/>).</summary>
    public VmDescription? Description { get; }

    /// <inheritdoc/>
    public override long Length => 5 + Json.Length;
}
