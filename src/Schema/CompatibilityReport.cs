using System.Collections.Generic;

namespace MigrationFormat.Schema;

/// <summary>The verdict of <see cref="CompatibilityChecker"/>: every break, and what a successful load would skip or default.</summary>
public sealed class CompatibilityReport
{
    private readonly List<CompatibilityIssue> _issues = [];
    private readonly List<string> _skipped = [];
    private readonly List<string> _defaulted = [];

    /// <summary>Gets a value indicating whether the migration succeeds.</summary>
    public bool IsCompatible => _issues.Count == 0;

    /// <summary>Gets every break found.</summary>
    public IReadOnlyList<CompatibilityIssue> Issues => _issues;

    /// <summary>Gets the fields the destination would skip (as <c>device: path</c>).</summary>
    public IReadOnlyList<string> Skipped => _skipped;

    /// <summary>Gets the fields that would keep their defaults (as <c>device: path</c>).</summary>
    public IReadOnlyList<string> Defaulted => _defaulted;

    internal void Add(CompatibilityIssue issue) => _issues.Add(issue);

    internal void AddSkipped(string entry) => _skipped.Add(entry);

    internal void AddDefaulted(string entry) => _defaulted.Add(entry);

    internal void Merge(CompatibilityReport other)
    {
        _issues.AddRange(other._issues);
        _skipped.AddRange(other._skipped);
        _defaulted.AddRange(other._defaulted);
    }
}
