using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace MigrationFormat.Qemu;

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
/// disagreement is a <see cref="MigrationFormatException"/> with the absolute offset and the field path (thrown by
/// <see cref="Decode"/>, handed back by
/// <see cref="TryDecode(VmStateDescription, ReadOnlyMemory{byte}, long, out VmStateStruct?, out MigrationFormatException?)"/>).
/// </remarks>
public static class VmStateDecoder
{
    /// <summary>What one decoded value is counted as against the resource budget: the object, its reference, its name.</summary>
    public const int ValueCost = 64;

    private const int ZeroSizeElementAllowance = 4096;

    /// <summary>Decodes a whole payload.</summary>
    /// <param name="description">The description of the payload (a device entry, or any vmsd description).</param>
    /// <param name="payload">The payload bytes, between a section header and its footer.</param>
    /// <param name="baseOffset">The absolute offset of the payload's first byte, for offsets in values and errors.</param>
    /// <returns>The decoded members.</returns>
    /// <exception cref="MigrationFormatException">The description disagrees with the bytes.</exception>
    public static VmStateStruct Decode(VmStateDescription description, ReadOnlyMemory<byte> payload, long baseOffset = 0) =>
        TryDecode(description, payload, baseOffset, out VmStateStruct? value, out MigrationFormatException? error) ? value : throw error;

    /// <summary>Decodes a whole payload, or says why the description and the bytes disagree, without throwing.</summary>
    /// <param name="description">The description of the payload (a device entry, or any vmsd description).</param>
    /// <param name="payload">The payload bytes, between a section header and its footer.</param>
    /// <param name="baseOffset">The absolute offset of the payload's first byte, for offsets in values and errors.</param>
    /// <param name="value">The decoded members, when the result is <see langword="true"/>.</param>
    /// <param name="error">
    /// When the result is <see langword="false"/>, the error <see cref="Decode"/> would throw (not thrown): its kind,
    /// offset, field path and message.
    /// </param>
    /// <returns><see langword="true"/> when the payload matches the description.</returns>
    public static bool TryDecode(
        VmStateDescription description,
        ReadOnlyMemory<byte> payload,
        long baseOffset,
        [NotNullWhen(true)] out VmStateStruct? value,
        [NotNullWhen(false)] out MigrationFormatException? error) =>
        TryDecode(description, payload, baseOffset, default, out value, out error);

    /// <summary>
    /// Decodes a whole payload within a resource budget, or says why not, without throwing. Each value counts as
    /// <see cref="ValueCost"/> bytes; the payload is the input, so one section's values may take
    /// <c>budget.Allowance(payload.Length)</c>: a description cannot make a short payload expand into many objects.
    /// </summary>
    /// <param name="description">The description of the payload (a device entry, or any vmsd description).</param>
    /// <param name="payload">The payload bytes, between a section header and its footer.</param>
    /// <param name="baseOffset">The absolute offset of the payload's first byte, for offsets in values and errors.</param>
    /// <param name="budget">The resource budget.</param>
    /// <param name="value">The decoded members, when the result is <see langword="true"/>.</param>
    /// <param name="error">When the result is <see langword="false"/>, the error (not thrown).</param>
    /// <returns><see langword="true"/> when the payload matches the description.</returns>
    public static bool TryDecode(
        VmStateDescription description,
        ReadOnlyMemory<byte> payload,
        long baseOffset,
        ResourceBudget budget,
        [NotNullWhen(true)] out VmStateStruct? value,
        [NotNullWhen(false)] out MigrationFormatException? error)
    {
        ArgumentNullException.ThrowIfNull(description);
        var walker = new Walker(payload, baseOffset, Math.Min((long)payload.Length + ZeroSizeElementAllowance, budget.Allowance(payload.Length) / ValueCost));
        if (walker.TryReadStruct(description, "section", null, -1, out value) && walker.Position != payload.Length)
        {
            walker.Fail(
                MigrationErrorKind.UnexpectedValue,
                $"The VM description accounts for {walker.Position} payload bytes, but the payload has {payload.Length}.",
                walker.Position);
            value = null;
        }

        error = walker.Error;
        return error is null;
    }

    /// <summary>Gets a value indicating whether a VM description type is read as a signed integer.</summary>
    /// <param name="type">The type name.</param>
    /// <returns><see langword="true"/> for <c>int8</c>…<c>int64</c>, <c>int32 equal</c>, <c>int32 le</c>, <c>int64 equal</c>, <c>uint8 equal</c>, <c>uint16
    /// equal</c>.</returns>
    public static bool IsSignedIntegerType(string type) =>
        type is "int8" or "int16" or "int32" or "int64" or "int32 equal" or "int32 le" or "int64 equal" or "uint8 equal" or "uint16 equal";

