using System.Collections.Generic;
using System;
using MigrationFormat.Qemu.Devices;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Qemu;

/// <summary>
/// The BER layout of one vmsd structure, derived from VM description entries: field position p has tag p + 1 (tag 0 is
/// the section's QEMU section id, at the top level only), subsections take the tags after the fields, in the order they
/// are first seen among all instances of the same device and version.
/// </summary>
internal sealed class QemuShape
{
    private readonly Dictionary<string, (int Tag, QemuShape Shape)> _subsections = new(StringComparer.Ordinal);
    private readonly List<string> _subsectionOrder = [];

    private QemuShape(List<QemuShapeField> fields, bool qemuVersionZero)
    {
        Fields = fields;
        QemuVersionZero = qemuVersionZero;
    }

    public IReadOnlyList<QemuShapeField> Fields { get; }

    public IReadOnlyList<string> SubsectionNames => _subsectionOrder;

    /// <summary>
    /// Gets how many schema fields <see cref="ToSchema"/> makes of this shape: an array of structures is described element by
    /// element, so a few bytes of description can declare millions of fields. Saturates at <see cref="ExpansionCap"/>.
    /// </summary>
    public long ExpandedFields
    {
        get
        {
            long total = 0;
            foreach (QemuShapeField member in Fields)
            {
                long each = 1 + (member.Struct?.ExpandedFields ?? 0);
                long count = member.ArrayLength is int length && member.PackedKind is null ? length : 1;
                total = Saturate(total + 1 + Saturate(count * Math.Min(each, ExpansionCap)));
            }

            foreach (string name in _subsectionOrder)
            {
                total = Saturate(total + 1 + _subsections[name].Shape.ExpandedFields);
            }

            return total;
        }
    }

    /// <summary>The most fields <see cref="ExpandedFields"/> counts; anything beyond is far over every budget.</summary>
    internal const long ExpansionCap = 1L << 40;

    /// <summary>Gets a value indicating whether the section's QEMU version is 0, which travels as BER version 1 (the description says 0).</summary>
    public bool QemuVersionZero { get; }

    /// <summary>The BER version of a QEMU section version: the same, but 0 (vmmouse) becomes 1, the lowest a BER section has.</summary>
    public static int BerVersion(uint qemuVersion) => qemuVersion == 0 ? 1 : (int)Math.Min(qemuVersion, int.MaxValue);

    /// <summary>Creates the shape of a device section's description; its top-level fields may be typed by a model.</summary>
    /// <param name="device">The device entry.</param>
    /// <param name="qemuVersion">The section's QEMU version (the description's, or the section header's for an old-style entry).</param>
    public static QemuShape? TryCreate(VmDeviceDescription device, uint qemuVersion) => TryCreate(device, device.Name, qemuVersion);

    private static QemuShape? TryCreate(VmStateDescription description, string? sectionName, uint qemuVersion)
    {
        var fields = new List<QemuShapeField>();
        foreach (VmFieldDescription field in description.Fields)
        {
            QemuShape? nested = null;
            if (field.Type == "struct" && field.Struct is { HasFields: true } structure)
            {
                nested = TryCreate(structure, null, qemuVersion);
                if (nested is null)
                {
                    return null;
                }
            }

            DeviceType? model = sectionName is null || field.ArrayLength is not null || field.Index is not null
                ? null : QemuFieldModels.Find(sectionName, description.VmsdName, field);
            int modelVersion = BerVersion(qemuVersion);
            if (model is not null && !model.Supports(modelVersion))
            {
                model = null;
            }

            FieldKind kind = model is null ? KindOf(field) : FieldKind.Struct;
            fields.Add(new QemuShapeField(field.Name, field.Type, field.Size, field.ArrayLength, field.Index, kind, nested)
            {
                Model = model,
                ModelVersion = modelVersion,
            });
        }

        var shape = new QemuShape(fields, sectionName is not null && qemuVersion == 0);
        return shape.TryMergeSubsections(description) ? shape : null;
    }

    public bool TryGetSubsection(string name, out int tag, out QemuShape shape)
    {
        if (_subsections.TryGetValue(name, out (int Tag, QemuShape Shape) entry))
        {
            (tag, shape) = entry;
            return true;
        }

        (tag, shape) = (0, null!);
        return false;
    }

    /// <summary>Merges another instance's description into this shape; false when the fields differ.</summary>
    public bool TryMerge(VmStateDescription description)
    {
        if (description.Fields.Count != Fields.Count)
        {
            return false;
        }

        for (int i = 0; i < Fields.Count; i++)
        {
            VmFieldDescription field = description.Fields[i];
            QemuShapeField known = Fields[i];
            // A typed model's field is as long as its state, which may differ between instances (a device's config space).
            if (field.Name != known.Name || field.Type != known.Type || (field.Size != known.Size && known.Model is null)
                || field.ArrayLength != known.ArrayLength || field.Index != known.Index)
            {
                return false;
            }

            if (known.Struct is not null && (field.Struct is null || !known.Struct.TryMerge(field.Struct)))
            {
                return false;
            }
        }

        return TryMergeSubsections(description);
    }

    public DeviceSchema ToSchema(string id, int version)
    {
        var schema = new DeviceSchema(id, version)
        {
            ModelId = "urn:migfmt:qemu-vmdesc:" + id,
            MinimumVersion = version,
            CurrentVersion = version,
            Description = "Converted from the QEMU stream's VM description",
        };
        schema.Fields.Add(new FieldSchema("qemu_section_id", 0, FieldKind.UInt32) { Skippable = true, Description = "The QEMU section id" });
        if (QemuVersionZero)
        {
            schema.Description += "; QEMU's section version is 0, which a BER section cannot have: the section says 1";
        }

        AddFields(schema.Fields);
        return schema;
    }

