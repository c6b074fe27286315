using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;

namespace MigrationFormat.Visitors;

/// <summary>
/// The fields of one structure (a device's top level, a nested structure, a list element or an optional group),
/// declared through its factory methods. Tag numbers are unique within a set: declaring a second field with a tag
/// the set already has throws, so that two fields of one structure can never be confused on the wire, while two
/// tag-0 fields of different structures read as what they are. The exceptions are one field in versions that do not
/// overlap (a widened integer) and one fixed-size buffer or array in several sizes (sized by a configuration
/// parameter; each configuration visits one).
/// </summary>
/// <example>
/// <code>
/// static readonly FieldSet Root = new("serial");
/// public static readonly FieldSpec&lt;ushort&gt; Divider = Root.UInt16("divider", 0);
/// public static readonly OptionalSpec FifoTimeout = Root.Optional("fifo_timeout", 11, since: 3);
/// public static readonly FieldSpec&lt;long&gt; DeadlineNs = FifoTimeout.Members.Int64("deadline_ns", 0, since: 3);
/// </code>
/// </example>
public sealed class FieldSet
{
    private readonly List<FieldSpec> _fields = [];

    /// <summary>Creates the top-level set of a device or of a reusable structure.</summary>
    /// <param name="name">The name paths start with (usually the device's id).</param>
    public FieldSet(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Path = name;
    }

    internal FieldSet(CompositeFieldSpec owner)
    {
        Owner = owner;
        Path = owner.Path;
    }

    /// <summary>Gets the composite field these are the members of, or <see langword="null"/> for a top-level set.</summary>
    public CompositeFieldSpec? Owner { get; }

    /// <summary>Gets the path the members' paths start with.</summary>
    public string Path { get; }

    /// <summary>Gets the fields declared so far, in declaration order.</summary>
    public IReadOnlyList<FieldSpec> Fields => _fields;

    /// <summary>Finds the first field declared with tag number <paramref name="tag"/>.</summary>
    /// <param name="tag">A tag number.</param>
    /// <returns>The field, or <see langword="null"/>.</returns>
    public FieldSpec? FindByTag(int tag)
    {
        lock (_fields)
        {
            foreach (FieldSpec field in _fields)
            {
                if (field.Tag == tag)
                {
                    return field;
                }
            }
        }

        return null;
    }

