using System;

namespace MigrationFormat.Visitors;

/// <summary>
/// Marks an instance field of a <see cref="MigrationDeviceAttribute"/> class as migrated state. The field's type
/// chooses its kind: <see cref="byte"/>, <see cref="sbyte"/>, <see cref="ushort"/>, <see cref="short"/>,
/// <see cref="uint"/>, <see cref="int"/>, <see cref="ulong"/>, <see cref="long"/>, <see cref="bool"/>,
/// <see cref="string"/>, a <see cref="byte"/> array (a variable byte string, or a fixed-size buffer when
/// <see cref="Length"/> is set) and <see cref="ushort"/>, <see cref="uint"/> or <see cref="ulong"/> arrays of a
/// fixed <see cref="Length"/>.
/// </summary>
/// <remarks>
/// Scalars, strings and variable byte strings are visited by reference, so those fields cannot be
/// <see langword="readonly"/>; fixed-size buffers and arrays are visited as spans of the array the field holds,
/// which may be <see langword="readonly"/> and must hold exactly <see cref="Length"/> elements.
/// </remarks>
[AttributeUsage(AttributeTargets.Field, Inherited = false, AllowMultiple = false)]
public sealed class MigrationFieldAttribute : Attribute
{
    /// <summary>Marks a migrated field.</summary>
    /// <param name="tag">The BER tag number, unique within the field's structure (the device, or its optional group or structure).</param>
    public MigrationFieldAttribute(int tag) => Tag = tag;

    /// <summary>Gets the BER tag number.</summary>
    public int Tag { get; }

    /// <summary>
    /// Gets or sets the field's name in schemas and dumps; unless set, the C# field's name in snake_case without
    /// leading underscores (<c>_txCount</c> is <c>tx_count</c>).
    /// </summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets a value indicating whether a destination that does not know the field may skip it (must-parse unless set).</summary>
    public bool Skippable { get; set; }

    /// <summary>Gets or sets the device version that introduced the field: 1 at top level, the group's own for a group member, unless set.</summary>
    public int Since { get; set; } = 1;

    /// <summary>Gets or sets the device version that removed the field, or 0 while it is still present.</summary>
    public int RemovedIn { get; set; }

    /// <summary>Gets or sets the description shown in schemas.</summary>
    public string? Description { get; set; }

    /// <summary>
    /// Gets or sets the exact element count: required for <see cref="ushort"/>, <see cref="uint"/> and
    /// <see cref="ulong"/> arrays; on a <see cref="byte"/> array it makes the field a fixed-size buffer of that many
    /// bytes instead of a variable byte string. 0 when not set.
    /// </summary>
    public int Length { get; set; }

    /// <summary>
    /// Gets or sets the largest byte count accepted on load for a <see cref="string"/> or variable <see cref="byte"/>
    /// array, or 0 for the reader's limit.
    /// </summary>
    public int MaxLength { get; set; }

    /// <summary>
    /// Gets or sets the name of the <see cref="MigrationOptionalGroupAttribute"/> or <see cref="MigrationStructAttribute"/>
    /// the field belongs to, or <see langword="null"/> for the device's top level.
    /// </summary>
    public string? Group { get; set; }

    /// <summary>
    /// Gets or sets the configuration condition under which the field exists: <c>name</c> for a bool parameter that
    /// is on, or <c>name=value</c>; <see langword="null"/> when it always exists. The parameter must be declared with
    /// <see cref="MigrationParameterAttribute.ChangesLayout"/>, since the condition changes the state layout.
    /// </summary>
    public string? When { get; set; }
}
