using System;
using MigrationFormat.DeviceState.Vfio;
using MigrationFormat.Visitors;

namespace MigrationFormat.Session;

/// <summary>
/// A VFIO device in a migration session: the VMM's own fields of the device (its section) and, as the iterative data,
/// the opaque stream the device's migration uAPI produces, driven through <see cref="VfioSaveChannel"/> on the source
/// and <see cref="VfioLoadChannel"/> on the destination. Pre-copy runs in PRE_COPY while the guest runs, reporting the
/// device's initial and dirty bytes; the stop moves the device to STOP_COPY, where the stream continues to its end.
/// </summary>
/// <remarks>
/// <para>
/// The switchover acknowledgement follows QEMU's rule for VFIO: only a device with pre-copy takes part, the source
/// marks its initial data sent once the bytes read in pre-copy cover the initial bytes the device reported, and the
/// destination acknowledges once it has written that data into the resuming device.
/// </para>
/// <para>
/// On the destination nothing is current before the commit: the device stays in RESUMING until the whole stream has
/// arrived, leaves it (and validates the data) when the source's stream is complete, and is reset when the migration
/// fails, the kernel's only way out of RESUMING. A destination's device that has not run yet is in its reset state
/// before the migration, so a failed migration leaves it as it was.
/// </para>
/// </remarks>
public sealed class VfioSessionDevice : IIterativeDevice, IStateHooks
{
    private readonly IDeviceState _fields;
    private readonly bool _switchoverAck;
    private VfioSaveChannel? _save;
    private VfioLoadChannel? _load;
    private bool _stopped;
    private long _dataBytes;

    /// <summary>Creates the session's view of a VFIO device.</summary>
    /// <param name="fields">The VMM's own state of the device (its PCI configuration, for one), sent as its section.</param>
    /// <param name="device">The device behind the migration uAPI.</param>
    /// <param name="switchoverAck">
    /// Whether this side supports the switchover acknowledgement for the device; it takes part only when the device
    /// also has pre-copy.
    /// </param>
    public VfioSessionDevice(IDeviceState fields, IVfioMigrationDevice device, bool switchoverAck = true)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(device);
        if (fields is IIterativeDevice)
        {
            throw new ArgumentException("The device's fields are a plain device; its data stream is the VFIO device's.", nameof(fields));
        }

        _fields = fields;
        Device = device;
        _switchoverAck = switchoverAck;
    }

    /// <summary>Gets the device behind the migration uAPI.</summary>
    public IVfioMigrationDevice Device { get; }

    /// <summary>Gets the VMM's own state of the device, sent as its section.</summary>
    public IDeviceState Fields => _fields;

    /// <summary>Gets the number of bytes of the device's stream read (source) or written (destination) in the last or current session.</summary>
    public long DataBytes => _dataBytes;

    /// <inheritdoc/>
    public DeviceType Type => _fields.Type;

    /// <inheritdoc/>
    public int Version => _fields.Version;

    /// <inheritdoc/>
    public bool SupportsSwitchoverAck => _switchoverAck && (Device.Features & VfioMigrationFeatures.PreCopy) != 0;

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct => _fields.Visit(ref visitor);

    /// <inheritdoc/>
    public void PreSave() => (_fields as IStateHooks)?.PreSave();

    /// <inheritdoc/>
    public void PreLoad() => (_fields as IStateHooks)?.PreLoad();

    /// <inheritdoc/>
    public void PostLoad(int sourceVersion) => (_fields as IStateHooks)?.PostLoad(sourceVersion);

    /// <inheritdoc/>
    /// <exception cref="VfioStateException">The device refused PRE_COPY.</exception>
    public void BeginSave()
    {
        if (_save is not null)
        {
            throw new InvalidOperationException("Saving has already begun.");
        }

        var save = new VfioSaveChannel(Device);
        save.BeginSave();
        _save = save;
        _stopped = false;
        _dataBytes = 0;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// In pre-copy, the device's report, with the initial bytes counted as sent once the bytes read cover what the
    /// device first reported (QEMU's rule); after the stop, the device's estimate of what stop-copy still produces.
    /// </remarks>
    public PendingBytes QueryPending()
    {
        VfioSaveChannel save = _save ?? throw new InvalidOperationException("Call BeginSave first.");
        if (_stopped)
        {
            return save.IsComplete ? default : new PendingBytes(0, (long)Math.Min(save.StopCopySize(), long.MaxValue));
        }

        VfioPrecopyInfo info = save.QueryPending();
        long initial = save.InitialDataComplete ? 0 : (long)Math.Min(info.InitialBytes, long.MaxValue);
        return new PendingBytes(initial, (long)Math.Min(info.DirtyBytes, long.MaxValue));
    }

    /// <inheritdoc/>
    public int ReadSaveData(Span<byte> destination)
    {
        VfioSaveChannel save = _save ?? throw new InvalidOperationException("Call BeginSave first.");
        int read = save.ReadSaveData(destination);
        _dataBytes += read;
        return read;
    }

    /// <inheritdoc/>
    /// <exception cref="VfioStateException">The device refused STOP_COPY.</exception>
    public void StopAndCopy()
    {
        VfioSaveChannel save = _save ?? throw new InvalidOperationException("Call BeginSave first.");
        save.StopAndCopy();
        _stopped = true;
    }

    /// <inheritdoc/>
    /// <remarks>The device goes to STOP after a migration, back to RUNNING after a failure (through a reset from ERROR).</remarks>
    public void EndSave(bool migrated)
    {
        VfioSaveChannel? save = _save;
        _save = null;
        _stopped = false;
        save?.EndSave(resume: !migrated);
    }

    /// <inheritdoc/>
    /// <exception cref="VfioStateException">The device refused RESUMING.</exception>
    public void BeginLoad()
    {
        if (_load is not null)
        {
            throw new InvalidOperationException("Loading has already begun.");
        }

        var load = new VfioLoadChannel(Device);
        load.BeginLoad();
        _load = load;
        _dataBytes = 0;
    }

    /// <inheritdoc/>
    public void WriteLoadData(ReadOnlySpan<byte> data)
    {
        VfioLoadChannel load = _load ?? throw new InvalidOperationException("Call BeginLoad first.");
        load.WriteLoadData(data);
        _dataBytes += data.Length;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The resuming device has taken every byte written so far, and checked each as it arrived; like QEMU on
    /// <c>VFIO_MIG_FLAG_DEV_INIT_DATA_SENT</c>, the acknowledgement follows at once.
    /// </remarks>
    public void CompleteInitialData()
    {
        VfioLoadChannel load = _load ?? throw new InvalidOperationException("Call BeginLoad first.");
        load.CompleteInitialData();
    }

    /// <inheritdoc/>
    /// <remarks>RESUMING to STOP: the device validates the whole stream; invalid data leaves it in ERROR until <see cref="EndLoad"/> resets it.</remarks>
    public void FinishLoad()
    {
        VfioLoadChannel load = _load ?? throw new InvalidOperationException("Call BeginLoad first.");
        load.FinishLoad();
    }

    /// <inheritdoc/>
    public void EndLoad(bool commit)
    {
        VfioLoadChannel? load = _load;
        _load = null;
        if (load is null)
        {
            return;
        }

        try
        {
            load.EndLoad(commit);
        }
        catch (VfioStateException)
        {
            // The device could not take the arc it was asked for; a reset is always possible and leaves it as before.
            Device.Reset();
        }
    }
}
