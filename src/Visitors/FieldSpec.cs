using System;
using System.Globalization;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>
/// The static description of one field: name, BER tag number, type, must-parse or skippable, the version that
/// introduced it (and the one that removed it), and a description for schemas. Build each once, in a
/// <see langword="static readonly"/> field, and pass it to every visit.
/// </summary>
/// <remarks>
/// On the BER wire a field is an IMPLICIT tag: context-specific <c>[n]</c> when it is must-parse (the default),
/// private <c>[PRIVATE n]</c> when it is skippable. Tag numbers are unique within their structure.
/// </remarks>
public sealed class FieldSpec
{
    private FieldSpec(FieldKind kind, string name, int tag, bool skippable, int since, int removedIn, string? description, int length)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(tag);
        ArgumentOutOfRangeException.ThrowIfLessThan(since, 1);
        if (removedIn != 0 && removedIn <= since)
        {
            throw new ArgumentOutOfRangeException(nameof(removedIn), removedIn, $"Field '{name}' must be removed in a version after the one that introduced it ({since}).");
        }

        Kind = kind;
        Name = name;
        Tag = tag;
        IsSkippable = skippable;
        Since = since;
        RemovedIn = removedIn;
        Description = description;
        Length = length;
        BerTag = new BerTag(skippable ? BerTagClass.Private : BerTagClass.ContextSpecific, (ulong)tag, kind.IsConstructed());
        byte[] octets = new byte[BerTag.EncodedLength];
        BerEncoder.WriteTag(octets, BerTag);
        TagOctets = octets;
        EncodedTag = EncodedTag.Create(BerTag);

