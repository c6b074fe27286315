using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MigrationFormat.Visitors;

namespace MigrationFormat.Qemu.Devices;

/// <summary>
/// Turns a typed model into the named values the VM description decoder gives (<see cref="VmStateValue"/>), so that the
/// dumpers print a modelled field the way they print every described one: integers with their width, booleans, byte
/// buffers, structures, lists as arrays of structures, optional groups as subsections. Each value's offset is where its
/// bytes are in the legacy payload.
/// </summary>
public static class QemuModelValues
{
    /// <summary>Describes the values of <paramref name="model"/>.</summary>
    /// <param name="model">The model, as loaded.</param>
    /// <param name="typeName">The type name of the whole (the description's type of the field, such as <c>virtio</c>).</param>
    /// <param name="baseOffset">The offset of the model's first legacy byte.</param>
    /// <returns>The values.</returns>
    public static VmStateStruct Describe(IDeviceState model, string typeName, long baseOffset)
    {
        ArgumentNullException.ThrowIfNull(model);
        var visitor = new Builder(new VmStateStruct(typeName, baseOffset, model.Type.Id, model.Version, null), model.Version, model.Type.Id, baseOffset);
        model.Visit(ref visitor);
        return visitor.Finish();
    }

    /// <summary>Loads the legacy bytes of a field the VM description leaves opaque into its model and describes them.</summary>
    /// <param name="type">The model (see <see cref="QemuFieldModels"/>).</param>
    /// <param name="version">The version the model runs as: the section's.</param>
    /// <param name="bytes">The field's bytes.</param>
    /// <param name="typeName">The description's type of the field.</param>
    /// <param name="baseOffset">The offset of the field's first byte.</param>
    /// <returns>The values, or <see langword="null"/> when the bytes do not load into the model.</returns>
    public static VmStateStruct? TryDescribe(DeviceType type, int version, ReadOnlyMemory<byte> bytes, string typeName, long baseOffset)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!type.Supports(version))
        {
            return null;
        }

        IDeviceState model = type.Create(version);
        try
        {
            LegacyDeviceSerializer.Load(model, bytes.Span, version, baseOffset: baseOffset);
        }
        catch (MigrationFormatException)
        {
            return null;
        }

        return Describe(model, typeName, baseOffset);
    }

    private static string IntegerTypeName<T>()
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> =>
        (T.IsNegative(T.MinValue) ? "int" : "uint") + (Unsafe.SizeOf<T>() * 8).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Builds the values while counting the legacy bytes each would take, as the legacy output visitor writes them.</summary>
    private ref struct Builder : IStateVisitor
    {
        private readonly Stack<Scope> _open;
        private readonly int _version;
        private readonly string _deviceName;
        private readonly long _baseOffset;
        private long _position;

        public Builder(VmStateStruct root, int version, string deviceName, long baseOffset)
        {
            _open = new Stack<Scope>();
            _open.Push(new Scope(root, null, deviceName));
            _version = version;
            _deviceName = deviceName;
            _baseOffset = baseOffset;
            _position = 0;
        }

        public readonly VisitDirection Direction => VisitDirection.Save;

        public readonly int Version => _version;

        public readonly VmStateStruct Finish()
        {
            Scope root = _open.Peek();
            root.Struct!.SetLength((int)_position);
            return root.Struct;
        }

        public void Field<T>(FieldSpec<T> field, ref T value)
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            if (!field.ExistsIn(_version))
            {
                return;
            }

            int size = Unsafe.SizeOf<T>();
            ulong raw = ulong.CreateTruncating(value) & (size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1);
            Add(field.Name, new VmStateInteger(IntegerTypeName<T>(), Here, size, raw, T.IsNegative(T.MinValue)), size);
        }

        public void Field(FieldSpec<bool> field, ref bool value)
        {
            if (field.ExistsIn(_version))
            {
                Add(field.Name, new VmStateBoolean(Here, 1, value ? (byte)1 : (byte)0), 1);
            }
        }

        public void Field(FieldSpec<string> field, ref string value)
        {
            if (field.ExistsIn(_version))
            {
                byte[] text = System.Text.Encoding.UTF8.GetBytes(value ?? string.Empty);
                Add(field.Name, new VmStateBytes("string", Here + 4, text), 4 + text.Length);
            }
        }

        public void Field(FieldSpec<byte[]> field, ref byte[] value)
        {
            if (field.ExistsIn(_version))
            {
                byte[] bytes = value ?? [];
                int prefix = field.LegacyFraming.Kind == LegacyFramingKind.CountPrefix ? 4 : 0;
                Add(field.Name, new VmStateBytes("buffer", Here + prefix, bytes.AsMemory()), prefix + bytes.Length);
            }
        }

        public void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
            where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
        {
            if (!field.ExistsIn(_version))
            {
                return;
            }

            if (typeof(T) == typeof(byte))
            {
                byte[] bytes = MemoryMarshal.AsBytes(values).ToArray();
                Add(field.Name, new VmStateBytes("buffer", Here, bytes), bytes.Length);
                return;
            }

            int size = Unsafe.SizeOf<T>();
            string type = "uint" + (size * 8).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var array = new VmStateArray(type, Here);
            for (int i = 0; i < values.Length; i++)
            {
                array.Add(new VmStateInteger(type, Here + ((long)i * size), size, ulong.CreateTruncating(values[i]), false));
            }

            Add(field.Name, array, values.Length * size);
        }

        public bool BeginStruct(StructSpec field)
        {
            if (!field.ExistsIn(_version))
            {
                return false;
            }

            Scope parent = _open.Peek();
            var nested = new VmStateStruct("struct", Here, null, null, null);
            Add(parent, field.Name, nested);
            _open.Push(new Scope(nested, null, field.Name) { Start = _position });
            return true;
        }

        public void EndStruct() => Close();

        public int BeginList(ListSpec field, int count)
        {
            if (!field.ExistsIn(_version))
            {
                return -1;
            }

            Scope parent = _open.Peek();
            var array = new VmStateArray("struct", Here);
            Add(parent, field.Name, array);
            _position += field.LegacyFraming.Kind == LegacyFramingKind.CountPrefix ? 4 : 0;
            _open.Push(new Scope(null, array, field.Name) { List = field });
            return count;
        }

        public void BeginElement()
        {
            Scope list = _open.Peek();
            _position += list.List!.LegacyFraming.Kind == LegacyFramingKind.Markers ? 1 : 0;
            var element = new VmStateStruct("struct", Here, null, null, null);
            list.Array!.Add(element);
            _open.Push(new Scope(element, null, list.Name) { Start = _position });
        }

        public void EndElement() => Close();

        public void EndList()
        {
            Scope list = _open.Pop();
            _position += list.List!.LegacyFraming.Kind == LegacyFramingKind.Markers ? 1 : 0;
        }

        public OptionalGroup BeginOptional(OptionalSpec field, bool needed)
        {
            if (!field.ExistsIn(_version))
            {
                return OptionalGroup.NotInVersion;
            }

            if (!needed)
            {
                return OptionalGroup.Absent;
            }

            Scope parent = _open.Peek();
            string name = field.Name.Contains('/', StringComparison.Ordinal) ? field.Name : (_open.Count == 1 ? _deviceName : parent.Name) + "/" + field.Name;
            var group = new VmStateStruct("subsection", Here, name, field.LegacyVersion, (uint)field.LegacyVersion);
            Add(parent, name, group);
            _position += 2 + System.Text.Encoding.UTF8.GetByteCount(name) + 4;
            _open.Push(new Scope(group, null, name) { Start = _position });
            return OptionalGroup.Present;
        }

        public void EndOptional() => Close();

        public void Blob(BlobSpec field, IBlobState blob)
        {
            ArgumentNullException.ThrowIfNull(blob);
            if (!field.ExistsIn(_version))
            {
                return;
            }

            // The legacy form is chunks of a be32 length and at most 64 KiB, ended by a zero length.
            using var bytes = new System.IO.MemoryStream();
            using (System.IO.Stream source = blob.OpenRead())
            {
                source.CopyTo(bytes);
            }

            int chunks = (int)((bytes.Length + 0xFFFF) / 0x10000);
            Add(field.Name, new VmStateBytes("blob", Here + 4, bytes.ToArray()), (int)bytes.Length + (4 * (chunks + 1)));
        }

        private readonly long Here => _baseOffset + _position;

        private void Add(string name, VmStateValue value, int legacySize)
        {
            Add(_open.Peek(), name, value);
            _position += legacySize;
        }

        private static void Add(Scope scope, string name, VmStateValue value)
        {
            if (scope.Struct is null)
            {
                throw new InvalidOperationException($"A field is visited inside list '{scope.Name}' outside of an element.");
            }

            scope.Struct.Set(name, value);
        }

        private void Close()
        {
            Scope done = _open.Pop();
            done.Struct!.SetLength((int)(_position - done.Start));
        }
    }

    private sealed class Scope(VmStateStruct? structure, VmStateArray? array, string name)
    {
        public VmStateStruct? Struct { get; } = structure;

        public VmStateArray? Array { get; } = array;

        public string Name { get; } = name;

        public ListSpec? List { get; init; }

        public long Start { get; init; }
    }
}
