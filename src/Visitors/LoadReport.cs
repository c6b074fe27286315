using System.Collections.Generic;

namespace MigrationFormat.Visitors;

/// <summary>What a load did besides setting fields: which stream fields it skipped and which fields kept their defaults.</summary>
public sealed class LoadReport
{
    /// <summary>
    /// The most skipped fields a report lists. A hostile stream can carry any number of unknown skippable fields; each
    /// costs two bytes of input but an entry of a hundred or more bytes of memory, so the list stops here (the load
    /// still skips them all, in time linear in the input).
    /// </summary>
    internal const int MaxSkippedEntries = 256;

    private readonly List<string> _skipped = [];
    private readonly List<string> _defaulted = [];
    private readonly List<string> _ignoredParameters = [];
    private readonly List<string> _differingParameters = [];

    /// <summary>
    /// Gets the skippable fields the stream carried that the destination does not know, as their path from the device
    /// with their tag: <c>serial.tx_count [PRIVATE 9]</c> when <see cref="BerLoadOptions.FieldNames"/> (or
    /// <see cref="MigrationStreamReader.FieldNames"/>) names them, else <c>serial.[PRIVATE 9]</c>; at most the first 256
    /// are listed.
    /// </summary>
    public IReadOnlyList<string> SkippedFields => _skipped;

    /// <summary>Gets the fields the destination knows that the stream did not carry, which kept their defaults, as <c>serial.fifo_trigger_level
    /// [10]</c>.</summary>
    public IReadOnlyList<string> DefaultedFields => _defaulted;

    /// <summary>
    /// Gets the skippable configuration items the section carried (<c>name=value</c>) whose parameter the destination
    /// device does not know: ignored, as a skipped field is (docs/catalog.md §3).
    /// </summary>
    public IReadOnlyList<string> IgnoredParameters => _ignoredParameters;

    /// <summary>
    /// Gets the skippable configuration items whose value differs from the destination device's
    /// (<c>queue-size: 1024 in the stream, 256 here</c>); the device keeps its own value.
    /// </summary>
    public IReadOnlyList<string> DifferingParameters => _differingParameters;

    /// <summary>Gets a value indicating whether nothing was skipped or defaulted.</summary>
    public bool IsExact => _skipped.Count == 0 && _defaulted.Count == 0;

    /// <summary>Gets a value indicating whether <see cref="SkippedFields"/> is full, so that callers need not build an entry.</summary>
    internal bool SkippedListIsFull => _skipped.Count >= MaxSkippedEntries;

    internal void AddSkipped(string entry)
    {
        if (!SkippedListIsFull)
        {
            _skipped.Add(entry);
        }
    }

    internal void AddDefaulted(string entry) => _defaulted.Add(entry);

    internal void AddConfigurationNotes(ConfigurationCheck check)
    {
        _ignoredParameters.AddRange(check.Ignored);
        _differingParameters.AddRange(check.Differences);
    }

    internal LoadReport Clone()
    {
        var copy = new LoadReport();
        copy._skipped.AddRange(_skipped);
        copy._defaulted.AddRange(_defaulted);
        copy._ignoredParameters.AddRange(_ignoredParameters);
        copy._differingParameters.AddRange(_differingParameters);
        return copy;
    }

    internal void Clear()
    {
        _skipped.Clear();
        _defaulted.Clear();
        _ignoredParameters.Clear();
        _differingParameters.Clear();
    }
}
