using System;
using System.Collections.Generic;

namespace MigrationFormat.Qemu;

/// <summary>
/// The configuration section (type byte 0x07): the machine type name (be32 length, bytes) and the optional
/// <c>configuration/target-page-bits</c>, <c>configuration/capabilities</c> and <c>configuration/uuid</c> subsections.
/// It has no section header and no footer.
/// </summary>
public sealed class QemuConfigurationRecord : QemuRecord
{
    private static readonly IReadOnlyList<string> None = Array.Empty<string>();
    private readonly byte[] _machineType;
    private readonly byte[][] _capabilities;
    private readonly byte[]? _uuid;

    /// <summary>Creates a configuration record for writing.</summary>
    /// <param name="machineType">The machine type, e.g. <c>pc-i440fx-7.2</c>.</param>
    /// <param name="targetPageBits">The target page bits, sent only by targets with a variable page size.</param>
    /// <param name="capabilities">The validated migration capabilities (e.g. <c>x-ignore-shared</c>), or <see langword="null"/>.</param>
    /// <param name="uuid">The 16-byte VM UUID, or <see langword="null"/>.</param>
    public QemuConfigurationRecord(
        string machineType,
        uint? targetPageBits = null,
        IReadOnlyList<string>? capabilities = null,
        ReadOnlyMemory<byte>? uuid = null)
        : this(
            System.Text.Encoding.UTF8.GetBytes(machineType ?? throw new ArgumentNullException(nameof(machineType))),
            targetPageBits,
            Encode(capabilities),
            CheckUuid(uuid),
            BuildOrder(targetPageBits, capabilities, uuid),
            -1)
    {
    }

    internal QemuConfigurationRecord(
        byte[] machineType,
        uint? targetPageBits,
        byte[][] capabilities,
        byte[]? uuid,
        IReadOnlyList<string> subsectionOrder,
        long offset)
        : base(offset)
    {
        _machineType = machineType;
        MachineType = QemuText.Decode(machineType);
        TargetPageBits = targetPageBits;
        _capabilities = capabilities;
        var names = new string[capabilities.Length];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = QemuText.Decode(capabilities[i]);
        }

        Capabilities = names;
        _uuid = uuid;
        Subsections = subsectionOrder;
    }

    /// <summary>The name of the target page bits subsection.</summary>
    public const string TargetPageBitsSubsection = "configuration/target-page-bits";

    /// <summary>The name of the capabilities subsection.</summary>
    public const string CapabilitiesSubsection = "configuration/capabilities";

    /// <summary>The name of the UUID subsection.</summary>
    public const string UuidSubsection = "configuration/uuid";

    /// <inheritdoc/>
    public override QemuRecordKind Kind => QemuRecordKind.Configuration;

    /// <summary>Gets the machine type name.</summary>
    public string MachineType { get; }

    /// <summary>Gets the machine type name's bytes as they are on the wire.</summary>
    public ReadOnlyMemory<byte> MachineTypeBytes => _machineType;

    /// <summary>Gets the target page bits, when the stream carries them.</summary>
    public uint? TargetPageBits { get; }

    /// <summary>Gets the validated capabilities the stream carries (empty when there is no capabilities subsection).</summary>
    public IReadOnlyList<string> Capabilities { get; }

    /// <summary>Gets the VM UUID, when the stream carries it.</summary>
    public ReadOnlyMemory<byte>? Uuid => _uuid is null ? null : _uuid;

    /// <summary>Gets the names of the subsections present, in stream order.</summary>
    public IReadOnlyList<string> Subsections { get; }

    /// <inheritdoc/>
    public override long Length
    {
        get
        {
            long length = 1 + 4 + _machineType.Length;
            foreach (string name in Subsections)
            {
                length += 1 + 1 + name.Length + 4 + name switch
                {
                    TargetPageBitsSubsection => 4,
                    UuidSubsection => 16,
                    _ => CapabilitiesLength(),
                };
            }

            return length;
        }
    }

    internal byte[] MachineTypeArray => _machineType;

    internal byte[][] CapabilityArrays => _capabilities;

    internal byte[]? UuidArray => _uuid;

    private int CapabilitiesLength()
    {
        int length = 4;
        foreach (byte[] capability in _capabilities)
        {
            length += 1 + capability.Length;
        }

        return length;
    }

    private static byte[][] Encode(IReadOnlyList<string>? capabilities)
    {
        if (capabilities is null)
        {
            return [];
        }

        var result = new byte[capabilities.Count][];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = QemuText.EncodeCounted(capabilities[i], nameof(capabilities));
        }

        return result;
    }

    private static byte[]? CheckUuid(ReadOnlyMemory<byte>? uuid)
    {
        if (uuid is null)
        {
            return null;
        }

        if (uuid.Value.Length != 16)
        {
            throw new ArgumentException("A UUID has 16 bytes.", nameof(uuid));
        }

        return uuid.Value.ToArray();
    }

    private static IReadOnlyList<string> BuildOrder(uint? targetPageBits, IReadOnlyList<string>? capabilities, ReadOnlyMemory<byte>? uuid)
    {
        var order = new List<string>(3);
        if (targetPageBits.HasValue)
        {
            order.Add(TargetPageBitsSubsection);
        }

        if (capabilities is { Count: > 0 })
        {
            order.Add(CapabilitiesSubsection);
        }

        if (uuid.HasValue)
        {
            order.Add(UuidSubsection);
        }

        return order.Count == 0 ? None : order;
    }
}
