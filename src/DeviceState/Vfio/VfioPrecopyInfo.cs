namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// What a device in pre-copy reports as pending (<c>struct vfio_precopy_info</c>, read with
/// <c>VFIO_MIG_GET_PRECOPY_INFO</c>): the initial data still to read, which should shrink to zero before the switch to
/// STOP_COPY, and the state dirtied since it was read.
/// </summary>
/// <param name="InitialBytes">Bytes of initial data not yet read.</param>
/// <param name="DirtyBytes">Bytes of state changed after it was read; an estimate, it may grow while the device runs.</param>
public readonly record struct VfioPrecopyInfo(ulong InitialBytes, ulong DirtyBytes)
{
    /// <summary>Gets the sum of initial and dirty bytes.</summary>
    public ulong Total => InitialBytes + DirtyBytes;
}
