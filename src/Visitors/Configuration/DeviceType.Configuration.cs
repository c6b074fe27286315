using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;

namespace MigrationFormat.Visitors;

/// <summary>The configuration half of a device type: parameters, versions as parameter sets, resolution (docs/catalog.md).</summary>
public sealed partial class DeviceType
{
    /// <summary>The most layout variants (combinations of values of the parameters that change the layout) a version may have.</summary>
    public const int MaxLayoutVariants = 256;

    private static readonly IReadOnlyDictionary<string, string> NoValues = new Dictionary<string, string>();

    private readonly Dictionary<string, int> _byName;
    private readonly IReadOnlyDictionary<string, string>[] _implied;
    private readonly DeviceConfiguration?[] _defaults;

    /// <summary>Gets the parameters, in declaration order.</summary>
    public IReadOnlyList<DeviceParameter> Parameters { get; }

    /// <summary>Finds a parameter by name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The parameter, or <see langword="null"/>.</returns>
    public DeviceParameter? FindParameter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out int index) ? Parameters[index] : null;
    }

    /// <summary>Gets the values <paramref name="version"/> implies (canonical texts), keyed by parameter name.</summary>
    /// <param name="version">A supported version.</param>
    /// <returns>The values; empty when the version implies none.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not supported.</exception>
    public IReadOnlyDictionary<string, string> ImpliedBy(int version)
    {
        CheckVersion(version);
        return _implied[version - MinimumVersion];
    }

    /// <summary>
    /// Gets the configuration <c>version=N</c> resolves to: the values the version implies, every other parameter at
    /// its default. <see cref="Create(int)"/> uses it.
    /// </summary>
    /// <param name="version">A supported version.</param>
    /// <returns>The configuration (made once, then shared).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not supported.</exception>
    public DeviceConfiguration DefaultConfiguration(int version)
    {
        CheckVersion(version);
        int slot = version - MinimumVersion;
        return _defaults[slot] ??= Build(version, namesVersion: true, []);
    }

    /// <summary>Gets the latest configuration: <c>version=</c><see cref="CurrentVersion"/> with its implied values and the defaults.</summary>
    public DeviceConfiguration LatestConfiguration => DefaultConfiguration(CurrentVersion);

    /// <summary>Resolves a configuration string into an effective configuration.</summary>
    /// <param name="configuration">The configuration string.</param>
    /// <returns>The effective configuration.</returns>
    /// <exception cref="DeviceConfigurationException">The syntax is broken, or the version, a name or a value is not supported; the message names the model and
    /// the parameter.</exception>
    public DeviceConfiguration Resolve(string configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!ConfigurationString.TryParse(configuration, out ConfigurationString? parsed, out string? error))
        {
            throw new DeviceConfigurationException([new ConfigurationIssue(ConfigurationIssueKind.Syntax, ModelId, null, $"Device model {ModelId}: {error}")]);
        }

        return Resolve(parsed);
    }

    /// <summary>Resolves a configuration into an effective configuration.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The effective configuration.</returns>
    /// <exception cref="DeviceConfigurationException">The version, a name or a value is not supported; the message names the model and the
    /// parameter.</exception>
    public DeviceConfiguration Resolve(ConfigurationString configuration) =>
        TryResolve(configuration, out DeviceConfiguration? result, out IReadOnlyList<ConfigurationIssue> issues)
            ? result
            : throw new DeviceConfigurationException(issues);

    /// <summary>
    /// Resolves a configuration (docs/catalog.md §2): the version, when named, must be supported; each item must name a
    /// parameter, with a value of its type and range, and must not override a value the version fixes unless the
    /// parameter is overridable. The effective configuration takes each parameter from the configuration, else from
    /// the version's implied values, else from its default; without a version it runs as <see cref="CurrentVersion"/>.
    /// </summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="result">The effective configuration, when there is no issue.</param>
    /// <param name="issues">Every issue, in item order (an unsupported version alone, as nothing else can be checked).</param>
    /// <returns><see langword="true"/> when the configuration resolves.</returns>
    public bool TryResolve(ConfigurationString configuration, [NotNullWhen(true)] out DeviceConfiguration? result, out IReadOnlyList<ConfigurationIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        result = null;
        var found = new List<ConfigurationIssue>();
        issues = found;
        int version = configuration.Version ?? CurrentVersion;
        if (!Supports(version))
        {
            found.Add(new(
                ConfigurationIssueKind.VersionUnsupported,
                ModelId,
                ConfigurationString.VersionName,
                string.Create(CultureInfo.InvariantCulture,
                    $"Device model {ModelId} supports versions {MinimumVersion} to {CurrentVersion}; version {version} was requested.")));
            return false;
        }

        IReadOnlyDictionary<string, string> implied = configuration.Version is null ? NoValues : ImpliedBy(version);
        var overrides = new List<(int Index, string Text)>();
        foreach (KeyValuePair<string, string> item in configuration.Parameters)
        {
            if (!_byName.TryGetValue(item.Key, out int index))
            {
                string known = Parameters.Count == 0 ? "none" : string.Join(", ", Parameters.Select(p => p.Name));
                found.Add(new(ConfigurationIssueKind.ParameterUnknown, ModelId, item.Key,
                    $"Device model {ModelId} has no parameter '{item.Key}' (known: {known})."));
                continue;
            }

            DeviceParameter parameter = Parameters[index];
            if (!parameter.TryNormalize(item.Value, out string? text))
            {
                found.Add(new(
                    ConfigurationIssueKind.ValueInvalid,
                    ModelId,
                    item.Key,
                    $"Parameter '{item.Key}' of device model {ModelId} takes {parameter.Domain}; '{item.Value}' was given."));
                continue;
            }

            if (!parameter.Overridable && implied.TryGetValue(item.Key, out string? fixedText) && fixedText != text)
            {
                found.Add(new(
                    ConfigurationIssueKind.ValueFixedByVersion,
                    ModelId,
                    item.Key,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"Version {version} of device model {ModelId} implies {item.Key}={fixedText}; the configuration has {item.Key}={text}, ")
                        + $"and '{item.Key}' is not overridable."));
                continue;
            }

            overrides.Add((index, text));
        }

        if (found.Count > 0)
        {
            return false;
        }

        result = overrides.Count == 0 && configuration.Version is not null
            ? DefaultConfiguration(version)
            : Build(version, configuration.Version is not null, overrides);
        return true;
    }

    /// <summary>
    /// Resolves the configuration a stream section carries, as a destination that creates its device from the stream
    /// does: must-parse items are applied as given; a skippable item is applied when this type knows the parameter and
    /// the version does not fix another value, and ignored otherwise (docs/catalog.md §3).
    /// </summary>
    /// <param name="record">The section's configuration.</param>
    /// <param name="result">The effective configuration, when there is no issue.</param>
    /// <param name="issues">Every issue: another model, an unsupported version, or a must-parse item that does not resolve.</param>
    /// <returns><see langword="true"/> when the record resolves.</returns>
    public bool TryResolve(ConfigurationRecord record, [NotNullWhen(true)] out DeviceConfiguration? result, out IReadOnlyList<ConfigurationIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!string.Equals(record.Model, ModelId, StringComparison.Ordinal))
        {
            result = null;
            issues = [new(ConfigurationIssueKind.ModelMismatch, ModelId, null, $"The configuration is of device model {record.Model}, not {ModelId}.")];
            return false;
        }

        int? version = record.Version;
        IReadOnlyDictionary<string, string> implied = version is int named && Supports(named) ? ImpliedBy(named) : NoValues;
        var items = new List<KeyValuePair<string, string>>();
        foreach (ConfigurationItem item in record.Items)
        {
            if (item.Name == ConfigurationString.VersionName)
            {
                continue;
            }

            DeviceParameter? parameter = FindParameter(item.Name);
            bool applies = item.MustParse
                || (parameter is not null
                    && parameter.TryNormalize(item.Value, out string? text)
                    && (parameter.Overridable || !implied.TryGetValue(item.Name, out string? fixedText) || fixedText == text));
            if (applies)
            {
                items.Add(new(item.Name, item.Value));
            }
        }

        return TryResolve(new ConfigurationString(version, items), out result, out issues);
    }

    /// <summary>
    /// Gets one configuration per layout a device of this type can have at <paramref name="version"/>: every
    /// combination of values of the parameters that change the layout (those the version fixes keep its value unless
    /// <paramref name="version"/> is the current version, which a configuration of parameters alone runs as).
    /// </summary>
    /// <param name="version">A supported version.</param>
    /// <returns>The configurations, one per distinct <see cref="DeviceConfiguration.LayoutKey"/>, the version's default first.</returns>
    public IReadOnlyList<DeviceConfiguration> LayoutVariants(int version)
    {
        DeviceConfiguration baseline = DefaultConfiguration(version);
        var domains = new List<(int Index, IReadOnlyList<string> Values)>();
        for (int i = 0; i < Parameters.Count; i++)
        {
            DeviceParameter parameter = Parameters[i];
            if (parameter.ChangesLayout)
            {
                bool fixedHere = version != CurrentVersion && baseline.IsFixedByVersion(parameter);
                domains.Add((i, fixedHere ? [baseline.GetText(parameter.Name)!] : parameter.FiniteDomain()!));
            }
        }

        var variants = new List<DeviceConfiguration> { baseline };
        var keys = new HashSet<string>(StringComparer.Ordinal) { baseline.LayoutKey };
        var choice = new int[domains.Count];
        while (true)
        {
            var overrides = new List<(int Index, string Text)>(domains.Count);
            for (int d = 0; d < domains.Count; d++)
            {
                overrides.Add((domains[d].Index, domains[d].Values[choice[d]]));
            }

            // A combination the named version forbids is a configuration of parameters alone (current version only).
            bool allowedNamed = overrides.All(o => !baseline.IsFixedByVersion(Parameters[o.Index]) || baseline.GetText(Parameters[o.Index].Name) == o.Text);
            DeviceConfiguration variant = Build(version, allowedNamed, overrides);
            if (keys.Add(variant.LayoutKey))
            {
                variants.Add(variant);
            }

            int next = 0;
            while (next < choice.Length && ++choice[next] == domains[next].Values.Count)
            {
                choice[next++] = 0;
            }

            if (next == choice.Length)
            {
                return variants;
            }
        }
    }

    /// <summary>Gets the index of a parameter, or -1.</summary>
    internal int IndexOf(string name) => _byName.TryGetValue(name, out int index) ? index : -1;

    private static (IReadOnlyList<DeviceParameter> Parameters, Dictionary<string, int> ByName, IReadOnlyDictionary<string, string>[] Implied) Declare(
        DeviceParameterSet parameters, string modelId, int minimumVersion, int currentVersion)
    {
        DeviceParameter[] declared = [.. parameters.Parameters];
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < declared.Length; i++)
        {
            byName.Add(declared[i].Name, i);
        }

        long combinations = 1;
        foreach (DeviceParameter parameter in declared.Where(p => p.ChangesLayout))
        {
            combinations *= parameter.FiniteDomain()!.Count;
            if (combinations > MaxLayoutVariants)
            {
                throw new ArgumentException(
                    $"The parameters of device model {modelId} that change the state layout take more than {MaxLayoutVariants} combinations of values.",
                    nameof(parameters));
            }
        }

        var implied = new IReadOnlyDictionary<string, string>[currentVersion - minimumVersion + 1];
        Array.Fill(implied, NoValues);
        foreach (KeyValuePair<int, string> version in parameters.Versions)
        {
            if (version.Key < minimumVersion || version.Key > currentVersion)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"Device model {modelId} supports versions {minimumVersion} to {currentVersion}; parameters were given for version {version.Key}."),
                    nameof(parameters));
            }

            if (!ConfigurationString.TryParse(version.Value ?? string.Empty, out ConfigurationString? values, out string? error) || values.Version is not null)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"The parameters of version {version.Key} of device model {modelId} are not name=value items: {error ?? "they name a version"}"),
                    nameof(parameters));
            }

            var texts = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> item in values.Parameters)
            {
                if (!byName.TryGetValue(item.Key, out int index))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture,
                            $"Version {version.Key} of device model {modelId} implies '{item.Key}', which is not one of its parameters."),
                        nameof(parameters));
                }

                if (!declared[index].TryNormalize(item.Value, out string? text))
                {
                    throw new ArgumentException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"Version {version.Key} of device model {modelId} implies {item.Key}={item.Value}, ")
                            + $"but '{item.Key}' takes {declared[index].Domain}.",
                        nameof(parameters));
                }

                texts[item.Key] = text;
            }

            implied[version.Key - minimumVersion] = texts;
        }

        return (declared, byName, implied);
    }

    private void CheckVersion(int version)
    {
        if (!Supports(version))
        {
            throw new ArgumentOutOfRangeException(
                nameof(version),
                version,
                string.Create(CultureInfo.InvariantCulture,
                    $"Device '{Id}' supports versions {MinimumVersion} to {CurrentVersion}; version {version} was requested."));
        }
    }

    /// <summary>Builds a configuration: overrides, else (when the version is named) its implied values, else defaults.</summary>
    private DeviceConfiguration Build(int version, bool namesVersion, List<(int Index, string Text)> overrides)
    {
        IReadOnlyDictionary<string, string> implied = namesVersion ? ImpliedBy(version) : NoValues;
        var texts = new string[Parameters.Count];
        for (int i = 0; i < texts.Length; i++)
        {
            texts[i] = implied.TryGetValue(Parameters[i].Name, out string? text) ? text : Parameters[i].DefaultText;
        }

        foreach ((int index, string text) in overrides)
        {
            texts[index] = text;
        }

        var values = new object[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            if (!Parameters[i].TryParseValue(texts[i], out object? value, out string canonical))
            {
                // Defaults, implied values and overrides were all checked when they were read.
                throw new InvalidOperationException($"Parameter '{Parameters[i].Name}' of {ModelId} has the invalid value '{texts[i]}'.");
            }

            values[i] = value;
            texts[i] = canonical;
        }

        return new DeviceConfiguration(this, version, namesVersion, texts, values);
    }
}
