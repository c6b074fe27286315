using System;
using MigrationFormat.Visitors;

namespace MigrationFormat.Samples.Qemu;

/// <summary>
/// QEMU's <c>Fifo8</c> as its vmsd (<c>Fifo8</c>, version 1) saves it: the whole buffer (its capacity, not sent), the head
/// index and the number of bytes held.
/// </summary>
public sealed class QemuFifo8
{
    private uint _head;
    private uint _num;

    /// <summary>Creates an empty FIFO of <paramref name="capacity"/> bytes.</summary>
    /// <param name="capacity">The buffer size (16 for the 16550A's FIFOs).</param>
    public QemuFifo8(int capacity) => Data = new byte[capacity];

    /// <summary>Gets the buffer, changed in place.</summary>
    public byte[] Data { get; }

    /// <summary>Gets or sets the index of the oldest byte.</summary>
    public uint Head { get => _head; set => _head = value; }

    /// <summary>Gets or sets the number of bytes held.</summary>
    public uint Num { get => _num; set => _num = value; }

    /// <summary>Visits the FIFO's three fields inside an already opened structure.</summary>
    /// <typeparam name="TVisitor">The visitor.</typeparam>
    /// <param name="visitor">The visitor.</param>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.Data(Data.Length), Data.AsSpan());
        visitor.Field(Fields.Head, ref _head);
        visitor.Field(Fields.Num, ref _num);
    }

    /// <summary>The FIFO's field specs.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("fifo8");

        private static readonly ArrayFieldSpec<byte> Data16 = Root.FixedBytes(
            "data",
            0,
            16,
            description: "The FIFO buffer (VMSTATE_VBUFFER_UINT32 of its capacity)");

        /// <summary>Head index.</summary>
        public static readonly FieldSpec<uint> Head = Root.UInt32("head", 1);

        /// <summary>Bytes held.</summary>
        public static readonly FieldSpec<uint> Num = Root.UInt32("num", 2);

        /// <summary>Gets the buffer's spec for a FIFO of <paramref name="capacity"/> bytes.</summary>
        /// <param name="capacity">The capacity.</param>
        /// <returns>The spec.</returns>
        public static ArrayFieldSpec<byte> Data(int capacity) =>
            capacity == 16 ? Data16 : new FieldSet("fifo8").FixedBytes(
                "data",
                0,
                capacity,
                description: "The FIFO buffer (VMSTATE_VBUFFER_UINT32 of its capacity)");
    }
}
