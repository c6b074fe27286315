namespace MigrationFormat.Qemu;

/// <summary>
/// One record of a QEMU savevm stream, as read by <see cref="QemuStreamReader"/> and written by
/// <see cref="QemuStreamWriter"/>. A record holds everything needed to write its exact bytes again.
/// </summary>
public abstract class QemuRecord
{
    private protected QemuRecord(long offset)
    {
        Offset = offset;
    }

    /// <summary>Gets the kind of record, which names its concrete type.</summary>
    public abstract QemuRecordKind Kind { get; }

    /// <summary>Gets the absolute byte offset of the record's first byte in the stream, or -1 for a record built in memory.</summary>
    public long Offset { get; }

    /// <summary>Gets the number of bytes the record occupies on the wire, type byte included.</summary>
    public abstract long Length { get; }
}
