using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MigrationFormat.Ber;

/// <summary>
/// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected; the checksum of iSCSI and ext4), computed with the
/// processor's CRC32 instruction where it has one.
/// </summary>
public static class Crc32C
{
    /// <summary>The value to start an incremental computation with.</summary>
    public const uint Initial = 0xFFFFFFFF;

    /// <summary>Adds <paramref name="data"/> to a running checksum started with <see cref="Initial"/>.</summary>
    /// <param name="state">The running state.</param>
    /// <param name="data">The next bytes.</param>
    /// <returns>The new running state; pass it to <see cref="Finish"/> for the checksum.</returns>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        // The CRC32 instruction takes a few cycles to give its result and can start one every cycle: three blocks are
        // summed side by side, two of them from a zero register, and joined by shifting the first two over the bytes
        // that follow them (the register is linear in its start value and its data).
        while (BitConverter.IsLittleEndian && data.Length >= 3 * LaneLength)
        {
            uint first = state, second = 0, third = 0;
            ref byte start = ref MemoryMarshal.GetReference(data);
            for (int i = 0; i < LaneLength; i += 8)
            {
                // In bounds: the loop condition above leaves three whole lanes from start.
                first = BitOperations.Crc32C(first, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
                second = BitOperations.Crc32C(second, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, LaneLength + i)));
                third = BitOperations.Crc32C(third, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, (2 * LaneLength) + i)));
            }

            state = Shift(ShiftTwoLanes, first) ^ Shift(ShiftOneLane, second) ^ third;
            data = data.Slice(3 * LaneLength);
        }

        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data.Slice(8);
        }

        foreach (byte value in data)
        {
            state = BitOperations.Crc32C(state, value);
        }

        return state;
    }

    /// <summary>The bytes each of the three interleaved lanes sums.</summary>
    private const int LaneLength = 4096;

    /// <summary>The register moved over one lane of zero bytes, by byte of the register (4 × 256 entries).</summary>
    private static readonly uint[] ShiftOneLane = BuildShift(LaneLength);

    /// <summary>The register moved over two lanes of zero bytes.</summary>
    private static readonly uint[] ShiftTwoLanes = BuildShift(2 * LaneLength);

    private static uint Shift(uint[] table, uint register) =>
        table[register & 0xFF] ^ table[256 + ((register >> 8) & 0xFF)] ^ table[512 + ((register >> 16) & 0xFF)] ^ table[768 + (register >> 24)];

    /// <summary>Tabulates the register after <paramref name="bytes"/> zero bytes, from each of its bits, then by byte value.</summary>
    private static uint[] BuildShift(int bytes)
    {
        Span<uint> bits = stackalloc uint[32];
        for (int bit = 0; bit < 32; bit++)
        {
            uint register = 1u << bit;
            for (int i = 0; i < bytes; i += 8)
            {
                register = BitOperations.Crc32C(register, 0UL);
            }

            bits[bit] = register;
        }

        uint[] table = new uint[4 * 256];
        for (int lane = 0; lane < 4; lane++)
        {
            for (int value = 0; value < 256; value++)
            {
                uint shifted = 0;
                for (int bit = 0; bit < 8; bit++)
                {
                    if ((value & (1 << bit)) != 0)
                    {
                        shifted ^= bits[(lane * 8) + bit];
                    }
                }

                table[(lane * 256) + value] = shifted;
            }
        }

        return table;
    }

    /// <summary>Turns a running state into the checksum.</summary>
    /// <param name="state">The running state.</param>
    /// <returns>The CRC-32C.</returns>
    public static uint Finish(uint state) => ~state;

    /// <summary>Computes the CRC-32C of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The checksum.</returns>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Initial, data));
}
