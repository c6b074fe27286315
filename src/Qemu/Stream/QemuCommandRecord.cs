using System;

namespace MigrationFormat.Qemu;

/// <summary>
/// A command record (type byte 0x08): be16 command, be16 data length, the data, and for <see cref="QemuCommand.Packaged"/>
/// the embedded stream whose be32 length the data holds. Used only with postcopy, a return path or COLO.
/// </summary>
public sealed class QemuCommandRecord : QemuRecord
{
    /// <summary>Creates a command record for writing.</summary>
    /// <param name="command">The command number.</param>
    /// <param name="data">The command's data (at most 65535 bytes).</param>
    /// <param name="packagedData">For <see cref="QemuCommand.Packaged"/>, the embedded stream that follows the data.</param>
    public QemuCommandRecord(QemuCommand command, ReadOnlyMemory<byte> data, ReadOnlyMemory<byte> packagedData = default)
        : this((ushort)command, data, packagedData, -1)
    {
        if (data.Length > ushort.MaxValue)
        {
            throw new ArgumentException("A command's data holds at most 65535 bytes.", nameof(data));
        }
    }

    internal QemuCommandRecord(ushort command, ReadOnlyMemory<byte> data, ReadOnlyMemory<byte> packagedData, long offset)
        : base(offset)
    {
        Command = (QemuCommand)command;
        Data = data;
        PackagedData = packagedData;
    }

    /// <inheritdoc/>
    public override QemuRecordKind Kind => QemuRecordKind.Command;

    /// <summary>Gets the command.</summary>
    public QemuCommand Command { get; }

    /// <summary>Gets the command's data.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Gets the embedded stream of a <see cref="QemuCommand.Packaged"/> command (empty otherwise).</summary>
    public ReadOnlyMemory<byte> PackagedData { get; }

    /// <inheritdoc/>
    public override long Length => 5 + Data.Length + PackagedData.Length;
}
