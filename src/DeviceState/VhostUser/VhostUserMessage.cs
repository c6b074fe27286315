using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Microsoft.Win32.SafeHandles;

namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>A received message: its header, its payload, and the descriptors that came with it (closed on dispose unless taken).</summary>
public sealed class VhostUserMessage : IDisposable
{
    private readonly List<SafeFileHandle> _descriptors;

    internal VhostUserMessage(VhostUserHeader header, byte[] payload, List<SafeFileHandle> descriptors)
    {
        Header = header;
        Payload = payload;
        _descriptors = descriptors;
    }

    /// <summary>Gets the header.</summary>
    public VhostUserHeader Header { get; }

    /// <summary>Gets the payload (exactly <see cref="VhostUserHeader.Size"/> bytes).</summary>
    public byte[] Payload { get; }

    /// <summary>Gets the number of descriptors still held.</summary>
    public int DescriptorCount => _descriptors.Count;

    /// <summary>Gets the payload's first u64, or <see langword="null"/> when it is shorter.</summary>
    public ulong? PayloadUInt64 => Payload.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(Payload) : null;

    /// <summary>Takes the first descriptor; the caller owns it.</summary>
    /// <returns>The descriptor, or <see langword="null"/> when none came.</returns>
    public SafeFileHandle? TakeDescriptor()
    {
        if (_descriptors.Count == 0)
        {
            return null;
        }

        SafeFileHandle first = _descriptors[0];
        _descriptors.RemoveAt(0);
        return first;
    }

    /// <summary>Closes the descriptors not taken.</summary>
    public void Dispose()
    {
        foreach (SafeFileHandle descriptor in _descriptors)
        {
            descriptor.Dispose();
        }

        _descriptors.Clear();
    }
}
