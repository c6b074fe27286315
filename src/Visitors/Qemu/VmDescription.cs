using System;
using System.Collections.Generic;
using System.Globalization;

namespace MigrationFormat.Visitors.Qemu;

/// <summary>
/// The VM description trailer of a QEMU stream (<c>{"page_size", "devices": [...]}</c>): one entry per device section that was
/// sent, describing every field actually written. It is a complete schema of the stream it came with.
/// Parsed with <see cref="System.Text.Json.Utf8JsonReader"/>; no reflection.
/// </summary>
public sealed class VmDescription
{
    private readonly Dictionary<(string Name, uint InstanceId), VmDeviceDescription> _byKey;

    private VmDescription(int pageSize, IReadOnlyList<VmDeviceDescription> devices, ReadOnlyMemory<byte> json, JsonTree tree, long baseOffset)
    {
        PageSize = pageSize;
        Devices = devices;
        Json = json;
        Tree = tree;
        BaseOffset = baseOffset;
        _byKey = [];
        foreach (VmDeviceDescription device in devices)
        {
            _byKey[(device.Name, device.InstanceId)] = device;
        }
    }

    /// <summary>Gets the target page size (<c>page_size</c>).</summary>
    public int PageSize { get; }

    /// <summary>Gets the device entries, in stream order.</summary>
    public IReadOnlyList<VmDeviceDescription> Devices { get; }

    /// <summary>Gets the JSON text the description was parsed from.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>Gets the offset of the JSON text in the stream (0 when parsed alone).</summary>
    public long BaseOffset { get; }

    internal JsonTree Tree { get; }

    /// <summary>
    /// Finds the entry of a section by id string and instance id. When several entries have the same pair, the last one wins,
    /// as in QEMU's analyzer.
    /// </summary>
    /// <param name="name">The section id string.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    public VmDeviceDescription? FindDevice(string name, uint instanceId) =>
        _byKey.TryGetValue((name, instanceId), out VmDeviceDescription? device) ? device : null;

