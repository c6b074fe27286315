using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using MigrationFormat.Visitors;

namespace MigrationFormat.Testing;

/// <summary>
/// Every field of a device as <c>path = value</c> text (lists as <c>name#</c> counts and <c>name[i].field</c>,
/// optional groups as <c>name?</c> presence), taken with a saving visitor so it sees exactly what a save sees,
/// and comparable across versions by path.
/// </summary>
public sealed class StateFingerprint
{
    private StateFingerprint(SortedDictionary<string, string> values) => Values = values;

    /// <summary>Gets the values by path.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>Takes the fingerprint of <paramref name="device"/> at the version it runs as.</summary>
    /// <param name="device">The device.</param>
    /// <returns>The fingerprint.</returns>
    public static StateFingerprint Of(IDeviceState device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var visitor = new FingerprintVisitor(values, device.Version);
        device.Visit(ref visitor);
        return new StateFingerprint(values);
    }

    /// <summary>Lists the paths whose values differ between this fingerprint and <paramref name="other"/>, among <paramref name="paths"/>.</summary>
    /// <param name="other">The other fingerprint.</param>
    /// <param name="paths">The paths to compare.</param>
    /// <returns>One line per difference.</returns>
    public IReadOnlyList<string> Differences(StateFingerprint other, IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(paths);
        var differences = new List<string>();
        foreach (string path in paths)
        {
            Values.TryGetValue(path, out string? mine);
            other.Values.TryGetValue(path, out string? theirs);
            if (!string.Equals(mine, theirs, StringComparison.Ordinal))
            {
                differences.Add($"{path}: {mine ?? "<absent>"} != {theirs ?? "<absent>"}");
            }
        }

        return differences;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (KeyValuePair<string, string> entry in Values)
        {
            text.Append(entry.Key).Append(" = ").Append(entry.Value).Append('\n');
        }

        return text.ToString();
    }

    private ref struct FingerprintVisitor : IStateVisitor
    {
        private readonly SortedDictionary<string, string> _values;
        private readonly List<string> _path;
        private readonly List<int> _elements;

        public FingerprintVisitor(SortedDictionary<string, string> values, int version)
        {
            _values = values;
            Version = version;
            _path = [];
            _elements = [];
        }

        public readonly VisitDirection Direction => VisitDirection.Save;

        public int Version { get; }

        public readonly void Field<T>(FieldSpec<T> field, ref T value)
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> => Add(field, value.ToString(null, CultureInfo.InvariantCulture));

        public readonly void Field(FieldSpec<bool> field, ref bool value) => Add(field, value ? "true" : "false");

        public readonly void Field(FieldSpec<string> field, ref string value) => Add(field, "\"" + value + "\"");

        public readonly void Field(FieldSpec<byte[]> field, ref byte[] value) => Add(field, Convert.ToHexString(value ?? []));

        public readonly void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
            where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
            Add(field, typeof(T) == typeof(byte) ? Convert.ToHexString(MemoryMarshal.AsBytes(values)) : Join(values));

        public readonly bool BeginStruct(StructSpec field) => Open(field);

        public readonly void EndStruct() => _path.RemoveAt(_path.Count - 1);

        public readonly int BeginList(ListSpec field, int count)
        {
            if (!field.ExistsIn(Version))
            {
                return -1;
            }

            Add(field, count.ToString(CultureInfo.InvariantCulture), "#");
            _path.Add(field.Name);
            _elements.Add(0);
            return count;
        }

        public readonly void BeginElement() => _path.Add("[" + _elements[^1].ToString(CultureInfo.InvariantCulture) + "]");

        public readonly void EndElement()
        {
            _path.RemoveAt(_path.Count - 1);
            _elements[^1]++;
        }

        public readonly void EndList()
        {
            _path.RemoveAt(_path.Count - 1);
            _elements.RemoveAt(_elements.Count - 1);
        }

        public readonly OptionalGroup BeginOptional(OptionalSpec field, bool needed)
        {
            if (!field.ExistsIn(Version))
            {
                return OptionalGroup.NotInVersion;
            }

            Add(field, needed ? "true" : "false", "?");
            if (!needed)
            {
                return OptionalGroup.Absent;
            }

            _path.Add(field.Name);
            return OptionalGroup.Present;
        }

        public readonly void EndOptional() => _path.RemoveAt(_path.Count - 1);

        public readonly void Blob(BlobSpec field, IBlobState blob)
        {
            if (!field.ExistsIn(Version))
            {
                return;
            }

            using Stream source = blob.OpenRead();
            Add(field, Convert.ToHexString(SHA256.HashData(source)));
        }

        private static string Join<T>(Span<T> values)
        {
            var text = new StringBuilder();
            foreach (T value in values)
            {
                text.Append(text.Length == 0 ? string.Empty : ",").Append(value);
            }

            return text.ToString();
        }

        private readonly bool Open(FieldSpec field)
        {
            if (!field.ExistsIn(Version))
            {
                return false;
            }

            _path.Add(field.Name);
            return true;
        }

        private readonly void Add(FieldSpec field, string value, string suffix = "")
        {
            if (!field.ExistsIn(Version))
            {
                return;
            }

            var path = new StringBuilder();
            foreach (string part in _path)
            {
                if (path.Length > 0 && part[0] != '[')
                {
                    path.Append('.');
                }

                path.Append(part);
            }

            if (path.Length > 0)
            {
                path.Append('.');
            }

            _values[path.Append(field.Name).Append(suffix).ToString()] = value;
        }
    }
}
