using System;
using System.Collections.Generic;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>
/// Loads the states of several devices, each from one BER state value, and makes them take effect together or not
/// at all: every load stays open until <see cref="Commit"/>, which runs every post-load hook before any staged blob is
/// made current, or <see cref="Abort"/>, which puts every device back as it was. A migration session uses it to hold
/// the devices until the source has said that the migration is complete.
/// </summary>
/// <remarks>
/// The batch keeps its transactions and its input buffers, so a steady-state load allocates nothing; it is reused by
/// starting the next batch after a commit or an abort.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Design",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The input source is over memory: it rents nothing and its Dispose does nothing.")]
public sealed class DeviceLoadBatch
{
    private readonly List<LoadTransaction> _transactions = [];
    private readonly BerLoadOptions _options;
    private readonly BerInputSource _input;
    private readonly BerLoadSession _session;
    private int _open;

    /// <summary>Creates a batch; keep it to reuse its buffers across loads.</summary>
    /// <param name="options">Limits for loads.</param>
    public DeviceLoadBatch(BerLoadOptions options = default)
    {
        _options = options;
        _input = new BerInputSource(ReadOnlyMemory<byte>.Empty, options.Reader);
        _session = new BerLoadSession(_input, options);
    }

    /// <summary>Gets the number of devices loaded and not yet committed or aborted.</summary>
    public int Count => _open;

    /// <summary>
    /// Loads a state value saved by version <paramref name="streamVersion"/> into <paramref name="device"/>; the device
    /// takes the state for good only when the batch commits.
    /// </summary>
    /// <param name="device">The destination, running as the version it loads as.</param>
    /// <param name="state">Exactly one state value, <c>[APPLICATION 2] { fields }</c>.</param>
    /// <param name="streamVersion">The version the state was saved with.</param>
    /// <returns>The load report; valid until the next load with this batch.</returns>
    /// <exception cref="MigrationFormatException">
    /// The value cannot be loaded; <paramref name="device"/> is as it was, and the devices loaded before stay pending.
    /// </exception>
    public LoadReport Load(IDeviceState device, ReadOnlyMemory<byte> state, int streamVersion)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (streamVersion < device.Type.MinimumVersion)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnsupportedVersion,
                $"Version {streamVersion} is older than the oldest version {device.Type.MinimumVersion} the destination loads.",
                0,
                null,
                device.Type.Id,
                streamVersion,
                device.Version);
        }

        if (_open == _transactions.Count)
        {
            _transactions.Add(new LoadTransaction());
        }

        LoadTransaction transaction = _transactions[_open];
        transaction.Begin(device, streamVersion);
        try
        {
            StateLayout layout = StateLayout.For(device.Type, device.Version);
            _input.Reset(state, _options.Reader);
            if (!_input.Peek() || _input.TokenType != BerTokenType.StartConstructed || _input.Tag != MigrationStreamFormat.StateTag)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    $"Expected a device state {MigrationStreamFormat.StateTag}.",
                    _input.TokenOffset,
                    null,
                    device.Type.Id,
                    streamVersion,
                    device.Version);
            }

            _input.Accept();
            _session.Transaction = transaction;
            _session.Begin(device.Type.Id, layout, streamVersion);
            _session.VisitState(device);
            _session.End();
            if (_input.Peek())
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.InvalidEncoding,
                    "Bytes follow the device state.",
                    _input.TokenOffset,
                    null,
                    device.Type.Id,
                    streamVersion,
                    device.Version);
            }
        }
        catch
        {
            transaction.Abort();
            throw;
        }

        _open++;
        return _session.Report;
    }

    /// <summary>
    /// Makes every loaded device take its new state: first every post-load hook runs, then every staged blob is made
    /// current. When a hook rejects its state, every device of the batch is put back as it was.
    /// </summary>
    /// <exception cref="MigrationFormatException">A post-load hook rejected its device's state; no device changed.</exception>
    public void Commit()
    {
        int prepared = 0;
        try
        {
            for (; prepared < _open; prepared++)
            {
                _transactions[prepared].Prepare();
            }
        }
        catch
        {
            // The device whose hook failed has already put itself back; the rest go back newest first.
            for (int i = _open - 1; i >= 0; i--)
            {
                if (i != prepared)
                {
                    _transactions[i].Revert();
                }
            }

            _open = 0;
            throw;
        }

        for (int i = 0; i < _open; i++)
        {
            _transactions[i].Complete();
        }

        _open = 0;
    }

    /// <summary>Puts every device loaded since the last commit back as it was, newest first (a device loaded twice goes back through each load).</summary>
    public void Abort()
    {
        for (int i = _open - 1; i >= 0; i--)
        {
            _transactions[i].Revert();
        }

        _open = 0;
    }
}
