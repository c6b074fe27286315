using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MigrationFormat.Session;

/// <summary>
/// The sending side of a migration: offers its devices, runs pre-copy rounds for iterative ones while the guest runs,
/// waits for the switchover acknowledgement where negotiated, stops the guest, sends every device's final state and
/// the trailer, and waits until the destination has committed. Over a one-way transport (a file) it writes the same
/// stream without waiting for anything.
/// </summary>
public sealed class MigrationSource
{
    private readonly IReadOnlyList<SessionDevice> _devices;
    private readonly SessionOptions _options;

    /// <summary>Creates a source.</summary>
    /// <param name="devices">The devices to migrate, in the order their sections are sent; names (<c>id#instance</c>) are unique.</param>
    /// <param name="options">Timeouts, thresholds, capabilities; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">Two devices have the same name.</exception>
    public MigrationSource(IReadOnlyList<SessionDevice> devices, SessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(devices);
        _options = options ?? new SessionOptions();
        _options.Validate();
        SessionDevice.CheckNamesUnique(devices);

        _devices = devices;
    }

    /// <summary>Runs the migration over <paramref name="transport"/>, which must be able to write.</summary>
    /// <param name="transport">A duplex transport (with a return path) or a one-way one that writes.</param>
    /// <param name="cancellation">Cancels the migration: the destination is told, and nothing changes there.</param>
    /// <returns>What the migration did, once the destination has committed (or, one-way, once the stream is written).</returns>
    /// <exception cref="MigrationSessionException">The migration failed; the message names the phase and the device.</exception>
    public async Task<MigrationResult> RunAsync(SessionTransport transport, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        if (transport.Output is null)
        {
            throw new ArgumentException("A source needs a transport it can write to.", nameof(transport));
        }

        using var run = new SourceRun(_devices, _options, transport, cancellation);
        return await run.RunAsync().ConfigureAwait(false);
    }
}
