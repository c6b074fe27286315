using System;

namespace MigrationFormat.Visitors;

/// <summary>
/// The visitor contract: one method per operation, called from a device's single
/// <see cref="IVisitable.Visit{TVisitor}(ref TVisitor)"/> method in every direction (save, load, describe).
/// </summary>
/// <remarks>
/// <para>
/// Scalars go by <see langword="ref"/>: a saving visitor reads them, a loading visitor writes them, a describing
/// visitor leaves them alone. Every call names a static <see cref="FieldSpec"/>; a field that does not exist in
/// the version the device runs as (<see cref="Version"/>) is passed over by every visitor, so one
/// <c>Visit</c> method serves every version of a device.
/// </remarks>
/// <para>
/// Devices take the visitor as a generic parameter (<c>where TVisitor : IStateVisitor, allows ref struct</c>)
/// so that calls are devirtualized; the concrete visitors are <see langword="ref struct"/>s.
/// </para>
/// <para>Only loading visitors fail on data, with <see cref="MigrationFormatException"/>.</para>
public interface IStateVisitor
{
    /// <summary>Gets the direction this visitor moves state.</summary>
    VisitDirection Direction { get; }

    /// <summary>Gets the device version this visit runs as: fields are gated on it.</summary>
    int Version { get; }

    /// <summary>Visits an unsigned 8-bit field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value: read when saving, written when loading.</param>
    void Field(FieldSpec field, ref byte value);

    /// <summary>Visits a signed 8-bit field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    void Field(FieldSpec field, ref sbyte value);

    /// <summary>Visits an unsigned 16-bit field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    void Field(FieldSpec field, ref ushort value);

    /// <summary>Visits a signed 16-bit field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    void Field(FieldSpec field, ref short value);

    /// <summary>Visits an unsigned 32-bit field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    void Field(FieldSpec field, ref uint value);

    /// <summary>Visits a signed 32-bit field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    void Field(FieldSpec field, ref int value);

    /// <summary>Visits an unsigned 64-bit field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    void Field(FieldSpec field, ref ulong value);

    /// <summary>Visits a signed 64-bit field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    void Field(FieldSpec field, ref long value);

    /// <summary>Visits a boolean field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    void Field(FieldSpec field, ref bool value);

    /// <summary>Visits a UTF-8 string field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value; a loading visitor replaces the reference.</param>
    void Field(FieldSpec field, ref string value);

    /// <summary>Visits a variable-length byte string field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value; a loading visitor replaces the reference.</param>
    void Field(FieldSpec field, ref byte[] value);

    /// <summary>Visits a fixed-size byte buffer: the span's length is the buffer's size.</summary>
    /// <param name="field">The field, of kind <see cref="FieldKind.FixedBytes"/>.</param>
    /// <param name="buffer">The buffer: read when saving, filled when loading.</param>
    void Field(FieldSpec field, Span<byte> buffer);

    /// <summary>Visits a fixed-size array of unsigned 16-bit integers.</summary>
    /// <param name="field">The field, of kind <see cref="FieldKind.UInt16Array"/>.</param>
    /// <param name="values">The elements.</param>
    void Field(FieldSpec field, Span<ushort> values);

    /// <summary>Visits a fixed-size array of unsigned 32-bit integers.</summary>
    /// <param name="field">The field, of kind <see cref="FieldKind.UInt32Array"/>.</param>
    /// <param name="values">The elements.</param>
    void Field(FieldSpec field, Span<uint> values);

    /// <summary>Visits a fixed-size array of unsigned 64-bit integers.</summary>
    /// <param name="field">The field, of kind <see cref="FieldKind.UInt64Array"/>.</param>
    /// <param name="values">The elements.</param>
    void Field(FieldSpec field, Span<ulong> values);

    /// <summary>Opens a nested structure; visit its fields, then call <see cref="EndStruct"/>.</summary>
    /// <param name="field">The field, of kind <see cref="FieldKind.Struct"/>.</param>
    /// <returns><see langword="false"/> when the structure is not visited (not in this version, or absent from the input); then do not call <see cref="EndStruct"/>.</returns>
    bool BeginStruct(FieldSpec field);

    /// <summary>Closes the structure opened by the last successful <see cref="BeginStruct"/>.</summary>
    void EndStruct();

    /// <summary>
    /// Opens a list of structures. Then, for each of the returned number of elements: <see cref="BeginElement"/>,
    /// the element's fields, <see cref="EndElement"/>; then <see cref="EndList"/>.
    /// </summary>
    /// <param name="field">The field, of kind <see cref="FieldKind.List"/>.</param>
    /// <param name="count">The device's current element count (used when saving).</param>
    /// <returns>
    /// The number of elements to visit: <paramref name="count"/> when saving, the count in the input when loading,
    /// 1 when describing (the element is described once), or -1 when the list is not visited (then do not call
    /// <see cref="EndList"/>). A loading or describing caller resizes its list to this count first.
    /// </returns>
    int BeginList(FieldSpec field, int count);

    /// <summary>Opens one element of the current list.</summary>
    void BeginElement();

    /// <summary>Closes the current list element.</summary>
    void EndElement();

    /// <summary>Closes the current list.</summary>
    void EndList();

    /// <summary>Opens an optional group of fields (QEMU's subsection), sent only when needed.</summary>
    /// <param name="field">The field, of kind <see cref="FieldKind.Optional"/>.</param>
    /// <param name="needed">Whether the device needs the group sent (used when saving).</param>
    /// <returns>
    /// <see langword="true"/> when the group's fields are to be visited: when saving, <paramref name="needed"/>;
    /// when loading, whether the input carries the group; when describing, always. Then call <see cref="EndOptional"/>.
    /// </returns>
    bool BeginOptional(FieldSpec field, bool needed);

    /// <summary>Closes the optional group opened by the last <see cref="BeginOptional"/> that returned <see langword="true"/>.</summary>
    void EndOptional();

    /// <summary>Visits an opaque blob: saved from <see cref="IBlobState.OpenRead"/>, loaded through <see cref="IBlobState.Load"/>.</summary>
    /// <param name="field">The field, of kind <see cref="FieldKind.Blob"/>.</param>
    /// <param name="blob">The device's blob endpoint.</param>
    void Blob(FieldSpec field, IBlobState blob);
}
