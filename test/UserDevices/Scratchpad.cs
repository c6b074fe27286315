using MigrationFormat.Visitors;

namespace Example.UserDevices;

/// <summary>Sixteen bytes of scratch memory; version 1 only. A second device type in the same assembly.</summary>
public sealed class Scratchpad : IDeviceState
{
    public static DeviceType DeviceType { get; } = new("scratchpad", "urn:example:scratchpad", currentVersion: 1, minimumVersion: 1, v => new Scratchpad(v));

    private byte[] _bytes = [0xDE, 0xAD, 0xBE, 0xEF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42];

    public Scratchpad(int version) => Version = version;

    public DeviceType Type => DeviceType;

    public int Version { get; }

    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.Bytes, ref _bytes);
    }

    public static class Fields
    {
        private static readonly FieldSet Root = new("scratchpad");
        public static readonly FieldSpec<byte[]> Bytes = Root.Bytes("bytes", 0, maxLength: 16);
    }
}
