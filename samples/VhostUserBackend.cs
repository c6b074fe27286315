using System;
using System.IO;
using MigrationFormat.Visitors;

namespace MigrationFormat.Samples;

/// <summary>
/// A vhost-user back-end whose state is an opaque blob. Version 1 has the protocol features, the inflight
/// region addresses and the blob; version 2 adds the skippable last error message; version 3 adds the
/// must-parse back-end process id and the optional dirty-log group.
/// </summary>
public sealed class VhostUserBackend : IDeviceState, IBlobState
{
    /// <summary>The number of inflight region addresses.</summary>
    public const int InflightRegions = 4;

    /// <summary>The device type: section id <c>vhost-user-backend</c>, versions 1 to 3.</summary>
    public static readonly DeviceType DeviceType = new(
        "vhost-user-backend",
        "urn:migfmt:sample:vhost-user-backend",
        currentVersion: 3,
        minimumVersion: 1,
        version => new VhostUserBackend(version),
        "vhost-user back-end with opaque state");

    private ulong _protocolFeatures;
    private string _lastError = string.Empty;
    private int _backendPid;
    private bool _dirtyLogActive;
    private ulong _logBase;
    private ulong _logSize;

    private MemoryStream? _staging;

    /// <summary>Creates a back-end running as <paramref name="version"/>, with empty state.</summary>
    /// <param name="version">The device version.</param>
    public VhostUserBackend(int version = 3) => Version = version;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <summary>Gets or sets the negotiated protocol features.</summary>
    public ulong ProtocolFeatures { get => _protocolFeatures; set => _protocolFeatures = value; }

    /// <summary>Gets the inflight region addresses, changed in place.</summary>
    public ulong[] InflightAddresses { get; } = new ulong[InflightRegions];

    /// <summary>Gets or sets the back-end's opaque state (the library never needs it whole).</summary>
    public byte[] BackendState { get; set; } = [];

    /// <summary>
    /// Gets or sets where the opaque state lives when it is too large for <see cref="BackendState"/> (a file, a
    /// generator): when set, the state blob is saved from and loaded into it instead.
    /// </summary>
    public IBlobState? StateStore { get; set; }

    /// <summary>Gets or sets the last error message (v2, skippable).</summary>
    public string LastError { get => _lastError; set => _lastError = value; }

    /// <summary>Gets or sets the back-end's process id (v3, must-parse).</summary>
    public int BackendPid { get => _backendPid; set => _backendPid = value; }

    /// <summary>Gets or sets a value indicating whether dirty logging is active (v3, optional group).</summary>
    public bool DirtyLogActive { get => _dirtyLogActive; set => _dirtyLogActive = value; }

    /// <summary>Gets or sets the dirty log's base address (v3, inside the optional group).</summary>
    public ulong LogBase { get => _logBase; set => _logBase = value; }

    /// <summary>Gets or sets the dirty log's size (v3, inside the optional group).</summary>
    public ulong LogSize { get => _logSize; set => _logSize = value; }

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.ProtocolFeatures, ref _protocolFeatures);
        visitor.Field(Fields.InflightAddresses, InflightAddresses.AsSpan());
        visitor.Blob(Fields.State, StateStore ?? this);
        visitor.Field(Fields.LastError, ref _lastError);
        visitor.Field(Fields.BackendPid, ref _backendPid);
        if (visitor.BeginOptional(Fields.DirtyLog, needed: _dirtyLogActive).Track(ref _dirtyLogActive))
        {
            visitor.Field(Fields.LogBase, ref _logBase);
            visitor.Field(Fields.LogSize, ref _logSize);
            visitor.EndOptional();
        }
    }

    /// <inheritdoc/>
    public Stream OpenRead() => new MemoryStream(BackendState, writable: false);

    /// <inheritdoc/>
    public void Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var staging = new MemoryStream();
        source.CopyTo(staging);
        _staging?.Dispose();
        _staging = staging;
    }

    /// <inheritdoc/>
    public void CommitLoad()
    {
        if (_staging is not null)
        {
            BackendState = _staging.ToArray();
            _staging.Dispose();
            _staging = null;
        }
    }

    /// <inheritdoc/>
    public void AbortLoad()
    {
        _staging?.Dispose();
        _staging = null;
    }

    /// <summary>The back-end's field specs.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("vhost-user-backend");

        /// <summary>Protocol features.</summary>
        public static readonly FieldSpec<ulong> ProtocolFeatures = Root.UInt64("protocol_features", 0);

        /// <summary>Inflight region addresses.</summary>
        public static readonly ArrayFieldSpec<ulong> InflightAddresses = Root.Array<ulong>("inflight_addrs", 1, InflightRegions);

        /// <summary>Opaque back-end state.</summary>
        public static readonly BlobSpec State = Root.Blob("backend_state", 2, description: "The back-end's opaque state");

        /// <summary>Last error: diagnostics, safe to lose.</summary>
        public static readonly FieldSpec<string> LastError = Root.String("last_error", 3, maxLength: 256, skippable: true, since: 2);

        /// <summary>Back-end process id.</summary>
        public static readonly FieldSpec<int> BackendPid = Root.Int32("backend_pid", 4, since: 3);

        /// <summary>Dirty log group.</summary>
        public static readonly OptionalSpec DirtyLog = Root.Optional("dirty_log", 5, since: 3, description: "Sent while dirty logging is active");

        /// <summary>Dirty log base address.</summary>
        public static readonly FieldSpec<ulong> LogBase = DirtyLog.Members.UInt64("log_base", 0, since: 3);

        /// <summary>Dirty log size.</summary>
        public static readonly FieldSpec<ulong> LogSize = DirtyLog.Members.UInt64("log_size", 1, since: 3);
    }
}
