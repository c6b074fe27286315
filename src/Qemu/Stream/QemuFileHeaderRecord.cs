namespace MigrationFormat.Qemu;

/// <summary>The file header: the magic <c>QEVM</c> and the stream version.</summary>
public sealed class QemuFileHeaderRecord : QemuRecord
{
    /// <summary>Creates a header record for writing.</summary>
    /// <param name="version">The stream version (QEMU writes 3).</param>
    public QemuFileHeaderRecord(uint version = QemuStreamFormat.Version)
        : this(version, -1)
    {
    }

    internal QemuFileHeaderRecord(uint version, long offset)
        : base(offset)
    {
        Version = version;
    }

    /// <inheritdoc/>
    public override QemuRecordKind Kind => QemuRecordKind.FileHeader;

    /// <inheritdoc/>
    public override long Length => 8;

    /// <summary>Gets the stream version.</summary>
    public uint Version { get; }
}
