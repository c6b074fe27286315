using System;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// The source side of a VFIO device's migration, in the shape a migration session drives an iterative device:
/// <see cref="BeginSave"/> opens pre-copy while the device runs (when it has the feature), <see cref="ReadSaveData"/>
/// takes the stream in rounds, <see cref="QueryPending"/> reports initial and dirty bytes, <see cref="StopAndCopy"/>
/// moves to STOP_COPY, and <see cref="EndSave"/> closes the session.
/// </summary>
/// <remarks>
/// <see cref="InitialDataComplete"/> follows QEMU's rule for the switchover acknowledgement: it turns true once the
/// bytes read in pre-copy have covered the initial bytes the device reported (QEMU then sends
/// <c>VFIO_MIG_FLAG_DEV_INIT_DATA_SENT</c>). A device without pre-copy sends everything after the stop and never needs
/// the acknowledgement.
/// </remarks>
public sealed class VfioSaveChannel
{
    private IVfioDataFile? _stream;
    private ulong _initialLeft;
    private bool _ended;

    /// <summary>Creates the source side for <paramref name="device"/>.</summary>
    /// <param name="device">The device, normally in RUNNING (or RUNNING_P2P) when saving starts, or STOP for a stopped guest.</param>
    public VfioSaveChannel(IVfioMigrationDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
    }

    /// <summary>Gets the device.</summary>
    public IVfioMigrationDevice Device { get; }

    /// <summary>Gets a value indicating whether this save uses pre-copy (the device has the feature and was running at <see cref="BeginSave"/>).</summary>
    public bool UsesPreCopy { get; private set; }

    /// <summary>Gets a value indicating whether every initial byte has been read in pre-copy.</summary>
    public bool InitialDataComplete { get; private set; }

    /// <summary>Gets a value indicating whether the stream has been read to its end after the stop.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Gets the number of bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Starts the save: RUNNING to PRE_COPY (or RUNNING_P2P to PRE_COPY_P2P) when the device has pre-copy; otherwise nothing moves until <see
    /// cref="StopAndCopy"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Saving has already begun.</exception>
    /// <exception cref="VfioStateException">The device refused the state change.</exception>
    public void BeginSave()
    {
        if (_stream is not null || IsComplete || UsesPreCopy)
        {
            throw new InvalidOperationException("Saving has already begun.");
        }

        VfioDeviceState state = Device.State;
        if ((Device.Features & VfioMigrationFeatures.PreCopy) == 0 || state is not (VfioDeviceState.Running or VfioDeviceState.RunningP2P))
        {
            return;
        }

        _stream = Device.SetState(state == VfioDeviceState.Running ? VfioDeviceState.PreCopy : VfioDeviceState.PreCopyP2P)
            ?? throw new VfioStateException("The device entered pre-copy without opening a data stream.", Device.State);
        UsesPreCopy = true;
        _initialLeft = _stream.GetPrecopyInfo().InitialBytes;
        InitialDataComplete = _initialLeft == 0;
    }

    /// <summary>Gets what is pending now: the device's pre-copy report while in pre-copy, zero otherwise (see <see cref="StopCopySize"/>).</summary>
    /// <returns>The initial and dirty bytes.</returns>
    public VfioPrecopyInfo QueryPending() =>
        _stream is not null && Device.State is VfioDeviceState.PreCopy or VfioDeviceState.PreCopyP2P ? _stream.GetPrecopyInfo() : default;

    /// <summary>Gets the device's estimate of the bytes still to come after the stop.</summary>
    /// <returns>The byte count.</returns>
    public ulong StopCopySize() => Device.GetStopCopySize();

    /// <summary>Reads the next bytes of the device's stream.</summary>
    /// <param name="destination">Where they go.</param>
    /// <returns>The number of bytes read; 0 when nothing is pending for now (pre-copy) or ever (after the stop, once complete).</returns>
    /// <exception cref="InvalidOperationException">
    /// No stream is open (a device without pre-copy before <see cref="StopAndCopy"/>), or the session has ended.
    /// </exception>
    public int ReadSaveData(Span<byte> destination)
    {
        if (_ended)
        {
            throw new InvalidOperationException("The saving session has ended.");
        }

        if (IsComplete || destination.IsEmpty)
        {
            return 0;
        }

        if (_stream is null)
        {
            return 0;
        }

        VfioReadStatus status = _stream.Read(destination, out int read);
        switch (status)
        {
            case VfioReadStatus.Data:
                BytesRead += read;
                if (UsesPreCopy && !InitialDataComplete)
                {
                    _initialLeft -= Math.Min(_initialLeft, (ulong)read);
                    InitialDataComplete = _initialLeft == 0;
                }

                return read;
            case VfioReadStatus.NoDataPending:
                if (Device.State == VfioDeviceState.StopCopy)
                {
                    throw new VfioStateException(
                        "The device reported no pending data in STOP_COPY, where only the end of the stream may end reading.", Device.State);
                }

                // Nothing pending means the initial data has all been read too (QEMU resets its count here).
                InitialDataComplete = true;
                _initialLeft = 0;
                return 0;
            default:
                if (Device.State != VfioDeviceState.StopCopy)
                {
                    throw new VfioStateException("The device ended its stream before STOP_COPY.", Device.State);
                }

                IsComplete = true;
                return 0;
        }
    }

    /// <summary>Stops the device and moves to STOP_COPY: the pre-copy stream continues, or a new stream opens.</summary>
    /// <exception cref="VfioStateException">The device refused the state change.</exception>
    public void StopAndCopy()
    {
        if (_ended)
        {
            throw new InvalidOperationException("The saving session has ended.");
        }

        IVfioDataFile? opened = Device.SetState(VfioDeviceState.StopCopy);
        if (opened is not null)
        {
            _stream?.Dispose();
            _stream = opened;
        }
        else if (_stream is null)
        {
            throw new VfioStateException(
                "STOP_COPY was reached without a data stream (the device was in " + VfioStates.UapiName(Device.State) + ").",
                Device.State);
        }
    }

    /// <summary>Ends the saving session: the device goes to STOP, or back to RUNNING when the migration failed and the guest resumes.</summary>
    /// <param name="resume"><see langword="true"/> to return the device to RUNNING.</param>
    public void EndSave(bool resume)
    {
        _ended = true;
        _stream?.Dispose();
        _stream = null;
        if (Device.State == VfioDeviceState.Error)
        {
            Device.Reset();
            return;
        }

        Device.SetState(resume ? VfioDeviceState.Running : VfioDeviceState.Stop);
    }
}
