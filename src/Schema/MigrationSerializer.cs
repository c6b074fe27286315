using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>
/// Saves a set of devices as one BER migration stream, with the schema of every device version embedded, and loads
/// a whole stream back into a set of devices, all or nothing, in one call each.
/// </summary>
/// <remarks>
/// <para>
/// Devices of one type are numbered in the order given: the first <c>serial</c> is instance 0, the second instance 1,
/// and so on (QEMU numbers instances the same way). Loading pairs each section with the device of the same id and
/// instance number in the set it is given, so save and load with the devices in the same order.
/// </para>
/// <para>
/// Neither method disposes a <see cref="Stream"/> it is given: the caller opened it and owns it.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using (FileStream file = File.Create("vm.mig"))
/// {
///     MigrationSerializer.Save(file, [uart, rtc]);
/// }
///
/// using (FileStream file = File.OpenRead("vm.mig"))
/// {
///     MigrationSerializer.Load(file, [uart, rtc]);
/// }
/// </code>
/// </example>
public static class MigrationSerializer
{
    /// <summary>Writes <paramref name="devices"/> to <paramref name="output"/> as a complete stream, schemas first.</summary>
    /// <param name="output">Where the stream goes; left open.</param>
    /// <param name="devices">The devices, each saved at the version it runs as.</param>
    /// <param name="options">Producer, capabilities, integrity, blob segment size; <see langword="null"/> for the defaults.</param>
    /// <param name="embedSchemas"><see langword="false"/> to leave the schemas out (a smaller stream that tools cannot name).</param>
    /// <exception cref="IOException">The output failed.</exception>
    public static void Save(Stream output, IEnumerable<IDeviceState> devices, MigrationStreamWriterOptions? options = null, bool embedSchemas = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new MigrationStreamWriter(output, options, leaveOpen: true);
        Write(writer, devices, embedSchemas);
    }

    /// <summary>Writes <paramref name="devices"/> to <paramref name="output"/> as a complete stream, schemas first.</summary>
    /// <param name="output">Where the stream goes.</param>
    /// <param name="devices">The devices, each saved at the version it runs as.</param>
    /// <param name="options">Producer, capabilities, integrity, blob segment size; <see langword="null"/> for the defaults.</param>
    /// <param name="embedSchemas"><see langword="false"/> to leave the schemas out.</param>
    public static void Save(
        IBufferWriter<byte> output,
        IEnumerable<IDeviceState> devices,
        MigrationStreamWriterOptions? options = null,
        bool embedSchemas = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new MigrationStreamWriter(output, options);
        Write(writer, devices, embedSchemas);
    }

    /// <summary>Saves <paramref name="devices"/> as a complete stream in memory, schemas first.</summary>
    /// <param name="devices">The devices, each saved at the version it runs as.</param>
    /// <param name="options">Producer, capabilities, integrity, blob segment size; <see langword="null"/> for the defaults.</param>
    /// <param name="embedSchemas"><see langword="false"/> to leave the schemas out.</param>
    /// <returns>The stream's bytes.</returns>
    public static byte[] Save(IEnumerable<IDeviceState> devices, MigrationStreamWriterOptions? options = null, bool embedSchemas = true)
    {
        var output = new ArrayBufferWriter<byte>();
        Save(output, devices, options, embedSchemas);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Loads every section of the stream into the device of <paramref name="devices"/> with the same id and instance
    /// number; no device changes unless the whole stream, trailer and checksums included, is good. Errors and reports
    /// name fields from the schemas the stream embeds.
    /// </summary>
    /// <param name="input">The stream; read forward only, left open.</param>
    /// <param name="devices">The destination devices, each running as the version it loads as.</param>
    /// <param name="options">Limits, and whether sections for devices not in the set are passed over.</param>
    /// <returns>One entry per section, in stream order.</returns>
    /// <exception cref="MigrationFormatException">
    /// The stream is malformed, cut, fails a checksum, a section does not load, names a device not in the set (unless
    /// <see cref="MigrationLoadOptions.IgnoreUnknownSections"/>), or comes twice; every device is unchanged.
    /// </exception>
    public static IReadOnlyList<SectionLoadResult> Load(Stream input, IEnumerable<IDeviceState> devices, MigrationLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var reader = new MigrationStreamReader(input, options?.Reader ?? default, leaveOpen: true);
        return Load(reader, devices, options);
    }

    /// <summary>
    /// Loads a whole stream held in memory into <paramref name="devices"/>, as
    /// <see cref="Load(Stream, IEnumerable{IDeviceState}, MigrationLoadOptions?)"/> does.
    /// </summary>
    /// <param name="data">The stream's bytes.</param>
    /// <param name="devices">The destination devices, each running as the version it loads as.</param>
    /// <param name="options">Limits, and whether sections for devices not in the set are passed over.</param>
    /// <returns>One entry per section, in stream order.</returns>
    /// <exception cref="MigrationFormatException">As for the <see cref="Stream"/> overload; every device is unchanged.</exception>
    public static IReadOnlyList<SectionLoadResult> Load(ReadOnlyMemory<byte> data, IEnumerable<IDeviceState> devices, MigrationLoadOptions? options = null)
    {
        using var reader = new MigrationStreamReader(data, options?.Reader ?? default);
        return Load(reader, devices, options);
    }

    private static void Write(MigrationStreamWriter writer, IEnumerable<IDeviceState> devices, bool embedSchemas)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var list = new List<IDeviceState>(devices);
        if (embedSchemas)
        {
            SchemaEmbedding.WriteSchemas(writer, list);
        }

        var instances = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (IDeviceState device in list)
        {
            ArgumentNullException.ThrowIfNull(device, nameof(devices));
            uint instance = instances.GetValueOrDefault(device.Type.Id);
            instances[device.Type.Id] = instance + 1;
            writer.WriteDevice(device, instance);
        }

        writer.Complete();
    }

