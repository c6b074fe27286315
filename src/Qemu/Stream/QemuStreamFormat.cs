using System;
using System.Buffers.Binary;

namespace MigrationFormat.Qemu;

/// <summary>The constants of QEMU's savevm stream (QEMU 7.2, <c>migration/savevm.h</c>).</summary>
public static class QemuStreamFormat
{
    /// <summary>The file magic, <c>"QEVM"</c> as a big-endian 32-bit number.</summary>
    public const uint Magic = 0x5145564D;

    /// <summary>The stream version this library reads and writes.</summary>
    public const uint Version = 3;

    /// <summary>The obsolete stream version 2, which QEMU rejects.</summary>
    public const uint ObsoleteVersion = 2;

    /// <summary>Record type byte: end of device data.</summary>
    public const byte EndOfFile = 0x00;

    /// <summary>Record type byte: first record of an iterative section (full header).</summary>
    public const byte SectionStart = 0x01;

    /// <summary>Record type byte: middle record of an iterative section (short header).</summary>
    public const byte SectionPart = 0x02;

    /// <summary>Record type byte: last record of an iterative section (short header).</summary>
    public const byte SectionEnd = 0x03;

    /// <summary>Record type byte: a whole non-iterative device section (full header).</summary>
    public const byte SectionFull = 0x04;

    /// <summary>Marker byte of a subsection inside a VMState payload.</summary>
    public const byte Subsection = 0x05;

    /// <summary>Record type byte: the JSON VM description trailer.</summary>
    public const byte VmDescription = 0x06;

    /// <summary>Record type byte: the configuration section.</summary>
    public const byte Configuration = 0x07;

    /// <summary>Record type byte: a command record.</summary>
    public const byte Command = 0x08;

    /// <summary>Record type byte: a section footer.</summary>
    public const byte SectionFooter = 0x7E;

    /// <summary>The byte QEMU writes in place of a NULL element of an array of pointers (<c>VMS_NULLPTR_MARKER</c>).</summary>
    public const byte NullPointerMarker = 0x30;

    /// <summary>The target page size assumed when neither the options, the configuration nor the VM description give one (x86).</summary>
    public const int DefaultTargetPageSize = 4096;

    /// <summary>Gets a value indicating whether <paramref name="prefix"/> starts like a QEMU savevm stream (magic <c>QEVM</c>).</summary>
    /// <param name="prefix">The first bytes of a file or stream (at least four).</param>
    /// <returns><see langword="true"/> when the magic matches.</returns>
    public static bool IsQemuStream(ReadOnlySpan<byte> prefix) =>
        prefix.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(prefix) == Magic;

    /// <summary>Gets the name of a record type byte, for messages.</summary>
    /// <param name="type">The record type byte.</param>
    /// <returns>A short name such as <c>SECTION_FULL</c>, or <c>unknown</c>.</returns>
    public static string GetRecordTypeName(byte type) => type switch
    {
        EndOfFile => "EOF",
        SectionStart => "SECTION_START",
        SectionPart => "SECTION_PART",
        SectionEnd => "SECTION_END",
        SectionFull => "SECTION_FULL",
        Subsection => "SUBSECTION",
        VmDescription => "VMDESCRIPTION",
        Configuration => "CONFIGURATION",
        Command => "COMMAND",
        SectionFooter => "SECTION_FOOTER",
        _ => "unknown",
    };

    internal static bool IsRecordStart(byte type) =>
        type is EndOfFile or SectionStart or SectionPart or SectionEnd or SectionFull or Command;
}
