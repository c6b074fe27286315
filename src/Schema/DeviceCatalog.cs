using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>One device type in a <see cref="DeviceCatalog"/>.</summary>
public sealed class DeviceCatalogEntry
{
    internal DeviceCatalogEntry(DeviceType type) => Type = type;

    /// <summary>Gets the device type: its versions, its typed parameters and the values each version implies.</summary>
    public DeviceType Type { get; }

    /// <summary>Gets every parameter name the device declares, in ordinal order: the names a configuration may give.</summary>
    public IReadOnlyList<string> ParameterNames => [.. Type.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal)];

    /// <summary>Gets the parameters <paramref name="version"/> implies (empty when it implies none), in ordinal order of their names.</summary>
    /// <param name="version">A supported version.</param>
    /// <returns>The parameters' canonical values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not supported.</exception>
    public IReadOnlyDictionary<string, string> ParametersOf(int version) =>
        new SortedDictionary<string, string>(Type.ImpliedBy(version).ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal).AsReadOnly();
}

/// <summary>
/// The device models a host offers: each <see cref="DeviceType"/> with its versions, its typed parameters and the
/// values each version implies. It describes itself as JSON (<c>migfmt-catalog/2</c>, docs/catalog.md §1), optionally
/// with the schema of every layout each version can have, is read back from that document (another host's catalog,
/// whose types resolve configurations but create no device), creates devices from configuration strings and from
/// the configuration a stream section carries, and answers <see cref="HostSelector"/>.
/// </summary>
public sealed partial class DeviceCatalog
{
    /// <summary>The value of the catalog document's <c>format</c> member.</summary>
    public const string Format = "migfmt-catalog/2";

    private readonly List<DeviceCatalogEntry> _entries = [];
    private readonly Dictionary<string, DeviceCatalogEntry> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceCatalogEntry> _byModel = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceSchema> _documentSchemas = new(StringComparer.Ordinal);

    /// <summary>Gets the entries, in the order they were added.</summary>
    public IReadOnlyList<DeviceCatalogEntry> Entries => _entries;

