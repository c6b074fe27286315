using System;
using System.Globalization;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>
/// The static description of one field: name, BER tag number, type, must-parse or skippable, the version that
/// introduced it (and the one that removed it), and a description for schemas. Fields are declared once, through
/// the <see cref="FieldSet"/> of the structure they belong to, in <see langword="static readonly"/> fields, and
/// passed to every visit.
/// </summary>
/// <remarks>
/// <para>
/// Each kind of field has its own spec type, so that a visit that passes a value of another type does not compile:
/// <see cref="FieldSpec{T}"/> for integers, booleans, strings and byte strings, <see cref="ArrayFieldSpec{T}"/> for
/// fixed-size buffers and arrays, <see cref="StructSpec"/>, <see cref="ListSpec"/>, <see cref="OptionalSpec"/> and
/// <see cref="BlobSpec"/>.
/// </para>
/// <para>
/// On the BER wire a field is an IMPLICIT tag: context-specific <c>[n]</c> when it is must-parse (the default),
/// private <c>[PRIVATE n]</c> when it is skippable. Tag numbers are unique within their structure.
/// </para>
/// </remarks>
public abstract class FieldSpec
{
    private SubsectionNameMemo? _subsectionName;

    private protected FieldSpec(
        FieldSet owner, FieldKind kind, in FieldOptions options, int length, int legacyVersion = 1, LegacyFraming legacyFraming = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentException.ThrowIfNullOrEmpty(options.Name);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Tag);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Since, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (options.RemovedIn != 0 && options.RemovedIn <= options.Since)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                options.RemovedIn,
                $"Field '{options.Name}' must be removed in a version after the one that introduced it ({options.Since}).");
        }

        Owner = owner;
        Kind = kind;
        Name = options.Name;
        Tag = options.Tag;
        IsSkippable = options.Skippable;
        Since = options.Since;
        RemovedIn = options.RemovedIn;
        Description = options.Description;
        Length = length;
        LegacyVersion = legacyVersion;
        LegacyFraming = legacyFraming;
        BerTag = new BerTag(options.Skippable ? BerTagClass.Private : BerTagClass.ContextSpecific, (ulong)options.Tag, kind.IsConstructed());
        byte[] octets = new byte[BerTag.EncodedLength];
        BerEncoder.WriteTag(octets, BerTag);
        TagOctets = octets;
        EncodedTag = EncodedTag.Create(BerTag);
        Path = owner.Path is null ? Name : owner.Path + "." + Name;

        // A tag number below 2^31 takes at most five identifier octets, so every field has a packed tag.
        System.Diagnostics.Debug.Assert(EncodedTag.Length != 0, "Field tags always fit the packed form.");
        owner.Add(this);
    }

    /// <summary>Gets the set of fields this field belongs to: its structure's, or its device's.</summary>
    public FieldSet Owner { get; }

    /// <summary>Gets the field's type.</summary>
    public FieldKind Kind { get; }

    /// <summary>Gets the field's name, as schemas and dumps show it.</summary>
    public string Name { get; }

    /// <summary>Gets the field's path from its device: the names of the enclosing structures and its own, joined by dots.</summary>
    public string Path { get; }

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
    /// Gets the size bound: the exact element count of a fixed-size buffer or array, or the largest byte count,
    /// element count or blob size of the variable kinds (0 when only the reader's limits apply).
    /// </summary>
    public int Length { get; }

    /// <summary>
    /// Gets the version a legacy QEMU stream gives an optional group's subsection header (QEMU writes each
    /// subsection with its own vmsd's version; 1 unless a device model says otherwise).
    /// </summary>
    public int LegacyVersion { get; }

    /// <summary>
    /// Gets how a legacy QEMU stream frames this field when it is a list or a variable byte string (a be32 count, unless the
    /// declaration says otherwise); every other kind ignores it.
    /// </summary>
    public LegacyFraming LegacyFraming { get; }

    /// <summary>Gets the BER tag this field is written with.</summary>
    public BerTag BerTag { get; }

    /// <summary>Gets the identifier octets this field is written with.</summary>
    internal byte[] TagOctets { get; }

    /// <summary>Gets the identifier octets packed for one-store writes (a field's tag number is an <see cref="int"/>: at most five octets, always
    /// packed).</summary>
    internal EncodedTag EncodedTag { get; }

    /// <summary>Gets a value indicating whether a device running as <paramref name="version"/> has this field.</summary>
    /// <param name="version">A device version.</param>
    /// <returns><see langword="true"/> when <see cref="Since"/> &lt;= version and the field was not removed by then.</returns>
    public bool ExistsIn(int version) => Since <= version && (RemovedIn == 0 || version < RemovedIn);

    /// <summary>Formats the field as <c>path [tag]</c> or <c>path [PRIVATE tag]</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        Path + (IsSkippable ? " [PRIVATE " : " [") + Tag.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>Gets the legacy subsection name of this optional group under <paramref name="parent"/>, remembered so that saving and loading a device build it
    /// once.</summary>
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
}

/// <summary>A subsection name with the parent it was built for (replaced as a whole, so readers on other threads see a consistent pair).</summary>
internal sealed record SubsectionNameMemo(string Parent, string Name);
