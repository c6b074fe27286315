using System;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// A VFIO migration data file (the <c>data_fd</c> a state change returns), carrying the data stream: read while saving, written while resuming.
/// Its bytes are opaque; only their order matters, not how they are cut into reads or writes.
/// </summary>
/// <remarks>
/// The stream stops working (<see cref="ObjectDisposedException"/>) when an arc ends its session: PRE_COPY to RUNNING,
/// STOP_COPY to STOP, RESUMING to STOP, or a reset.
/// </remarks>
public interface IVfioDataFile : IDisposable
{
    /// <summary>Gets a value indicating whether this stream saves (is read) rather than resumes (is written).</summary>
    bool IsSaving { get; }

    /// <summary>Reads the next bytes of a saving stream.</summary>
    /// <param name="buffer">Where they go.</param>
    /// <param name="bytesRead">How many were read; 0 unless the status is <see cref="VfioReadStatus.Data"/>.</param>
    /// <returns>Whether bytes came, nothing is pending for now (pre-copy), or the stream is complete (STOP_COPY).</returns>
    /// <exception cref="InvalidOperationException">The stream resumes.</exception>
    /// <exception cref="ObjectDisposedException">The session has ended.</exception>
    VfioReadStatus Read(Span<byte> buffer, out int bytesRead);

    /// <summary>Writes the next bytes of a resuming stream; the device may reject them as soon as they show the stream is not for it.</summary>
    /// <param name="data">The bytes, in any segmentation.</param>
    /// <exception cref="MigrationFormatException">
    /// The bytes are not a valid stream for this device (its header names another device or version, or more arrives than the stream can hold).
    /// </exception>
    /// <exception cref="InvalidOperationException">The stream saves.</exception>
    /// <exception cref="ObjectDisposedException">The session has ended.</exception>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>Reports the pending initial and dirty bytes (<c>VFIO_MIG_GET_PRECOPY_INFO</c>).</summary>
    /// <returns>The counts.</returns>
    /// <exception cref="InvalidOperationException">The device is not in PRE_COPY or PRE_COPY_P2P (the kernel's <c>EINVAL</c>).</exception>
    VfioPrecopyInfo GetPrecopyInfo();
}
