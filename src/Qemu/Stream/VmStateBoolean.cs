namespace MigrationFormat.Qemu;

/// <summary>A <c>bool</c> field: false when its first byte is 0, true otherwise.</summary>
public sealed class VmStateBoolean : VmStateValue
{
    internal VmStateBoolean(long offset, int size, byte rawByte)
        : base("bool", offset, size)
    {
        RawByte = rawByte;
    }

    /// <inheritdoc/>
    public override VmStateValueKind Kind => VmStateValueKind.Boolean;

    /// <summary>Gets the first byte as read.</summary>
    public byte RawByte { get; }

    /// <summary>Gets the value.</summary>
    public bool Value => RawByte != 0;
}
