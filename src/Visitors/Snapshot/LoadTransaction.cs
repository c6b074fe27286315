using System;
using System.Collections.Generic;

namespace MigrationFormat.Visitors;

/// <summary>
/// One device load, all or nothing, whatever the format: the device's fields are copied before the load, the
/// device's <see cref="IStateHooks.PreLoad"/> runs, blobs the load delivers are staged, and the load ends in exactly
/// one of <see cref="Commit"/> (post-load hook, then every staged blob made current) or <see cref="Abort"/> (fields
/// put back, every staged blob dropped). A fast attempt that gives up calls <see cref="Rewind"/> before the general
/// path starts over.
/// </summary>
/// <remarks>
/// The BER serializer, the BER stream reader and the legacy serializer each keep one and reuse it, so a load
/// allocates nothing in steady state; a whole-stream load keeps one per section until the stream has been verified.
/// </remarks>
internal sealed class LoadTransaction
{
    private readonly StateSnapshot _snapshot = new();
    private readonly List<IBlobState> _staged = [];
    private IDeviceState? _device;
    private int _sourceVersion;
    private bool _prepared;

    /// <summary>Gets the device being loaded, or <see langword="null"/> when no load is open.</summary>
    public IDeviceState? Device => _device;

    /// <summary>Opens a load of <paramref name="device"/> from state saved by <paramref name="sourceVersion"/>.</summary>
    public void Begin(IDeviceState device, int sourceVersion)
    {
        if (_device is not null)
        {
            throw new InvalidOperationException($"A load of '{_device.Type.Id}' is still open; commit or abort it first.");
        }

        _snapshot.Capture(device, device.Version);
        _staged.Clear();
        _device = device;
        _sourceVersion = sourceVersion;
        (device as IStateHooks)?.PreLoad();
    }

    /// <summary>Puts the device back as it was when the load began, so that another path can load it from the start.</summary>
    public void Rewind()
    {
        IDeviceState device = Open();
        _snapshot.Restore(device, device.Version);
        DropStaged();
        (device as IStateHooks)?.PreLoad();
    }

    /// <summary>Takes a blob whose incoming state the load has delivered: it is made current only on commit.</summary>
    public void Stage(IBlobState blob) => _staged.Add(blob);

    /// <summary>Ends the load successfully: the post-load hook runs, then every staged blob is made current.</summary>
    /// <exception cref="MigrationFormatException">The device's post-load hook rejected the state; the device is as it was.</exception>
    public void Commit()
    {
        Prepare();
        Complete();
    }

    /// <summary>
    /// The first half of <see cref="Commit"/>, for loads that take effect together: the post-load hook runs and the
    /// load stays open, to end in <see cref="Complete"/> or <see cref="Revert"/>.
    /// </summary>
    /// <exception cref="MigrationFormatException">The device's post-load hook rejected the state; the device is as it was.</exception>
    public void Prepare()
    {
        IDeviceState device = Open();
        try
        {
            (device as IStateHooks)?.PostLoad(_sourceVersion);
        }
        catch
        {
            Abort();
            throw;
        }

        _prepared = true;
    }

    /// <summary>The second half of <see cref="Commit"/>: every staged blob is made current and the load ends.</summary>
    public void Complete()
    {
        Open();
        foreach (IBlobState blob in _staged)
        {
            blob.CommitLoad();
        }

        _staged.Clear();
        _device = null;
        _prepared = false;
    }

    /// <summary>
    /// Ends an open load unsuccessfully, prepared or not: the fields are put back and staged blobs dropped. When the
    /// post-load hook already ran over the loaded fields, it runs again over the restored ones, so that the live state
    /// it derives matches them again.
    /// </summary>
    public void Revert()
    {
        IDeviceState? device = _device;
        bool prepared = _prepared;
        Abort();
        if (prepared && device is IStateHooks hooks)
        {
            try
            {
                hooks.PostLoad(device.Version);
            }
            catch (MigrationFormatException)
            {
                // The device held exactly these fields before the load, so its hook accepted them then; a refusal
                // now must not hide the failure that is being reported.
            }
        }
    }

    /// <summary>Ends the load unsuccessfully: the device's fields are put back and every staged blob is dropped.</summary>
    public void Abort()
    {
        if (_device is null)
        {
            return;
        }

        _snapshot.Restore(_device, _device.Version);
        DropStaged();
        _device = null;
        _prepared = false;
    }

    private void DropStaged()
    {
        foreach (IBlobState blob in _staged)
        {
            blob.AbortLoad();
        }

        _staged.Clear();
    }

    private IDeviceState Open() => _device ?? throw new InvalidOperationException("No load is open.");
}

/// <summary>Runs a device's <see cref="IStateHooks.PreSave"/> before any save visit.</summary>
internal static class SaveHooks
{
    /// <summary>Calls <paramref name="device"/>'s pre-save hook, when it has one.</summary>
    public static void BeforeSave(IVisitable device) => (device as IStateHooks)?.PreSave();
}
