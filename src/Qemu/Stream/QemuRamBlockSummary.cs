namespace MigrationFormat.Qemu;

/// <summary>Page counts of one RAM block, as summed by <see cref="QemuRamSummary"/>.</summary>
public sealed class QemuRamBlockSummary
{
    internal QemuRamBlockSummary(string name)
    {
        Name = name;
    }

    /// <summary>Gets the block's id string.</summary>
    public string Name { get; }

    /// <summary>Gets the block's used length from the block list, or <see langword="null"/> when the block list did not name it.</summary>
    public ulong? UsedLength { get; internal set; }

    /// <summary>Gets the number of zero (fill) page records.</summary>
    public long ZeroPages { get; internal set; }

    /// <summary>Gets the number of whole-page records.</summary>
    public long NormalPages { get; internal set; }

    /// <summary>Gets the number of compressed page records.</summary>
    public long CompressedPages { get; internal set; }

    /// <summary>Gets the number of XBZRLE page records.</summary>
    public long XbzrlePages { get; internal set; }

    /// <summary>Gets the bytes of page data carried (whole pages, compressed data and XBZRLE deltas).</summary>
    public long DataBytes { get; internal set; }

    /// <summary>Gets the number of page records of any kind.</summary>
    public long PageRecords => ZeroPages + NormalPages + CompressedPages + XbzrlePages;
}
