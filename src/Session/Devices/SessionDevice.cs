using System;
using System.Collections.Generic;
using System.Globalization;
using MigrationFormat.Visitors;

namespace MigrationFormat.Session;

/// <summary>A device instance taking part in a session: the device and its instance id.</summary>
public sealed class SessionDevice
{
    /// <summary>Creates an entry.</summary>
    /// <param name="device">The device; an <see cref="IIterativeDevice"/> sends data in pre-copy rounds.</param>
    /// <param name="instanceId">The instance id, distinguishing devices of one type.</param>
    public SessionDevice(IDeviceState device, uint instanceId = 0)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
        InstanceId = instanceId;
        Name = FormatName(device.Type.Id, instanceId);
    }

    /// <summary>Gets the device.</summary>
    public IDeviceState Device { get; }

    /// <summary>Gets the instance id.</summary>
    public uint InstanceId { get; }

    /// <summary>Gets the device as an iterative one, or <see langword="null"/>.</summary>
    public IIterativeDevice? Iterative => Device as IIterativeDevice;

    /// <summary>Gets the device's name in messages: <c>id#instance</c>.</summary>
    public string Name { get; }

    /// <summary>Formats a device's name in messages.</summary>
    /// <param name="id">The section id.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <returns><c>id#instance</c>.</returns>
    public static string FormatName(string id, uint instanceId) => string.Create(CultureInfo.InvariantCulture, $"{id}#{instanceId}");

    /// <summary>Checks that a side's devices are all there and each name (<c>id#instance</c>) is listed once.</summary>
    /// <exception cref="ArgumentNullException">A device is missing.</exception>
    /// <exception cref="ArgumentException">Two devices have the same name.</exception>
    internal static void CheckNamesUnique(IReadOnlyList<SessionDevice> devices)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (SessionDevice device in devices)
        {
            ArgumentNullException.ThrowIfNull(device, nameof(devices));
            if (!names.Add(device.Name))
            {
                throw new ArgumentException($"Device {device.Name} is listed twice.", nameof(devices));
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
