using System;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// The destination side of a VFIO device's migration, in the shape a migration session drives an iterative device:
/// <see cref="BeginLoad"/> moves to RESUMING, <see cref="WriteLoadData"/> passes the source's bytes in any pieces,
/// <see cref="FinishLoad"/> leaves RESUMING (the device validates), and <see cref="EndLoad"/> keeps the result or
/// resets the device.
/// </summary>
public sealed class VfioLoadChannel
{
    private IVfioDataFile? _stream;

    /// <summary>Creates the destination side for <paramref name="device"/>.</summary>
    /// <param name="device">The device, in RUNNING or STOP.</param>
    public VfioLoadChannel(IVfioMigrationDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
    }

    /// <summary>Gets the device.</summary>
    public IVfioMigrationDevice Device { get; }

    /// <summary>Gets a value indicating whether the source has said its initial data is all sent (<see cref="CompleteInitialData"/>).</summary>
    public bool InitialDataComplete { get; private set; }

    /// <summary>Gets the number of bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Starts loading: the device goes to RESUMING and opens its resuming stream.</summary>
    /// <exception cref="VfioStateException">The device refused the state change.</exception>
    public void BeginLoad()
    {
        if (_stream is not null)
        {
            throw new InvalidOperationException("Loading has already begun.");
        }

        _stream = Device.SetState(VfioDeviceState.Resuming)
            ?? throw new VfioStateException("The device entered RESUMING without opening a data stream.", Device.State);
    }

    /// <summary>Passes the next bytes of the source's stream to the device.</summary>
    /// <param name="data">The bytes.</param>
    /// <exception cref="MigrationFormatException">The device rejects the stream (another device or version, or too much data).</exception>
    public void WriteLoadData(ReadOnlySpan<byte> data)
    {
        IVfioDataFile stream = _stream ?? throw new InvalidOperationException("Call BeginLoad first.");
        stream.Write(data);
        BytesWritten += data.Length;
    }

    /// <summary>
    /// The source has sent all its initial data (QEMU's <c>VFIO_MIG_FLAG_DEV_INIT_DATA_SENT</c>): the destination may acknowledge the switchover for this
    /// device.
    /// </summary>
    /// <exception cref="InvalidOperationException">Loading has not begun, or the mark came twice.</exception>
    public void CompleteInitialData()
    {
        if (_stream is null)
        {
            throw new InvalidOperationException("The initial data cannot be complete before loading has begun.");
        }

        if (InitialDataComplete)
        {
            throw new InvalidOperationException("The source marked its initial data complete twice.");
        }

        InitialDataComplete = true;
    }

    /// <summary>The whole stream has arrived: RESUMING to STOP, where the device checks and takes it.</summary>
    /// <exception cref="MigrationFormatException">The data is incomplete or invalid; the device is in ERROR.</exception>
    public void FinishLoad()
    {
        if (_stream is null)
        {
            throw new InvalidOperationException("Call BeginLoad first.");
        }

        Device.SetState(VfioDeviceState.Stop);
        _stream.Dispose();
        _stream = null;
    }

    /// <summary>
    /// Ends the load: keeps the loaded state (the device stays in STOP until the guest runs), or resets the device when the migration failed.
    /// </summary>
    /// <param name="commit"><see langword="true"/> when the whole migration succeeded.</param>
    public void EndLoad(bool commit)
    {
        _stream?.Dispose();
        _stream = null;
        if (!commit || Device.State != VfioDeviceState.Stop)
        {
            // Only a reset aborts RESUMING; it also drops a state taken before another device failed.
            Device.Reset();
        }
    }
}
