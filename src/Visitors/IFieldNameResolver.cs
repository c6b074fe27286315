using System;

namespace MigrationFormat.Visitors;

/// <summary>
/// Names fields a destination does not know, from a description of the device version that saved the stream
/// (usually the schema the stream embeds). Loads use it only to word their errors and load reports: a field the
/// destination's own specs name needs no resolver, and one the resolver cannot name is shown by its tag.
/// </summary>
/// <remarks>The Schema layer's <c>SchemaFieldNames</c> implements it over the embedded schemas of a stream.</remarks>
public interface IFieldNameResolver
{
    /// <summary>Gets the name a device version gives a field.</summary>
    /// <param name="device">The device's section id.</param>
    /// <param name="version">The device version that saved the stream.</param>
    /// <param name="scopeTags">
    /// The tag numbers of the structures, lists and optional groups that enclose the field, outermost first (empty
    /// for a top-level field); a list's elements share the list's tag.
    /// </param>
    /// <param name="tag">The field's tag number within its innermost enclosing structure.</param>
    /// <returns>The field's name, or <see langword="null"/> when the description does not have it.</returns>
    string? GetFieldName(string device, int version, ReadOnlySpan<int> scopeTags, int tag);
}
