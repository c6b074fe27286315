using System.Collections.Generic;

namespace MigrationFormat.Visitors;

/// <summary>What a load did besides setting fields: which stream fields it skipped and which fields kept their defaults.</summary>
public sealed class LoadReport
{
    private readonly List<string> _skipped = [];
    private readonly List<string> _defaulted = [];

    /// <summary>Gets the skippable fields the stream carried that the destination does not know, as <c>device: path [PRIVATE n]</c>.</summary>
    public IReadOnlyList<string> SkippedFields => _skipped;

    /// <summary>Gets the fields the destination knows that the stream did not carry, which kept their defaults.</summary>
    public IReadOnlyList<string> DefaultedFields => _defaulted;

    /// <summary>Gets a value indicating whether nothing was skipped or defaulted.</summary>
    public bool IsExact => _skipped.Count == 0 && _defaulted.Count == 0;

    internal void AddSkipped(string entry) => _skipped.Add(entry);

    internal void AddDefaulted(string entry) => _defaulted.Add(entry);

    internal void Clear()
    {
        _skipped.Clear();
        _defaulted.Clear();
    }
}
