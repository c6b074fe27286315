using System;
using System.Collections.Generic;

namespace MigrationFormat.Qemu;

/// <summary>
/// One record of the <c>ram</c> section's body: a be64 header word whose low bits (below the target page size) are
/// <see cref="QemuRamFlagBits"/> and whose high bits are an offset inside a RAM block (or, for the block list, the total size),
/// followed by the bytes the flags call for.
/// </summary>
public sealed class QemuRamRecord : QemuRecord
{
    private static readonly IReadOnlyList<QemuRamBlock> NoBlocks = Array.Empty<QemuRamBlock>();
    private readonly byte[]? _blockName;

    internal QemuRamRecord(
        QemuRamRecordType recordType,
        ulong headerWord,
        int pageSize,
        uint sectionId,
        byte[]? blockName,
        string? block,
        byte fillByte,
        byte xbzrleEncoding,
        ReadOnlyMemory<byte> data,
        IReadOnlyList<QemuRamBlock>? blocks,
        long offset)
        : base(offset)
    {
        RecordType = recordType;
        HeaderWord = headerWord;
        PageSize = pageSize;
        SectionId = sectionId;
        _blockName = blockName;
        BlockName = blockName is null ? null : QemuText.Decode(blockName);
        Block = block ?? BlockName;
        FillByte = fillByte;
        XbzrleEncoding = xbzrleEncoding;
        Data = data;
        Blocks = blocks ?? NoBlocks;
    }

    /// <inheritdoc/>
    public override QemuRecordKind Kind => QemuRecordKind.Ram;

    /// <summary>Gets what the record is.</summary>
    public QemuRamRecordType RecordType { get; }

    /// <summary>Gets the be64 header word exactly as it is on the wire.</summary>
    public ulong HeaderWord { get; }

    /// <summary>Gets the target page size the header word was split with.</summary>
    public int PageSize { get; }

    /// <summary>Gets the flag bits of the header word.</summary>
    public QemuRamFlagBits Flags => (QemuRamFlagBits)(long)(HeaderWord & ((ulong)PageSize - 1));

    /// <summary>Gets the address bits of the header word: the page's offset inside its block, or for the block list the total RAM size.</summary>
    public ulong Address => HeaderWord & ~((ulong)PageSize - 1);

    /// <summary>Gets the id of the section the record belongs to.</summary>
    public uint SectionId { get; }

    /// <summary>Gets the block name the record carries, or <see langword="null"/> when it has none (<see cref="QemuRamFlagBits.Continue"/>, block list, end of
    /// section).</summary>
    public string? BlockName { get; }

    /// <summary>Gets the block name's bytes as they are on the wire (empty when there is none).</summary>
    public ReadOnlyMemory<byte> BlockNameBytes => _blockName;

    /// <summary>Gets the block a page record belongs to: its own block name or, with <see cref="QemuRamFlagBits.Continue"/>, the previous page
    /// record's.</summary>
    public string? Block { get; }

    /// <summary>Gets the fill byte of a <see cref="QemuRamRecordType.ZeroPage"/> record.</summary>
    public byte FillByte { get; }

    /// <summary>Gets the encoding flag byte of an <see cref="QemuRamRecordType.XbzrlePage"/> record.</summary>
    public byte XbzrleEncoding { get; }

    /// <summary>Gets the page bytes (<see cref="QemuRamRecordType.Page"/>), the zlib data (<see cref="QemuRamRecordType.CompressedPage"/>) or the encoded delta
    /// (<see cref="QemuRamRecordType.XbzrlePage"/>).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Gets the block list of a <see cref="QemuRamRecordType.BlockList"/> record (empty otherwise).</summary>
    public IReadOnlyList<QemuRamBlock> Blocks { get; }

    /// <inheritdoc/>
    public override long Length
    {
        get
        {
            long length = 8 + (_blockName is null ? 0 : 1 + _blockName.Length);
            switch (RecordType)
            {
                case QemuRamRecordType.BlockList:
                    foreach (QemuRamBlock block in Blocks)
                    {
                        length += block.WireLength;
                    }

                    break;
                case QemuRamRecordType.ZeroPage:
                    length += 1;
                    break;
                case QemuRamRecordType.Page:
                    length += Data.Length;
                    break;
                case QemuRamRecordType.CompressedPage:
                    length += 4 + Data.Length;
                    break;
                case QemuRamRecordType.XbzrlePage:
                    length += 3 + Data.Length;
                    break;
                default:
                    break;
            }

            return length;
        }
    }

