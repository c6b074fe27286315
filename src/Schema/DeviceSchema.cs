using System;
using System.Collections.Generic;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>
/// The schema of one device version: identity, the range of versions the device supports, and every field.
/// Built from a device's <c>Visit</c> method (no reflection), read from and written to the schema document
/// (docs/schema.md), or imported from QEMU's vmstate JSON.
/// </summary>
public sealed class DeviceSchema
{
    /// <summary>Creates an empty schema.</summary>
    /// <param name="id">The device's section id string.</param>
    /// <param name="version">The version described.</param>
    public DeviceSchema(string id, int version)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
        Version = version;
        MinimumVersion = version;
        CurrentVersion = version;
    }

    /// <summary>Gets the device's section id string.</summary>
    public string Id { get; }

    /// <summary>Gets or sets the URL-like model id, or <see langword="null"/>.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets the version this schema describes.</summary>
    public int Version { get; }

    /// <summary>Gets or sets the oldest version the device loads.</summary>
    public int MinimumVersion { get; set; }

    /// <summary>Gets or sets the newest version of the device.</summary>
    public int CurrentVersion { get; set; }

    /// <summary>Gets or sets the description, or <see langword="null"/>.</summary>
    public string? Description { get; set; }

    /// <summary>Gets the top-level fields, in visit order.</summary>
    public IList<FieldSchema> Fields { get; } = new List<FieldSchema>();

    /// <summary>Builds the schema of a device type at a version by describing it.</summary>
    /// <param name="type">The device type.</param>
    /// <param name="version">A supported version.</param>
    /// <returns>The schema.</returns>
    public static DeviceSchema For(DeviceType type, int version)
    {
        ArgumentNullException.ThrowIfNull(type);
        return For(type.DefaultConfiguration(version));
    }

    /// <summary>
    /// Builds the schema of a device in a configuration by describing it: a function of the version and of the values
    /// of the parameters that change the layout (docs/catalog.md §4).
    /// </summary>
    /// <param name="configuration">An effective configuration of a type that can create devices.</param>
    /// <returns>The schema.</returns>
    public static DeviceSchema For(DeviceConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        DeviceType type = configuration.Type;
        int version = configuration.Version;
        StateLayout layout = StateLayout.For(configuration);
        var schema = new DeviceSchema(type.Id, version)
        {
            ModelId = type.ModelId,
            MinimumVersion = type.MinimumVersion,
            CurrentVersion = type.CurrentVersion,
            Description = type.Description,
        };
        AddFields(schema.Fields, layout.Root);
        return schema;
    }

    /// <summary>Builds the schemas of every version a device type supports.</summary>
    /// <param name="type">The device type.</param>
    /// <returns>One schema per version, oldest first.</returns>
    public static IReadOnlyList<DeviceSchema> AllVersions(DeviceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var schemas = new List<DeviceSchema>();
        for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
        {
            schemas.Add(For(type, version));
        }

        return schemas;
    }

    /// <summary>Finds a top-level field by tag.</summary>
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
    public override string ToString() => $"{Id} v{Version}";

    private static void AddFields(IList<FieldSchema> target, LayoutNode node)
    {
        foreach (LayoutNode child in node.Children)
        {
            FieldSpec spec = child.Field!;
            var field = new FieldSchema(spec.Name, spec.Tag, spec.Kind)
            {
                Skippable = spec.IsSkippable,
                Since = spec.Since,
                RemovedIn = spec.RemovedIn,
                Description = spec.Description,
                Size = spec.Kind is FieldKind.FixedBytes or FieldKind.UInt16Array or FieldKind.UInt32Array or FieldKind.UInt64Array
                    ? child.ElementSize
                    : spec.Length,
            };
            AddFields(field.Fields, child);
            target.Add(field);
        }
    }
}
