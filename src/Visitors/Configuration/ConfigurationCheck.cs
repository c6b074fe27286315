using System.Collections.Generic;

namespace MigrationFormat.Visitors;

/// <summary>
/// What <see cref="DeviceConfiguration.Check"/> found comparing a configuration a stream (or a session's offer) carries
/// with the configuration of the device that is to load it: the issues that forbid the load, the skippable items the
/// device does not know, and the skippable items whose values differ.
/// </summary>
public sealed class ConfigurationCheck
{
    internal ConfigurationCheck(IReadOnlyList<ConfigurationIssue> issues, IReadOnlyList<string> ignored, IReadOnlyList<string> differences)
    {
        Issues = issues;
        Ignored = ignored;
        Differences = differences;
    }

    /// <summary>Gets the reasons the state must not be loaded into the device; empty when it may.</summary>
    public IReadOnlyList<ConfigurationIssue> Issues { get; }

    /// <summary>Gets the skippable items (<c>name=value</c>) whose parameter the device does not know: ignored.</summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>Gets the skippable parameters whose value differs (<c>queue-size: 1024 in the stream, 256 here</c>): the device keeps its own.</summary>
    public IReadOnlyList<string> Differences { get; }

    /// <summary>Gets a value indicating whether the state may be loaded.</summary>
    public bool IsCompatible => Issues.Count == 0;
}