    /// <summary>Parses a VM description.</summary>
    /// <param name="json">The UTF-8 JSON text.</param>
    /// <param name="maxDepth">The JSON nesting limit (1 to 1024).</param>
    /// <param name="baseOffset">The offset of the text in the stream, added to every offset in errors and in the model.</param>
    /// <returns>The description.</returns>
    /// <exception cref="MigrationFormatException">The text is not JSON, or its shape is not that of a VM description.</exception>
    public static VmDescription Parse(ReadOnlyMemory<byte> json, int maxDepth = QemuStreamReaderOptions.DefaultMaxJsonDepth, long baseOffset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, QemuStreamReaderOptions.MaxJsonDepthLimit);
        JsonTree root = JsonTree.Parse(json.Span, maxDepth, baseOffset);
        var parser = new Parser(baseOffset);
        return parser.ParseRoot(root, json);
    }

    private sealed class Parser(long baseOffset)
    {
        public VmDescription ParseRoot(JsonTree root, ReadOnlyMemory<byte> json)
        {
            Expect(root, JsonTreeKind.Object, "the VM description", "");
            JsonTree pageSizeNode = Required(root, "page_size", "");
            long pageSize = Integer(pageSizeNode, "page_size");
            if (pageSize < 512 || pageSize > (1 << 20) || (pageSize & (pageSize - 1)) != 0)
            {
                throw Error($"Expected 'page_size' to be a power of two between 512 and 1048576, found {pageSize}.", pageSizeNode, "page_size");
            }

            JsonTree devicesNode = Required(root, "devices", "");
            Expect(devicesNode, JsonTreeKind.Array, "'devices'", "devices");
            var devices = new List<VmDeviceDescription>(devicesNode.Items!.Count);
            for (int i = 0; i < devicesNode.Items.Count; i++)
            {
                devices.Add(ParseDevice(devicesNode.Items[i], "devices[" + i.ToString(CultureInfo.InvariantCulture) + "]"));
            }

            return new VmDescription((int)pageSize, devices, json, root, baseOffset);
        }

        private VmDeviceDescription ParseDevice(JsonTree node, string path)
        {
            Expect(node, JsonTreeKind.Object, "a device entry", path);
            string name = String(Required(node, "name", path), path + ".name");
            long instance = Integer(Required(node, "instance_id", path), path + ".instance_id");
            if (instance < 0 || instance > uint.MaxValue)
            {
                throw Error($"Expected 'instance_id' to be a 32-bit unsigned number, found {instance}.", node.Get("instance_id")!, path + ".instance_id");
            }

            long? size = null;
            if (node.Get("size") is { } sizeNode)
            {
                size = Integer(sizeNode, path + ".size");
            }

            (string? vmsdName, int? version, List<VmFieldDescription>? fields, List<VmStateDescription> subsections) = ParseBody(node, path, fieldsRequired: true);
            return new VmDeviceDescription(name, (uint)instance, size, vmsdName, version, fields!, subsections, baseOffset + node.Offset);
        }

        private VmStateDescription ParseState(JsonTree node, string path, bool fieldsRequired)
        {
            Expect(node, JsonTreeKind.Object, "a vmsd description", path);
            (string? vmsdName, int? version, List<VmFieldDescription>? fields, List<VmStateDescription> subsections) = ParseBody(node, path, fieldsRequired);
            return new VmStateDescription(vmsdName, version, fields, subsections, baseOffset + node.Offset);
        }

        private (string? VmsdName, int? Version, List<VmFieldDescription>? Fields, List<VmStateDescription> Subsections) ParseBody(JsonTree node, string path, bool fieldsRequired)
        {
            string? vmsdName = node.Get("vmsd_name") is { } vmsdNode ? String(vmsdNode, path + ".vmsd_name") : null;
            int? version = node.Get("version") is { } versionNode ? Int32(versionNode, path + ".version") : null;
            List<VmFieldDescription>? fields = null;
            JsonTree? fieldsNode = fieldsRequired ? Required(node, "fields", path) : node.Get("fields");
            if (fieldsNode is not null)
            {
                Expect(fieldsNode, JsonTreeKind.Array, "'fields'", path + ".fields");
                fields = new List<VmFieldDescription>(fieldsNode.Items!.Count);
                for (int i = 0; i < fieldsNode.Items.Count; i++)
                {
                    fields.Add(ParseField(fieldsNode.Items[i], path + ".fields[" + i.ToString(CultureInfo.InvariantCulture) + "]"));
                }
            }

            var subsections = new List<VmStateDescription>();
            if (node.Get("subsections") is { } subsectionsNode)
            {
                Expect(subsectionsNode, JsonTreeKind.Array, "'subsections'", path + ".subsections");
                for (int i = 0; i < subsectionsNode.Items!.Count; i++)
                {
                    subsections.Add(ParseState(subsectionsNode.Items[i], path + ".subsections[" + i.ToString(CultureInfo.InvariantCulture) + "]", fieldsRequired: true));
                }
            }

            return (vmsdName, version, fields, subsections);
        }

        private VmFieldDescription ParseField(JsonTree node, string path)
        {
            Expect(node, JsonTreeKind.Object, "a field entry", path);
            string name = String(Required(node, "name", path), path + ".name");
            string type = String(Required(node, "type", path), path + ".type");
            JsonTree sizeNode = Required(node, "size", path);
            long size = Integer(sizeNode, path + ".size");
            if (size < 0 || size > int.MaxValue)
            {
                throw Error($"Expected 'size' to be between 0 and {int.MaxValue}, found {size}.", sizeNode, path + ".size");
            }

            int? arrayLength = null;
            if (node.Get("array_len") is { } arrayNode)
            {
                long value = Integer(arrayNode, path + ".array_len");
                if (value < 1 || value > int.MaxValue)
                {
                    throw Error($"Expected 'array_len' to be between 1 and {int.MaxValue}, found {value}.", arrayNode, path + ".array_len");
                }

                arrayLength = (int)value;
            }

            int? index = null;
            if (node.Get("index") is { } indexNode)
            {
                long value = Integer(indexNode, path + ".index");
                if (value < 0 || value > int.MaxValue)
                {
                    throw Error($"Expected 'index' to be between 0 and {int.MaxValue}, found {value}.", indexNode, path + ".index");
                }

                index = (int)value;
            }

            VmStateDescription? structDescription = null;
            if (type == "struct")
            {
                structDescription = ParseState(Required(node, "struct", path), path + ".struct", fieldsRequired: false);
            }

            return new VmFieldDescription(name, type, (int)size, arrayLength, index, structDescription, baseOffset + node.Offset);
        }

        private JsonTree Required(JsonTree node, string key, string path) =>
            node.Get(key) ?? throw Error($"Expected the member '{key}' in {(path.Length == 0 ? "the VM description" : path)}, but it is missing.", node, path.Length == 0 ? key : path + "." + key);

        private void Expect(JsonTree node, JsonTreeKind kind, string what, string path)
        {
            if (node.Kind != kind)
            {
                throw Error($"Expected {what} to be {(kind == JsonTreeKind.Object ? "an object" : "an array")}, found {node.Describe()}.", node, path);
            }
        }

        private string String(JsonTree node, string path) =>
            node.Kind == JsonTreeKind.String ? node.Text! : throw Error($"Expected a string, found {node.Describe()}.", node, path);

        private long Integer(JsonTree node, string path)
        {
            if (node.Kind == JsonTreeKind.Number && long.TryParse(node.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            {
                return value;
            }

            throw Error($"Expected an integer, found {node.Describe()}.", node, path);
        }

        private int Int32(JsonTree node, string path)
        {
            long value = Integer(node, path);
            return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw Error($"Expected a 32-bit integer, found {value}.", node, path);
        }

        private MigrationFormatException Error(string detail, JsonTree node, string path) =>
            new(MigrationErrorKind.UnexpectedValue, "The VM description has the wrong shape. " + detail, baseOffset + node.Offset, path.Length == 0 ? null : path);
    }
}
