using System;

namespace MigrationFormat.Qemu;

/// <summary>One entry of the RAM block list (a <c>MEM_SIZE</c> record).</summary>
public sealed class QemuRamBlock
{
    private readonly byte[] _name;

    /// <summary>Creates a block list entry.</summary>
    /// <param name="name">The block's id string (at most 255 UTF-8 bytes), e.g. <c>pc.ram</c>.</param>
    /// <param name="usedLength">The block's used length in bytes.</param>
    /// <param name="pageSize">The block's page size, present only with postcopy when it differs from the host page size.</param>
    /// <param name="guestAddress">The block's guest physical address, present only with the <c>x-ignore-shared</c> capability.</param>
    public QemuRamBlock(string name, ulong usedLength, ulong? pageSize = null, ulong? guestAddress = null)
        : this(QemuText.EncodeCounted(name, nameof(name)), usedLength, pageSize, guestAddress)
    {
    }

    internal QemuRamBlock(byte[] name, ulong usedLength, ulong? pageSize, ulong? guestAddress)
    {
        _name = name;
        Name = QemuText.Decode(name);
        UsedLength = usedLength;
        PageSize = pageSize;
        GuestAddress = guestAddress;
    }

    /// <summary>Gets the block's id string.</summary>
    public string Name { get; }

    /// <summary>Gets the block's id string as it is on the wire.</summary>
    public ReadOnlyMemory<byte> NameBytes => _name;

    /// <summary>Gets the block's used length in bytes.</summary>
    public ulong UsedLength { get; }

    /// <summary>Gets the block's page size, when the stream carries it (postcopy with huge pages).</summary>
    public ulong? PageSize { get; }

    /// <summary>Gets the block's guest physical address, when the stream carries it (<c>x-ignore-shared</c>).</summary>
    public ulong? GuestAddress { get; }

    /// <summary>Gets the number of bytes the entry occupies on the wire.</summary>
    public int WireLength => 1 + _name.Length + 8 + (PageSize.HasValue ? 8 : 0) + (GuestAddress.HasValue ? 8 : 0);

    internal byte[] NameArray => _name;
}
