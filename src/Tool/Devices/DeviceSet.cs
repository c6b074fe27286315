using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool.Devices;

/// <summary>
/// The device types a verb knows: the sample devices, or with <c>--assembly</c> the user's devices instead (so that a
/// user's <c>serial</c> never meets the sample's).
/// </summary>
internal sealed class DeviceSet
{
    private readonly Dictionary<string, DeviceSchema> _schemas = new(StringComparer.Ordinal);

    private DeviceSet(IReadOnlyList<DeviceType> types, bool areSamples, string description)
    {
        Types = types;
        AreSamples = areSamples;
        Description = description;
    }

    /// <summary>Gets the sample devices.</summary>
    public static DeviceSet Samples { get; } = new(SampleCatalog.DeviceTypes, true, "the sample devices");

    public IReadOnlyList<DeviceType> Types { get; }

    public bool AreSamples { get; }

    /// <summary>Gets where the devices come from, for messages.</summary>
    public string Description { get; }

    /// <summary>Gets the samples, or the devices of the given assemblies.</summary>
    /// <param name="assemblies">The <c>--assembly</c> paths; none for the samples.</param>
    /// <returns>The set.</returns>
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2026",
        Justification = "A trimmed or NativeAOT build cannot load assemblies; AssemblyDevices reports that as an input error.")]
    public static DeviceSet From(IReadOnlyList<string>? assemblies)
    {
        if (assemblies is null || assemblies.Count == 0)
        {
            return Samples;
        }

        return new DeviceSet(AssemblyDevices.Load(assemblies), false, "the devices of " + string.Join(", ", assemblies));
    }

    /// <summary>Finds a device type by id.</summary>
    /// <param name="id">The section id.</param>
    /// <returns>The type, or <see langword="null"/>.</returns>
    public DeviceType? Find(string id)
    {
        foreach (DeviceType type in Types)
        {
            if (string.Equals(type.Id, id, StringComparison.Ordinal))
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>Finds a device type a user named, at a version it supports.</summary>
    /// <param name="name">The device id.</param>
    /// <param name="version">The version.</param>
    /// <returns>The type.</returns>
    /// <exception cref="UsageException">Unknown device or unsupported version.</exception>
    public DeviceType Resolve(string name, int version)
    {
        DeviceType type = Resolve(name);
        if (!type.Supports(version))
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--version: expected a version of '{type.Id}' from {type.MinimumVersion} to {type.CurrentVersion}; found {version}."));
        }

        return type;
    }

    /// <summary>Finds a device by name, failing with the names the set knows.</summary>
    /// <param name="name">The device id.</param>
    /// <returns>The device type.</returns>
    /// <exception cref="UsageException">The set has no such device.</exception>
    public DeviceType Resolve(string name) =>
        Find(name) ?? throw new UsageException($"--device: expected one of {Names()} ({Description}); found '{name}'.");

    /// <summary>
    /// Gives the schema of a device version the set knows, in the layout of the configuration a section carries (the
    /// version's default layout when it carries none, or one this set's device does not resolve); or <see langword="null"/>.
    /// </summary>
    /// <param name="id">The device id.</param>
    /// <param name="version">The version.</param>
    /// <param name="configuration">The section's configuration, or <see langword="null"/>.</param>
    /// <returns>The schema.</returns>
    public DeviceSchema? SchemaOf(string id, int version, ConfigurationRecord? configuration)
    {
        if (Find(id) is not { } type || !type.Supports(version))
        {
            return null;
        }

        DeviceConfiguration layout = configuration is not null
            && type.TryResolve(configuration, out DeviceConfiguration? resolved, out _)
            && resolved.Version == version
                ? resolved
                : type.DefaultConfiguration(version);
        string key = DeviceCatalog.SchemaKey(layout);
        if (!_schemas.TryGetValue(key, out DeviceSchema? schema))
        {
            schema = DeviceSchema.For(layout);
            _schemas[key] = schema;
        }

        return schema;
    }

    /// <summary>Creates the state <c>migfmt sample</c> writes: a sample's busy state, or a user device as its factory makes it.</summary>
    /// <param name="type">A type of the set.</param>
    /// <param name="version">A supported version.</param>
    /// <returns>The device.</returns>
    public IDeviceState CreateSample(DeviceType type, int version) => AreSamples ? SampleCatalog.CreateBusy(type, version) : type.Create(version);

    /// <summary>Gets the catalog <c>migfmt describe</c> prints: the samples with their parameters, or the user's devices.</summary>
    /// <returns>The catalog.</returns>
    public DeviceCatalog Catalog()
    {
        if (AreSamples)
        {
            return ToolSamples.Catalog;
        }

        var catalog = new DeviceCatalog();
        foreach (DeviceType type in Types)
        {
            catalog.Add(type);
        }

        return catalog;
    }

    /// <summary>Gets the device ids, for messages.</summary>
    /// <returns>E.g. <c>serial, mc146818rtc</c>.</returns>
    public string Names()
    {
        var names = new List<string>();
        foreach (DeviceType type in Types)
        {
            names.Add(type.Id);
        }

        return string.Join(", ", names);
    }
}