    private static IReadOnlyList<SectionLoadResult> Load(MigrationStreamReader reader, IEnumerable<IDeviceState> devices, MigrationLoadOptions? options)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var byKey = new Dictionary<(string Id, uint Instance), IDeviceState>();
        var counts = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (IDeviceState device in devices)
        {
            ArgumentNullException.ThrowIfNull(device, nameof(devices));
            uint instance = counts.GetValueOrDefault(device.Type.Id);
            counts[device.Type.Id] = instance + 1;
            byKey.Add((device.Type.Id, instance), device);
        }

        bool ignoreUnknown = options?.IgnoreUnknownSections ?? false;
        var loaded = new HashSet<(string, uint)>();
        int schemasNamed = 0;
        return reader.LoadAll(section =>
        {
            // Schema blocks come before the sections they describe; name fields from every one read so far, unless the
            // caller gave its own names.
            if (options?.Reader.FieldNames is null && reader.Schemas.Count != schemasNamed)
            {
                schemasNamed = reader.Schemas.Count;
                reader.FieldNames = SchemaFieldNames.FromEmbedded(reader.Schemas);
            }

            if (!byKey.TryGetValue((section.Id, section.InstanceId), out IDeviceState? device))
            {
                return ignoreUnknown ? null : throw Unknown(section, byKey.Keys);
            }

            if (!loaded.Add((section.Id, section.InstanceId)))
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"Expected one section per device; found a second section for '{section.Id}' instance {section.InstanceId}."),
                    section.Offset);
            }

            return device;
        });
    }

    private static MigrationFormatException Unknown(SectionHeader section, IEnumerable<(string Id, uint Instance)> known)
    {
        var names = new List<string>();
        foreach ((string id, uint instance) in known)
        {
            names.Add(string.Create(CultureInfo.InvariantCulture, $"{id}#{instance}"));
        }

        string given = names.Count == 0 ? "none" : string.Join(", ", names);
        return new MigrationFormatException(
            MigrationErrorKind.UnknownDevice,
            string.Create(
                CultureInfo.InvariantCulture,
                $"Expected a section for one of the devices given ({given}); found one for '{section.Id}' instance {section.InstanceId}."),
            section.Offset);
    }
}

/// <summary>Options for <see cref="MigrationSerializer.Load(Stream, IEnumerable{IDeviceState}, MigrationLoadOptions?)"/>.</summary>
public sealed class MigrationLoadOptions
{
    /// <summary>Gets the reader's limits.</summary>
    public BerLoadOptions Reader { get; init; }

    /// <summary>
    /// Gets a value indicating whether a section for a device not in the set is passed over (and listed in the results
    /// with no device) rather than failing the load; <see langword="false"/> by default, as QEMU fails on an unknown section.
    /// </summary>
    public bool IgnoreUnknownSections { get; init; }
}