        // A tag number below 2^31 takes at most five identifier octets, so every field has a packed tag.
        System.Diagnostics.Debug.Assert(EncodedTag.Length != 0, "Field tags always fit the packed form.");
    }

    /// <summary>Gets the field's type.</summary>
    public FieldKind Kind { get; }

    /// <summary>Gets the field's name, as schemas and dumps show it.</summary>
    public string Name { get; }

    /// <summary>Gets the BER tag number, unique within the enclosing structure.</summary>
    public int Tag { get; }

    /// <summary>Gets a value indicating whether a destination that does not know this field may skip it.</summary>
    public bool IsSkippable { get; }

    /// <summary>Gets a value indicating whether a destination must understand this field (the default).</summary>
    public bool IsMustParse => !IsSkippable;

    /// <summary>Gets the device version that introduced the field (1 for the first version).</summary>
    public int Since { get; }

    /// <summary>Gets the device version that removed the field, or 0 when it is still present.</summary>
    public int RemovedIn { get; }

    /// <summary>Gets the description shown in schemas, or <see langword="null"/>.</summary>
    public string? Description { get; }

    /// <summary>
    /// Gets the size bound: the exact byte count of <see cref="FieldKind.FixedBytes"/>, the element count of the
    /// array kinds, or the largest byte count, element count or blob size for the variable kinds (0 when only the
    /// reader's limits apply).
    /// </summary>
    public int Length { get; }

    /// <summary>
    /// Gets the version a legacy QEMU stream gives an optional group's subsection header (QEMU writes each
    /// subsection with its own vmsd's version; 1 unless a device model says otherwise).
    /// </summary>
    public int LegacyVersion { get; private init; } = 1;

    /// <summary>Gets the BER tag this field is written with.</summary>
    public BerTag BerTag { get; }

    /// <summary>Gets the identifier octets this field is written with.</summary>
    internal byte[] TagOctets { get; }

    private SubsectionNameMemo? _subsectionName;

    /// <summary>The identifier octets packed for one-store writes (a field's tag number is an <see cref="int"/>: at most five octets, always packed).</summary>
    internal EncodedTag EncodedTag { get; }

    /// <summary>Gets a value indicating whether a device running as <paramref name="version"/> has this field.</summary>
    /// <param name="version">A device version.</param>
    /// <returns><see langword="true"/> when <see cref="Since"/> &lt;= version and the field was not removed by then.</returns>
    public bool ExistsIn(int version) => Since <= version && (RemovedIn == 0 || version < RemovedIn);

    /// <summary>Gets the legacy subsection name of this optional group under <paramref name="parent"/>, remembered so that saving and loading a device build it once.</summary>
    internal string SubsectionName(string parent)
    {
        SubsectionNameMemo? memo = _subsectionName;
        if (memo is not null && string.Equals(memo.Parent, parent, StringComparison.Ordinal))
        {
            return memo.Name;
        }

        // One entry is enough: a field's parent is its device (or enclosing structure), the same on every visit.
        string name = LegacySubsection.Name(parent, Name);
        _subsectionName = new SubsectionNameMemo(parent, name);
        return name;
    }

    /// <summary>Declares an unsigned 8-bit field.</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="tag">The BER tag number, unique within the structure.</param>
    /// <param name="skippable"><see langword="true"/> when a destination may safely lose it.</param>
    /// <param name="since">The version that introduced it.</param>
    /// <param name="removedIn">The version that removed it, or 0.</param>
    /// <param name="description">A description for schemas.</param>
    /// <returns>The field.</returns>
    public static FieldSpec UInt8(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.UInt8, name, tag, skippable, since, removedIn, description, 0);

    /// <summary>Declares an unsigned 16-bit field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public static FieldSpec UInt16(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.UInt16, name, tag, skippable, since, removedIn, description, 0);

    /// <summary>Declares an unsigned 32-bit field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public static FieldSpec UInt32(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.UInt32, name, tag, skippable, since, removedIn, description, 0);

    /// <summary>Declares an unsigned 64-bit field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public static FieldSpec UInt64(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.UInt64, name, tag, skippable, since, removedIn, description, 0);

    /// <summary>Declares a signed 8-bit field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public static FieldSpec Int8(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.Int8, name, tag, skippable, since, removedIn, description, 0);

    /// <summary>Declares a signed 16-bit field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public static FieldSpec Int16(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.Int16, name, tag, skippable, since, removedIn, description, 0);

    /// <summary>Declares a signed 32-bit field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public static FieldSpec Int32(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.Int32, name, tag, skippable, since, removedIn, description, 0);

    /// <summary>Declares a signed 64-bit field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public static FieldSpec Int64(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.Int64, name, tag, skippable, since, removedIn, description, 0);

    /// <summary>Declares a boolean field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public static FieldSpec Bool(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.Bool, name, tag, skippable, since, removedIn, description, 0);

    /// <summary>Declares a byte buffer of exactly <paramref name="size"/> bytes.</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="tag">The BER tag number, unique within the structure.</param>
    /// <param name="size">The buffer's size in bytes.</param>
    /// <param name="skippable"><see langword="true"/> when a destination may safely lose it.</param>
    /// <param name="since">The version that introduced it.</param>
    /// <param name="removedIn">The version that removed it, or 0.</param>
    /// <param name="description">A description for schemas.</param>
    /// <returns>The field.</returns>
    public static FieldSpec FixedBytes(string name, int tag, int size, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.FixedBytes, name, tag, skippable, since, removedIn, description, RequireNonNegative(size));

    /// <summary>Declares a variable-length byte string of at most <paramref name="maxLength"/> bytes (0: the reader's limit).</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="tag">The BER tag number, unique within the structure.</param>
    /// <param name="maxLength">The largest length accepted on load, or 0.</param>
    /// <param name="skippable"><see langword="true"/> when a destination may safely lose it.</param>
    /// <param name="since">The version that introduced it.</param>
    /// <param name="removedIn">The version that removed it, or 0.</param>
    /// <param name="description">A description for schemas.</param>
    /// <returns>The field.</returns>
    public static FieldSpec Bytes(string name, int tag, int maxLength = 0, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.Bytes, name, tag, skippable, since, removedIn, description, RequireNonNegative(maxLength));

    /// <summary>Declares a UTF-8 string of at most <paramref name="maxLength"/> bytes (0: the reader's limit).</summary>
    /// <inheritdoc cref="Bytes" path="/param"/>
    /// <returns>The field.</returns>
    public static FieldSpec String(string name, int tag, int maxLength = 0, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.String, name, tag, skippable, since, removedIn, description, RequireNonNegative(maxLength));

    /// <summary>Declares a fixed-size array of integers of the given element kind.</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="tag">The BER tag number, unique within the structure.</param>
    /// <param name="elementKind"><see cref="FieldKind.UInt16"/>, <see cref="FieldKind.UInt32"/> or <see cref="FieldKind.UInt64"/>.</param>
    /// <param name="count">The number of elements.</param>
    /// <param name="skippable"><see langword="true"/> when a destination may safely lose it.</param>
    /// <param name="since">The version that introduced it.</param>
    /// <param name="removedIn">The version that removed it, or 0.</param>
    /// <param name="description">A description for schemas.</param>
    /// <returns>The field.</returns>
    public static FieldSpec Array(string name, int tag, FieldKind elementKind, int count, bool skippable = false, int since = 1, int removedIn = 0, string? description = null)
    {
        FieldKind kind = elementKind switch
        {
            FieldKind.UInt16 => FieldKind.UInt16Array,
            FieldKind.UInt32 => FieldKind.UInt32Array,
            FieldKind.UInt64 => FieldKind.UInt64Array,
            _ => throw new ArgumentOutOfRangeException(nameof(elementKind), elementKind, "Arrays hold UInt16, UInt32 or UInt64 elements; use FixedBytes for bytes."),
        };
        return new(kind, name, tag, skippable, since, removedIn, description, RequireNonNegative(count));
    }

    /// <summary>Declares a nested structure.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public static FieldSpec Struct(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.Struct, name, tag, skippable, since, removedIn, description, 0);

    /// <summary>Declares a list of structures of at most <paramref name="maxCount"/> elements (0: the reader's limit).</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="tag">The BER tag number, unique within the structure.</param>
    /// <param name="maxCount">The largest element count accepted on load, or 0.</param>
    /// <param name="skippable"><see langword="true"/> when a destination may safely lose it.</param>
    /// <param name="since">The version that introduced it.</param>
    /// <param name="removedIn">The version that removed it, or 0.</param>
    /// <param name="description">A description for schemas.</param>
    /// <returns>The field.</returns>
    public static FieldSpec List(string name, int tag, int maxCount = 0, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.List, name, tag, skippable, since, removedIn, description, RequireNonNegative(maxCount));

    /// <summary>Declares an optional group of fields, sent only when the device says it is needed.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public static FieldSpec Optional(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.Optional, name, tag, skippable, since, removedIn, description, 0);

    /// <summary>Declares an optional group whose legacy subsection header carries <paramref name="legacyVersion"/>.</summary>
    /// <param name="name">The group's name; in a legacy stream, the subsection is named <c>parent/name</c> unless the name has a '/'.</param>
    /// <param name="tag">The BER tag number, unique within the structure.</param>
    /// <param name="legacyVersion">The version written in the legacy subsection header.</param>
    /// <param name="skippable"><see langword="true"/> when a destination may safely lose it.</param>
    /// <param name="since">The version that introduced it.</param>
    /// <param name="description">A description for schemas.</param>
    /// <returns>The field.</returns>
    public static FieldSpec Optional(string name, int tag, int legacyVersion, bool skippable = false, int since = 1, string? description = null) =>
        new(FieldKind.Optional, name, tag, skippable, since, 0, description, 0) { LegacyVersion = legacyVersion };

    /// <summary>Declares an opaque blob streamed in segments, of at most <paramref name="maxLength"/> bytes (0: the reader's limit).</summary>
    /// <inheritdoc cref="Bytes" path="/param"/>
    /// <returns>The field.</returns>
    public static FieldSpec Blob(string name, int tag, int maxLength = 0, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(FieldKind.Blob, name, tag, skippable, since, removedIn, description, RequireNonNegative(maxLength));

    /// <summary>Formats the field as <c>name [tag]</c> or <c>name [PRIVATE tag]</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        Name + (IsSkippable ? " [PRIVATE " : " [") + Tag.ToString(CultureInfo.InvariantCulture) + "]";

    private static int RequireNonNegative(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return value;
    }
}

/// <summary>A subsection name with the parent it was built for (replaced as a whole, so readers on other threads see a consistent pair).</summary>
internal sealed record SubsectionNameMemo(string Parent, string Name);