    private void AddFields(IList<FieldSchema> target)
    {
        for (int p = 0; p < Fields.Count; p++)
        {
            QemuShapeField field = Fields[p];
            if (field.ArrayLength is int packedCount && field.PackedKind is FieldKind packed)
            {
                target.Add(new FieldSchema(field.Name, p + 1, packed)
                {
                    Size = packed == FieldKind.FixedBytes ? packedCount * field.Size : packedCount,
                    Description = field.Type + "[" + packedCount.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]",
                });
            }
            else if (field.ArrayLength is int count)
            {
                var array = new FieldSchema(field.Name, p + 1, FieldKind.Struct) { Description = "array of " + field.Type };
                for (int i = 0; i < count; i++)
                {
                    array.Fields.Add(field.ToSchema(field.Name + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]", i));
                }

                target.Add(array);
            }
            else
            {
                target.Add(field.ToSchema(field.Name, p + 1));
            }
        }

        foreach (string name in _subsectionOrder)
        {
            (int tag, QemuShape shape) = _subsections[name];
            var group = new FieldSchema(name, tag, FieldKind.Optional) { Description = "subsection" };
            shape.AddFields(group.Fields);
            target.Add(group);
        }
    }

    private bool TryMergeSubsections(VmStateDescription description)
    {
        foreach (VmStateDescription subsection in description.Subsections)
        {
            if (subsection.VmsdName is null)
            {
                return false;
            }

            if (_subsections.TryGetValue(subsection.VmsdName, out (int Tag, QemuShape Shape) known))
            {
                if (!known.Shape.TryMerge(subsection))
                {
                    return false;
                }
            }
            else
            {
                QemuShape? shape = TryCreate(subsection, null, 0);
                if (shape is null)
                {
                    return false;
                }

                _subsections.Add(subsection.VmsdName, (Fields.Count + 1 + _subsectionOrder.Count, shape));
                _subsectionOrder.Add(subsection.VmsdName);
            }
        }

        return true;
    }

    private static long Saturate(long value) => value is < 0 or > ExpansionCap ? ExpansionCap : value;

    private static FieldKind KindOf(VmFieldDescription field)
    {
        string type = field.Type;
        if (type == "struct")
        {
            return field.Struct is { HasFields: true } ? FieldKind.Struct : FieldKind.FixedBytes;
        }

        bool signed = VmStateDecoder.IsSignedIntegerType(type);
        if ((signed || VmStateDecoder.IsUnsignedIntegerType(type)) && field.Size is >= 1 and <= 8)
        {
            return (field.Size, signed) switch
            {
                (1, true) => FieldKind.Int8,
                (1, false) => FieldKind.UInt8,
                (2, true) => FieldKind.Int16,
                (2, false) => FieldKind.UInt16,
                ( <= 4, true) => FieldKind.Int32,
                ( <= 4, false) => FieldKind.UInt32,
                (_, true) => FieldKind.Int64,
                _ => FieldKind.UInt64,
            };
        }

        if (type == "bool" && field.Size == 1)
        {
            return FieldKind.Bool;
        }

        return type == "timer" && field.Size == 8 ? FieldKind.Int64 : FieldKind.FixedBytes;
    }
}

/// <summary>One described field of a <see cref="QemuShape"/>.</summary>
internal sealed record QemuShapeField(string Name, string Type, int Size, int? ArrayLength, int? Index, FieldKind Kind, QemuShape? Struct)
{
    /// <summary>Gets the typed model of a field the description leaves opaque (a virtio device's <c>virtio</c>, slirp's <c>data</c>).</summary>
    public DeviceType? Model { get; init; }

    /// <summary>Gets the version the model runs as: the section's.</summary>
    public int ModelVersion { get; init; }

    public bool IsInteger => Kind.IsInteger();

    /// <summary>
    /// Gets how an integer array travels packed: 1-byte elements as one octet string (<see cref="FieldKind.FixedBytes"/>),
    /// wider ones as an integer array kind; <see langword="null"/> for element-by-element arrays.
    /// </summary>
    public FieldKind? PackedKind => ArrayLength is null || !IsInteger ? null : Size switch
    {
        1 => FieldKind.FixedBytes,
        2 => FieldKind.UInt16Array,
        4 => FieldKind.UInt32Array,
        8 => FieldKind.UInt64Array,
        _ => null,
    };

    public FieldSchema ToSchema(string name, int tag)
    {
        var schema = new FieldSchema(name, tag, Kind) { Description = Type };
        if (Model is not null)
        {
            DeviceSchema typed = DeviceSchema.For(Model, ModelVersion);
            schema.Description = Type + ": " + (Model.Description ?? Model.Id);
            foreach (FieldSchema member in typed.Fields)
            {
                schema.Fields.Add(member);
            }

            return schema;
        }

        if (Kind == FieldKind.FixedBytes)
        {
            schema.Size = Size;
        }

        if (Struct is not null)
        {
            DeviceSchema inner = Struct.ToSchema("x", 1);
            for (int i = 1; i < inner.Fields.Count; i++)
            {
                schema.Fields.Add(inner.Fields[i]);
            }
        }

        return schema;
    }
}
