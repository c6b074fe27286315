using System;
using System.Buffers;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>
/// Saves and loads one device's state as a single BER value, <c>[APPLICATION 2] { fields }</c>, for callers that
/// frame device state themselves; <see cref="MigrationStreamWriter"/> and <see cref="MigrationStreamReader"/>
/// frame it in a whole stream. Loads are all or nothing.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Design",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The input source is over memory: it rents nothing and its Dispose does nothing.")]
public sealed class BerDeviceSerializer
{
    private readonly LoadTransaction _transaction = new();
    private readonly BerLoadOptions _options;
    private readonly BerInputSource _input;
    private readonly BerLoadSession _session;

    /// <summary>Creates a serializer; keep it to reuse its buffers across loads.</summary>
    /// <param name="options">Limits for loads.</param>
    public BerDeviceSerializer(BerLoadOptions options = default)
    {
        _options = options;

        // Reused by every load, so that a steady-state load allocates nothing.
        _input = new BerInputSource(ReadOnlyMemory<byte>.Empty, options.Reader);
        _session = new BerLoadSession(_input, options) { Transaction = _transaction };
    }

    /// <summary>Gets or sets a value indicating whether loads try the optimistic same-version path first.</summary>
    internal bool Optimistic
    {
        get => _session.Optimistic;
        set => _session.Optimistic = value;
    }

    /// <summary>Writes <paramref name="device"/>'s state at the version it runs as.</summary>
    /// <param name="device">The device.</param>
    /// <param name="output">Where the value goes.</param>
    public static void Save(IDeviceState device, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(device);
        var visitor = new BerOutputVisitor(output, device.Version);
        try
        {
            visitor.Writer.PushIndefinite(MigrationStreamFormat.EncodedStateTag);
            SaveHooks.BeforeSave(device);
            device.Visit(ref visitor);
            visitor.Writer.PopConstructed();
        }
        finally
        {
            visitor.Dispose();
        }
    }

    /// <summary>Loads a state value saved by version <paramref name="streamVersion"/> into <paramref name="device"/>, all or nothing.</summary>
    /// <param name="device">The destination, running as the version it loads as.</param>
    /// <param name="data">Exactly one state value.</param>
    /// <param name="streamVersion">The version the state was saved with.</param>
    /// <returns>The load report; valid until the next load with this serializer.</returns>
    /// <exception cref="MigrationFormatException">The value cannot be loaded; <paramref name="device"/> is unchanged.</exception>
    public LoadReport Load(IDeviceState device, ReadOnlyMemory<byte> data, int streamVersion)
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

        BerInputSource input = _input;
        BerLoadSession session = _session;
        _transaction.Begin(device, streamVersion);
        try
        {
            bool triedInPlace = false;
            if (session.Optimistic && streamVersion == device.Version)
            {
                // The common case, a state saved by this very version, read straight from the span. Anything
                // unexpected puts the device back and leaves the verdict (and the error, with its offset and path)
                // to the general path.
                triedInPlace = true;
                if (TryLoadInPlace(device, data.Span))
                {
                    session.Report.Clear();
                    _transaction.Commit();
                    return session.Report;
                }

                _transaction.Rewind();
            }

            StateLayout layout = StateLayout.For(device.Configuration);
            input.Reset(data, _options.Reader);
            if (!input.Peek() || input.TokenType != BerTokenType.StartConstructed || input.Tag != MigrationStreamFormat.StateTag)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    $"Expected a device state {MigrationStreamFormat.StateTag}.",
                    input.TokenOffset,
                    null,
                    device.Type.Id,
                    streamVersion,
                    device.Version);
            }

            input.Accept();
            session.Begin(device.Type.Id, layout, streamVersion);
            session.VisitState(device, optimistic: !triedInPlace);
            session.End();
            if (input.Peek())
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.InvalidEncoding,
                    "Bytes follow the device state.",
                    input.TokenOffset,
                    null,
                    device.Type.Id,
                    streamVersion,
                    device.Version);
            }
        }
        catch
        {
            _transaction.Abort();
            throw;
        }

        _transaction.Commit();
        return session.Report;
    }

    /// <summary>Loads <c>62 80 fields 00 00</c> and nothing after it, when the fields are exactly the device's own.</summary>
    private static bool TryLoadInPlace(IDeviceState device, ReadOnlySpan<byte> state)
    {
        EncodedTag tag = MigrationStreamFormat.EncodedStateTag;
        if (tag.Length != 1 || state.Length < 4 || state[0] != tag.FirstOctet || state[1] != 0x80)
        {
            return false;
        }

        ReadOnlySpan<byte> fields = state.Slice(2);
        return BerFastInputVisitor.TryLoad(device, fields, out int used) && used == fields.Length - 2;
    }
}
