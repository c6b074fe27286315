using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>One device type in a <see cref="DeviceCatalog"/>, with the configuration parameters each version implies.</summary>
public sealed class DeviceCatalogEntry
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>(StringComparer.Ordinal);
    private readonly Dictionary<int, IReadOnlyDictionary<string, string>> _parameters;

    internal DeviceCatalogEntry(DeviceType type, IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>>? parameters)
    {
        Type = type;
        _parameters = new Dictionary<int, IReadOnlyDictionary<string, string>>();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (parameters is not null)
        {
            foreach (KeyValuePair<int, IReadOnlyDictionary<string, string>> pair in parameters)
            {
                if (!type.Supports(pair.Key))
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(parameters),
                        pair.Key,
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"Device '{type.Id}' supports versions {type.MinimumVersion} to {type.CurrentVersion}; parameters were given for version "
                                + $"{pair.Key}."));
                }

                ArgumentNullException.ThrowIfNull(pair.Value, nameof(parameters));
                var copy = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (KeyValuePair<string, string> parameter in pair.Value)
                {
                    ArgumentException.ThrowIfNullOrEmpty(parameter.Key, nameof(parameters));
                    ArgumentNullException.ThrowIfNull(parameter.Value, nameof(parameters));
                    copy[parameter.Key] = parameter.Value;
                    names.Add(parameter.Key);
                }

                _parameters[pair.Key] = copy.AsReadOnly();
            }
        }

        ParameterNames = names.ToArray();
    }

    /// <summary>Gets the device type.</summary>
    public DeviceType Type { get; }

    /// <summary>Gets every parameter name any version of the device implies, in ordinal order: the names a user may override.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Gets the parameters <paramref name="version"/> implies (empty when it implies none).</summary>
    /// <param name="version">A supported version.</param>
    /// <returns>The parameters, in ordinal order of their names.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not supported.</exception>
    public IReadOnlyDictionary<string, string> ParametersOf(int version)
    {
        if (!Type.Supports(version))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, UnsupportedVersion(Type, version));
        }

        return _parameters.TryGetValue(version, out IReadOnlyDictionary<string, string>? parameters) ? parameters : None;
    }

    internal static string UnsupportedVersion(DeviceType type, int version) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"Device '{type.Id}' supports versions {type.MinimumVersion} to {type.CurrentVersion}; version {version} was requested.");
}

/// <summary>
/// The device models a host offers: each <see cref="DeviceType"/> with its supported versions and the
/// configuration parameters each version implies (a UART v1 implies <c>fifo=off</c>, v3 <c>fifo=on</c>). It
/// describes itself as JSON (docs/schema.md), tells whether a source device configuration can be instantiated
/// here, and creates devices.
/// </summary>
public sealed class DeviceCatalog
{
    /// <summary>The value of the catalog document's <c>format</c> member.</summary>
    public const string Format = "migfmt-catalog/1";

    private readonly List<DeviceCatalogEntry> _entries = [];
    private readonly Dictionary<string, DeviceCatalogEntry> _byId = new(StringComparer.Ordinal);

    /// <summary>Gets the entries, in the order they were added.</summary>
    public IReadOnlyList<DeviceCatalogEntry> Entries => _entries;

