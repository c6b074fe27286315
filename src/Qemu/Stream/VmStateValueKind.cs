namespace MigrationFormat.Qemu;

/// <summary>The kind of a decoded <see cref="VmStateValue"/>.</summary>
public enum VmStateValueKind
{
    /// <summary>A big-endian integer (<see cref="VmStateInteger"/>).</summary>
    Integer,

    /// <summary>A boolean (<see cref="VmStateBoolean"/>).</summary>
    Boolean,

    /// <summary>Raw bytes of a type the decoder does not interpret (<see cref="VmStateBytes"/>).</summary>
    Bytes,

    /// <summary>Named members: a section, a nested struct or a subsection (<see cref="VmStateStruct"/>).</summary>
    Struct,

    /// <summary>The elements of an array field (<see cref="VmStateArray"/>).</summary>
    Array,

    /// <summary>The NULL marker byte 0x30 of an array of pointers (<see cref="VmStateNullPointer"/>).</summary>
    NullPointer,
}
