using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace MigrationFormat.Visitors.Qemu;

/// <summary>
/// Decodes a VMState payload into named values, guided by its <see cref="VmStateDescription"/> from the VM description trailer,
/// the way QEMU's <c>analyze-migration.py</c> does: fields in description order, each reading exactly its <c>size</c> bytes per
/// element; <c>array_len</c> entries repeat for every element; <c>struct</c> fields recurse; then each described subsection,
/// framed as 0x05, counted name, be32 version. Integer types are read big-endian, <c>bool</c> as its first byte, and every other
/// type as raw bytes of the described size.
/// </summary>
/// <remarks>
/// Stricter than the analyzer where the description and the bytes disagree: a struct must take exactly its described size, a
/// subsection must carry its described name, and the payload must end exactly where the description does. Every such
/// disagreement is a <see cref="MigrationFormatException"/> with the absolute offset and the field path.
/// </remarks>
public static class VmStateDecoder
{
    private const int ZeroSizeElementAllowance = 4096;

    /// <summary>Decodes a whole payload.</summary>
    /// <param name="description">The description of the payload (a device entry, or any vmsd description).</param>
    /// <param name="payload">The payload bytes, between a section header and its footer.</param>
    /// <param name="baseOffset">The absolute offset of the payload's first byte, for offsets in values and errors.</param>
    /// <returns>The decoded members.</returns>
    /// <exception cref="MigrationFormatException">The description disagrees with the bytes.</exception>
    public static VmStateStruct Decode(VmStateDescription description, ReadOnlyMemory<byte> payload, long baseOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(description);
        var walker = new Walker(payload, baseOffset);
        VmStateStruct result = walker.ReadStruct(description, "section", null);
        if (walker.Position != payload.Length)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"The VM description accounts for {walker.Position} payload bytes, but the payload has {payload.Length}.",
                baseOffset + walker.Position);
        }

        return result;
    }

    /// <summary>Gets a value indicating whether a VM description type is read as a signed integer.</summary>
    /// <param name="type">The type name.</param>
    /// <returns><see langword="true"/> for <c>int8</c>…<c>int64</c>, <c>int32 equal</c>, <c>int32 le</c>, <c>int64 equal</c>, <c>uint8 equal</c>, <c>uint16 equal</c>.</returns>
    public static bool IsSignedIntegerType(string type) =>
        type is "int8" or "int16" or "int32" or "int64" or "int32 equal" or "int32 le" or "int64 equal" or "uint8 equal" or "uint16 equal";

    /// <summary>Gets a value indicating whether a VM description type is read as an unsigned integer.</summary>
    /// <param name="type">The type name.</param>
    /// <returns><see langword="true"/> for <c>uint8</c>…<c>uint64</c> and <c>uint32 equal</c>.</returns>
    public static bool IsUnsignedIntegerType(string type) =>
        type is "uint8" or "uint16" or "uint32" or "uint64" or "uint32 equal";

    private sealed class Walker(ReadOnlyMemory<byte> data, long baseOffset)
    {
        private readonly List<string> _path = [];
        private long _budget = (long)data.Length + ZeroSizeElementAllowance;

        public int Position { get; private set; }

        public VmStateStruct ReadStruct(VmStateDescription description, string typeName, uint? streamVersion, int start = -1)
        {
            if (start < 0)
            {
                start = Position;
            }

            var result = new VmStateStruct(typeName, baseOffset + start, description.VmsdName, description.Version, streamVersion);
            foreach (VmFieldDescription field in description.Fields)
            {
                int count = field.ElementCount;
                for (int i = 0; i < count; i++)
                {
                    Spend();
                    int index = field.ArrayLength.HasValue ? i : field.Index ?? -1;
                    _path.Add(index >= 0 ? field.Name + "[" + index.ToString(CultureInfo.InvariantCulture) + "]" : field.Name);
                    VmStateValue value = ReadField(field);
                    if (index >= 0)
                    {
                        AddElement(result, field, index, value);
                    }
                    else
                    {
                        result.Set(field.Name, value);
                    }

                    _path.RemoveAt(_path.Count - 1);
                }
            }

            foreach (VmStateDescription subsection in description.Subsections)
            {
                Spend();
                int subStart = Position;
                string expected = subsection.VmsdName ?? "(unnamed)";
                _path.Add(expected);
                byte marker = ReadBytes(1, "the subsection marker 0x05").Span[0];
                if (marker != QemuStreamFormat.Subsection)
                {
                    throw Error(MigrationErrorKind.UnexpectedValue, $"Expected the subsection '{expected}' (marker byte 0x05), found 0x{marker:x2}.", subStart);
                }

                int nameLength = ReadBytes(1, "the subsection name length").Span[0];
                string name = Encoding.UTF8.GetString(ReadBytes(nameLength, "the subsection name").Span);
                if (subsection.VmsdName is not null && name != subsection.VmsdName)
                {
                    throw Error(MigrationErrorKind.UnexpectedValue, $"Expected the subsection '{expected}', found '{name}'.", subStart);
                }

                uint version = BinaryPrimitives.ReadUInt32BigEndian(ReadBytes(4, "the subsection version").Span);
                VmStateStruct value = ReadStruct(subsection, "subsection", version, subStart);
                _path.RemoveAt(_path.Count - 1);
                result.Set(name, value);
            }

            result.SetLength(Position - start);
            return result;
        }

        private VmStateValue ReadField(VmFieldDescription field)
        {
            int start = Position;
            long offset = baseOffset + start;
            string type = field.Type;
            if (type == "struct")
            {
                VmStateDescription nested = field.Struct!;
                if (!nested.HasFields)
                {
                    byte marker = ReadBytes(1, "the NULL pointer marker 0x30").Span[0];
                    if (field.Size != 1 || marker != QemuStreamFormat.NullPointerMarker)
                    {
                        throw Error(MigrationErrorKind.UnexpectedValue, $"A struct without fields stands for a NULL pointer: expected size 1 and the byte 0x30, found size {field.Size} and the byte 0x{marker:x2}.", start);
                    }

                    return new VmStateNullPointer(type, offset);
                }

                VmStateStruct value = ReadStruct(nested, type, null);
                if (value.Length != field.Size)
                {
                    throw Error(MigrationErrorKind.UnexpectedValue, $"The struct is described as {field.Size} bytes, but its fields and subsections take {value.Length}.", start);
                }

                return value;
            }

            bool signed = IsSignedIntegerType(type);
            if (signed || IsUnsignedIntegerType(type))
            {
                if (field.Size is < 1 or > 8)
                {
                    throw Error(MigrationErrorKind.UnexpectedValue, $"An integer of type '{type}' must be 1 to 8 bytes, but the description says {field.Size}.", start);
                }

                ReadOnlySpan<byte> bytes = ReadBytes(field.Size, $"the {type} value").Span;
                ulong raw = 0;
                foreach (byte b in bytes)
                {
                    raw = (raw << 8) | b;
                }

                return new VmStateInteger(type, offset, field.Size, raw, signed);
            }

            if (type == "bool")
            {
                if (field.Size < 1)
                {
                    throw Error(MigrationErrorKind.UnexpectedValue, "A bool must be at least 1 byte, but the description says 0.", start);
                }

                return new VmStateBoolean(offset, field.Size, ReadBytes(field.Size, "the bool value").Span[0]);
            }

            return new VmStateBytes(type, offset, ReadBytes(field.Size, $"the {type} bytes"));
        }

        private void AddElement(VmStateStruct owner, VmFieldDescription field, int index, VmStateValue value)
        {
            VmStateArray array;
            if (!owner.TryGetValue(field.Name, out VmStateValue? existing))
            {
                array = new VmStateArray(field.Type, value.Offset);
                owner.Set(field.Name, array);
            }
            else if (existing is VmStateArray existingArray)
            {
                array = existingArray;
            }
            else
            {
                throw Error(MigrationErrorKind.UnexpectedValue, $"The element [{index}] of '{field.Name}' follows a field of the same name that is not an array.", value.Offset - baseOffset);
            }

            if (array.Elements.Count != index)
            {
                throw Error(MigrationErrorKind.UnexpectedValue, $"Expected the element [{array.Elements.Count}] of '{field.Name}', but the description gives index {index}.", value.Offset - baseOffset);
            }

            array.Add(value);
        }

        private ReadOnlyMemory<byte> ReadBytes(int count, string what)
        {
            if (count > data.Length - Position)
            {
                throw Error(MigrationErrorKind.Truncated, $"Expected {what} ({count} bytes), but the payload has only {data.Length - Position} bytes left.", Position);
            }

            ReadOnlyMemory<byte> slice = data.Slice(Position, count);
            Position += count;
            return slice;
        }

        private void Spend()
        {
            if (--_budget < 0)
            {
                throw Error(MigrationErrorKind.LimitExceeded, $"The VM description describes more elements than a payload of {data.Length} bytes can hold.", Position);
            }
        }

        private MigrationFormatException Error(MigrationErrorKind kind, string detail, long position) =>
            new(kind, detail, baseOffset + position, _path.Count == 0 ? null : string.Join('.', _path));
    }
}
