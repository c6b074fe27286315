using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MigrationFormat.Session;

/// <summary>
/// The receiving side of a migration: answers the source's offer, stages iterative devices' data and acknowledges their
/// initial data, loads every device's section, and commits all of them together only after the source's completion
/// (with checksums when negotiated). On any failure every device is as it was before the session, and the source is
/// told why. Over a one-way transport (a file) it reads the same stream and answers nothing.
/// </summary>
public sealed class MigrationDestination
{
    private readonly IReadOnlyList<SessionDevice> _devices;
    private readonly SessionOptions _options;

    /// <summary>Creates a destination.</summary>
    /// <param name="devices">The devices to load into; names (<c>id#instance</c>) are unique.</param>
    /// <param name="options">Timeouts, supported capabilities, versions to ask for; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">Two devices have the same name.</exception>
    public MigrationDestination(IReadOnlyList<SessionDevice> devices, SessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(devices);
        _options = options ?? new SessionOptions();
        _options.Validate();
        SessionDevice.CheckNamesUnique(devices);

        _devices = devices;
    }

    /// <summary>Runs the migration over <paramref name="transport"/>, which must be able to read.</summary>
    /// <param name="transport">A duplex transport (answers and acknowledgements go back) or a one-way one that reads.</param>
    /// <param name="cancellation">Cancels the migration: the source is told, and nothing changes here.</param>
    /// <returns>What the migration did, once every device has committed.</returns>
    /// <exception cref="MigrationSessionException">The migration failed; every device is as it was. The message names the phase and the device.</exception>
    public async Task<MigrationResult> RunAsync(SessionTransport transport, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        if (transport.Input is null)
        {
            throw new ArgumentException("A destination needs a transport it can read from.", nameof(transport));
        }

        using var run = new DestinationRun(_devices, _options, transport, cancellation);
        return await run.RunAsync().ConfigureAwait(false);
    }
}
