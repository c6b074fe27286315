using System;
using System.Globalization;

namespace MigrationFormat.Visitors;

/// <summary>
/// A device type's registration: the section id string, a URL-like model id, the current version, the oldest
/// version it loads, and a factory that creates an instance running as any supported version.
/// </summary>
public sealed class DeviceType
{
    private readonly Func<int, IDeviceState> _factory;

    /// <summary>Registers a device type.</summary>
    /// <param name="id">The section id string (e.g. <c>serial</c>), at most 255 UTF-8 bytes.</param>
    /// <param name="modelId">A URL-like model id (e.g. <c>urn:migfmt:sample:uart16550a</c>).</param>
    /// <param name="currentVersion">The newest version.</param>
    /// <param name="minimumVersion">The oldest version this type loads and can run as.</param>
    /// <param name="factory">Creates a default instance running as the given version.</param>
    /// <param name="description">A description for catalogs and schemas.</param>
    public DeviceType(string id, string modelId, int currentVersion, int minimumVersion, Func<int, IDeviceState> factory, string? description = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentNullException.ThrowIfNull(factory);
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

    /// <summary>Gets a value indicating whether <paramref name="version"/> is between <see cref="MinimumVersion"/> and <see cref="CurrentVersion"/>.</summary>
    /// <param name="version">A version.</param>
    /// <returns><see langword="true"/> when supported.</returns>
    public bool Supports(int version) => version >= MinimumVersion && version <= CurrentVersion;

    /// <summary>Creates a default instance running as <paramref name="version"/>.</summary>
    /// <param name="version">A supported version.</param>
    /// <returns>The instance.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not supported.</exception>
    public IDeviceState Create(int version)
    {
        if (!Supports(version))
        {
            throw new ArgumentOutOfRangeException(
                nameof(version),
                version,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Device '{Id}' supports versions {MinimumVersion} to {CurrentVersion}; version {version} was requested."));
        }

        return _factory(version);
    }

    /// <summary>Creates a default instance running as the current version.</summary>
    /// <returns>The instance.</returns>
    public IDeviceState Create() => Create(CurrentVersion);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Id} (v{MinimumVersion}..v{CurrentVersion})");
}
