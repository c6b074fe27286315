using System;

namespace MigrationFormat.Visitors;

/// <summary>How the legacy QEMU stream frames a list or a variable byte string: how a loader knows where it ends.</summary>
public enum LegacyFramingKind
{
    /// <summary>A be32 count (of elements or bytes) comes first: the library's own form for what QEMU has no single form for.</summary>
    CountPrefix = 0,

    /// <summary>
    /// Nothing on the wire: the device knows the count from state it has already visited (QEMU's <c>VMSTATE_VARRAY_*</c>,
    /// <c>VMSTATE_VBUFFER</c>, arrays of <c>VIRTIO_QUEUE_MAX</c> elements). Before a legacy load visits the field, the device
    /// passes that count to <see cref="IStateVisitor.BeginList"/>, or sizes the byte array to that length.
    /// </summary>
    Implied = 1,

    /// <summary>
    /// A marker byte before each element and an end byte after the last (QEMU's hand-written loops: slirp's sockets,
    /// virtio-blk's requests in flight). A legacy load learns the count from the device's <see cref="ILegacyListCounter"/>.
    /// </summary>
    Markers = 2,
}

/// <summary>The legacy framing of a list or a variable byte string; the BER form is the same whatever the framing.</summary>
/// <param name="Kind">How the end is known.</param>
/// <param name="ElementMarker">For <see cref="LegacyFramingKind.Markers"/>: the byte before each element.</param>
/// <param name="EndMarker">For <see cref="LegacyFramingKind.Markers"/>: the byte after the last element.</param>
public readonly record struct LegacyFraming(LegacyFramingKind Kind, byte ElementMarker = 0, byte EndMarker = 0)
{
    /// <summary>Gets the default framing: a be32 count first.</summary>
    public static LegacyFraming CountPrefix => default;

    /// <summary>Gets the framing whose count the device knows: nothing on the wire.</summary>
    public static LegacyFraming Implied => new(LegacyFramingKind.Implied);

    /// <summary>Gets the framing of a list whose elements each follow <paramref name="element"/> and which ends with <paramref name="end"/>.</summary>
    /// <param name="element">The byte before each element.</param>
    /// <param name="end">The byte after the last element; it differs from <paramref name="element"/>.</param>
    /// <returns>The framing.</returns>
    /// <exception cref="ArgumentException">The two bytes are the same.</exception>
    public static LegacyFraming Markers(byte element, byte end) =>
        element == end
            ? throw new ArgumentException("The element marker and the end marker must differ.", nameof(end))
            : new(LegacyFramingKind.Markers, element, end);
}

/// <summary>
/// Implemented by a device with a list framed by <see cref="LegacyFramingKind.Markers"/>: it walks the legacy bytes of such a
/// list to count its elements, since only the device knows how long each element is.
/// </summary>
public interface ILegacyListCounter
{
    /// <summary>Counts the elements of a marker-framed list.</summary>
    /// <param name="list">The list.</param>
    /// <param name="data">The payload bytes from the list's first marker (or its end marker) to the end of the payload.</param>
    /// <param name="streamVersion">The section version in the stream.</param>
    /// <returns>The number of elements, or -1 when the bytes are not such a list (the load then fails).</returns>
    int CountLegacyElements(ListSpec list, ReadOnlySpan<byte> data, int streamVersion);
}
