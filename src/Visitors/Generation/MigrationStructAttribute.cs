using System;

namespace MigrationFormat.Visitors;

/// <summary>
/// Declares a nested structure (QEMU's <c>VMSTATE_STRUCT</c>) on a <see cref="MigrationDeviceAttribute"/> class: its
/// members are the fields whose <see cref="MigrationFieldAttribute.Group"/> names it, kept in the device class
/// itself. Unlike an optional group it is always sent in the versions that have it. It is visited where its first
/// member is declared.
/// </summary>
/// <example>
/// <code>
/// [MigrationDevice("mc146818rtc", "urn:migfmt:sample:mc146818rtc", CurrentVersion = 3)]
/// [MigrationStruct("periodic_timer", 5, Description = "The periodic interrupt timer")]
/// public sealed partial class Rtc
/// {
///     [MigrationField(0, Group = "periodic_timer")] private long _periodNs;
///     [MigrationField(1, Group = "periodic_timer")] private long _nextIrqNs;
/// }
/// </code>
/// </example>
/// <remarks>
/// A structure sits at the device's top level: it cannot hold another structure or an optional group (write
/// <c>Visit</c> by hand for deeper nesting). Its members' tags are numbered within the structure, from any number.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class MigrationStructAttribute : Attribute
{
    /// <summary>Declares a nested structure.</summary>
    /// <param name="name">
    /// The structure's name in schemas and dumps, referenced by its members' <see cref="MigrationFieldAttribute.Group"/>;
    /// unique among the device's structures and optional groups.
    /// </param>
    /// <param name="tag">The structure's BER tag number, unique among the device's top-level fields and groups.</param>
    public MigrationStructAttribute(string name, int tag)
    {
        Name = name;
        Tag = tag;
    }

    /// <summary>Gets the structure's name.</summary>
    public string Name { get; }

    /// <summary>Gets the BER tag number.</summary>
    public int Tag { get; }

    /// <summary>Gets or sets the device version that introduced the structure (1 unless set); its members take it unless they set their own.</summary>
    public int Since { get; set; } = 1;

    /// <summary>Gets or sets the device version that removed the structure, or 0 while it is still present.</summary>
    public int RemovedIn { get; set; }

    /// <summary>Gets or sets a value indicating whether a destination that does not know the structure may skip it (must-parse unless set).</summary>
    public bool Skippable { get; set; }

    /// <summary>Gets or sets the description shown in schemas.</summary>
    public string? Description { get; set; }

    /// <summary>
    /// Gets or sets the configuration condition under which the structure (and with it its members) exists: <c>name</c> for a bool parameter that
    /// is on, or <c>name=value</c>; <see langword="null"/> when it always exists. The parameter must be declared with
    /// <see cref="MigrationParameterAttribute.ChangesLayout"/>, since the condition changes the state layout.
    /// </summary>
    public string? When { get; set; }
}