    /// <summary>Gets a value indicating whether a VM description type is read as an unsigned integer.</summary>
    /// <param name="type">The type name.</param>
    /// <returns><see langword="true"/> for <c>uint8</c>…<c>uint64</c> and <c>uint32 equal</c>.</returns>
    public static bool IsUnsignedIntegerType(string type) =>
        type is "uint8" or "uint16" or "uint32" or "uint64" or "uint32 equal";

    /// <summary>Walks a payload along its description; the first disagreement is kept in <see cref="Error"/> and every read after it fails.</summary>
    private sealed class Walker(ReadOnlyMemory<byte> data, long baseOffset, long maxElements)
    {
        private readonly List<string> _path = [];
        private readonly long _maxElements = maxElements;
        private long _budget = maxElements;

        public int Position { get; private set; }

        public MigrationFormatException? Error { get; private set; }

        public bool TryReadStruct(
            VmStateDescription description,
            string typeName,
            uint? streamVersion,
            int start,
            [NotNullWhen(true)] out VmStateStruct? result)
        {
            if (start < 0)
            {
                start = Position;
            }

            result = new VmStateStruct(typeName, baseOffset + start, description.VmsdName, description.Version, streamVersion);
            foreach (VmFieldDescription field in description.Fields)
            {
                int count = field.ElementCount;
                for (int i = 0; i < count; i++)
                {
                    if (!Spend())
                    {
                        return Failed(out result);
                    }

                    int index = field.ArrayLength.HasValue ? i : field.Index ?? -1;
                    _path.Add(index >= 0 ? field.Name + "[" + index.ToString(CultureInfo.InvariantCulture) + "]" : field.Name);
                    if (!TryReadField(field, out VmStateValue? value))
                    {
                        return Failed(out result);
                    }

                    if (index < 0)
                    {
                        result.Set(field.Name, value);
                    }
                    else if (!TryAddElement(result, field, index, value))
                    {
                        return Failed(out result);
                    }

                    _path.RemoveAt(_path.Count - 1);
                }
            }

            foreach (VmStateDescription subsection in description.Subsections)
            {
                if (!Spend())
                {
                    return Failed(out result);
                }

                int subStart = Position;
                string expected = subsection.VmsdName ?? "(unnamed)";
                _path.Add(expected);
                if (!TryReadBytes(1, "the subsection marker 0x05", out ReadOnlyMemory<byte> marker))
                {
                    return Failed(out result);
                }

                if (marker.Span[0] != QemuStreamFormat.Subsection)
                {
                    Fail(
                        MigrationErrorKind.UnexpectedValue,
                        $"Expected the subsection '{expected}' (marker byte 0x05), found 0x{marker.Span[0]:x2}.",
                        subStart);
                    return Failed(out result);
                }

                if (!TryReadBytes(1, "the subsection name length", out ReadOnlyMemory<byte> nameLength)
                    || !TryReadBytes(nameLength.Span[0], "the subsection name", out ReadOnlyMemory<byte> nameBytes))
                {
                    return Failed(out result);
                }

                string name = Encoding.UTF8.GetString(nameBytes.Span);
                if (subsection.VmsdName is not null && name != subsection.VmsdName)
                {
                    Fail(MigrationErrorKind.UnexpectedValue, $"Expected the subsection '{expected}', found '{name}'.", subStart);
                    return Failed(out result);
                }

                if (!TryReadBytes(4, "the subsection version", out ReadOnlyMemory<byte> version)
                    || !TryReadStruct(subsection, "subsection", BinaryPrimitives.ReadUInt32BigEndian(version.Span), subStart, out VmStateStruct? value))
                {
                    return Failed(out result);
                }

                _path.RemoveAt(_path.Count - 1);
                result.Set(name, value);
            }

            result.SetLength(Position - start);
            return true;
        }

        /// <summary>Keeps the first failure: its kind, text, absolute offset and the path of the field being read.</summary>
        public void Fail(MigrationErrorKind kind, string detail, long position) =>
            Error ??= new MigrationFormatException(kind, detail, baseOffset + position, _path.Count == 0 ? null : string.Join('.', _path));

        private static bool Failed(out VmStateStruct? result)
        {
            result = null;
            return false;
        }

