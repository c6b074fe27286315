using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MigrationFormat.Qemu;

/// <summary>
/// The VM description trailer of a QEMU stream (<c>{"page_size", "devices": [...]}</c>): one entry per device section that was
/// sent, describing every field actually written. It is a complete schema of the stream it came with.
/// Parsed with <see cref="System.Text.Json.Utf8JsonReader"/>; no reflection.
/// </summary>
public sealed class VmDescription
{
    private readonly Dictionary<(string Name, uint InstanceId), VmDeviceDescription> _byKey;

    private VmDescription(
        int pageSize, IReadOnlyList<VmDeviceDescription> devices, VmStateDescription? configuration, ReadOnlyMemory<byte> json, JsonTree tree, long baseOffset)
    {
        PageSize = pageSize;
        Configuration = configuration;
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

    /// <summary>
    /// Gets the description of the configuration section (<c>"configuration"</c>), which QEMU 9.1 and later write; <see langword="null"/>
    /// in older streams.
    /// </summary>
    public VmStateDescription? Configuration { get; }

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
    public static VmDescription Parse(ReadOnlyMemory<byte> json, int maxDepth = QemuStreamReaderOptions.DefaultMaxJsonDepth, long baseOffset = 0) =>
        TryParse(json, maxDepth, baseOffset, out VmDescription? description, out MigrationFormatException? error) ? description : throw error;

    /// <summary>Parses a VM description, or says why the text is not one, without throwing.</summary>
    /// <param name="json">The UTF-8 JSON text.</param>
    /// <param name="maxDepth">The JSON nesting limit (1 to 1024).</param>
    /// <param name="baseOffset">The offset of the text in the stream, added to every offset in errors and in the model.</param>
    /// <param name="description">The description, when the result is <see langword="true"/>.</param>
    /// <param name="error">When the result is <see langword="false"/>, the error <see cref="Parse"/> would throw (not thrown).</param>
    /// <returns><see langword="true"/> when the text is a VM description.</returns>
    public static bool TryParse(
        ReadOnlyMemory<byte> json,
        int maxDepth,
        long baseOffset,
        [NotNullWhen(true)] out VmDescription? description,
        [NotNullWhen(false)] out MigrationFormatException? error)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, QemuStreamReaderOptions.MaxJsonDepthLimit);
        description = null;
        if (!JsonTree.TryParse(json.Span, maxDepth, baseOffset, out JsonTree? root, out error))
        {
            return false;
        }

        var parser = new Parser(baseOffset);
        if (!parser.TryParseRoot(root, json, out description))
        {
            error = parser.Error!;
            return false;
        }

