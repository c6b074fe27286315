using System;
using System.Collections.Generic;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>
/// Names the fields of a stream from the schemas of the device versions that saved it, so that the errors and load
/// reports of a destination that does not know a field still call it by name: <c>serial.tx_count [PRIVATE 9]</c>
/// rather than <c>serial.[PRIVATE 9]</c>.
/// </summary>
/// <example>
/// <code>
/// using var reader = new MigrationStreamReader(data);
/// while (reader.TryReadSection(out SectionHeader section))
/// {
///     // The schemas come before the first section, so they are all read by now.
///     reader.FieldNames ??= SchemaFieldNames.FromEmbedded(reader.Schemas);
///     reader.LoadSection(device);
/// }
/// </code>
/// </example>
public sealed class SchemaFieldNames : IFieldNameResolver
{
    private readonly IReadOnlyDictionary<string, DeviceSchema> _schemas;

    /// <summary>Creates a resolver over schemas keyed as <see cref="DeviceCatalog.SchemaKey(string, int)"/> keys them (<c>serial/v3</c>).</summary>
    /// <param name="schemas">The schemas; not copied.</param>
    public SchemaFieldNames(IReadOnlyDictionary<string, DeviceSchema> schemas)
    {
        ArgumentNullException.ThrowIfNull(schemas);
        _schemas = schemas;
    }

    /// <summary>Creates a resolver over the schemas a stream embeds.</summary>
    /// <param name="embedded">The documents as <see cref="MigrationStreamReader.Schemas"/> gives them.</param>
    /// <returns>The resolver.</returns>
    /// <exception cref="MigrationFormatException">A document is not a valid schema document.</exception>
    public static SchemaFieldNames FromEmbedded(IReadOnlyDictionary<string, byte[]> embedded) => new(SchemaEmbedding.ReadSchemas(embedded));

    /// <inheritdoc/>
    /// <remarks>
    /// The schema of the section's version in its default layout answers first; a configuration that changes the layout
    /// embeds its schema under <c>id/vN?values</c>, and since a tag has one name in every layout of a version, the
    /// first of those that has the field names it.
    /// </remarks>
    public string? GetFieldName(string device, int version, ReadOnlySpan<int> scopeTags, int tag)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (string.IsNullOrEmpty(device))
        {
            return null;
        }

        string key = DeviceCatalog.SchemaKey(device, version);
        if (_schemas.TryGetValue(key, out DeviceSchema? schema) && NameIn(schema, scopeTags, tag) is { } name)
        {
            return name;
        }

        foreach (KeyValuePair<string, DeviceSchema> variant in _schemas)
        {
            if (variant.Key.StartsWith(key + "?", StringComparison.Ordinal) && NameIn(variant.Value, scopeTags, tag) is { } named)
            {
                return named;
            }
        }

        return null;
    }

    private static string? NameIn(DeviceSchema schema, ReadOnlySpan<int> scopeTags, int tag)
    {
        IList<FieldSchema> fields = schema.Fields;
        foreach (int scopeTag in scopeTags)
        {
            FieldSchema? scope = Find(fields, scopeTag);
            if (scope is null)
            {
                return null;
            }

            fields = scope.Fields;
        }

        return Find(fields, tag)?.Name;
    }

    private static FieldSchema? Find(IList<FieldSchema> fields, int tag)
    {
        foreach (FieldSchema field in fields)
        {
            if (field.Tag == tag)
            {
                return field;
            }
        }

        return null;
    }
}
