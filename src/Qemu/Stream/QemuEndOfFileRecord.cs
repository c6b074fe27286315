namespace MigrationFormat.Qemu;

/// <summary>The end of device data (type byte 0x00). Only the VM description trailer may follow it.</summary>
public sealed class QemuEndOfFileRecord : QemuRecord
{
    /// <summary>Creates an end-of-file record for writing.</summary>
    public QemuEndOfFileRecord()
        : this(-1)
    {
    }

    internal QemuEndOfFileRecord(long offset)
        : base(offset)
    {
    }

    /// <inheritdoc/>
    public override QemuRecordKind Kind => QemuRecordKind.EndOfFile;

    /// <inheritdoc/>
    public override long Length => 1;
}
