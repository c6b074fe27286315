using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema;

/// <summary>One device of a <see cref="VmConfiguration"/>: where its state goes in a stream, its model, its configuration and its schema.</summary>
/// <param name="Id">The section id string.</param>
/// <param name="InstanceId">The instance id.</param>
/// <param name="Model">The model URL.</param>
/// <param name="Configuration">The canonical configuration string a destination creates the device from.</param>
/// <param name="Record">The configuration as the device's stream sections carry it, with each item's flag.</param>
/// <param name="Schema">The schema of the device's state in that configuration.</param>
public sealed record VmDevice(string Id, uint InstanceId, string Model, string Configuration, ConfigurationRecord Record, DeviceSchema Schema)
{
    /// <summary>Gets the device's name in reasons: <c>id#instance</c>.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"{Id}#{InstanceId}");

    /// <summary>Describes a running device.</summary>
    /// <param name="device">The device.</param>
    /// <param name="instanceId">Its instance id.</param>
    /// <returns>The description.</returns>
    public static VmDevice Of(IDeviceState device, uint instanceId = 0)
    {
        ArgumentNullException.ThrowIfNull(device);
        DeviceConfiguration configuration = device.Configuration;
        return new VmDevice(device.Type.Id, instanceId, configuration.Model, configuration.ToString(), configuration.ToRecord(),
            DeviceSchema.For(configuration));
    }
}

/// <summary>
/// The device configurations of a virtual machine, as its source host exports them (<c>migfmt describe --vm</c>,
/// <c>migfmt-vm/1</c>, docs/catalog.md §5): for each device its section id and instance, model, configuration string,
/// the configuration its sections carry and its schema. <see cref="HostSelector"/> checks it against the catalogs of
/// candidate destination hosts.
/// </summary>
public sealed class VmConfiguration
{
    /// <summary>The value of the document's <c>format</c> member.</summary>
    public const string Format = "migfmt-vm/1";

    /// <summary>Creates a VM configuration.</summary>
    /// <param name="devices">The devices, in the order their sections are saved.</param>
    public VmConfiguration(IEnumerable<VmDevice> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        Devices = [.. devices];
    }

    /// <summary>Gets the devices.</summary>
    public IReadOnlyList<VmDevice> Devices { get; }

    /// <summary>Describes running devices, numbering the instances of each id from 0 in order.</summary>
    /// <param name="devices">The devices, in the order their sections are saved.</param>
    /// <returns>The VM configuration.</returns>
    public static VmConfiguration Of(IEnumerable<IDeviceState> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var instances = new Dictionary<string, uint>(StringComparer.Ordinal);
        var described = new List<VmDevice>();
        foreach (IDeviceState device in devices)
        {
            uint instance = instances.GetValueOrDefault(device.Type.Id);
            instances[device.Type.Id] = instance + 1;
            described.Add(VmDevice.Of(device, instance));
        }

        return new VmConfiguration(described);
    }

    /// <summary>Writes the document.</summary>
    /// <param name="writer">The JSON writer.</param>
    public void Write(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("format", Format);
        writer.WriteStartArray("devices");
        foreach (VmDevice device in Devices)
        {
            writer.WriteStartObject();
            writer.WriteString("device", device.Id);
            writer.WriteNumber("instance", device.InstanceId);
            writer.WriteString("model", device.Model);
            writer.WriteString("configuration", device.Configuration);
            writer.WriteStartArray("parameters");
            foreach (ConfigurationItem item in device.Record.Items)
            {
                writer.WriteStartObject();
                writer.WriteString("name", item.Name);
                writer.WriteString("value", item.Value);
                writer.WriteBoolean("mustParse", item.MustParse);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WritePropertyName("schema");
            SchemaDocument.Write(writer, device.Schema);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Serializes the document to UTF-8.</summary>
    /// <param name="indented">Indent for people.</param>
    /// <returns>The document.</returns>
    public byte[] ToUtf8(bool indented = true) => JsonBytes.Write(Write, indented);

    /// <summary>Tells whether a document is a VM document.</summary>
    /// <param name="utf8Json">The document.</param>
    /// <returns><see langword="true"/> when its root's <c>format</c> is <see cref="Format"/>.</returns>
    public static bool IsVmDocument(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 64 });
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("format", out JsonElement format)
                && format.ValueKind == JsonValueKind.String
                && format.ValueEquals(Format);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads a document.</summary>
    /// <param name="utf8Json">The document.</param>
    /// <returns>The VM configuration.</returns>
    /// <exception cref="MigrationFormatException">The document is not a valid <c>migfmt-vm/1</c> document; <c>FieldPath</c> is the JSON path at
    /// fault.</exception>
    public static VmConfiguration Parse(ReadOnlyMemory<byte> utf8Json)
    {
        using JsonDocument document = SchemaDocument.ParseJson(utf8Json);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out JsonElement format) || !format.ValueEquals(Format))
        {
            throw Invalid("$.format", $"\"{Format}\"");
        }

        if (!root.TryGetProperty("devices", out JsonElement devices) || devices.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("$.devices", "an array");
        }

        var list = new List<VmDevice>();
        int index = 0;
        foreach (JsonElement device in devices.EnumerateArray())
        {
            string path = string.Create(CultureInfo.InvariantCulture, $"$.devices[{index++}]");
            try
            {
                list.Add(ReadDevice(device, path));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, "The VM document holds an invalid device: " + ex.Message, -1, path, ex);
            }
        }

        return new VmConfiguration(list);
    }

    private static VmDevice ReadDevice(JsonElement device, string path)
    {
        if (device.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, "an object");
        }

        string id = Text(device, "device", path, allowEmpty: false);
        uint instance = device.TryGetProperty("instance", out JsonElement number) && number.ValueKind == JsonValueKind.Number && number.TryGetUInt32(out uint n)
            ? n
            : throw Invalid(path + ".instance", "an instance id");
        string model = Text(device, "model", path, allowEmpty: false);
        string configuration = Text(device, "configuration", path, allowEmpty: true);
        if (!device.TryGetProperty("parameters", out JsonElement parameters) || parameters.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(path + ".parameters", "an array");
        }

        var items = new List<ConfigurationItem>();
        int p = 0;
        foreach (JsonElement item in parameters.EnumerateArray())
        {
            string here = string.Create(CultureInfo.InvariantCulture, $"{path}.parameters[{p++}]");
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("mustParse", out JsonElement flag)
                || flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw Invalid(here, "an object with name, value and mustParse");
            }

            items.Add(new ConfigurationItem(Text(item, "name", here, allowEmpty: false), Text(item, "value", here, allowEmpty: true),
                flag.ValueKind == JsonValueKind.True));
        }

        if (!device.TryGetProperty("schema", out JsonElement schema) || schema.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path + ".schema", "a schema document");
        }

        return new VmDevice(id, instance, model, configuration, new ConfigurationRecord(model, items),
            SchemaDocument.Parse(Encoding.UTF8.GetBytes(schema.GetRawText())));
    }

    private static string Text(JsonElement element, string name, string path, bool allowEmpty) =>
        element.TryGetProperty(name, out JsonElement value)
            && value.ValueKind == JsonValueKind.String
            && value.GetString() is { } text
            && (allowEmpty || text.Length > 0)
            ? text
            : throw Invalid(path + "." + name, allowEmpty ? "a string" : "a non-empty string");

    private static MigrationFormatException Invalid(string path, string expected) =>
        new(MigrationErrorKind.UnexpectedValue, $"The VM document needs {expected} at {path}.", -1, path);
}
