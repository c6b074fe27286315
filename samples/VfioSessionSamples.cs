using System;
using MigrationFormat.DeviceState.Vfio;
using MigrationFormat.Session;
using MigrationFormat.Visitors;

namespace MigrationFormat.Samples;

/// <summary>
/// What the VMM keeps of a VFIO PCI device whose data stream travels as a session's iterative data: the migration
/// features and the PCI configuration header it emulates. Unlike <see cref="VfioPciDevice"/>, it has no blob: the
/// device's stream goes in pre-copy rounds beside the section (<see cref="VfioSessionDevice"/>).
/// </summary>
public sealed class VfioPciConfig : IDeviceState
{
    /// <summary>The size of the PCI configuration header the VMM keeps.</summary>
    public const int ConfigSize = 64;

    /// <summary>The device type: section id <c>vfio-sim</c>, version 1.</summary>
    public static readonly DeviceType DeviceType = new(
        "vfio-sim",
        "urn:migfmt:sample:vfio-sim",
        currentVersion: 1,
        minimumVersion: 1,
        _ => new VfioPciConfig(),
        "VFIO PCI device whose data stream a migration session carries");

    private uint _migrationFlags;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version => 1;

    /// <summary>Gets the PCI configuration header, changed in place.</summary>
    public byte[] Config { get; } = new byte[ConfigSize];

    /// <summary>Gets or sets the migration features as saved (after a load, the source's).</summary>
    public VfioMigrationFeatures MigrationFlags
    {
        get => (VfioMigrationFeatures)_migrationFlags;
        set => _migrationFlags = (uint)value;
    }

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.MigrationFlags, ref _migrationFlags);
        visitor.Field(Fields.Config, Config.AsSpan());
    }

    /// <summary>The section's field specs.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("vfio-sim");

        /// <summary>The device's migration features (<c>VFIO_DEVICE_FEATURE_MIGRATION</c> flags).</summary>
        public static readonly FieldSpec<uint> MigrationFlags = Root.UInt32("migration_flags", 0);

        /// <summary>The PCI configuration header the VMM emulates.</summary>
        public static readonly ArrayFieldSpec<byte> Config = Root.FixedBytes("config", 1, ConfigSize);
    }
}

/// <summary>
/// A <see cref="SimulatedVfioDevice"/> in a migration session: on the source with busy registers, memory and
/// configuration, and a guest that keeps writing its memory while pre-copy runs; on the destination fresh.
/// </summary>
public static class VfioSessionSamples
{
    /// <summary>The number of registers of the sample device.</summary>
    public const int RegisterCount = 64;

    /// <summary>The number of 4 KiB memory pages of the sample device by default (1 MiB).</summary>
    public const int DefaultPageCount = 256;

    /// <summary>Creates the source's device: every register and page written, the configuration header filled.</summary>
    /// <param name="features">The device's migration features.</param>
    /// <param name="pageCount">The number of 4 KiB pages.</param>
    /// <param name="switchoverAck">Whether this side supports the switchover acknowledgement for it.</param>
    /// <param name="model">The model number in the device's stream header.</param>
    /// <returns>The session device.</returns>
    public static VfioSessionDevice CreateSource(
        VfioMigrationFeatures features = VfioMigrationFeatures.All,
        int pageCount = DefaultPageCount,
        bool switchoverAck = true,
        uint model = 0x1af4_10f0)
    {
        var device = new SimulatedVfioDevice(features, model, RegisterCount, pageCount);
        for (int r = 0; r < RegisterCount; r++)
        {
            device.WriteRegister(r, (uint)((r * 0x9E3779B9L) ^ 0x5A5A_0000));
        }

        byte[] page = new byte[SimulatedVfioDevice.PageSize];
        for (int p = 0; p < pageCount; p++)
        {
            Fill(page, p, 0);
            device.WriteMemory(p * SimulatedVfioDevice.PageSize, page);
        }

        var fields = new VfioPciConfig { MigrationFlags = features };
        for (int i = 0; i < VfioPciConfig.ConfigSize; i++)
        {
            fields.Config[i] = (byte)(0xA0 ^ i);
        }

        return new VfioSessionDevice(fields, device, switchoverAck);
    }

    /// <summary>Creates the destination's device, fresh (its reset state).</summary>
    /// <param name="features">The device's migration features.</param>
    /// <param name="pageCount">The number of 4 KiB pages.</param>
    /// <param name="switchoverAck">Whether this side supports the switchover acknowledgement for it.</param>
    /// <param name="model">The model number the device accepts in a stream header.</param>
    /// <returns>The session device.</returns>
    public static VfioSessionDevice CreateDestination(
        VfioMigrationFeatures features = VfioMigrationFeatures.All,
        int pageCount = DefaultPageCount,
        bool switchoverAck = true,
        uint model = 0x1af4_10f0) =>
        new(new VfioPciConfig(), new SimulatedVfioDevice(features, model, RegisterCount, pageCount), switchoverAck);

    /// <summary>
    /// The guest runs between two pre-copy rounds: it writes half the device's pages after round 1, a quarter after
    /// round 2, and so on, and one register, so that pre-copy converges in a few rounds with dirty pages each time.
    /// </summary>
    /// <param name="device">The session device of a <see cref="SimulatedVfioDevice"/>.</param>
    /// <param name="round">The round that just ended.</param>
    public static void RunGuest(VfioSessionDevice device, int round)
    {
        ArgumentNullException.ThrowIfNull(device);
        var simulated = (SimulatedVfioDevice)device.Device;
        int pages = round >= 30 ? 0 : simulated.PageCount >> round;
        byte[] page = new byte[SimulatedVfioDevice.PageSize];
        for (int i = 0; i < pages; i++)
        {
            int index = (int)((((long)i * 37) + (round * 11)) % simulated.PageCount);
            Fill(page, index, round);
            simulated.WriteMemory(index * SimulatedVfioDevice.PageSize, page);
        }

        simulated.WriteRegister(round % RegisterCount, (uint)round * 0x01010101u);
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
}
