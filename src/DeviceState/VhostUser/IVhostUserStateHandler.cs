using System.IO;

namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>A back-end's state as <see cref="VhostUserBackEnd"/> transfers it: written out on a save, taken in on a load.</summary>
/// <remarks>Both methods run on a worker thread while the connection keeps serving messages.</remarks>
public interface IVhostUserStateHandler
{
    /// <summary>Writes the back-end's whole state.</summary>
    /// <param name="destination">The transfer channel; closed by the caller afterwards, which ends the transfer.</param>
    void SaveState(Stream destination);

    /// <summary>Reads the incoming state to its end and takes it, all or nothing.</summary>
    /// <param name="source">The transfer channel; its end is the end of the state.</param>
    /// <exception cref="MigrationFormatException">The state is invalid or incomplete; the back-end keeps its previous state.</exception>
    void LoadState(Stream source);
}
