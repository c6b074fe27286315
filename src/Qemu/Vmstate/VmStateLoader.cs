using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace MigrationFormat.Qemu;

/// <summary>
/// A simulated QEMU destination: loads a section payload the way QEMU 7.2's <c>vmstate_load_state</c> does for a dump's description.
/// The stream version must be within the description's <c>minimum_version_id</c>..<c>version_id</c>; a field is read when its
/// <c>version_id</c> is at most the stream version (or its <c>field_exists</c> test passes); a nested description is read at its
/// own version; then, while the next byte is 0x05, a subsection whose name is under the description's name is looked up by name
/// (unknown: refused), version-checked against the version it arrives with, and read. The payload must end exactly there, where
/// QEMU expects the section footer.
/// </summary>
public static class VmStateLoader
{
    /// <summary>
    /// The bytes the simulation gives a field whose width the dump does not tell (size 0, no nested description); the checker
    /// assumes the same, so such a field lines up only with itself.
    /// </summary>
    public const int OpaqueFieldWidth = 64;

    /// <summary>Loads one section payload.</summary>
    /// <param name="device">The destination's entry.</param>
    /// <param name="streamVersion">The version in the section header.</param>
    /// <param name="payload">The bytes between the section header and its footer.</param>
    /// <param name="runtime">The run-time answers of the destination (its <c>needed</c> tests are not used on load).</param>
    /// <param name="reads">Receives every field read, in order.</param>
    /// <returns><see langword="null"/> when the destination loads the payload, else why QEMU refuses it.</returns>
    public static string? Load(VmStateDumpDevice device, int streamVersion, ReadOnlyMemory<byte> payload, VmStateRuntime runtime, List<VmStateWireField> reads)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(reads);
        if (device.Description is not { } description)
        {
            return $"no device saves a section for type '{device.QomType}'";
        }

        if (streamVersion > device.VersionId || streamVersion < device.MinimumVersionId)
        {
            // savevm.c checks the version against the registered entry; its minimum is the description's in a real dump.
            return $"savevm: unsupported version {streamVersion} for '{description.Name}' v{device.VersionId}";
        }

        var reader = new Reader(payload, runtime, reads);
        string? error = reader.Description(description, streamVersion, string.Empty, string.Empty);
        return error ?? (reader.Position == payload.Length ? null : $"Missing section footer for {description.Name} " +
            $"({payload.Length - reader.Position} byte(s) left unread)");
    }

    private sealed class Reader(ReadOnlyMemory<byte> payload, VmStateRuntime runtime, List<VmStateWireField> reads)
    {
        public int Position { get; private set; }

        public string? Description(VmsdDescription description, int version, string prefix, string keyPrefix)
        {
            if (version > description.VersionId)
            {
                return $"{description.Name}: incoming version_id {version} is too new for local version_id {description.VersionId}";
            }

            if (version < description.MinimumVersionId)
            {
                return $"{description.Name}: incoming version_id {version} is too old for local minimum version_id {description.MinimumVersionId}";
            }

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
                    string? error = field.Nested is { } nested
                        ? Description(nested, nested.VersionId, element, keyPath)
                        : Field(element, field.IsOpaque ? VmStateLoader.OpaqueFieldWidth : field.Size, field.IsUnused);
                    if (error is not null)
                    {
                        return error;
                    }
                }
            }

            return Subsections(description, prefix, keyPrefix);
        }

        private string? Field(string path, int width, bool unused)
        {
            if (width > payload.Length - Position)
            {
                return $"'{path}' reads past the end of the section, into its footer";
            }

            reads.Add(new VmStateWireField(path, Position, width, unused));
            Position += width;
            return null;
        }

        private string? Subsections(VmsdDescription description, string prefix, string keyPrefix)
        {
            ReadOnlySpan<byte> data = payload.Span;

            // Past the payload's end the loader would peek at the footer (0x7E), which ends the loop as well.
            while (Position < data.Length && data[Position] == QemuStreamFormat.Subsection)
            {
                if (Position + 1 >= data.Length)
                {
                    return null;
                }

                int length = data[Position + 1];
                if (length < description.Name.Length + 1 || Position + 2 + length > data.Length)
                {
                    return null;
                }

                string name = Encoding.UTF8.GetString(data.Slice(Position + 2, length));
                if (!name.StartsWith(description.Name, StringComparison.Ordinal))
                {
                    return null;
                }

                VmsdDescription? target = null;
                foreach (VmsdDescription candidate in description.Subsections)
                {
                    if (string.Equals(candidate.Name, name, StringComparison.Ordinal))
                    {
                        target = candidate;
                        break;
                    }
                }

                if (target is null)
                {
                    return $"subsection '{name}' not found in '{description.Name}'";
                }

                Position += 2 + length;
                if (Position + 4 > data.Length)
                {
                    return $"the version of subsection '{name}' runs past the end of the section";
                }

                int version = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data.Slice(Position, 4)), int.MaxValue);
                Position += 4;
                string? error = Description(target, version, VmStateWire.Child(prefix, name), VmStateWire.Child(keyPrefix, name));
                if (error is not null)
                {
                    return error;
                }
            }

            return null;
        }
    }
}
