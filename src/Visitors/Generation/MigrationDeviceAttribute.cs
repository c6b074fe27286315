using System;

namespace MigrationFormat.Visitors;

/// <summary>
/// Marks a <see langword="partial"/> class as a device whose migration code is generated at build time: the
/// <c>Fields</c> class of typed field specs, the <c>Visit</c> method, the <c>DeviceType</c> registration, and the
/// <c>Type</c> and <c>Version</c> members with a <c>(int version)</c> constructor unless the class declares them.
/// Its migrated state is the instance fields marked with <see cref="MigrationFieldAttribute"/>, visited in declaration
/// order; optional groups and nested structures are declared on the class with
/// <see cref="MigrationOptionalGroupAttribute"/> and <see cref="MigrationStructAttribute"/>.
/// </summary>
/// <example>
/// <code>
/// [MigrationDevice("serial", "urn:migfmt:sample:uart16550a", CurrentVersion = 3, Description = "16550A UART")]
/// [MigrationOptionalGroup("fifo_timeout", 11, Since = 3, PresentFlag = nameof(_timeoutArmed))]
/// public sealed partial class Uart
/// {
///     [MigrationField(0, Description = "Divisor latch")] private ushort _divider = 12;
///     [MigrationField(9, Skippable = true, Since = 2)] private ulong _txCount;
///     [MigrationField(0, Group = "fifo_timeout")] private long _deadlineNs;
///     private bool _timeoutArmed;
/// }
/// </code>
/// </example>
/// <remarks>
/// The generator checks the declaration as it builds (duplicate tags, versions out of range, types the format
/// cannot carry) and, when the project lists a committed schema document of the device as an <c>AdditionalFiles</c>
/// item, that the declared fields still load and save what that released version did; docs/diagnostics.md lists
/// every diagnostic.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class MigrationDeviceAttribute : Attribute
{
    /// <summary>Marks a device class.</summary>
    /// <param name="id">The section id string (e.g. <c>serial</c>), at most 255 UTF-8 bytes; also the root of every field path.</param>
    /// <param name="modelId">A URL-like model id (e.g. <c>urn:migfmt:sample:uart16550a</c>).</param>
    public MigrationDeviceAttribute(string id, string modelId)
    {
        Id = id;
        ModelId = modelId;
    }

    /// <summary>Gets the section id string.</summary>
    public string Id { get; }

    /// <summary>Gets the URL-like model id.</summary>
    public string ModelId { get; }

    /// <summary>Gets or sets the newest version of the device (1 unless set).</summary>
    public int CurrentVersion { get; set; } = 1;

    /// <summary>Gets or sets the oldest version the device loads and can run as (1 unless set).</summary>
    public int MinimumVersion { get; set; } = 1;

    /// <summary>Gets or sets the description shown in catalogs and schemas.</summary>
    public string? Description { get; set; }
}
