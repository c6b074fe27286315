using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MigrationFormat.Visitors;

/// <summary>
/// A copy of a device's fields, taken before a load and put back if the load fails, so that a load is all or
/// nothing. It holds scalars and buffer contents as raw bytes in one reusable array (optional-group bookkeeping in
/// another) and keeps references (strings, byte arrays) as they are; taking one allocates nothing once its arrays
/// have grown to the device's size.
/// </summary>
internal sealed class StateSnapshot
{
    private ulong[] _groups = new ulong[16];
    private byte[] _bytes = new byte[256];
    private object?[] _references = new object?[8];
    private int _groupCount;
    private int _byteCount;
    private int _referenceCount;
    private int[] _openGroups = new int[8];
    private int _openGroupCount;
    private bool _restoringPresence;

    /// <summary>Copies every field <paramref name="state"/> has at <paramref name="version"/>.</summary>
    public void Capture(IVisitable state, int version)
    {
        _groupCount = 0;
        _byteCount = 0;
        if (_referenceCount != 0)
        {
            Array.Clear(_references, 0, _referenceCount);
        }

        _referenceCount = 0;
        _openGroupCount = 0;
        var visitor = new SnapshotVisitor<CaptureMode>(this, version);
        state.Visit(ref visitor);
    }

    /// <summary>Puts every captured field back.</summary>
    /// <remarks>
    /// Two passes: the first restores every optional group's contents (as if present), the second restores the
    /// groups' presence as it was, so that state a device derives from presence comes back too.
    /// </remarks>
    public void Restore(IVisitable state, int version)
    {
        int groups = _groupCount, bytes = _byteCount, references = _referenceCount;
        foreach (bool presenceOnly in (ReadOnlySpan<bool>)[false, true])
        {
            _groupCount = 0;
            _byteCount = 0;
            _referenceCount = 0;
            _restoringPresence = presenceOnly;
            var visitor = new SnapshotVisitor<RestoreMode>(this, version);
            state.Visit(ref visitor);
        }

        _groupCount = groups;
        _byteCount = bytes;
        _referenceCount = references;
    }

    /// <summary>Appends a scalar's bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Write<T>(T value)
        where T : unmanaged
    {
        // One capacity test and one store per scalar: this runs for every field of every load. The count is read
        // again after the test, so that it is not kept (spilled) across the call that grows the array.
        byte[] bytes = _bytes;
        if ((uint)_byteCount > (uint)(bytes.Length - Unsafe.SizeOf<T>()))
        {
            bytes = GrowBytes(Unsafe.SizeOf<T>());
        }

        int at = _byteCount;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bytes), at), value);
        _byteCount = at + Unsafe.SizeOf<T>();
    }

    /// <summary>Reads back the next scalar's bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal T Read<T>()
        where T : unmanaged
    {
        int at = _byteCount;
        byte[] bytes = _bytes;
        if ((uint)at > (uint)(bytes.Length - Unsafe.SizeOf<T>()))
        {
            ThrowOverrun();
        }

        _byteCount = at + Unsafe.SizeOf<T>();
        return Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bytes), at));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private byte[] GrowBytes(int count)
    {
        Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _byteCount + count));
        return _bytes;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOverrun() =>
        throw new InvalidOperationException("The device visited more state while being restored than when it was captured.");

    /// <summary>
    /// Records an optional group's presence and, once it closes, how much it captured, so that a restore puts the
    /// presence back as it was; in the presence pass it passes over the contents of a group that was not present.
    /// </summary>
    internal OptionalGroup BeginGroup(bool needed, bool restoring)
    {
        if (restoring)
        {
            int slot = _groupCount;
            ulong header = _groups[slot];
            _groupCount += 4;
            if (!_restoringPresence)
            {
                return OptionalGroup.ContentsOnly;
            }

            if (header != 0)
            {
                return OptionalGroup.Present;
            }

            // Not present when captured: skip what the group captured.
            _groupCount += (int)_groups[slot + 1];
            _byteCount += (int)_groups[slot + 2];
            _referenceCount += (int)_groups[slot + 3];
            return OptionalGroup.Absent;
        }

        if (_groupCount + 4 > _groups.Length)
        {
            Array.Resize(ref _groups, _groups.Length * 2);
        }

        if (_openGroupCount == _openGroups.Length)
        {
            Array.Resize(ref _openGroups, _openGroups.Length * 2);
        }

        _openGroups[_openGroupCount++] = _groupCount;
        _groups[_groupCount] = needed ? 1UL : 0UL;
        _groups[_groupCount + 1] = (ulong)_byteCount;
        _groups[_groupCount + 2] = (ulong)_referenceCount;
        _groupCount += 4;
        return OptionalGroup.ContentsOnly;
    }

    internal void EndGroup(bool restoring)
    {
        if (restoring)
        {
            return;
        }

        int slot = _openGroups[--_openGroupCount];
        ulong bytesAtStart = _groups[slot + 1];
        ulong referencesAtStart = _groups[slot + 2];
        _groups[slot + 1] = (ulong)(_groupCount - slot - 4);
        _groups[slot + 2] = (ulong)_byteCount - bytesAtStart;
        _groups[slot + 3] = (ulong)_referenceCount - referencesAtStart;
    }

    internal void Bytes<T>(Span<T> values, bool restoring)
        where T : unmanaged
    {
        Span<byte> raw = MemoryMarshal.AsBytes(values);
        if (restoring)
        {
            _bytes.AsSpan(_byteCount, raw.Length).CopyTo(raw);
            _byteCount += raw.Length;
            return;
        }

        if (_byteCount + raw.Length > _bytes.Length)
        {
            GrowBytes(raw.Length);
        }

        raw.CopyTo(_bytes.AsSpan(_byteCount));
        _byteCount += raw.Length;
    }

    internal void Reference<T>(ref T value, bool restoring)
        where T : class
    {
        if (restoring)
        {
            value = (T)_references[_referenceCount++]!;
            return;
        }

        if (_referenceCount == _references.Length)
        {
            Array.Resize(ref _references, _references.Length * 2);
        }

        _references[_referenceCount++] = value;
    }
}

