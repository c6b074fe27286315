using MigrationFormat.Visitors;

namespace MigrationFormat.DeviceState.VhostUser;

/// <summary>
/// The VMM's section for a vhost-user device whose back-end keeps its own state: the protocol features negotiated,
/// and the back-end's state as a blob moved through <see cref="VhostUserStateBlob"/>.
/// </summary>
public sealed class VhostUserFrontEndDevice : IDeviceState
{
    /// <summary>The device type: section id <c>vhost-user-device</c>, version 1.</summary>
    public static readonly DeviceType DeviceType = new(
        "vhost-user-device",
        "urn:migfmt:vhost-user-device",
        currentVersion: 1,
        minimumVersion: 1,
        _ => new VhostUserFrontEndDevice(null),
        "vhost-user device with back-end state");

    private ulong _protocolFeatures;

    /// <summary>Creates the section over a negotiated front-end.</summary>
    /// <param name="frontEnd">The front-end, or <see langword="null"/> for a device that is only described.</param>
    public VhostUserFrontEndDevice(VhostUserFrontEnd? frontEnd)
    {
        Blob = new VhostUserStateBlob(frontEnd);
        _protocolFeatures = frontEnd is null ? 0 : (ulong)frontEnd.ProtocolFeatures;
    }

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version => 1;

    /// <summary>Gets the back-end's state blob.</summary>
    public VhostUserStateBlob Blob { get; }

    /// <summary>Gets the protocol features (after a load, the source's).</summary>
    public VhostUserProtocolFeatures ProtocolFeatures => (VhostUserProtocolFeatures)_protocolFeatures;

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.ProtocolFeatures, ref _protocolFeatures);
        visitor.Blob(Fields.BackendState, Blob);
    }

    /// <summary>The section's field specs.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("vhost-user-device");

        /// <summary>The protocol features the front-end and back-end use.</summary>
        public static readonly FieldSpec<ulong> ProtocolFeatures = Root.UInt64("protocol_features", 0, skippable: true);

        /// <summary>The back-end's state, opaque to the VMM.</summary>
        public static readonly BlobSpec BackendState = Root.Blob("backend_state", 1, description: "The vhost-user back-end's state (opaque)");
    }
}