    /// <summary>Gets the key of a device version's schema document: <c>id/vN</c>.</summary>
    /// <param name="deviceId">The device id.</param>
    /// <param name="version">The version.</param>
    /// <returns>The key.</returns>
    public static string SchemaKey(string deviceId, int version)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        return string.Create(CultureInfo.InvariantCulture, $"{deviceId}/v{version}");
    }

    /// <summary>Adds a device type.</summary>
    /// <param name="type">The device type; its id must be new to the catalog.</param>
    /// <param name="parameters">For each version that implies configuration, its parameters; <see langword="null"/> when none.</param>
    /// <returns>This catalog, for chaining.</returns>
    /// <exception cref="ArgumentException">The id is already registered, or a version in <paramref name="parameters"/> is not supported.</exception>
    public DeviceCatalog Add(DeviceType type, IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (_byId.ContainsKey(type.Id))
        {
            throw new ArgumentException($"Device '{type.Id}' is already in the catalog.", nameof(type));
        }

        var entry = new DeviceCatalogEntry(type, parameters);
        _entries.Add(entry);
        _byId.Add(type.Id, entry);
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

    /// <summary>Builds the schema of every version of every device, in catalog order, oldest version first.</summary>
    /// <returns>The schemas.</returns>
    public IReadOnlyList<DeviceSchema> AllSchemas() => _entries.SelectMany(e => DeviceSchema.AllVersions(e.Type)).ToList();

    /// <summary>Writes the catalog document (<c>migfmt-catalog/1</c>).</summary>
    /// <param name="writer">The JSON writer.</param>
    public void Describe(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("format", Format);
        writer.WriteStartArray("devices");
        foreach (DeviceCatalogEntry entry in _entries)
        {
            DeviceType type = entry.Type;
            writer.WriteStartObject();
            writer.WriteString("model", type.ModelId);
            writer.WriteString("device", type.Id);
            if (type.Description is not null)
            {
                writer.WriteString("description", type.Description);
            }

            writer.WriteNumber("minimumVersion", type.MinimumVersion);
            writer.WriteNumber("currentVersion", type.CurrentVersion);
            writer.WriteStartArray("parameterNames");
            foreach (string name in entry.ParameterNames)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("versions");
            for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
            {
                writer.WriteStartObject();
                writer.WriteNumber("version", version);
                writer.WriteString("schema", SchemaKey(type.Id, version));
                writer.WriteStartObject("parameters");
                foreach (KeyValuePair<string, string> parameter in entry.ParametersOf(version))
                {
                    writer.WriteString(parameter.Key, parameter.Value);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Serializes the catalog document to UTF-8.</summary>
    /// <param name="indented">Indent for people.</param>
    /// <returns>The document.</returns>
    public byte[] Describe(bool indented = true)
    {
        return JsonBytes.Write(Describe, indented);
    }

    /// <summary>
    /// Checks that a source device configuration can be instantiated here: the device is known, the version is
    /// one this host runs, every parameter name is one the device knows, and every parameter the version implies
    /// has the implied value.
    /// </summary>
    /// <param name="sourceDeviceId">The source's device id.</param>
    /// <param name="sourceVersion">The source's device version.</param>
    /// <param name="parameters">The source's configuration parameters, or <see langword="null"/> for none.</param>
    /// <param name="reasons">Every reason it cannot be instantiated; empty when it can.</param>
    /// <returns><see langword="true"/> when it can be instantiated.</returns>
    public bool CanInstantiate(string sourceDeviceId, int sourceVersion, IReadOnlyDictionary<string, string>? parameters, out IReadOnlyList<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(sourceDeviceId);
        List<string> list = Check(sourceDeviceId, sourceVersion, parameters, out _);
        reasons = list;
        return list.Count == 0;
    }

    /// <summary>Gets the effective parameters of a device version: those the version implies, plus the overrides.</summary>
    /// <param name="deviceId">The device id.</param>
    /// <param name="version">A supported version.</param>
    /// <param name="overrides">Values for parameters the version does not fix, or <see langword="null"/>.</param>
    /// <returns>The parameters, in ordinal order of their names.</returns>
    /// <exception cref="ArgumentException">The device is unknown, or an override names an unknown parameter or contradicts the version.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The version is not supported.</exception>
    public IReadOnlyDictionary<string, string> ResolveParameters(string deviceId, int version, IReadOnlyDictionary<string, string>? overrides = null)
    {
        DeviceCatalogEntry entry = Require(deviceId, version, overrides);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> parameter in entry.ParametersOf(version))
        {
            result[parameter.Key] = parameter.Value;
        }

        if (overrides is not null)
        {
            foreach (KeyValuePair<string, string> parameter in overrides)
            {
                result[parameter.Key] = parameter.Value;
            }
        }

        return result.AsReadOnly();
    }

    /// <summary>Creates a device running as <paramref name="version"/> after checking the configuration as <see cref="CanInstantiate"/> does.</summary>
    /// <param name="deviceId">The device id.</param>
    /// <param name="version">A supported version.</param>
    /// <param name="overrides">Values for parameters the version does not fix, or <see langword="null"/>.</param>
    /// <returns>The device, with reset values.</returns>
    /// <exception cref="ArgumentException">The device is unknown, or an override names an unknown parameter or contradicts the version.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The version is not supported.</exception>
    public IDeviceState Create(string deviceId, int version, IReadOnlyDictionary<string, string>? overrides = null) =>
        Require(deviceId, version, overrides).Type.Create(version);

    private DeviceCatalogEntry Require(string deviceId, int version, IReadOnlyDictionary<string, string>? overrides)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        List<string> reasons = Check(deviceId, version, overrides, out DeviceCatalogEntry? entry);
        if (entry is null)
        {
            throw new ArgumentException(reasons[0], nameof(deviceId));
        }

        if (!entry.Type.Supports(version))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, DeviceCatalogEntry.UnsupportedVersion(entry.Type, version));
        }

        if (reasons.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", reasons), nameof(overrides));
        }

        return entry;
    }

    private List<string> Check(string deviceId, int version, IReadOnlyDictionary<string, string>? parameters, out DeviceCatalogEntry? entry)
    {
        var reasons = new List<string>();
        entry = Find(deviceId);
        if (entry is null)
        {
            reasons.Add($"Device '{deviceId}' is not in the catalog.");
            return reasons;
        }

        if (!entry.Type.Supports(version))
        {
            reasons.Add(DeviceCatalogEntry.UnsupportedVersion(entry.Type, version));
            return reasons;
        }

        if (parameters is null)
        {
            return reasons;
        }

        IReadOnlyDictionary<string, string> implied = entry.ParametersOf(version);
        foreach (KeyValuePair<string, string> parameter in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!entry.ParameterNames.Contains(parameter.Key, StringComparer.Ordinal))
            {
                string known = entry.ParameterNames.Count == 0 ? "none" : string.Join(", ", entry.ParameterNames);
                reasons.Add($"Device '{deviceId}' has no parameter '{parameter.Key}' (known: {known}).");
            }
            else if (implied.TryGetValue(parameter.Key, out string? value) && !string.Equals(value, parameter.Value, StringComparison.Ordinal))
            {
                reasons.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Device '{deviceId}' version {version} implies {parameter.Key}={value}; the configuration has {parameter.Key}={parameter.Value}."));
            }
        }

        return reasons;
    }
}
