using System;

namespace MigrationFormat.Visitors;

/// <summary>
/// Declares an optional group of fields (QEMU's subsection) on a <see cref="MigrationDeviceAttribute"/> class: its
/// members are the fields whose <see cref="MigrationFieldAttribute.Group"/> names it, and it is sent only while the
/// device's <see cref="PresentFlag"/> field is <see langword="true"/>. Loading sets that flag to whether the input
/// carried the group. The group is visited where its first member is declared.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class MigrationOptionalGroupAttribute : Attribute
{
    /// <summary>Declares an optional group.</summary>
    /// <param name="name">
    /// The group's name, referenced by its members' <see cref="MigrationFieldAttribute.Group"/>; in a legacy stream,
    /// the subsection is named <c>device/name</c> unless the name has a '/'.
    /// </param>
    /// <param name="tag">The group's BER tag number, unique among the device's top-level fields and groups.</param>
    public MigrationOptionalGroupAttribute(string name, int tag)
    {
        Name = name;
        Tag = tag;
    }

    /// <summary>Gets the group's name.</summary>
    public string Name { get; }

    /// <summary>Gets the BER tag number.</summary>
    public int Tag { get; }

    /// <summary>
    /// Gets or sets the name of the device's <see cref="bool"/> instance field that says whether the group's state is
    /// live: read as <c>needed</c> when saving, set to the group's presence when loading (use <c>nameof</c>).
    /// </summary>
    public string? PresentFlag { get; set; }

    /// <summary>Gets or sets the device version that introduced the group (1 unless set).</summary>
    public int Since { get; set; } = 1;

    /// <summary>Gets or sets the device version that removed the group, or 0 while it is still present.</summary>
    public int RemovedIn { get; set; }

    /// <summary>Gets or sets a value indicating whether a destination that does not know the group may skip it (must-parse unless set).</summary>
    public bool Skippable { get; set; }

    /// <summary>Gets or sets the description shown in schemas.</summary>
    public string? Description { get; set; }

    /// <summary>
    /// Gets or sets the configuration condition under which the group (and with it its members) exists: <c>name</c> for a bool parameter that
    /// is on, or <c>name=value</c>; <see langword="null"/> when it always exists. The parameter must be declared with
    /// <see cref="MigrationParameterAttribute.ChangesLayout"/>, since the condition changes the state layout.
    /// </summary>
    public string? When { get; set; }
}
