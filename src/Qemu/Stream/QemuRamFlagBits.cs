using System;

namespace MigrationFormat.Qemu;

/// <summary>The <c>RAM_SAVE_FLAG_*</c> bits in the low bits (below the target page size) of a RAM record's be64 header word.</summary>
[Flags]
public enum QemuRamFlagBits
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>0x01: obsolete (<c>RAM_SAVE_FLAG_FULL</c>); never written, rejected on read.</summary>
    Full = 0x01,

    /// <summary>0x02: a page filled with one byte value (<c>RAM_SAVE_FLAG_ZERO</c>, formerly <c>COMPRESS</c>).</summary>
    Zero = 0x02,

    /// <summary>0x04: the RAM block list (<c>RAM_SAVE_FLAG_MEM_SIZE</c>); the address bits hold the total size.</summary>
    MemSize = 0x04,

    /// <summary>0x08: a whole page follows (<c>RAM_SAVE_FLAG_PAGE</c>).</summary>
    Page = 0x08,

    /// <summary>0x10: end of this section's RAM records (<c>RAM_SAVE_FLAG_EOS</c>).</summary>
    EndOfSection = 0x10,

    /// <summary>0x20: same block as the previous page record, so no block name follows (<c>RAM_SAVE_FLAG_CONTINUE</c>).</summary>
    Continue = 0x20,

    /// <summary>0x40: an XBZRLE-encoded page delta (<c>RAM_SAVE_FLAG_XBZRLE</c>).</summary>
    Xbzrle = 0x40,

    /// <summary>0x80: an RDMA hook (<c>RAM_SAVE_FLAG_HOOK</c>); no bytes follow in the stream.</summary>
    Hook = 0x80,

    /// <summary>0x100: a zlib-compressed page (<c>RAM_SAVE_FLAG_COMPRESS_PAGE</c>; QEMU 9.1 removed compression).</summary>
    CompressPage = 0x100,

    /// <summary>0x200: the multifd channels are synchronized here (<c>RAM_SAVE_FLAG_MULTIFD_FLUSH</c>, QEMU 8.0 and later); no bytes follow.</summary>
    MultifdFlush = 0x200,
}
