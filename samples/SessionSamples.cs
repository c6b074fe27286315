using System;
using System.Collections.Generic;
using MigrationFormat.Session;
using MigrationFormat.Visitors;

namespace MigrationFormat.Samples;

/// <summary>
/// The devices a sample migration carries: the sample catalog's devices plus the <see cref="VfioAccelerator"/>, in
/// their busy states on the source and their reset states on the destination, and a guest that keeps writing the
/// accelerator's memory while pre-copy runs.
/// </summary>
public static class SessionSamples
{
    /// <summary>Gets every device type a sample migration carries, in section order.</summary>
    public static IReadOnlyList<DeviceType> DeviceTypes { get; } = [.. SampleCatalog.DeviceTypes, VfioAccelerator.DeviceType];

    /// <summary>Creates the source's devices: each sample in its busy state as <paramref name="versions"/> says (the newest by default).</summary>
    /// <param name="versions">Versions by device id, or <see langword="null"/>.</param>
    /// <param name="noSwitchoverAck">Ids of iterative devices that do not support the switchover acknowledgement.</param>
    /// <returns>The devices, in section order.</returns>
    public static IReadOnlyList<SessionDevice> CreateSource(IReadOnlyDictionary<string, int>? versions = null, IReadOnlySet<string>? noSwitchoverAck = null)
    {
        var devices = new List<SessionDevice>();
        foreach (DeviceType type in DeviceTypes)
        {
            int version = VersionOf(type, versions);
            IDeviceState device = type == VfioAccelerator.DeviceType
                ? CreateBusyAccelerator(version, switchoverAck: noSwitchoverAck?.Contains(type.Id) != true)
                : SampleCatalog.CreateBusy(type, version);
            devices.Add(new SessionDevice(device));
        }

        return devices;
    }

    /// <summary>Creates the destination's devices, each in its reset state as <paramref name="versions"/> says (the newest by default).</summary>
    /// <param name="versions">Versions by device id, or <see langword="null"/>.</param>
    /// <param name="noSwitchoverAck">Ids of iterative devices that do not support the switchover acknowledgement.</param>
    /// <returns>The devices, in section order.</returns>
    public static IReadOnlyList<SessionDevice> CreateDestination(
        IReadOnlyDictionary<string, int>? versions = null,
        IReadOnlySet<string>? noSwitchoverAck = null)
    {
        var devices = new List<SessionDevice>();
        foreach (DeviceType type in DeviceTypes)
        {
            int version = VersionOf(type, versions);
            IDeviceState device = type == VfioAccelerator.DeviceType
                ? new VfioAccelerator(version, switchoverAck: noSwitchoverAck?.Contains(type.Id) != true)
                : type.Create(version);
            devices.Add(new SessionDevice(device));
        }

        return devices;
    }

    /// <summary>Creates an accelerator with every register away from its reset value and every page of memory written.</summary>
    /// <param name="version">The device version.</param>
    /// <param name="pageSize">The page size.</param>
    /// <param name="pageCount">The page count.</param>
    /// <param name="switchoverAck">Whether it takes part in the switchover acknowledgement.</param>
    /// <returns>The device.</returns>
    public static VfioAccelerator CreateBusyAccelerator(
        int version = 3,
        int pageSize = VfioAccelerator.DefaultPageSize,
        int pageCount = VfioAccelerator.DefaultPageCount,
        bool switchoverAck = true)
    {
        var device = new VfioAccelerator(version, pageSize, pageCount, switchoverAck)
        {
            Control = 0x8000_0101,
            Status = 0x0000_0042,
            Doorbell = 0x0123_4567_89AB_CDEF,
            QueueHead = 17,
            QueueTail = 4093,
            CompletedJobs = 9_876_543_210,
            ContextId = 0xC0DE,
            FaultPending = true,
            FaultAddress = 0x7FFF_0000_1000,
            FaultCode = 0x0E,
        };
        byte[] page = new byte[pageSize];
        for (int p = 0; p < pageCount; p++)
        {
            Fill(page, p, 0);
            device.WritePage(p, page);
        }

        return device;
    }

    /// <summary>
    /// The guest runs between two pre-copy rounds: it writes a quarter of the accelerator's pages after round 1, an
    /// eighth after round 2, and so on, so that pre-copy converges in a few rounds.
    /// </summary>
    /// <param name="device">The accelerator.</param>
    /// <param name="round">The round that just ended.</param>
    public static void RunGuest(VfioAccelerator device, int round)
    {
        ArgumentNullException.ThrowIfNull(device);
        int pages = round >= 30 ? 0 : (device.PageCount / 2) >> round;
        byte[] page = new byte[device.PageSize];
        for (int i = 0; i < pages; i++)
        {
            int index = (int)(((long)i * 37 + (round * 11)) % device.PageCount);
            Fill(page, index, round);
            device.WritePage(index, page);
        }
    }

    private static void Fill(byte[] page, int index, int round)
    {
        uint seed = (uint)((index * 2654435761L) ^ (round * 40503L));
        for (int i = 0; i < page.Length; i++)
        {
            seed = (seed * 1664525) + 1013904223;
            page[i] = (byte)(seed >> 24);
        }
    }

    private static int VersionOf(DeviceType type, IReadOnlyDictionary<string, int>? versions) =>
        versions is not null && versions.TryGetValue(type.Id, out int version) ? version : type.CurrentVersion;
}
