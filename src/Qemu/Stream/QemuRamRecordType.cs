namespace MigrationFormat.Qemu;

/// <summary>What a <see cref="QemuRamRecord"/> is.</summary>
public enum QemuRamRecordType
{
    /// <summary>The RAM block list with each block's used length (<c>MEM_SIZE</c>).</summary>
    BlockList,

    /// <summary>A page filled with one byte value, in practice zero (<c>ZERO</c>).</summary>
    ZeroPage,

    /// <summary>A whole page of raw bytes (<c>PAGE</c>).</summary>
    Page,

    /// <summary>A zlib-compressed page (<c>COMPRESS_PAGE</c>).</summary>
    CompressedPage,

    /// <summary>An XBZRLE page delta (<c>XBZRLE</c>).</summary>
    XbzrlePage,

    /// <summary>An RDMA hook (<c>HOOK</c>), the header word alone.</summary>
    Hook,

    /// <summary>The end of this section's RAM records (<c>EOS</c>).</summary>
    EndOfSection,

    /// <summary>The multifd channels are synchronized (<c>RAM_SAVE_FLAG_MULTIFD_FLUSH</c>); the record is its header word alone.</summary>
    MultifdFlush,
}
