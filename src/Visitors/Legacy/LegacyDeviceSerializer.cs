using System;
using System.Buffers;

namespace MigrationFormat.Visitors;

/// <summary>
/// Saves and loads one device's legacy QEMU VMState payload (the bytes of a FULL section between its header and
/// footer). Loads are all or nothing, like BER loads.
/// </summary>
public static class LegacyDeviceSerializer
{
    /// <summary>Writes <paramref name="device"/>'s payload at the version it runs as.</summary>
    /// <param name="device">The device.</param>
    /// <param name="output">Where the payload goes.</param>
    /// <param name="deviceName">The vmsd name that prefixes subsection names; the device type's id when <see langword="null"/>.</param>
    /// <returns>The number of bytes written.</returns>
    public static long Save(IDeviceState device, IBufferWriter<byte> output, string? deviceName = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        var visitor = new LegacyOutputVisitor(output, device.Version, deviceName ?? device.Type.Id);
        SaveHooks.BeforeSave(device);
        device.Visit(ref visitor);
        visitor.Flush();
        return visitor.BytesWritten;
    }

    /// <summary>Writes <paramref name="device"/>'s payload into a new array.</summary>
    /// <param name="device">The device.</param>
    /// <param name="deviceName">The vmsd name; the device type's id when <see langword="null"/>.</param>
    /// <returns>The payload.</returns>
    public static byte[] Save(IDeviceState device, string? deviceName = null)
    {
        var output = new ArrayBufferWriter<byte>();
        Save(device, output, deviceName);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Loads a payload saved with section version <paramref name="streamVersion"/> into <paramref name="device"/>, all or nothing.</summary>
    /// <param name="device">The destination.</param>
    /// <param name="payload">The payload: exactly one device's bytes.</param>
    /// <param name="streamVersion">The section's version id.</param>
    /// <param name="deviceName">The vmsd name; the device type's id when <see langword="null"/>.</param>
    /// <param name="baseOffset">The payload's offset in its stream, for error messages.</param>
    /// <param name="options">Limits.</param>
    /// <exception cref="MigrationFormatException">The payload does not load; <paramref name="device"/> is unchanged.</exception>
    public static void Load(
        IDeviceState device,
        ReadOnlySpan<byte> payload,
        int streamVersion,
        string? deviceName = null,
        long baseOffset = 0,
        LegacyLoadOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        string name = deviceName ?? device.Type.Id;
        if (streamVersion > device.Version || streamVersion < device.Type.MinimumVersion)
        {
            // QEMU refuses a newer section outright, and one older than the device's minimum version.
            throw new MigrationFormatException(
                MigrationErrorKind.UnsupportedVersion,
                $"A legacy section of version {streamVersion} cannot load into version {device.Version} (it loads versions {device.Type.MinimumVersion} to "
                    + $"{device.Version}).",
                baseOffset,
                null,
                name,
                streamVersion,
                device.Version);
        }

        LoadTransaction transaction = ThreadTransaction.Value;
        transaction.Begin(device, streamVersion);
        try
        {
            var visitor = new LegacyInputVisitor(payload, device.Version, streamVersion, name, baseOffset, options)
            {
                Transaction = transaction,
                ListCounter = device as ILegacyListCounter,
            };
            device.Visit(ref visitor);
            visitor.CheckNoUnknownSubsection();
            if (visitor.BytesConsumed != payload.Length)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    $"The device consumed {visitor.BytesConsumed} of the section's {payload.Length} bytes.",
                    baseOffset + visitor.BytesConsumed,
                    null,
                    name,
                    streamVersion,
                    device.Version);
            }
        }
        catch
        {
            transaction.Abort();
            throw;
        }

        transaction.Commit();
    }
}

/// <summary>A per-thread load transaction for the static legacy serializer, reused so that a load allocates nothing in steady state.</summary>
internal static class ThreadTransaction
{
    [ThreadStatic]
    private static LoadTransaction? _cached;

    public static LoadTransaction Value => _cached ??= new LoadTransaction();
}