    internal byte[]? BlockNameArray => _blockName;

    /// <summary>Creates the end-of-section record that closes every <c>ram</c> section body.</summary>
    /// <param name="pageSize">The target page size.</param>
    /// <returns>The record.</returns>
    public static QemuRamRecord CreateEndOfSection(int pageSize = QemuStreamFormat.DefaultTargetPageSize) =>
        new(QemuRamRecordType.EndOfSection, (ulong)QemuRamFlagBits.EndOfSection, CheckPageSize(pageSize), 0, null, null, 0, 0, default, null, -1);

    /// <summary>Creates a block list record; its total is the sum of the blocks' used lengths.</summary>
    /// <param name="blocks">The blocks, in stream order.</param>
    /// <param name="pageSize">The target page size.</param>
    /// <returns>The record.</returns>
    public static QemuRamRecord CreateBlockList(IReadOnlyList<QemuRamBlock> blocks, int pageSize = QemuStreamFormat.DefaultTargetPageSize)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        CheckPageSize(pageSize);
        ulong total = 0;
        foreach (QemuRamBlock block in blocks)
        {
            total = checked(total + block.UsedLength);
        }

        if ((total & ((ulong)pageSize - 1)) != 0)
        {
            throw new ArgumentException("The blocks' total length must be a multiple of the page size.", nameof(blocks));
        }

        return new(QemuRamRecordType.BlockList, total | (ulong)QemuRamFlagBits.MemSize, pageSize, 0, null, null, 0, 0, default, [.. blocks], -1);
    }

    /// <summary>Creates a zero (fill) page record.</summary>
    /// <param name="offset">The page's offset inside its block (a multiple of the page size).</param>
    /// <param name="blockName">The block name, or <see langword="null"/> for the same block as the previous page record
    /// (<see cref="QemuRamFlagBits.Continue"/>).</param>
    /// <param name="fillByte">The fill value (QEMU always writes 0).</param>
    /// <param name="pageSize">The target page size.</param>
    /// <returns>The record.</returns>
    public static QemuRamRecord CreateZeroPage(ulong offset, string? blockName, byte fillByte = 0, int pageSize = QemuStreamFormat.DefaultTargetPageSize) =>
        CreatePageRecord(QemuRamRecordType.ZeroPage, QemuRamFlagBits.Zero, offset, blockName, fillByte, default, pageSize);

    /// <summary>Creates a whole-page record.</summary>
    /// <param name="offset">The page's offset inside its block (a multiple of the page size).</param>
    /// <param name="blockName">The block name, or <see langword="null"/> for the same block as the previous page record
    /// (<see cref="QemuRamFlagBits.Continue"/>).</param>
    /// <param name="data">Exactly one page of bytes.</param>
    /// <param name="pageSize">The target page size.</param>
    /// <returns>The record.</returns>
    public static QemuRamRecord CreatePage(ulong offset, string? blockName, ReadOnlyMemory<byte> data, int pageSize = QemuStreamFormat.DefaultTargetPageSize)
    {
        if (data.Length != pageSize)
        {
            throw new ArgumentException($"A page record holds exactly {pageSize} bytes, not {data.Length}.", nameof(data));
        }

        return CreatePageRecord(QemuRamRecordType.Page, QemuRamFlagBits.Page, offset, blockName, 0, data, pageSize);
    }

    private static QemuRamRecord CreatePageRecord(
        QemuRamRecordType type,
        QemuRamFlagBits flag,
        ulong offset,
        string? blockName,
        byte fill,
        ReadOnlyMemory<byte> data,
        int pageSize)
    {
        CheckPageSize(pageSize);
        if ((offset & ((ulong)pageSize - 1)) != 0)
        {
            throw new ArgumentException($"The offset 0x{offset:x} is not a multiple of the page size {pageSize}.", nameof(offset));
        }

        byte[]? name = blockName is null ? null : QemuText.EncodeCounted(blockName, nameof(blockName));
        ulong word = offset | (ulong)flag | (name is null ? (ulong)QemuRamFlagBits.Continue : 0);
        return new(type, word, pageSize, 0, name, null, fill, 0, data, null, -1);
    }

    private static int CheckPageSize(int pageSize)
    {
        if (!QemuStreamReaderOptions.IsValidPageSize(pageSize))
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "The page size must be a power of two between 512 and 1 MiB.");
        }

        return pageSize;
    }
}
