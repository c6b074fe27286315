using System;
using MigrationFormat.Visitors;

namespace MigrationFormat.Session;

/// <summary>
/// A device whose state is too large to send while the guest is stopped (device memory, a VFIO device's data stream):
/// on the source it sends an opaque byte stream in rounds while the guest runs, then the rest after the stop, then its
/// fields as a section like any device; on the destination it stages those bytes and makes them current only when the
/// whole migration commits. The bytes form one stream whose segmentation means nothing: the destination may receive
/// them in pieces of any size.
/// </summary>
/// <remarks>
/// The calls follow VFIO's migration states: <see cref="BeginSave"/> (running to pre-copy), <see cref="StopAndCopy"/>
/// (pre-copy to stop-copy), <see cref="EndSave"/> (stopped after a migration, running again after a failure); <see cref="BeginLoad"/> (resuming) and
/// <see cref="EndLoad"/> (resuming to stopped, or a reset when the migration failed).
/// </remarks>
public interface IIterativeDevice : IDeviceState
{
    /// <summary>
    /// Gets a value indicating whether the device takes part in the switchover acknowledgement: a source device marks
    /// the end of its initial data, and a destination device acknowledges it once loaded, and the source does not
    /// switch over before then.
    /// </summary>
    bool SupportsSwitchoverAck { get; }

    /// <summary>Source: starts a saving session; from now on every change the guest makes is tracked.</summary>
    void BeginSave();

    /// <summary>Source: what is pending now, without side effects.</summary>
    /// <returns>The pending bytes.</returns>
    PendingBytes QueryPending();

    /// <summary>Source: copies the next bytes of the device's stream into <paramref name="destination"/>.</summary>
    /// <param name="destination">Where they go.</param>
    /// <returns>The number of bytes written; 0 when nothing is pending now (before the stop) or ever (after it).</returns>
    int ReadSaveData(Span<byte> destination);

    /// <summary>Source: the guest has stopped; what is pending now is the rest of the stream.</summary>
    void StopAndCopy();

    /// <summary>Source: the saving session is over, whether the migration succeeded or not.</summary>
    /// <param name="migrated">
    /// <see langword="true"/> when the destination took the state (the guest stays stopped here); <see langword="false"/>
    /// when the migration failed and the guest runs on here, so the device must run again.
    /// </param>
    void EndSave(bool migrated);

    /// <summary>Destination: starts a loading session; nothing is current until <see cref="EndLoad"/> commits.</summary>
    void BeginLoad();

    /// <summary>Destination: stages the next bytes of the source's stream, in pieces of any size.</summary>
    /// <param name="data">The bytes.</param>
    /// <exception cref="MigrationFormatException">The bytes are not a valid stream for this device.</exception>
    void WriteLoadData(ReadOnlySpan<byte> data);

    /// <summary>
    /// Destination: the source says all its initial data has been sent. Finish loading it (the switchover waits for
    /// this call when the acknowledgement is in use), or throw when it is incomplete.
    /// </summary>
    /// <exception cref="MigrationFormatException">The initial data is incomplete or wrong.</exception>
    void CompleteInitialData();

    /// <summary>Destination: the source has sent the whole stream; check that it is complete.</summary>
    /// <exception cref="MigrationFormatException">The stream is incomplete.</exception>
    void FinishLoad();

    /// <summary>Destination: ends the loading session; must not throw.</summary>
    /// <param name="commit"><see langword="true"/> to make the staged state current; <see langword="false"/> to drop it and leave the device as it was.</param>
    void EndLoad(bool commit);
}
