namespace MigrationFormat.Qemu;

/// <summary>What a finding of <see cref="VmStateChecker"/> is about.</summary>
public enum VmStateFindingKind
{
    /// <summary>The two dumps were taken for different machine types.</summary>
    MachineMismatch,

    /// <summary>The destination has no device of the source's QOM type, or its entry has no description.</summary>
    DeviceMissing,

    /// <summary>The top-level description's name (the section id string on the wire) differs.</summary>
    SectionRenamed,

    /// <summary>The section version the source writes is above what the destination accepts, or below its minimum.</summary>
    SectionVersion,

    /// <summary>The source sends a field the destination does not read.</summary>
    FieldRemoved,

    /// <summary>The destination reads a field the source does not send.</summary>
    FieldAdded,

    /// <summary>A field's wire width differs (any change breaks the legacy stream, widening included).</summary>
    FieldResized,

    /// <summary>A field is sent at another place in the order than the destination reads it (a swap or a move).</summary>
    FieldMoved,

    /// <summary>A field changed its name only: names are not on the wire, so the value still lands in it.</summary>
    FieldRenamed,

    /// <summary>A field is sent or read at other stream versions on the two sides (its <c>version_id</c>, or a description's, moved).</summary>
    FieldVersion,

    /// <summary>Fields on one side face <c>unused</c> padding of the same size on the other: dropped, or loaded as zeros.</summary>
    FieldsUnused,

    /// <summary>A field whose <c>field_exists</c> test only one side has, or that one side gates by its test and the other by versions.</summary>
    FieldConditional,

    /// <summary>A subsection the source may send is unknown to the destination, or not under the destination description's name.</summary>
    SubsectionMissing,

    /// <summary>A subsection's version is above what the destination's accepts, or below its minimum.</summary>
    SubsectionVersion,

    /// <summary>A field the dump gives no width for (size 0) appears on one side only or in another place.</summary>
    OpaqueField,
}
