using System.Collections.Generic;

namespace MigrationFormat.Qemu;

/// <summary>What the <c>ram</c> section carried: the block list, and page records counted per block.</summary>
public sealed class QemuRamSummary
{
    private readonly List<QemuRamBlockSummary> _blocks = [];
    private readonly Dictionary<string, QemuRamBlockSummary> _byName = [];

    /// <summary>Gets the blocks: those of the block list in its order, then any block only page records named.</summary>
    public IReadOnlyList<QemuRamBlockSummary> Blocks => _blocks;

    /// <summary>Gets the total the last block list declared (the sum of the used lengths).</summary>
    public ulong DeclaredTotal { get; private set; }

    /// <summary>Gets the target page size the records were read with (0 before any RAM record).</summary>
    public int PageSize { get; internal set; }

    /// <summary>Gets the number of RAM records (every kind, end-of-section records included).</summary>
    public long Records { get; private set; }

    /// <summary>Gets the number of zero (fill) page records.</summary>
    public long ZeroPages { get; private set; }

    /// <summary>Gets the number of whole-page records.</summary>
    public long NormalPages { get; private set; }

    /// <summary>Gets the number of compressed page records.</summary>
    public long CompressedPages { get; private set; }

    /// <summary>Gets the number of XBZRLE page records.</summary>
    public long XbzrlePages { get; private set; }

    /// <summary>Gets the number of RDMA hook records.</summary>
    public long HookRecords { get; private set; }

    /// <summary>Gets the number of end-of-section records.</summary>
    public long EndOfSectionRecords { get; private set; }

    /// <summary>Gets the number of multifd flush records (<c>RAM_SAVE_FLAG_MULTIFD_FLUSH</c>).</summary>
    public long MultifdFlushRecords { get; private set; }

    /// <summary>Gets the bytes of page data carried (whole pages, compressed data and XBZRLE deltas).</summary>
    public long DataBytes { get; private set; }

    /// <summary>Gets the bytes of the <c>ram</c> section on the wire: section headers, RAM records and footers.</summary>
    public long WireBytes { get; internal set; }

    internal void Add(QemuRamRecord record)
    {
        Records++;
        WireBytes += record.Length;
        switch (record.RecordType)
        {
            case QemuRamRecordType.BlockList:
                DeclaredTotal = record.Address;
                foreach (QemuRamBlock block in record.Blocks)
                {
                    Get(block.Name).UsedLength = block.UsedLength;
                }

                break;
            case QemuRamRecordType.ZeroPage:
                ZeroPages++;
                Get(record.Block!).ZeroPages++;
                break;
            case QemuRamRecordType.Page:
                NormalPages++;
                Count(record).NormalPages++;
                break;
            case QemuRamRecordType.CompressedPage:
                CompressedPages++;
                Count(record).CompressedPages++;
                break;
            case QemuRamRecordType.XbzrlePage:
                XbzrlePages++;
                Count(record).XbzrlePages++;
                break;
            case QemuRamRecordType.Hook:
                HookRecords++;
                break;
            case QemuRamRecordType.MultifdFlush:
                MultifdFlushRecords++;
                break;
            default:
                EndOfSectionRecords++;
                break;
        }
    }

    private QemuRamBlockSummary Count(QemuRamRecord record)
    {
        DataBytes += record.Data.Length;
        QemuRamBlockSummary block = Get(record.Block!);
        block.DataBytes += record.Data.Length;
        return block;
    }

    private QemuRamBlockSummary Get(string name)
    {
        if (!_byName.TryGetValue(name, out QemuRamBlockSummary? block))
        {
            block = new QemuRamBlockSummary(name);
            _byName.Add(name, block);
            _blocks.Add(block);
        }

        return block;
    }
}
