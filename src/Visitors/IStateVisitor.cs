using System;
using System.Numerics;

namespace MigrationFormat.Visitors;

/// <summary>
/// The visitor contract: one method per kind of field, called from a device's single
/// <see cref="IVisitable.Visit{TVisitor}(ref TVisitor)"/> method in every direction (save, load, describe).
/// </summary>
/// <remarks>
/// <para>
/// Scalars go by <see langword="ref"/>: a saving visitor reads them, a loading visitor writes them, a describing
/// visitor leaves them alone. Every call names a static field spec whose type parameter is the value's type, so a
/// field visited with a value of another type does not compile. A field that does not exist in the version the
/// device runs as (<see cref="Version"/>) is passed over by every visitor, so one <c>Visit</c> method serves every
/// version of a device.
/// </para>
/// <para>
/// Devices take the visitor as a generic parameter (<c>where TVisitor : IStateVisitor, allows ref struct</c>)
/// so that calls are devirtualized; the concrete visitors are <see langword="ref struct"/>s.
/// </para>
/// <para>Only loading visitors fail on data, with <see cref="MigrationFormatException"/>.</para>
/// </remarks>
public interface IStateVisitor
{
    /// <summary>Gets the direction this visitor moves state.</summary>
    /// <remarks>
    /// Ordinary devices never test it: a field passed by <see langword="ref"/> serves every direction, and derived
    /// state belongs in <see cref="IStateHooks"/>. It is there for the rare device that truly differs by direction.
    /// </remarks>
    VisitDirection Direction { get; }

    /// <summary>Gets the device version this visit runs as: fields are gated on it.</summary>
    int Version { get; }

    /// <summary>Visits an integer field of any of the eight widths.</summary>
    /// <typeparam name="T">The field's integer type, fixed by its spec.</typeparam>
    /// <param name="field">The field.</param>
    /// <param name="value">The value: read when saving, written when loading.</param>
    void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>;

    /// <summary>Visits a boolean field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    void Field(FieldSpec<bool> field, ref bool value);

    /// <summary>Visits a UTF-8 string field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value; a loading visitor replaces the reference.</param>
    void Field(FieldSpec<string> field, ref string value);

    /// <summary>Visits a variable-length byte string field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value; a loading visitor replaces the reference.</param>
    void Field(FieldSpec<byte[]> field, ref byte[] value);

    /// <summary>Visits a fixed-size byte buffer or integer array: the span's length is the spec's count.</summary>
    /// <typeparam name="T">The element type, fixed by the spec.</typeparam>
    /// <param name="field">The field.</param>
    /// <param name="values">The elements: read when saving, filled when loading.</param>
    void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>;

    /// <summary>Opens a nested structure; visit its fields, then call <see cref="EndStruct"/>.</summary>
    /// <param name="field">The field.</param>
    /// <returns><see langword="false"/> when the structure is not visited (not in this version, or absent from the input); then do not call
    /// <see cref="EndStruct"/>.</returns>
    bool BeginStruct(StructSpec field);

    /// <summary>Closes the structure opened by the last successful <see cref="BeginStruct"/>.</summary>
    void EndStruct();

    /// <summary>
    /// Opens a list of structures. Then, for each of the returned number of elements: <see cref="BeginElement"/>,
    /// the element's fields, <see cref="EndElement"/>; then <see cref="EndList"/>.
    /// </summary>
    /// <param name="field">The field.</param>
    /// <param name="count">The device's current element count (used when saving).</param>
    /// <returns>
    /// The number of elements to visit: <paramref name="count"/> when saving, the count in the input when loading,
    /// 1 when describing (the element is described once), or -1 when the list is not visited (then do not call
    /// <see cref="EndList"/>). A loading or describing caller resizes its list to this count first.
    /// </returns>
    int BeginList(ListSpec field, int count);

    /// <summary>Opens one element of the current list.</summary>
    void BeginElement();

    /// <summary>Closes the current list element.</summary>
    void EndElement();

    /// <summary>Closes the current list.</summary>
    void EndList();

    /// <summary>Opens an optional group of fields (QEMU's subsection), sent only when needed.</summary>
    /// <param name="field">The field.</param>
    /// <param name="needed">Whether the device needs the group sent (used when saving).</param>
    /// <returns>
    /// <see cref="OptionalPresence.Present"/> when the group's fields are to be visited (when saving, because it is
    /// <paramref name="needed"/>; when loading, because the input carries it; when describing, always), then call
    /// <see cref="EndOptional"/>; <see cref="OptionalPresence.Absent"/> when the version has the group but it is not
    /// visited; <see cref="OptionalPresence.NotInVersion"/> when the version has no such group.
    /// </returns>
    OptionalGroup BeginOptional(OptionalSpec field, bool needed);

    /// <summary>Closes the optional group opened by the last <see cref="BeginOptional"/> that returned <see cref="OptionalPresence.Present"/>.</summary>
    void EndOptional();

    /// <summary>Visits an opaque blob: saved from <see cref="IBlobState.OpenRead"/>, loaded through <see cref="IBlobState.Load"/>.</summary>
    /// <param name="field">The field.</param>
    /// <param name="blob">The device's blob endpoint.</param>
    void Blob(BlobSpec field, IBlobState blob);
}
