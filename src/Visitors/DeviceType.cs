using System;
using System.Collections.Generic;
using System.Globalization;

namespace MigrationFormat.Visitors;

/// <summary>
/// A device type's registration: the section id string, a URL-like model id, the current version, the oldest
/// version it loads, its typed configuration parameters with the values each version implies, and a factory that
/// creates an instance from an effective <see cref="DeviceConfiguration"/>.
/// </summary>
public sealed partial class DeviceType
{
    private readonly Func<DeviceConfiguration, IDeviceState>? _factory;

    /// <summary>Registers a device type without configuration parameters, created from its version alone.</summary>
    /// <param name="id">The section id string (e.g. <c>serial</c>), at most 255 UTF-8 bytes.</param>
    /// <param name="modelId">A URL-like model id (e.g. <c>urn:migfmt:sample:uart16550a</c>).</param>
    /// <param name="currentVersion">The newest version.</param>
    /// <param name="minimumVersion">The oldest version this type loads and can run as.</param>
    /// <param name="factory">Creates a default instance running as the given version.</param>
    /// <param name="description">A description for catalogs and schemas.</param>
    public DeviceType(string id, string modelId, int currentVersion, int minimumVersion, Func<int, IDeviceState> factory, string? description = null)
        : this(id, modelId, currentVersion, minimumVersion, WrapFactory(factory), DeviceParameterSet.Empty, description)
    {
    }

    /// <summary>Registers a device type with configuration parameters.</summary>
    /// <param name="id">The section id string (e.g. <c>virtio-net</c>), at most 255 UTF-8 bytes.</param>
    /// <param name="modelId">A URL-like model id (e.g. <c>urn:migfmt:sample:virtio-net</c>).</param>
    /// <param name="currentVersion">The newest version.</param>
    /// <param name="minimumVersion">The oldest version this type loads and can run as.</param>
    /// <param name="factory">
    /// Creates an instance with the given configuration, whose <see cref="IDeviceState.Configuration"/> it returns; or
    /// <see langword="null"/> for a type known only from a document (another host's catalog): it resolves and checks
    /// configurations but creates no device.
    /// </param>
    /// <param name="parameters">The parameters and the values each version implies.</param>
    /// <param name="description">A description for catalogs and schemas.</param>
    /// <exception cref="ArgumentException">
    /// A version's parameter set names an unknown parameter, gives an invalid value or is not a supported version; or
    /// the parameters that change the state layout take more than <see cref="DeviceParameter.MaxLayoutValues"/> combinations.
    /// </exception>
    public DeviceType(
        string id,
        string modelId,
        int currentVersion,
        int minimumVersion,
        Func<DeviceConfiguration, IDeviceState>? factory,
        DeviceParameterSet parameters,
        string? description = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumVersion, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(currentVersion, minimumVersion);
        if (System.Text.Encoding.UTF8.GetByteCount(id) > 255)
        {
            throw new ArgumentException("A device id is at most 255 UTF-8 bytes.", nameof(id));
        }

        Id = id;
        ModelId = modelId;
        CurrentVersion = currentVersion;
        MinimumVersion = minimumVersion;
        Description = description;
        _factory = factory;
        (Parameters, _byName, _implied) = Declare(parameters, modelId, minimumVersion, currentVersion);
        _defaults = new DeviceConfiguration?[currentVersion - minimumVersion + 1];
    }

    /// <summary>Gets the section id string.</summary>
    public string Id { get; }

    /// <summary>Gets the URL-like model id.</summary>
    public string ModelId { get; }

    /// <summary>Gets the newest version.</summary>
    public int CurrentVersion { get; }

    /// <summary>Gets the oldest version this type loads and runs as.</summary>
    public int MinimumVersion { get; }

    /// <summary>Gets the description, or <see langword="null"/>.</summary>
    public string? Description { get; }

    /// <summary>Gets a value indicating whether the type has code to create devices (a type read from a document has none).</summary>
    public bool CanCreate => _factory is not null;

    /// <summary>Gets a value indicating whether <paramref name="version"/> is between <see cref="MinimumVersion"/> and <see cref="CurrentVersion"/>.</summary>
    /// <param name="version">A version.</param>
    /// <returns><see langword="true"/> when supported.</returns>
    public bool Supports(int version) => version >= MinimumVersion && version <= CurrentVersion;

    /// <summary>Creates a default instance running as <paramref name="version"/>: the version's implied values, every other parameter at its default.</summary>
    /// <param name="version">A supported version.</param>
    /// <returns>The instance.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not supported.</exception>
    public IDeviceState Create(int version) => Create(DefaultConfiguration(version));

    /// <summary>Creates a default instance running as the current version.</summary>
    /// <returns>The instance.</returns>
    public IDeviceState Create() => Create(CurrentVersion);

    /// <summary>Creates an instance from a configuration string: <c>version=N</c>, <c>version=N,name=value,...</c>, or parameters alone.</summary>
    /// <param name="configuration">The configuration string.</param>
    /// <returns>The instance.</returns>
    /// <exception cref="DeviceConfigurationException">The configuration cannot be resolved; the message names the model and the parameter.</exception>
    public IDeviceState Create(string configuration) => Create(Resolve(configuration));

    /// <summary>Creates an instance with an effective configuration of this type.</summary>
    /// <param name="configuration">The configuration, resolved by this type.</param>
    /// <returns>The instance.</returns>
    /// <exception cref="ArgumentException">The configuration belongs to another type.</exception>
    /// <exception cref="InvalidOperationException">The type has no factory, or the factory ignored the configuration.</exception>
    public IDeviceState Create(DeviceConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!ReferenceEquals(configuration.Type, this))
        {
            throw new ArgumentException(
                $"The configuration is of a device type registered as '{configuration.Type.Id}' ({configuration.Model}), not this one.",
                nameof(configuration));
        }

        if (_factory is null)
        {
            throw new InvalidOperationException($"Device type '{Id}' ({ModelId}) is known from a document and has no code to create devices.");
        }

        IDeviceState device = _factory(configuration);
        if (device.Version != configuration.Version || !device.Configuration.HasSameValues(configuration))
        {
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture,
                    $"The factory of device type '{Id}' created a device running as version {device.Version} with configuration ")
                    + $"'{device.Configuration}', not the '{configuration}' it was given.");
        }

        return device;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Id} (v{MinimumVersion}..v{CurrentVersion})");

    private static Func<DeviceConfiguration, IDeviceState> WrapFactory(Func<int, IDeviceState> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return configuration => factory(configuration.Version);
    }
}
