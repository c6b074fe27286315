namespace MigrationFormat.Visitors;

/// <summary>The type of a field, as a <see cref="FieldSpec"/> declares it.</summary>
public enum FieldKind
{
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8,

    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16,

    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32,

    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64,

    /// <summary>Signed 8-bit integer.</summary>
    Int8,

    /// <summary>Signed 16-bit integer.</summary>
    Int16,

    /// <summary>Signed 32-bit integer.</summary>
    Int32,

    /// <summary>Signed 64-bit integer.</summary>
    Int64,

    /// <summary>Boolean.</summary>
    Bool,

    /// <summary>A byte buffer of fixed size.</summary>
    FixedBytes,

    /// <summary>A byte string of variable length (bounded by <see cref="FieldSpec.Length"/>).</summary>
    Bytes,

    /// <summary>A UTF-8 string (bounded by <see cref="FieldSpec.Length"/>).</summary>
    String,

    /// <summary>A fixed-size array of unsigned 16-bit integers.</summary>
    UInt16Array,

    /// <summary>A fixed-size array of unsigned 32-bit integers.</summary>
    UInt32Array,

    /// <summary>A fixed-size array of unsigned 64-bit integers.</summary>
    UInt64Array,

    /// <summary>A nested structure of fields.</summary>
    Struct,

    /// <summary>A list of structures whose length is part of the state.</summary>
    List,

    /// <summary>A group of fields sent only when needed (QEMU's subsections).</summary>
    Optional,

    /// <summary>Opaque bytes streamed in bounded segments (a back-end's state, possibly gigabytes).</summary>
    Blob,
}

/// <summary>Queries on <see cref="FieldKind"/>.</summary>
public static class FieldKindExtensions
{
    /// <summary>Gets a value indicating whether the kind is an integer of some width.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns><see langword="true"/> for the eight integer kinds.</returns>
    public static bool IsInteger(this FieldKind kind) => kind <= FieldKind.Int64;

    /// <summary>Gets a value indicating whether the kind is signed.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns><see langword="true"/> for the signed integer kinds.</returns>
    public static bool IsSigned(this FieldKind kind) => kind is FieldKind.Int8 or FieldKind.Int16 or FieldKind.Int32 or FieldKind.Int64;

    /// <summary>Gets the width in bits of an integer kind, or of the elements of an integer array kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>8, 16, 32 or 64; 0 for kinds that are not integers.</returns>
    public static int BitWidth(this FieldKind kind) => kind switch
    {
        FieldKind.UInt8 or FieldKind.Int8 or FieldKind.FixedBytes => 8,
        FieldKind.UInt16 or FieldKind.Int16 or FieldKind.UInt16Array => 16,
        FieldKind.UInt32 or FieldKind.Int32 or FieldKind.UInt32Array => 32,
        FieldKind.UInt64 or FieldKind.Int64 or FieldKind.UInt64Array => 64,
        _ => 0,
    };

    /// <summary>Gets a value indicating whether the field is encoded as a constructed BER value.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns><see langword="true"/> for structures, lists, optional groups, arrays and blobs.</returns>
    public static bool IsConstructed(this FieldKind kind) =>
        kind is FieldKind.Struct or FieldKind.List or FieldKind.Optional or FieldKind.Blob
            or FieldKind.UInt16Array or FieldKind.UInt32Array or FieldKind.UInt64Array;

    /// <summary>Gets the lower-case name used in schemas and dumps (e.g. <c>uint16</c>).</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The name.</returns>
    public static string SchemaName(this FieldKind kind) => kind switch
    {
        FieldKind.UInt8 => "uint8",
        FieldKind.UInt16 => "uint16",
        FieldKind.UInt32 => "uint32",
        FieldKind.UInt64 => "uint64",
        FieldKind.Int8 => "int8",
        FieldKind.Int16 => "int16",
        FieldKind.Int32 => "int32",
        FieldKind.Int64 => "int64",
        FieldKind.Bool => "bool",
        FieldKind.FixedBytes => "fixed-bytes",
        FieldKind.Bytes => "bytes",
        FieldKind.String => "string",
        FieldKind.UInt16Array => "uint16-array",
        FieldKind.UInt32Array => "uint32-array",
        FieldKind.UInt64Array => "uint64-array",
        FieldKind.Struct => "struct",
        FieldKind.List => "list",
        FieldKind.Optional => "optional",
        _ => "blob",
    };
}
