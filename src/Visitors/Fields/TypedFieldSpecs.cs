using System;
using System.Numerics;

namespace MigrationFormat.Visitors;

/// <summary>
/// A scalar field whose value is a <typeparamref name="T"/>: an integer of one of the eight widths, a
/// <see cref="bool"/>, a <see cref="string"/> or a <see cref="byte"/> array. The type parameter ties the spec to the
/// value visited with it, so a field declared 8 bits wide cannot be visited with an <see cref="int"/>.
/// </summary>
/// <typeparam name="T">The field's value type.</typeparam>
public sealed class FieldSpec<T> : FieldSpec
{
    internal FieldSpec(FieldSet owner, FieldKind kind, in FieldOptions options, int maxLength = 0, LegacyFraming legacyFraming = default)
        : base(owner, kind, options, maxLength, legacyFraming: legacyFraming)
    {
    }
}

/// <summary>
/// A fixed-size run of <typeparamref name="T"/>: a byte buffer (<see cref="FieldKind.FixedBytes"/>, one OCTET
/// STRING on the wire) or an array of unsigned 16-, 32- or 64-bit integers (a constructed run of INTEGERs).
/// </summary>
/// <typeparam name="T">The element type: <see cref="byte"/>, <see cref="ushort"/>, <see cref="uint"/> or <see cref="ulong"/>.</typeparam>
public sealed class ArrayFieldSpec<T> : FieldSpec
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    internal ArrayFieldSpec(FieldSet owner, FieldKind kind, in FieldOptions options, int count)
        : base(owner, kind, options, count)
    {
    }

    /// <summary>Gets the number of elements.</summary>
    public int Count => Length;
}

/// <summary>A field that holds other fields: a structure, a list's element or an optional group.</summary>
public abstract class CompositeFieldSpec : FieldSpec
{
    private protected CompositeFieldSpec(
        FieldSet owner, FieldKind kind, in FieldOptions options, int length, int legacyVersion = 1, LegacyFraming legacyFraming = default)
        : base(owner, kind, options, length, legacyVersion, legacyFraming)
    {
        Members = new FieldSet(this);
    }

    /// <summary>Gets the set that declares this field's members; their tags are unique within it.</summary>
    public FieldSet Members { get; }
}

/// <summary>A nested structure: its members are declared through <see cref="CompositeFieldSpec.Members"/>.</summary>
public sealed class StructSpec : CompositeFieldSpec
{
    internal StructSpec(FieldSet owner, in FieldOptions options)
        : base(owner, FieldKind.Struct, options, 0)
    {
    }
}

/// <summary>A list of structures whose length is part of the state; the element's members are declared through
/// <see cref="CompositeFieldSpec.Members"/>.</summary>
public sealed class ListSpec : CompositeFieldSpec
{
    internal ListSpec(FieldSet owner, in FieldOptions options, int maxCount, LegacyFraming legacyFraming = default)
        : base(owner, FieldKind.List, options, maxCount, legacyFraming: legacyFraming)
    {
    }

    /// <summary>Gets the largest element count accepted on load, or 0 when only the reader's limit applies.</summary>
    public int MaxCount => Length;
}

/// <summary>A group of fields sent only when the device needs it (QEMU's subsection); its members are declared through
/// <see cref="CompositeFieldSpec.Members"/>.</summary>
public sealed class OptionalSpec : CompositeFieldSpec
{
    internal OptionalSpec(FieldSet owner, in FieldOptions options, int legacyVersion)
        : base(owner, FieldKind.Optional, options, 0, legacyVersion)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(legacyVersion, 0);
    }
}

/// <summary>Opaque bytes streamed in bounded segments (a back-end's state, possibly gigabytes).</summary>
public sealed class BlobSpec : FieldSpec
{
    internal BlobSpec(FieldSet owner, in FieldOptions options, int maxLength)
        : base(owner, FieldKind.Blob, options, maxLength)
    {
    }

    /// <summary>Gets the largest blob accepted on load, in bytes, or 0 when only the reader's limit applies.</summary>
    public int MaxLength => Length;
}
