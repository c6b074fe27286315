using System;
using System.Collections.Generic;
using MigrationFormat.Visitors;

namespace MigrationFormat.Qemu.Devices;

/// <summary>
/// The typed models of what a QEMU stream's VM description leaves opaque: the <c>virtio</c> field of a virtio device's
/// section (whatever <c>virtio_save</c> wrote), and the <c>data</c> buffer of an old-style <c>slirp</c> section (what
/// libslirp wrote). The transcoder and the dumpers name those bytes through these models.
/// </summary>
public static class QemuFieldModels
{
    /// <summary>Gets every model, keyed below by the vmsd name of its section (<c>slirp</c> has none).</summary>
    public static IReadOnlyList<DeviceType> DeviceTypes { get; } =
        [QemuVirtioNet.DeviceType, QemuVirtioRng.DeviceType, QemuVirtioBlk.DeviceType, QemuVirtioBalloon.DeviceType, QemuSlirp.DeviceType];

    /// <summary>Finds the model of a top-level field of a device section's description.</summary>
    /// <param name="sectionName">The section's id string (<c>0000:00:03.0/virtio-net</c>, <c>slirp</c>).</param>
    /// <param name="vmsdName">The description's <c>vmsd_name</c>, or <see langword="null"/> for an old-style section.</param>
    /// <param name="field">The field.</param>
    /// <returns>The model's device type, or <see langword="null"/> when the description's own typing is all there is.</returns>
    public static DeviceType? Find(string sectionName, string? vmsdName, VmFieldDescription field)
    {
        ArgumentNullException.ThrowIfNull(sectionName);
        ArgumentNullException.ThrowIfNull(field);
        if (field.Type == "virtio" && vmsdName is not null)
        {
            foreach (DeviceType type in DeviceTypes)
            {
                if (type.Id == vmsdName)
                {
                    return type;
                }
            }

            return null;
        }

        return vmsdName is null && sectionName == "slirp" && field.Name == "data" && field.Type == "buffer" ? QemuSlirp.DeviceType : null;
    }

    /// <summary>
    /// Replaces, in a section's decoded values, every field a model types by the model's named values (when its bytes load
    /// into the model; otherwise the bytes stay as they are).
    /// </summary>
    /// <param name="values">The section's values, from <see cref="VmStateDecoder"/>; changed in place.</param>
    /// <param name="device">The section's description.</param>
    /// <param name="sectionVersion">The section's version (the model runs as it; QEMU's 0 is 1).</param>
    /// <returns>The number of fields replaced.</returns>
    public static int ExpandTyped(VmStateStruct values, VmDeviceDescription device, uint sectionVersion)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(device);
        int expanded = 0;
        foreach (VmFieldDescription field in device.Fields)
        {
            if (field.IsArray || Find(device.Name, device.VmsdName, field) is not { } type || values[field.Name] is not VmStateBytes bytes)
            {
                continue;
            }

            int version = sectionVersion == 0 ? 1 : (int)Math.Min(sectionVersion, int.MaxValue);
            if (QemuModelValues.TryDescribe(type, version, bytes.Bytes, field.Type, bytes.Offset) is { } typed)
            {
                values.Set(field.Name, typed);
                expanded++;
            }
        }

        return expanded;
    }
}