/// <summary>Whether a <see cref="SnapshotVisitor{TMode}"/> takes or restores: a type argument, so each direction compiles to its own straight-line
/// code.</summary>
internal interface ISnapshotMode
{
    /// <summary>Gets a value indicating whether the visitor restores (rather than takes) the snapshot.</summary>
    static abstract bool Restoring { get; }
}

/// <summary>Takes a snapshot.</summary>
internal readonly struct CaptureMode : ISnapshotMode
{
    /// <inheritdoc/>
    public static bool Restoring => false;
}

/// <summary>Restores a snapshot.</summary>
internal readonly struct RestoreMode : ISnapshotMode
{
    /// <inheritdoc/>
    public static bool Restoring => true;
}

/// <summary>Takes or restores a <see cref="StateSnapshot"/>; every optional group's contents are captured, and its presence is restored as it was.</summary>
/// <typeparam name="TMode"><see cref="CaptureMode"/> or <see cref="RestoreMode"/>.</typeparam>
internal readonly ref struct SnapshotVisitor<TMode> : IStateVisitor
    where TMode : struct, ISnapshotMode
{
    private readonly StateSnapshot _snapshot;

    public SnapshotVisitor(StateSnapshot snapshot, int version)
    {
        _snapshot = snapshot;
        Version = version;
    }

    public VisitDirection Direction => TMode.Restoring ? VisitDirection.Load : VisitDirection.Save;

    public int Version { get; }

    public void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> => Scalar(field, ref value);

    public void Field(FieldSpec<bool> field, ref bool value) => Scalar(field, ref value);

    public void Field(FieldSpec<string> field, ref string value)
    {
        if (field.ExistsIn(Version))
        {
            _snapshot.Reference(ref value, TMode.Restoring);
        }
    }

    public void Field(FieldSpec<byte[]> field, ref byte[] value)
    {
        if (field.ExistsIn(Version))
        {
            _snapshot.Reference(ref value, TMode.Restoring);
        }
    }

    public void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (field.ExistsIn(Version))
        {
            _snapshot.Bytes(values, TMode.Restoring);
        }
    }

    public bool BeginStruct(StructSpec field) => field.ExistsIn(Version);

    public void EndStruct()
    {
    }

    public int BeginList(ListSpec field, int count)
    {
        if (!field.ExistsIn(Version))
        {
            return -1;
        }

        if (TMode.Restoring)
        {
            return _snapshot.Read<int>();
        }

        _snapshot.Write(count);
        return count;
    }

    public void BeginElement()
    {
    }

    public void EndElement()
    {
    }

    public void EndList()
    {
    }

    public OptionalGroup BeginOptional(OptionalSpec field, bool needed) =>
        !field.ExistsIn(Version) ? OptionalGroup.NotInVersion : _snapshot.BeginGroup(needed, TMode.Restoring);

    public void EndOptional() => _snapshot.EndGroup(TMode.Restoring);

    public void Blob(BlobSpec field, IBlobState blob)
    {
        // Blobs are staged by the device (IBlobState.Load, then CommitLoad or AbortLoad), not copied.
    }

    private void Scalar<T>(FieldSpec field, ref T value)
        where T : unmanaged
    {
        if (!field.ExistsIn(Version))
        {
            return;
        }

        if (TMode.Restoring)
        {
            value = _snapshot.Read<T>();
        }
        else
        {
            _snapshot.Write(value);
        }
    }
}

/// <summary>A per-thread snapshot, reused so that taking one allocates nothing in steady state.</summary>
internal static class ThreadSnapshot
{
    [ThreadStatic]
    private static StateSnapshot? _cached;

    public static StateSnapshot Value => _cached ??= new StateSnapshot();
}
