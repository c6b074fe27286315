using System;
using System.Collections.Generic;
using System.Linq;

namespace MigrationFormat.Visitors;

/// <summary>
/// The configuration a device type declares: its typed parameters, and for each version the parameter values it
/// implies, written as configuration strings without a version (<c>rss=off,rx-filter-size=0</c>). Versions are named
/// parameter sets: <c>version=1</c> means those values. <see cref="DeviceType"/> checks the sets against the parameters.
/// </summary>
public sealed class DeviceParameterSet
{
    /// <summary>Gets the set with no parameters.</summary>
    public static DeviceParameterSet Empty { get; } = new([]);

    /// <summary>Creates a set.</summary>
    /// <param name="parameters">The parameters, names unique, in the order catalogs and configuration strings list them.</param>
    /// <param name="versions">For each version that implies values, a configuration string of them; <see langword="null"/> when none does.</param>
    /// <exception cref="ArgumentException">A name is given twice.</exception>
    public DeviceParameterSet(IEnumerable<DeviceParameter> parameters, IReadOnlyDictionary<int, string>? versions = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = [.. parameters];
        foreach (IGrouping<string, DeviceParameter> group in Parameters.GroupBy(p => p?.Name ?? throw new ArgumentNullException(nameof(parameters))))
        {
            if (group.Count() > 1)
            {
                throw new ArgumentException($"Parameter '{group.Key}' is declared twice.", nameof(parameters));
            }
        }

        Versions = versions is null ? new Dictionary<int, string>() : new Dictionary<int, string>(versions);
    }

    /// <summary>Gets the parameters, in declaration order.</summary>
    public IReadOnlyList<DeviceParameter> Parameters { get; }

    /// <summary>Gets, by version, the configuration string of the values the version implies.</summary>
    public IReadOnlyDictionary<int, string> Versions { get; }
}
