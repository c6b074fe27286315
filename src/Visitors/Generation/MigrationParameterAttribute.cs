using System;

namespace MigrationFormat.Visitors;

/// <summary>
/// Declares a typed configuration parameter of a <see cref="MigrationDeviceAttribute"/> class (docs/catalog.md): the
/// generator adds it to the class's <c>Parameters</c> and its <c>DeviceType</c>, writes the constructor that takes the
/// effective <see cref="DeviceConfiguration"/>, and visits a field, optional group or structure whose <c>When</c>
/// names the parameter only in configurations that meet the condition.
/// </summary>
/// <example>
/// <code>
/// [MigrationParameter("fifo", ParameterType.Bool, Default = "on", ChangesLayout = true)]
/// [MigrationVersion(1, "fifo=off")]
/// [MigrationField(10, Since = 3, When = "fifo")] private byte _fifoTriggerLevel;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class MigrationParameterAttribute : Attribute
{
    /// <summary>Declares a parameter.</summary>
    /// <param name="name">The name, as configuration strings write it (ASCII letters, digits, '-', '_', '.'; not <c>version</c>).</param>
    /// <param name="type">The type of its values.</param>
    public MigrationParameterAttribute(string name, ParameterType type)
    {
        Name = name;
        Type = type;
    }

    /// <summary>Gets the name.</summary>
    public string Name { get; }

    /// <summary>Gets the type of the values.</summary>
    public ParameterType Type { get; }

    /// <summary>
    /// Gets or sets the default value as a configuration string writes it; unless set, <c>off</c>, the first listed
    /// value, 0 (or <see cref="Minimum"/> when 0 is out of range), or the empty text.
    /// </summary>
    public string? Default { get; set; }

    /// <summary>Gets or sets the smallest value of an integer parameter (the smallest 64-bit integer unless set).</summary>
    public long Minimum { get; set; } = long.MinValue;

    /// <summary>Gets or sets the largest value of an integer parameter (the largest 64-bit integer unless set).</summary>
    public long Maximum { get; set; } = long.MaxValue;

    /// <summary>Gets or sets the values an enumeration takes (required), or the values an integer is limited to.</summary>
    public string[]? Values { get; set; }

    /// <summary>Gets or sets the largest length of a string value in UTF-8 bytes, or 0 for none.</summary>
    public int MaxLength { get; set; }

    /// <summary>Gets or sets a value indicating whether the value changes the state layout: only such a parameter may be named by <c>When</c>.</summary>
    public bool ChangesLayout { get; set; }

    /// <summary>Gets or sets a value indicating whether a configuration may override the value a version implies.</summary>
    public bool Overridable { get; set; }

    /// <summary>Gets or sets the description shown in catalogs.</summary>
    public string? Description { get; set; }
}
