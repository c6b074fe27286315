using System;
using System.Collections.Generic;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>One field of a <see cref="DeviceSchema"/>: what its <see cref="FieldSpec"/> declares, plus nested fields.</summary>
public sealed class FieldSchema
{
    /// <summary>Creates a field schema.</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="tag">The BER tag number.</param>
    /// <param name="kind">The field's kind.</param>
    public FieldSchema(string name, int tag, FieldKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Tag = tag;
        Kind = kind;
    }

    /// <summary>Gets the field's name.</summary>
    public string Name { get; }

    /// <summary>Gets the BER tag number, unique within the enclosing structure.</summary>
    public int Tag { get; }

    /// <summary>Gets the field's kind.</summary>
    public FieldKind Kind { get; }

    /// <summary>Gets or sets a value indicating whether a destination that does not know the field may skip it.</summary>
    public bool Skippable { get; set; }

    /// <summary>Gets or sets the version that introduced the field.</summary>
    public int Since { get; set; } = 1;

    /// <summary>Gets or sets the version that removed the field, or 0.</summary>
    public int RemovedIn { get; set; }

    /// <summary>Gets or sets the fixed byte size (fixed buffers), element count (arrays) or bound (variable kinds; 0 for the reader's limit).</summary>
    public int Size { get; set; }

    /// <summary>Gets or sets the description, or <see langword="null"/>.</summary>
    public string? Description { get; set; }

    /// <summary>Gets the nested fields of a structure or optional group, or of one list element.</summary>
    public IList<FieldSchema> Fields { get; } = new List<FieldSchema>();

    /// <summary>Gets a value indicating whether a stream of <paramref name="version"/> carries this field when it is sent.</summary>
    /// <param name="version">A version.</param>
    /// <returns><see langword="true"/> when the field exists in that version.</returns>
    public bool ExistsIn(int version) => Since <= version && (RemovedIn == 0 || version < RemovedIn);

    /// <summary>Finds a nested field by tag.</summary>
    /// <param name="tag">The tag number.</param>
    /// <returns>The field, or <see langword="null"/>.</returns>
    public FieldSchema? FindField(int tag)
    {
        foreach (FieldSchema field in Fields)
        {
            if (field.Tag == tag)
            {
                return field;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [{(Skippable ? "PRIVATE " : string.Empty)}{Tag}] {Kind.SchemaName()}";
}
