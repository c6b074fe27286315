using System;
using System.Collections.Generic;
using MigrationFormat.Visitors;

namespace MigrationFormat.Samples.Qemu;

/// <summary>The typed models of real QEMU 7.2 (and 10.0) devices, keyed by vmsd name.</summary>
public static class QemuDeviceCatalog
{
    /// <summary>Gets every typed QEMU device type.</summary>
    public static IReadOnlyList<DeviceType> DeviceTypes { get; } =
        [QemuSerial.DeviceType, QemuMc146818Rtc.DeviceType, QemuPit.DeviceType, QemuE1000.DeviceType, QemuVmMouse.DeviceType];

    /// <summary>Finds the type whose id is <paramref name="vmsdName"/>.</summary>
    /// <param name="vmsdName">A vmsd name such as <c>serial</c>.</param>
    /// <returns>The type, or <see langword="null"/>.</returns>
    public static DeviceType? Find(string vmsdName)
    {
        foreach (DeviceType type in DeviceTypes)
        {
            if (string.Equals(type.Id, vmsdName, StringComparison.Ordinal))
            {
                return type;
            }
        }

        return null;
    }
}