    /// <summary>Gets the key of a device version's schema document in its default layout: <c>id/vN</c>.</summary>
    /// <param name="deviceId">The device id.</param>
    /// <param name="version">The version.</param>
    /// <returns>The key.</returns>
    public static string SchemaKey(string deviceId, int version)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        return string.Create(CultureInfo.InvariantCulture, $"{deviceId}/v{version}");
    }

    /// <summary>
    /// Gets the key of the schema of a configuration: <c>id/vN</c> when its layout is the version's default one,
    /// else <c>id/vN?</c> followed by the values of the parameters that change the layout
    /// (<c>virtio-net/v2?rx-filter-size=64,rss=off</c>).
    /// </summary>
    /// <param name="configuration">An effective configuration.</param>
    /// <returns>The key.</returns>
    public static string SchemaKey(DeviceConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string key = SchemaKey(configuration.Type.Id, configuration.Version);
        return configuration.LayoutKey == configuration.Type.DefaultConfiguration(configuration.Version).LayoutKey
            ? key
            : key + "?" + configuration.LayoutKey;
    }

    /// <summary>Adds a device type.</summary>
    /// <param name="type">The device type; its id and its model must be new to the catalog.</param>
    /// <returns>This catalog, for chaining.</returns>
    /// <exception cref="ArgumentException">The id or the model is already registered.</exception>
    public DeviceCatalog Add(DeviceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (_byId.ContainsKey(type.Id))
        {
            throw new ArgumentException($"Device '{type.Id}' is already in the catalog.", nameof(type));
        }

        if (_byModel.ContainsKey(type.ModelId))
        {
            throw new ArgumentException($"Device model {type.ModelId} is already in the catalog.", nameof(type));
        }

        var entry = new DeviceCatalogEntry(type);
        _entries.Add(entry);
        _byId.Add(type.Id, entry);
        _byModel.Add(type.ModelId, entry);
        return this;
    }

    /// <summary>Finds a device by id.</summary>
    /// <param name="deviceId">The section id string.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    public DeviceCatalogEntry? Find(string deviceId)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        return _byId.GetValueOrDefault(deviceId);
    }

    /// <summary>Finds a device by model URL.</summary>
    /// <param name="modelId">The model URL.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    public DeviceCatalogEntry? FindModel(string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        return _byModel.GetValueOrDefault(modelId);
    }

    /// <summary>Builds the schema of every version of every device in its default configuration, in catalog order, oldest version first.</summary>
    /// <returns>The schemas.</returns>
    public IReadOnlyList<DeviceSchema> AllSchemas() =>
        [.. _entries.SelectMany(e => Enumerable.Range(e.Type.MinimumVersion, e.Type.CurrentVersion - e.Type.MinimumVersion + 1)
            .Select(version => SchemaFor(e.Type.DefaultConfiguration(version)))
            .OfType<DeviceSchema>())];

    /// <summary>
    /// Gets the schema of a device of this catalog in a configuration: described from the device's code, or, for a
    /// catalog read from a document, the document's schema of that layout.
    /// </summary>
    /// <param name="configuration">A configuration resolved by one of this catalog's types.</param>
    /// <returns>The schema, or <see langword="null"/> when a document gives none for that layout.</returns>
    public DeviceSchema? SchemaFor(DeviceConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Type.CanCreate)
        {
            return DeviceSchema.For(configuration);
        }

        return _documentSchemas.GetValueOrDefault(SchemaKey(configuration));
    }

    /// <summary>
    /// Creates a device from a configuration string (<c>version=N</c>, <c>version=N,name=value,...</c> or parameters
    /// alone): what a destination host does with the configuration a VM document gives for it.
    /// </summary>
    /// <param name="model">The device's model URL (or its section id).</param>
    /// <param name="configuration">The configuration string.</param>
    /// <returns>The device, with reset values.</returns>
    /// <exception cref="DeviceConfigurationException">The model is not in the catalog, or the configuration does not resolve; the message names the model and
    /// the parameter.</exception>
    public IDeviceState Create(string model, string configuration)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(configuration);
        DeviceCatalogEntry entry = FindModel(model) ?? Find(model)
            ?? throw new DeviceConfigurationException([new ConfigurationIssue(ConfigurationIssueKind.ModelMissing, model, null,
                $"Device model {model} is not in the catalog.")], nameof(model));
        return entry.Type.Create(configuration);
    }

    /// <summary>
    /// Creates the device a stream section needs, from the configuration it carries (docs/catalog.md §3): the type of
    /// the section's id, resolved with the section's must-parse items and those skippable ones it knows. Loading the
    /// section into it then checks the configuration again, and finds it equal.
    /// </summary>
    /// <param name="section">The section, as <see cref="MigrationStreamReader.TryReadSection"/> gives it.</param>
    /// <returns>The device, with reset values.</returns>
    /// <exception cref="MigrationFormatException">The device or its model is unknown, or the configuration does not resolve here.</exception>
    public IDeviceState CreateFor(SectionHeader section)
    {
        ArgumentNullException.ThrowIfNull(section);
        DeviceCatalogEntry entry = Find(section.Id)
            ?? throw new MigrationFormatException(MigrationErrorKind.UnknownDevice, $"Device '{section.Id}' is not in the catalog.", section.Offset, null,
                section.Id, section.Version, null);
        if (section.Configuration is not { } record)
        {
            return entry.Type.Supports(section.Version)
                ? entry.Type.Create(section.Version)
                : entry.Type.Create(entry.Type.CurrentVersion);
        }

        if (!entry.Type.TryResolve(record, out DeviceConfiguration? configuration, out IReadOnlyList<ConfigurationIssue> issues))
        {
            ConfigurationIssue issue = issues[0];
            throw new MigrationFormatException(
                MigrationErrorKind.ConfigurationMismatch,
                issue.Message,
                section.ConfigurationOffset,
                issue.Parameter is null ? "configuration" : "configuration." + issue.Parameter,
                section.Id,
                section.Version,
                null);
        }

        return entry.Type.Create(configuration);
    }

    /// <summary>Writes the catalog document (<c>migfmt-catalog/2</c>).</summary>
    /// <param name="writer">The JSON writer.</param>
    /// <param name="includeSchemas">
    /// Also write the schema of every layout of every version, so that another host can check schemas (<c>migfmt select</c>).
    /// </param>
    public void Describe(Utf8JsonWriter writer, bool includeSchemas = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("format", Format);
        writer.WriteStartArray("devices");
        foreach (DeviceCatalogEntry entry in _entries)
        {
            DescribeEntry(writer, entry.Type);
        }

        writer.WriteEndArray();
        if (includeSchemas)
        {
            writer.WriteStartObject("schemas");
            foreach (DeviceCatalogEntry entry in _entries)
            {
                for (int version = entry.Type.MinimumVersion; version <= entry.Type.CurrentVersion; version++)
                {
                    foreach (DeviceConfiguration layout in entry.Type.LayoutVariants(version))
                    {
                        if (SchemaFor(layout) is { } schema)
                        {
                            writer.WritePropertyName(SchemaKey(layout));
                            SchemaDocument.Write(writer, schema);
                        }
                    }
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>Serializes the catalog document to UTF-8.</summary>
    /// <param name="indented">Indent for people.</param>
    /// <param name="includeSchemas">Also write the schema of every layout of every version.</param>
    /// <returns>The document.</returns>
    public byte[] Describe(bool indented = true, bool includeSchemas = false) => JsonBytes.Write(writer => Describe(writer, includeSchemas), indented);

    /// <summary>
    /// Checks that a source device configuration can be instantiated here: the device is known, the version is one this
    /// host runs, and every parameter is one the device knows, with a value it takes, not overriding a value the
    /// version fixes. The parameters are the items of a configuration string.
    /// </summary>
    /// <param name="sourceDeviceId">The source's device id.</param>
    /// <param name="sourceVersion">The source's device version.</param>
    /// <param name="parameters">The configuration's parameters, or <see langword="null"/> for none.</param>
    /// <param name="reasons">Every reason it cannot be instantiated; empty when it can.</param>
    /// <returns><see langword="true"/> when it can be instantiated.</returns>
    public bool CanInstantiate(string sourceDeviceId, int sourceVersion, IReadOnlyDictionary<string, string>? parameters, out IReadOnlyList<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(sourceDeviceId);
        DeviceCatalogEntry? entry = Find(sourceDeviceId);
        if (entry is null)
        {
            reasons = [$"Device '{sourceDeviceId}' is not in the catalog."];
            return false;
        }

        entry.Type.TryResolve(Request(sourceVersion, parameters), out _, out IReadOnlyList<ConfigurationIssue> issues);
        reasons = [.. issues.Select(i => i.Message)];
        return reasons.Count == 0;
    }

    /// <summary>Gets the effective parameters of a device version: those the version implies and the defaults, with the overrides.</summary>
    /// <param name="deviceId">The device id.</param>
    /// <param name="version">A supported version.</param>
    /// <param name="overrides">Values for parameters, or <see langword="null"/>.</param>
    /// <returns>Every parameter's canonical value, in ordinal order of their names.</returns>
    /// <exception cref="ArgumentException">The device is unknown, or an override does not resolve.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The version is not supported.</exception>
    public IReadOnlyDictionary<string, string> ResolveParameters(string deviceId, int version, IReadOnlyDictionary<string, string>? overrides = null) =>
        new SortedDictionary<string, string>(Require(deviceId, version, overrides).Values.ToDictionary(v => v.Key, v => v.Value),
            StringComparer.Ordinal).AsReadOnly();

    /// <summary>Creates a device running as <paramref name="version"/> with the overrides, after the checks of <see cref="CanInstantiate"/>.</summary>
    /// <param name="deviceId">The device id.</param>
    /// <param name="version">A supported version.</param>
    /// <param name="overrides">Values for parameters, or <see langword="null"/>.</param>
    /// <returns>The device, with reset values.</returns>
    /// <exception cref="ArgumentException">The device is unknown, or an override does not resolve (<see cref="DeviceConfigurationException"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The version is not supported.</exception>
    public IDeviceState Create(string deviceId, int version, IReadOnlyDictionary<string, string>? overrides = null)
    {
        DeviceConfiguration configuration = Require(deviceId, version, overrides);
        return configuration.Type.Create(configuration);
    }

    private static ConfigurationString Request(int? version, IReadOnlyDictionary<string, string>? parameters) =>
        new(version is >= 1 ? version : null, parameters?.OrderBy(p => p.Key, StringComparer.Ordinal) ?? Enumerable.Empty<KeyValuePair<string, string>>());

    private DeviceConfiguration Require(string deviceId, int version, IReadOnlyDictionary<string, string>? overrides)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        DeviceCatalogEntry entry = Find(deviceId) ?? throw new ArgumentException($"Device '{deviceId}' is not in the catalog.", nameof(deviceId));
        if (!entry.Type.Supports(version))
        {
            throw new ArgumentOutOfRangeException(
                nameof(version),
                version,
                string.Create(CultureInfo.InvariantCulture,
                    $"Device '{deviceId}' supports versions {entry.Type.MinimumVersion} to {entry.Type.CurrentVersion}; version {version} was requested."));
        }

        return entry.Type.TryResolve(Request(version, overrides), out DeviceConfiguration? configuration, out IReadOnlyList<ConfigurationIssue> issues)
            ? configuration
            : throw new DeviceConfigurationException(issues, nameof(overrides));
    }
}
