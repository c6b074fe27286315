using System;
using System.Runtime.InteropServices;

namespace MigrationFormat.Ber;

/// <summary>
/// A tag's identifier octets, encoded once and packed into one 64-bit word so that a writer emits them with a
/// single store. Tags that need more than eight identifier octets (tag numbers of 2^49 and above) have no packed
/// form; <see cref="Length"/> is then 0 and callers use the general <see cref="BerWriter"/> methods.
/// </summary>
internal readonly struct EncodedTag
{
    private EncodedTag(ulong octets, int length)
    {
        Octets = octets;
        Length = length;
    }

    /// <summary>The universal INTEGER tag, <c>02</c>.</summary>
    public static EncodedTag Integer { get; } = Create(BerTag.Integer);

    /// <summary>The universal constructed SEQUENCE tag, <c>30</c>.</summary>
    public static EncodedTag Sequence { get; } = Create(BerTag.Sequence.AsConstructed());

    /// <summary>The identifier octets as a native-order word: storing it writes them in sequence, padded with zeros.</summary>
    public ulong Octets { get; }

    /// <summary>How many identifier octets <see cref="Octets"/> holds: 1 to 8, or 0 when the tag has no packed form.</summary>
    public int Length { get; }

    /// <summary>Gets the first identifier octet.</summary>
    public byte FirstOctet => (byte)(BitConverter.IsLittleEndian ? Octets : Octets >> 56);

    /// <summary>Packs the identifier octets of <paramref name="tag"/>.</summary>
    /// <param name="tag">The tag, in the form (primitive or constructed) it will be written with.</param>
    /// <returns>The packed tag, or one with <see cref="Length"/> 0 when the tag takes more than eight octets.</returns>
    public static EncodedTag Create(BerTag tag)
    {
        Span<byte> octets = stackalloc byte[BerEncoder.MaxTagLength];
        int length = BerEncoder.WriteTag(octets, tag);
        if (length > sizeof(ulong))
        {
            return default;
        }

        Span<byte> word = stackalloc byte[sizeof(ulong)];
        word.Clear();
        octets.Slice(0, length).CopyTo(word);
        // Read in native order, so that a native-order store writes the octets back in sequence on any platform.
        return new EncodedTag(MemoryMarshal.Read<ulong>(word), length);
    }
}
