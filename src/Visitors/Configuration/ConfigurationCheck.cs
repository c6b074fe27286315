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

    /// <summary>
    /// Fails with <see cref="MigrationErrorKind.ConfigurationMismatch"/>, naming the first issue, when the state may not be loaded.
    /// </summary>
    /// <param name="offset">The byte offset of the configuration in the stream.</param>
    /// <param name="deviceId">The section's device id.</param>
    /// <param name="version">The section's version.</param>
    /// <param name="loadingVersion">The version of the device that was to load it.</param>
    /// <exception cref="MigrationFormatException">The configuration forbids the load.</exception>
    public void ThrowIfIncompatible(long offset, string deviceId, int version, int loadingVersion)
    {
        if (IsCompatible)
        {
            return;
        }

        ConfigurationIssue issue = Issues[0];
        throw new MigrationFormatException(
            MigrationErrorKind.ConfigurationMismatch,
            issue.Message,
            offset,
            issue.Parameter is null ? "configuration" : "configuration." + issue.Parameter,
            deviceId,
            version,
            loadingVersion);
    }
}
