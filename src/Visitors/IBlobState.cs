using System.IO;

namespace MigrationFormat.Visitors;

/// <summary>
/// A device's opaque state that travels as a blob in bounded segments (a VFIO or vhost-user back-end's state),
/// never held whole by the library.
/// </summary>
/// <remarks>
/// Loading is staged so that a load stays all or nothing: <see cref="Load"/> receives the bytes,
/// then exactly one of <see cref="CommitLoad"/> (the whole device loaded) or <see cref="AbortLoad"/>
/// (the device load failed, here or in a later field) follows.
/// </remarks>
public interface IBlobState
{
    /// <summary>Opens the current state for saving; the library reads it to the end and disposes it.</summary>
    /// <returns>A readable stream.</returns>
    Stream OpenRead();

    /// <summary>Receives incoming state; read <paramref name="source"/> to its end and stage what it gives.</summary>
    /// <param name="source">The incoming bytes, delivered segment by segment; it throws <see cref="MigrationFormatException"/> on bad input.</param>
    void Load(Stream source);

    /// <summary>Makes the staged state current: the device load succeeded.</summary>
    void CommitLoad();

    /// <summary>Drops the staged state: the device load failed.</summary>
    void AbortLoad();
}
