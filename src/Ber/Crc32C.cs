using System;
using System.Buffers.Binary;
using System.Numerics;

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

    /// <summary>Turns a running state into the checksum.</summary>
    /// <param name="state">The running state.</param>
    /// <returns>The CRC-32C.</returns>
    public static uint Finish(uint state) => ~state;

    /// <summary>Computes the CRC-32C of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The checksum.</returns>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Initial, data));
}