    /// <summary>Declares an unsigned 8-bit field.</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="tag">The BER tag number, unique within this set.</param>
    /// <param name="skippable"><see langword="true"/> when a destination may safely lose it.</param>
    /// <param name="since">The version that introduced it.</param>
    /// <param name="removedIn">The version that removed it, or 0.</param>
    /// <param name="description">A description for schemas.</param>
    /// <returns>The field.</returns>
    public FieldSpec<byte> UInt8(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        Integer<byte>(name, tag, skippable, since, removedIn, description);

    /// <summary>Declares a signed 8-bit field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public FieldSpec<sbyte> Int8(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        Integer<sbyte>(name, tag, skippable, since, removedIn, description);

    /// <summary>Declares an unsigned 16-bit field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public FieldSpec<ushort> UInt16(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        Integer<ushort>(name, tag, skippable, since, removedIn, description);

    /// <summary>Declares a signed 16-bit field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public FieldSpec<short> Int16(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        Integer<short>(name, tag, skippable, since, removedIn, description);

    /// <summary>Declares an unsigned 32-bit field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public FieldSpec<uint> UInt32(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        Integer<uint>(name, tag, skippable, since, removedIn, description);

    /// <summary>Declares a signed 32-bit field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public FieldSpec<int> Int32(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        Integer<int>(name, tag, skippable, since, removedIn, description);

    /// <summary>Declares an unsigned 64-bit field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public FieldSpec<ulong> UInt64(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        Integer<ulong>(name, tag, skippable, since, removedIn, description);

    /// <summary>Declares a signed 64-bit field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public FieldSpec<long> Int64(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        Integer<long>(name, tag, skippable, since, removedIn, description);

    /// <summary>Declares an integer field of the width and signedness of <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">One of <see cref="byte"/>, <see cref="sbyte"/>, <see cref="ushort"/>, <see cref="short"/>, <see cref="uint"/>, <see cref="int"/>,
    /// <see cref="ulong"/>, <see cref="long"/>.</typeparam>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is another integer type.</exception>
    public FieldSpec<T> Integer<T>(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> =>
        new(this, IntegerKind.Of<T>(), new FieldOptions(name, tag, skippable, since, removedIn, description));

    /// <summary>Declares a boolean field.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public FieldSpec<bool> Bool(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(this, FieldKind.Bool, new FieldOptions(name, tag, skippable, since, removedIn, description));

    /// <summary>Declares a UTF-8 string of at most <paramref name="maxLength"/> bytes (0: the reader's limit).</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="tag">The BER tag number, unique within this set.</param>
    /// <param name="maxLength">The largest length accepted on load, or 0.</param>
    /// <param name="skippable"><see langword="true"/> when a destination may safely lose it.</param>
    /// <param name="since">The version that introduced it.</param>
    /// <param name="removedIn">The version that removed it, or 0.</param>
    /// <param name="description">A description for schemas.</param>
    /// <returns>The field.</returns>
    public FieldSpec<string> String(
        string name,
        int tag,
        int maxLength = 0,
        bool skippable = false,
        int since = 1,
        int removedIn = 0,
        string? description = null) =>
        new(this, FieldKind.String, new FieldOptions(name, tag, skippable, since, removedIn, description), RequireNonNegative(maxLength));

    /// <summary>Declares a variable-length byte string of at most <paramref name="maxLength"/> bytes (0: the reader's limit).</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="tag">The BER tag number, unique within this set.</param>
    /// <param name="maxLength">The largest length accepted on load, or 0.</param>
    /// <param name="skippable"><see langword="true"/> when a destination may safely lose it.</param>
    /// <param name="since">The version that introduced it.</param>
    /// <param name="removedIn">The version that removed it, or 0.</param>
    /// <param name="description">A description for schemas.</param>
    /// <param name="legacyFraming">
    /// How a legacy QEMU stream frames it: a be32 length first (the default), or <see cref="LegacyFraming.Implied"/> when the
    /// device knows the length (QEMU's <c>VMSTATE_VBUFFER</c>): it sizes the array before a legacy load visits it.
    /// </param>
    /// <returns>The field.</returns>
    /// <exception cref="ArgumentException"><paramref name="legacyFraming"/> is <see cref="LegacyFramingKind.Markers"/>, which only lists have.</exception>
    public FieldSpec<byte[]> Bytes(
        string name, int tag, int maxLength = 0, bool skippable = false, int since = 1, int removedIn = 0, string? description = null,
        LegacyFraming legacyFraming = default) =>
        legacyFraming.Kind == LegacyFramingKind.Markers
            ? throw new ArgumentException("A byte string is framed by a count or by its device, not by markers.", nameof(legacyFraming))
            : new(this, FieldKind.Bytes, new FieldOptions(name, tag, skippable, since, removedIn, description), RequireNonNegative(maxLength), legacyFraming);

    /// <summary>Declares a byte buffer of exactly <paramref name="size"/> bytes.</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="tag">The BER tag number, unique within this set.</param>
    /// <param name="size">The buffer's size in bytes.</param>
    /// <param name="skippable"><see langword="true"/> when a destination may safely lose it.</param>
    /// <param name="since">The version that introduced it.</param>
    /// <param name="removedIn">The version that removed it, or 0.</param>
    /// <param name="description">A description for schemas.</param>
    /// <returns>The field.</returns>
    public ArrayFieldSpec<byte> FixedBytes(
        string name,
        int tag,
        int size,
        bool skippable = false,
        int since = 1,
        int removedIn = 0,
        string? description = null) =>
        new(this, FieldKind.FixedBytes, new FieldOptions(name, tag, skippable, since, removedIn, description), RequireNonNegative(size));

    /// <summary>Declares a fixed-size array of unsigned integers of the width of <typeparamref name="T"/>.</summary>
    /// <typeparam name="T"><see cref="ushort"/>, <see cref="uint"/> or <see cref="ulong"/>; a byte array is <see cref="FixedBytes"/>.</typeparam>
    /// <param name="name">The field's name.</param>
    /// <param name="tag">The BER tag number, unique within this set.</param>
    /// <param name="count">The number of elements.</param>
    /// <param name="skippable"><see langword="true"/> when a destination may safely lose it.</param>
    /// <param name="since">The version that introduced it.</param>
    /// <param name="removedIn">The version that removed it, or 0.</param>
    /// <param name="description">A description for schemas.</param>
    /// <returns>The field.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is <see cref="byte"/> or not an unsigned integer type.</exception>
    public ArrayFieldSpec<T> Array<T>(string name, int tag, int count, bool skippable = false, int since = 1, int removedIn = 0, string? description = null)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        FieldKind kind = IntegerKind.ArrayOf<T>();
        return new(this, kind, new FieldOptions(name, tag, skippable, since, removedIn, description), RequireNonNegative(count));
    }

    /// <summary>Declares a nested structure; declare its members through the returned spec's <see cref="CompositeFieldSpec.Members"/>.</summary>
    /// <inheritdoc cref="UInt8" path="/param"/>
    /// <returns>The field.</returns>
    public StructSpec Struct(string name, int tag, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(this, new FieldOptions(name, tag, skippable, since, removedIn, description));

    /// <summary>Declares a list of structures of at most <paramref name="maxCount"/> elements (0: the reader's limit).</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="tag">The BER tag number, unique within this set.</param>
    /// <param name="maxCount">The largest element count accepted on load, or 0.</param>
    /// <param name="skippable"><see langword="true"/> when a destination may safely lose it.</param>
    /// <param name="since">The version that introduced it.</param>
    /// <param name="removedIn">The version that removed it, or 0.</param>
    /// <param name="description">A description for schemas.</param>
    /// <param name="legacyFraming">How a legacy QEMU stream frames it: a be32 count first (the default), no count (the device knows it), or markers.</param>
    /// <returns>The field.</returns>
    public ListSpec List(
        string name, int tag, int maxCount = 0, bool skippable = false, int since = 1, int removedIn = 0, string? description = null,
        LegacyFraming legacyFraming = default) =>
        new(this, new FieldOptions(name, tag, skippable, since, removedIn, description), RequireNonNegative(maxCount), legacyFraming);

    /// <summary>Declares an optional group of fields, sent only when the device says it is needed.</summary>
    /// <param name="name">The group's name; in a legacy stream, the subsection is named <c>parent/name</c> unless the name has a '/'.</param>
    /// <param name="tag">The BER tag number, unique within this set.</param>
    /// <param name="skippable"><see langword="true"/> when a destination may safely lose it.</param>
    /// <param name="since">The version that introduced it.</param>
    /// <param name="removedIn">The version that removed it, or 0.</param>
    /// <param name="description">A description for schemas.</param>
    /// <param name="legacyVersion">The version written in the legacy subsection header (QEMU's subsection vmsd version).</param>
    /// <returns>The field.</returns>
    public OptionalSpec Optional(
        string name,
        int tag,
        bool skippable = false,
        int since = 1,
        int removedIn = 0,
        string? description = null,
        int legacyVersion = 1) =>
        new(this, new FieldOptions(name, tag, skippable, since, removedIn, description), legacyVersion);

    /// <summary>Declares an opaque blob streamed in segments, of at most <paramref name="maxLength"/> bytes (0: the reader's limit).</summary>
    /// <inheritdoc cref="String" path="/param"/>
    /// <returns>The field.</returns>
    public BlobSpec Blob(string name, int tag, int maxLength = 0, bool skippable = false, int since = 1, int removedIn = 0, string? description = null) =>
        new(this, new FieldOptions(name, tag, skippable, since, removedIn, description), RequireNonNegative(maxLength));

    /// <inheritdoc/>
    public override string ToString() => Path;

    internal void Add(FieldSpec field)
    {
        lock (_fields)
        {
            foreach (FieldSpec existing in _fields)
            {
                // A field may be redeclared under its tag for versions the first declaration does not cover (a
                // field widened in version N is two declarations, one removed in N and one since N), and a fixed-size
                // buffer or array in other sizes (a table sized by a configuration parameter: each configuration
                // visits one of them, and its schema records the size).
                if (existing.Tag == field.Tag && Overlap(existing, field) && !IsSizeVariant(existing, field))
                {
                    throw new ArgumentException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"Field '{field.Path}' takes tag {field.Tag}, which '{existing.Path}' already has in the same versions; tags are unique within "
                                + $"'{Path}'."),
                        nameof(field));
                }
            }

            _fields.Add(field);
        }
    }

    private static bool Overlap(FieldSpec a, FieldSpec b)
    {
        int aEnd = a.RemovedIn == 0 ? int.MaxValue : a.RemovedIn;
        int bEnd = b.RemovedIn == 0 ? int.MaxValue : b.RemovedIn;
        return a.Since < bEnd && b.Since < aEnd;
    }

    private static bool IsSizeVariant(FieldSpec a, FieldSpec b) =>
        a.Kind == b.Kind
        && a.Kind is FieldKind.FixedBytes or FieldKind.UInt16Array or FieldKind.UInt32Array or FieldKind.UInt64Array
        && string.Equals(a.Name, b.Name, StringComparison.Ordinal)
        && a.IsSkippable == b.IsSkippable
        && a.Length != b.Length;

    private static int RequireNonNegative(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return value;
    }
}
