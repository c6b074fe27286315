using System;
using System.Collections.Generic;
using System.Text;

namespace MigrationFormat.Qemu;

/// <summary>
/// The description of one VMState payload as the VM description trailer gives it: a device section's top level, a nested
/// struct, or a subsection. <c>{"vmsd_name", "version", "fields": [...], "subsections": [...]}</c>.
/// </summary>
public class VmStateDescription
{
    private long _payloadLength = -1;

    internal VmStateDescription(
        string? vmsdName,
        int? version,
        IReadOnlyList<VmFieldDescription>? fields,
        IReadOnlyList<VmStateDescription> subsections,
        long offset)
    {
        VmsdName = vmsdName;
        Version = version;
        HasFields = fields is not null;
        Fields = fields ?? Array.Empty<VmFieldDescription>();
        Subsections = subsections;
        Offset = offset;
    }

    /// <summary>Gets the vmsd name (for a subsection, also the name on the wire), or <see langword="null"/> for an old-style section.</summary>
    public string? VmsdName { get; }

    /// <summary>Gets the version the payload was saved with, when given.</summary>
    public int? Version { get; }

    /// <summary>Gets the fields that were sent, in wire order.</summary>
    public IReadOnlyList<VmFieldDescription> Fields { get; }

    /// <summary>
    /// Gets a value indicating whether the description has a <c>fields</c> list. A <c>struct</c> object without one describes a
    /// NULL element of an array of pointers: the single marker byte 0x30.
    /// </summary>
    public bool HasFields { get; }

    /// <summary>Gets the subsections that were sent, in wire order.</summary>
    public IReadOnlyList<VmStateDescription> Subsections { get; }

    /// <summary>Gets the offset of the description's JSON object in the stream (or in the JSON text when parsed alone).</summary>
    public long Offset { get; }

    /// <summary>
    /// Gets the payload length this description implies: the sum over fields of size × element count, plus for each subsection
    /// its 0x05 marker, name, be32 version and payload.
    /// </summary>
    /// <returns>The length in bytes.</returns>
    /// <exception cref="MigrationFormatException">The length overflows, or a subsection has no name.</exception>
    public long GetPayloadLength()
    {
        if (_payloadLength < 0)
        {
            _payloadLength = ComputePayloadLength();
        }

        return _payloadLength;
    }

    private long ComputePayloadLength()
    {
        // Sizes and element counts are non-negative ints, so one product fits a long; only the sums can overflow.
        long length = 0;
        foreach (VmFieldDescription field in Fields)
        {
            length = Add(length, (long)field.Size * field.ElementCount);
        }

        foreach (VmStateDescription subsection in Subsections)
        {
            if (subsection.VmsdName is null)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    "A subsection of the VM description has no 'vmsd_name', so its length on the wire is unknown.",
                    subsection.Offset);
            }

            length = Add(length, 6 + Encoding.UTF8.GetByteCount(subsection.VmsdName));
            length = Add(length, subsection.GetPayloadLength());
        }

        return length;
    }

    private long Add(long length, long more)
    {
        if (more > long.MaxValue - length)
        {
            throw new MigrationFormatException(MigrationErrorKind.LimitExceeded, "The payload length the VM description implies overflows 64 bits.", Offset);
        }

        return length + more;
    }
}
