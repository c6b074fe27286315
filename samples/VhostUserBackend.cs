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
    public static readonly DeviceType DeviceType = new("vhost-user-backend", "urn:migfmt:sample:vhost-user-backend", currentVersion: 3, minimumVersion: 1, version => new VhostUserBackend(version), "vhost-user back-end with opaque state");

    private MemoryStream? _staging;

    /// <summary>Creates a back-end running as <paramref name="version"/>, with empty state.</summary>
    /// <param name="version">The device version.</param>
    public VhostUserBackend(int version = 3) => Version = version;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <summary>Gets or sets the negotiated protocol features.</summary>
    public ulong ProtocolFeatures { get; set; }

    /// <summary>Gets the inflight region addresses, changed in place.</summary>
    public ulong[] InflightAddresses { get; } = new ulong[InflightRegions];

    /// <summary>Gets or sets the back-end's opaque state (the library never needs it whole).</summary>
    public byte[] BackendState { get; set; } = [];

    /// <summary>Gets or sets the last error message (v2, skippable).</summary>
    public string LastError { get; set; } = string.Empty;

    /// <summary>Gets or sets the back-end's process id (v3, must-parse).</summary>
    public int BackendPid { get; set; }

    /// <summary>Gets or sets a value indicating whether dirty logging is active (v3, optional group).</summary>
    public bool DirtyLogActive { get; set; }

    /// <summary>Gets or sets the dirty log's base address (v3, inside the optional group).</summary>
    public ulong LogBase { get; set; }

    /// <summary>Gets or sets the dirty log's size (v3, inside the optional group).</summary>
    public ulong LogSize { get; set; }

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        ulong features = ProtocolFeatures, logBase = LogBase, logSize = LogSize;
        string lastError = LastError;
        int pid = BackendPid;
        bool dirty = DirtyLogActive;

        visitor.Field(Fields.ProtocolFeatures, ref features);
        visitor.Field(Fields.InflightAddresses, InflightAddresses.AsSpan());
        visitor.Blob(Fields.State, this);
        visitor.Field(Fields.LastError, ref lastError);
        visitor.Field(Fields.BackendPid, ref pid);
        if (visitor.BeginOptional(Fields.DirtyLog, needed: dirty))
        {
            dirty = true;
            visitor.Field(Fields.LogBase, ref logBase);
            visitor.Field(Fields.LogSize, ref logSize);
            visitor.EndOptional();
        }
        else if (visitor.Direction == VisitDirection.Load && Version >= 3)
        {
            dirty = false;
        }

        if (visitor.Direction == VisitDirection.Load)
        {
            ProtocolFeatures = features;
            LastError = lastError;
            BackendPid = pid;
            DirtyLogActive = dirty;
            LogBase = logBase;
            LogSize = logSize;
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
        /// <summary>Protocol features.</summary>
        public static readonly FieldSpec ProtocolFeatures = FieldSpec.UInt64("protocol_features", 0);

        /// <summary>Inflight region addresses.</summary>
        public static readonly FieldSpec InflightAddresses = FieldSpec.Array("inflight_addrs", 1, FieldKind.UInt64, InflightRegions);

        /// <summary>Opaque back-end state.</summary>
        public static readonly FieldSpec State = FieldSpec.Blob("backend_state", 2, description: "The back-end's opaque state");

        /// <summary>Last error: diagnostics, safe to lose.</summary>
        public static readonly FieldSpec LastError = FieldSpec.String("last_error", 3, maxLength: 256, skippable: true, since: 2);

        /// <summary>Back-end process id.</summary>
        public static readonly FieldSpec BackendPid = FieldSpec.Int32("backend_pid", 4, since: 3);

        /// <summary>Dirty log group.</summary>
        public static readonly FieldSpec DirtyLog = FieldSpec.Optional("dirty_log", 5, since: 3, description: "Sent while dirty logging is active");

        /// <summary>Dirty log base address.</summary>
        public static readonly FieldSpec LogBase = FieldSpec.UInt64("log_base", 0, since: 3);

        /// <summary>Dirty log size.</summary>
        public static readonly FieldSpec LogSize = FieldSpec.UInt64("log_size", 1, since: 3);
    }
}