        return true;
    }

    /// <summary>Reads the shape of a description; the first mismatch is kept in <see cref="Error"/>.</summary>
    private sealed class Parser(long baseOffset)
    {
        public MigrationFormatException? Error { get; private set; }

        public bool TryParseRoot(JsonTree root, ReadOnlyMemory<byte> json, [NotNullWhen(true)] out VmDescription? description)
        {
            description = null;
            if (!Expect(root, JsonTreeKind.Object, "the VM description", "")
                || !TryGetRequired(root, "page_size", "", out JsonTree? pageSizeNode)
                || !TryGetInteger(pageSizeNode, "page_size", out long pageSize))
            {
                return false;
            }

            if (pageSize < 512 || pageSize > (1 << 20) || (pageSize & (pageSize - 1)) != 0)
            {
                return Fail($"Expected 'page_size' to be a power of two between 512 and 1048576, found {pageSize}.", pageSizeNode, "page_size");
            }

            if (!TryGetRequired(root, "devices", "", out JsonTree? devicesNode) || !Expect(devicesNode, JsonTreeKind.Array, "'devices'", "devices"))
            {
                return false;
            }

            var devices = new List<VmDeviceDescription>(devicesNode.Items!.Count);
            for (int i = 0; i < devicesNode.Items.Count; i++)
            {
                if (!TryParseDevice(devicesNode.Items[i], "devices[" + i.ToString(CultureInfo.InvariantCulture) + "]", out VmDeviceDescription? device))
                {
                    return false;
                }

                devices.Add(device);
            }

            VmStateDescription? configuration = null;
            if (root.Get("configuration") is { } configurationNode
                && !TryParseState(configurationNode, "configuration", fieldsRequired: true, out configuration))
            {
                return false;
            }

            description = new VmDescription((int)pageSize, devices, configuration, json, root, baseOffset);
            return true;
        }

        private bool TryParseDevice(JsonTree node, string path, [NotNullWhen(true)] out VmDeviceDescription? device)
        {
            device = null;
            if (!Expect(node, JsonTreeKind.Object, "a device entry", path)
                || !TryGetRequired(node, "name", path, out JsonTree? nameNode)
                || !TryGetString(nameNode, path + ".name", out string? name)
                || !TryGetRequired(node, "instance_id", path, out JsonTree? instanceNode)
                || !TryGetInteger(instanceNode, path + ".instance_id", out long instance))
            {
                return false;
            }

            if (instance < 0 || instance > uint.MaxValue)
            {
                return Fail($"Expected 'instance_id' to be a 32-bit unsigned number, found {instance}.", instanceNode, path + ".instance_id");
            }

            long? size = null;
            if (node.Get("size") is { } sizeNode)
            {
                if (!TryGetInteger(sizeNode, path + ".size", out long value))
                {
                    return false;
                }

                size = value;
            }

            if (!TryParseBody(node, path, fieldsRequired: true, out Body body))
            {
                return false;
            }

            device = new VmDeviceDescription(name, (uint)instance, size, body.VmsdName, body.Version, body.Fields!, body.Subsections, baseOffset + node.Offset);
            return true;
        }

        private bool TryParseState(JsonTree node, string path, bool fieldsRequired, [NotNullWhen(true)] out VmStateDescription? state)
        {
            state = null;
            if (!Expect(node, JsonTreeKind.Object, "a vmsd description", path) || !TryParseBody(node, path, fieldsRequired, out Body body))
            {
                return false;
            }

            state = new VmStateDescription(body.VmsdName, body.Version, body.Fields, body.Subsections, baseOffset + node.Offset);
            return true;
        }

        private bool TryParseBody(JsonTree node, string path, bool fieldsRequired, out Body body)
        {
            body = default;
            string? vmsdName = null;
            if (node.Get("vmsd_name") is { } vmsdNode && !TryGetString(vmsdNode, path + ".vmsd_name", out vmsdName))
            {
                return false;
            }

            int? version = null;
            if (node.Get("version") is { } versionNode)
            {
                if (!TryGetInt32(versionNode, path + ".version", out int value))
                {
                    return false;
                }

                version = value;
            }

            List<VmFieldDescription>? fields = null;
            JsonTree? fieldsNode = node.Get("fields");
            if (fieldsNode is null && fieldsRequired)
            {
                return Fail(MissingMember("fields", path), node, path + ".fields");
            }

            if (fieldsNode is not null)
            {
                if (!Expect(fieldsNode, JsonTreeKind.Array, "'fields'", path + ".fields"))
                {
                    return false;
                }

                fields = new List<VmFieldDescription>(fieldsNode.Items!.Count);
                for (int i = 0; i < fieldsNode.Items.Count; i++)
                {
                    if (!TryParseField(fieldsNode.Items[i], path + ".fields[" + i.ToString(CultureInfo.InvariantCulture) + "]", out VmFieldDescription? field))
                    {
                        return false;
                    }

                    // QEMU 9.1 and later leave "index" off the last element of an array they do not compress; the
                    // element follows its predecessor under the same name.
                    if (field.Index is null && field.ArrayLength is null && fields.Count > 0
                        && fields[^1] is { Index: int previous } before && before.Name == field.Name)
                    {
                        field = new VmFieldDescription(field.Name, field.Type, field.Size, null, previous + 1, field.Struct, field.Offset, indexInferred: true);
                    }

                    fields.Add(field);
                }
            }

            var subsections = new List<VmStateDescription>();
            if (node.Get("subsections") is { } subsectionsNode)
            {
                if (!Expect(subsectionsNode, JsonTreeKind.Array, "'subsections'", path + ".subsections"))
                {
                    return false;
                }

                for (int i = 0; i < subsectionsNode.Items!.Count; i++)
                {
                    if (!TryParseState(
                        subsectionsNode.Items[i],
                        path + ".subsections[" + i.ToString(CultureInfo.InvariantCulture) + "]",
                        fieldsRequired: true,
                        out VmStateDescription? subsection))
                    {
                        return false;
                    }

                    subsections.Add(subsection);
                }
            }

            body = new Body(vmsdName, version, fields, subsections);
            return true;
        }

        private bool TryParseField(JsonTree node, string path, [NotNullWhen(true)] out VmFieldDescription? field)
        {
            field = null;
            if (!Expect(node, JsonTreeKind.Object, "a field entry", path)
                || !TryGetRequired(node, "name", path, out JsonTree? nameNode)
                || !TryGetString(nameNode, path + ".name", out string? name)
                || !TryGetRequired(node, "type", path, out JsonTree? typeNode)
                || !TryGetString(typeNode, path + ".type", out string? type)
                || !TryGetRequired(node, "size", path, out JsonTree? sizeNode)
                || !TryGetInteger(sizeNode, path + ".size", out long size))
            {
                return false;
            }

            if (size < 0 || size > int.MaxValue)
            {
                return Fail($"Expected 'size' to be between 0 and {int.MaxValue}, found {size}.", sizeNode, path + ".size");
            }

            int? arrayLength = null;
            if (node.Get("array_len") is { } arrayNode)
            {
                if (!TryGetInteger(arrayNode, path + ".array_len", out long value))
                {
                    return false;
                }

                if (value < 1 || value > int.MaxValue)
                {
                    return Fail($"Expected 'array_len' to be between 1 and {int.MaxValue}, found {value}.", arrayNode, path + ".array_len");
                }

                arrayLength = (int)value;
            }

            int? index = null;
            if (node.Get("index") is { } indexNode)
            {
                if (!TryGetInteger(indexNode, path + ".index", out long value))
                {
                    return false;
                }

                if (value < 0 || value > int.MaxValue)
                {
                    return Fail($"Expected 'index' to be between 0 and {int.MaxValue}, found {value}.", indexNode, path + ".index");
                }

                index = (int)value;
            }

            VmStateDescription? structDescription = null;
            if (type == "struct"
                && (!TryGetRequired(node, "struct", path, out JsonTree? structNode)
                    || !TryParseState(structNode, path + ".struct", fieldsRequired: false, out structDescription)))
            {
                return false;
            }

            field = new VmFieldDescription(name, type, (int)size, arrayLength, index, structDescription, baseOffset + node.Offset);
            return true;
        }

        private static string MissingMember(string key, string path) =>
            $"Expected the member '{key}' in {(path.Length == 0 ? "the VM description" : path)}, but it is missing.";

        private bool TryGetRequired(JsonTree node, string key, string path, [NotNullWhen(true)] out JsonTree? member)
        {
            member = node.Get(key);
            return member is not null || Fail(MissingMember(key, path), node, path.Length == 0 ? key : path + "." + key);
        }

        private bool Expect(JsonTree node, JsonTreeKind kind, string what, string path) =>
            node.Kind == kind || Fail(
                $"Expected {what} to be {(kind == JsonTreeKind.Object ? "an object" : "an array")}, found {node.Describe()}.",
                node,
                path);

        private bool TryGetString(JsonTree node, string path, [NotNullWhen(true)] out string? text)
        {
            text = node.Kind == JsonTreeKind.String ? node.Text! : null;
            return text is not null || Fail($"Expected a string, found {node.Describe()}.", node, path);
        }

        private bool TryGetInteger(JsonTree node, string path, out long value)
        {
            value = 0;
            return (node.Kind == JsonTreeKind.Number && long.TryParse(node.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
                || Fail($"Expected an integer, found {node.Describe()}.", node, path);
        }

        private bool TryGetInt32(JsonTree node, string path, out int value)
        {
            value = 0;
            if (!TryGetInteger(node, path, out long wide))
            {
                return false;
            }

            if (wide is < int.MinValue or > int.MaxValue)
            {
                return Fail($"Expected a 32-bit integer, found {wide}.", node, path);
            }

            value = (int)wide;
            return true;
        }

        /// <summary>Keeps the first mismatch; always <see langword="false"/>, so that a check reads <c>ok || Fail(...)</c>.</summary>
        private bool Fail(string detail, JsonTree node, string path)
        {
            Error ??= new(
                MigrationErrorKind.UnexpectedValue,
                "The VM description has the wrong shape. " + detail,
                baseOffset + node.Offset,
                path.Length == 0 ? null : path);
            return false;
        }

        private readonly record struct Body(string? VmsdName, int? Version, List<VmFieldDescription>? Fields, List<VmStateDescription> Subsections);
    }
}
