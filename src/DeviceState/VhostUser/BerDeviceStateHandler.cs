using System;
using System.Globalization;
using System.IO;
using MigrationFormat.Visitors;

namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>
/// A back-end state that is one device saved as a BER migration stream with checksums (CRC-32C per section and for the
/// stream): saving writes it straight into the channel; loading reads it as it arrives and commits the device only
/// once the whole stream, trailer and checksums included, has been read.
/// </summary>
public sealed class BerDeviceStateHandler : IVhostUserStateHandler
{
    private readonly IDeviceState _device;
    private readonly MigrationStreamWriterOptions _writerOptions;
    private readonly BerLoadOptions _loadOptions;
    private readonly Action<MigrationStreamWriter, IDeviceState>? _writeSchemas;

    /// <summary>Creates the handler.</summary>
    /// <param name="device">The back-end's device state.</param>
    /// <param name="producer">The producer named in the stream header.</param>
    /// <param name="writeSchemas">Writes schema documents into the stream before the device section, or <see langword="null"/>.</param>
    /// <param name="loadOptions">Limits for loading.</param>
    public BerDeviceStateHandler(
        IDeviceState device,
        string producer = "migfmt vhost-user back-end",
        Action<MigrationStreamWriter, IDeviceState>? writeSchemas = null,
        BerLoadOptions loadOptions = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
        _writerOptions = new MigrationStreamWriterOptions { Producer = producer, Integrity = true };
        _writeSchemas = writeSchemas;
        _loadOptions = loadOptions;
    }

    /// <summary>Gets the device.</summary>
    public IDeviceState Device => _device;

    /// <inheritdoc/>
    public void SaveState(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using (var writer = new MigrationStreamWriter(destination, _writerOptions, leaveOpen: true))
        {
            _writeSchemas?.Invoke(writer, _device);
            writer.WriteDevice(_device);
            writer.Complete();
        }

        destination.Flush();
    }

    /// <inheritdoc/>
    public void LoadState(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new MigrationStreamReader(source, _loadOptions, leaveOpen: true);
        int loaded = 0;
        reader.LoadAll(section =>
        {
            if (!string.Equals(section.Id, _device.Type.Id, StringComparison.Ordinal))
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnknownDevice,
                    $"The state holds a section for '{section.Id}'; this back-end's state is '{_device.Type.Id}'.",
                    section.Offset);
            }

            if (++loaded > 1)
            {
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, $"The state holds '{section.Id}' twice.", section.Offset);
            }

            return _device;
        });
        if (loaded == 0)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.MissingRequiredField,
                string.Create(CultureInfo.InvariantCulture, $"The state holds no section for '{_device.Type.Id}'."),
                -1);
        }
    }
}
