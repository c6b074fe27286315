using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace MigrationFormat.Qemu;

/// <summary>
/// A simulated QEMU source: writes a section payload the way QEMU 7.2's <c>vmstate_save_state</c> does for a dump's description
/// (fields whose <c>version_id</c> is at most the description's version, or whose <c>field_exists</c> test passes; nested
/// descriptions at their own versions; then each needed subsection as 0x05, name length, name, be32 version, contents).
/// </summary>
public static class VmStateSaver
{
    /// <summary>Saves one device.</summary>
    /// <param name="device">The source's entry; it must have a description.</param>
    /// <param name="runtime">The run-time answers of the source.</param>
    /// <param name="value">Gives a field's bytes: its path and width in, exactly that many bytes out.</param>
    /// <param name="writes">Receives every field written, in order.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentException">The entry has no description, or a value has the wrong length.</exception>
    public static byte[] Save(VmStateDumpDevice device, VmStateRuntime runtime, Func<string, int, byte[]> value, List<VmStateWireField> writes)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(writes);
        VmsdDescription description = device.Description ?? throw new ArgumentException("The entry has no description.", nameof(device));
        var output = new List<byte>();
        Write(description, description.VersionId, string.Empty, string.Empty, runtime, value, writes, output);
        return output.ToArray();
    }

    private static void Write(
        VmsdDescription description,
        int version,
        string prefix,
        string keyPrefix,
        VmStateRuntime runtime,
        Func<string, int, byte[]> value,
        List<VmStateWireField> writes,
        List<byte> output)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (VmsdField field in description.Fields)
        {
            string path = VmStateWire.Child(prefix, field.Name);
            string keyPath = VmStateWire.Child(keyPrefix, field.Name);
            string key = VmStateWire.Key(keyPath, seen, field.Name);
            if (!VmStateWire.IsActive(field, version, field.FieldExists && runtime.FieldExists(key, field)))
            {
                continue;
            }

            int count = field.Elements;
            for (int i = 0; i < count; i++)
            {
                string element = VmStateWire.Element(path, i, count);
                if (field.Nested is { } nested)
                {
                    Write(nested, nested.VersionId, element, keyPath, runtime, value, writes, output);
                    continue;
                }

                int width = field.IsOpaque ? VmStateLoader.OpaqueFieldWidth : field.Size;
                byte[] bytes = field.IsUnused ? new byte[width] : value(element, width);
                if (bytes.Length != width)
                {
                    throw new ArgumentException($"The value of '{element}' has {bytes.Length} bytes, not {width}.", nameof(value));
                }

                writes.Add(new VmStateWireField(element, output.Count, width, field.IsUnused));
                output.AddRange(bytes);
            }
        }

        foreach (VmsdDescription subsection in description.Subsections)
        {
            string path = VmStateWire.Child(prefix, subsection.Name);
            if (!runtime.SubsectionNeeded(path, subsection))
            {
                continue;
            }

            byte[] name = Encoding.UTF8.GetBytes(subsection.Name);
            output.Add(QemuStreamFormat.Subsection);
            output.Add((byte)name.Length);
            output.AddRange(name);
            byte[] version32 = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(version32, (uint)subsection.VersionId);
            output.AddRange(version32);
            Write(subsection, subsection.VersionId, path, VmStateWire.Child(keyPrefix, subsection.Name), runtime, value, writes, output);
        }
    }
}
