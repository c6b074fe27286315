using System;
using System.Collections.Generic;
using MigrationFormat.Visitors;

// Tools that load this assembly (migfmt --assembly) find its devices through the catalog.
[assembly: MigrationFormat.Visitors.MigrationDeviceRegistry(typeof(MigrationFormat.Samples.SampleCatalog))]

namespace MigrationFormat.Samples;

/// <summary>The sample device types, and deterministic "busy" states (every field away from its default) for demos and tests.</summary>
public static class SampleCatalog
{
    /// <summary>Gets every sample device type.</summary>
    public static IReadOnlyList<DeviceType> DeviceTypes { get; } =
        [Uart16550.DeviceType, Mc146818Rtc.DeviceType, VirtioNet.DeviceType, VhostUserBackend.DeviceType];

    /// <summary>Creates a device of <paramref name="type"/> running as <paramref name="version"/>, with deterministic non-default values in every
    /// field.</summary>
    /// <param name="type">One of <see cref="DeviceTypes"/>.</param>
    /// <param name="version">A version the type supports.</param>
    /// <returns>The device.</returns>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a sample type.</exception>
    public static IDeviceState CreateBusy(DeviceType type, int version)
    {
        ArgumentNullException.ThrowIfNull(type);
        return CreateBusy(type.DefaultConfiguration(version));
    }

    /// <summary>Creates a device in <paramref name="configuration"/>, with deterministic non-default values in every field its layout has.</summary>
    /// <param name="configuration">A configuration resolved by a type whose devices are sample devices.</param>
    /// <returns>The device.</returns>
    /// <exception cref="ArgumentException">The type does not create sample devices.</exception>
    public static IDeviceState CreateBusy(DeviceConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        DeviceType type = configuration.Type;
        IDeviceState device = type.Create(configuration);
        switch (device)
        {
            case Uart16550 uart:
                uart.Divider = 0x1234;
                uart.Rbr = 0x41;
                uart.Ier = 5;
                uart.Iir = 0xC1;
                uart.Lcr = 3;
                uart.Mcr = 0x0B;
                uart.Lsr = 0x61;
                uart.Msr = 0xB1;
                uart.Scr = 0xAA;
                uart.TxCount = 1_000_000;
                uart.FifoTriggerLevel = 14;
                uart.FifoTimeoutArmed = true;
                uart.FifoTimeoutNs = 123_456_789;
                break;
            case Mc146818Rtc rtc:
                for (int i = 0; i < rtc.Cmos.Length; i++)
                {
                    rtc.Cmos[i] = (byte)((i * 37) + 11);
                }

                rtc.CurrentTimeNs = 1_700_000_000_123_456_789;
                rtc.CmosIndex = 0x0B;
                rtc.BaseYear = 1980;
                rtc.CenturyAdjust = -1;
                rtc.PeriodNs = 976_562;
                rtc.NextPeriodicNs = -5;
                rtc.PeriodicEnabled = true;
                rtc.IrqCoalesced = 4_000_000_000;
                rtc.UtcOffsetSeconds = -3600;
                rtc.AlarmArmed = true;
                rtc.AlarmNs = long.MaxValue - 7;
                break;
            case VirtioNet net:
                net.Features = 0x8000_0001_0130_0FFFUL;
                net.Status = 0x0F;
                byte[] mac = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
                mac.CopyTo(net.Mac, 0);
                net.Name = "eth0-\u00e9";
                for (int i = 0; i < net.VlanFilter.Length; i++)
                {
                    net.VlanFilter[i] = 0xF000_0000u >> i;
                }

                for (int q = 0; q < 3; q++)
                {
                    net.Queues.Add(new VirtqueueState
                    {
                        DescAddr = 0x1_0000_0000UL + ((ulong)q << 16),
                        AvailAddr = 0x1_0000_4000UL + ((ulong)q << 16),
                        UsedAddr = 0x1_0000_8000UL + ((ulong)q << 16),
                        Size = 1024,
                        LastAvailIdx = (ushort)(65535 - q),
                        UsedIdx = (ushort)(100 + q),
                    });
                }

                net.RxPackets = ulong.MaxValue;
                net.Mtu = 9000;
                net.RssEnabled = true;
                net.RssKey =
                [
                    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                    21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
                ];
                for (int i = 0; i < net.IndirectionTable.Length; i++)
                {
                    net.IndirectionTable[i] = (ushort)(i % 3);
                }

                for (int i = 0; i < net.RxFilter.Length; i++)
                {
                    net.RxFilter[i] = (byte)((i * 13) + 7);
                }

                break;
            case VhostUserBackend backend:
                backend.ProtocolFeatures = 0x0000_0000_0003_FFFFUL;
                for (int i = 0; i < backend.InflightAddresses.Length; i++)
                {
                    backend.InflightAddresses[i] = ulong.MaxValue - (ulong)i;
                }

                byte[] state = new byte[200_000];
                for (int i = 0; i < state.Length; i++)
                {
                    state[i] = (byte)((i * 31) ^ (i >> 8));
                }

                backend.BackendState = state;
                backend.LastError = "reconnected after EPIPE";
                backend.BackendPid = 4242;
                backend.DirtyLogActive = true;
                backend.LogBase = 0x7F00_0000_0000UL;
                backend.LogSize = 0x10_0000;
                break;
            default:
                throw new ArgumentException($"'{type.Id}' is not a sample device type.", nameof(configuration));
        }

        return device;
    }
}