        private bool TryReadField(VmFieldDescription field, [NotNullWhen(true)] out VmStateValue? value)
        {
            value = null;
            int start = Position;
            long offset = baseOffset + start;
            string type = field.Type;
            if (type == "struct")
            {
                VmStateDescription nested = field.Struct!;
                if (!nested.HasFields)
                {
                    if (!TryReadBytes(1, "the NULL pointer marker 0x30", out ReadOnlyMemory<byte> marker))
                    {
                        return false;
                    }

                    if (field.Size != 1 || marker.Span[0] != QemuStreamFormat.NullPointerMarker)
                    {
                        Fail(
                            MigrationErrorKind.UnexpectedValue,
                            $"A struct without fields stands for a NULL pointer: expected size 1 and the byte 0x30, found size {field.Size} and the byte "
                            + $"0x{marker.Span[0]:x2}.",
                            start);
                        return false;
                    }

                    value = new VmStateNullPointer(type, offset);
                    return true;
                }

                if (!TryReadStruct(nested, type, null, -1, out VmStateStruct? structure))
                {
                    return false;
                }

                if (structure.Length != field.Size)
                {
                    Fail(
                        MigrationErrorKind.UnexpectedValue,
                        $"The struct is described as {field.Size} bytes, but its fields and subsections take {structure.Length}.",
                        start);
                    return false;
                }

                value = structure;
                return true;
            }

            if (type == "nullptr")
            {
                // QEMU 9.1 and later describe a NULL element of an array of pointers as its own type: the byte 0x30.
                if (!TryReadBytes(1, "the NULL pointer marker 0x30", out ReadOnlyMemory<byte> marker))
                {
                    return false;
                }

                if (field.Size != 1 || marker.Span[0] != QemuStreamFormat.NullPointerMarker)
                {
                    Fail(
                        MigrationErrorKind.UnexpectedValue,
                        $"A nullptr field is the byte 0x30 (size 1): found size {field.Size} and the byte 0x{marker.Span[0]:x2}.", start);
                    return false;
                }

                value = new VmStateNullPointer(type, offset);
                return true;
            }

            bool signed = IsSignedIntegerType(type);
            if (signed || IsUnsignedIntegerType(type))
            {
                if (field.Size is < 1 or > 8)
                {
                    Fail(
                        MigrationErrorKind.UnexpectedValue,
                        $"An integer of type '{type}' must be 1 to 8 bytes, but the description says {field.Size}.",
                        start);
                    return false;
                }

                if (!TryReadBytes(field.Size, $"the {type} value", out ReadOnlyMemory<byte> bytes))
                {
                    return false;
                }

                ulong raw = 0;
                foreach (byte b in bytes.Span)
                {
                    raw = (raw << 8) | b;
                }

                value = new VmStateInteger(type, offset, field.Size, raw, signed);
                return true;
            }

            if (type == "bool")
            {
                if (field.Size < 1)
                {
                    Fail(MigrationErrorKind.UnexpectedValue, "A bool must be at least 1 byte, but the description says 0.", start);
                    return false;
                }

                if (!TryReadBytes(field.Size, "the bool value", out ReadOnlyMemory<byte> flag))
                {
                    return false;
                }

                value = new VmStateBoolean(offset, field.Size, flag.Span[0]);
                return true;
            }

            if (!TryReadBytes(field.Size, $"the {type} bytes", out ReadOnlyMemory<byte> contents))
            {
                return false;
            }

            value = new VmStateBytes(type, offset, contents);
            return true;
        }

        private bool TryAddElement(VmStateStruct owner, VmFieldDescription field, int index, VmStateValue value)
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
                Fail(
                    MigrationErrorKind.UnexpectedValue,
                    $"The element [{index}] of '{field.Name}' follows a field of the same name that is not an array.",
                    value.Offset - baseOffset);
                return false;
            }

            if (array.Elements.Count != index)
            {
                Fail(
                    MigrationErrorKind.UnexpectedValue,
                    $"Expected the element [{array.Elements.Count}] of '{field.Name}', but the description gives index {index}.",
                    value.Offset - baseOffset);
                return false;
            }

            array.Add(value);
            return true;
        }

        private bool TryReadBytes(int count, string what, out ReadOnlyMemory<byte> bytes)
        {
            if (count > data.Length - Position)
            {
                Fail(MigrationErrorKind.Truncated, $"Expected {what} ({count} bytes), but the payload has only {data.Length - Position} bytes left.", Position);
                bytes = default;
                return false;
            }

            bytes = data.Slice(Position, count);
            Position += count;
            return true;
        }

        private bool Spend()
        {
            if (--_budget < 0)
            {
                Fail(
                    MigrationErrorKind.LimitExceeded,
                    $"The VM description describes more than {_maxElements} elements for a payload of {data.Length} bytes: more than the payload can "
                    + "hold, or than the resource budget allows.",
                    Position);
                return false;
            }

            return true;
        }
    }
}
