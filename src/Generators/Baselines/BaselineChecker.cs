using System.Collections.Generic;
using System.Linq;

namespace MigrationFormat.Generators.Baselines;

/// <summary>
/// Compares a device's declared fields with the schema of a released version of it. A released version is frozen:
/// its streams exist, and so do hosts that load only it. Running as that version, the device must save what those
/// hosts expect and load what they saved; running as a newer version, it must still load the released version's
/// streams by the compatibility checker's rules (docs/schema.md, <c>CompatibilityChecker</c>).
/// </summary>
internal static class BaselineChecker
{
    public static IEnumerable<DiagnosticInfo> Check(DeviceModel device, BaselineFile file, BaselineDevice baseline)
    {
        var diagnostics = new List<DiagnosticInfo>();
        if (baseline.Version > device.CurrentVersion)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.BaselineAboveCurrent,
                device.CurrentVersionLocation,
                device.Id,
                device.CurrentVersion,
                baseline.Version,
                file.FileName));
            return diagnostics;
        }

        // A version below MinimumVersion is no longer loaded nor run as: nothing the declaration does can break it.
        if (baseline.Version < device.MinimumVersion)
        {
            return diagnostics;
        }

        var context = new Context(device, file, baseline, diagnostics);
        CompareStructure(context, device.Id, device.Items, baseline.Fields, device.AttributeLocation);
        return diagnostics;
    }

    private static void CompareStructure(
        Context context,
        string path,
        EquatableArray<SpecModel> declared,
        EquatableArray<BaselineField> released,
        LocationInfo? ownerLocation)
    {
        int version = context.Baseline.Version;
        var declaredByTag = new Dictionary<int, SpecModel>();
        foreach (SpecModel spec in declared)
        {
            // Duplicate tags are a declaration error reported on their own; the first one stands for the tag here.
            if (!declaredByTag.ContainsKey(spec.Tag))
            {
                declaredByTag.Add(spec.Tag, spec);
            }
        }

        var releasedInVersion = released.Where(f => f.ExistsIn(version)).ToList();
        var releasedByTag = releasedInVersion.ToDictionary(f => f.Tag);

        foreach (BaselineField field in releasedInVersion)
        {
            string fieldPath = path + "." + field.Name;
            if (!declaredByTag.TryGetValue(field.Tag, out SpecModel? spec))
            {
                context.Report(
                    DiagnosticDescriptors.RemovedFromReleasedVersion,
                    ownerLocation,
                    fieldPath,
                    field.Tag,
                    version,
                    context.File.FileName,
                    "is no longer declared");
                continue;
            }

            string declaredPath = path + "." + spec.Name;
            string declaredType = TypeText(spec.Kind, spec.Size);
            if (!SameType(spec, field))
            {
                context.Report(
                    DiagnosticDescriptors.TypeChanged,
                    spec.Location,
                    declaredPath,
                    field.Tag,
                    version,
                    TypeText(field.Type, field.Size),
                    context.File.FileName,
                    declaredType);
                continue;
            }

            if (spec.Name != field.Name)
            {
                context.Report(DiagnosticDescriptors.Renamed, spec.Location, field.Tag, path, field.Name, version, context.File.FileName, spec.Name);
            }

            if (spec.Skippable != field.Skippable)
            {
                context.Report(
                    DiagnosticDescriptors.SkippableChanged,
                    spec.Location,
                    declaredPath,
                    Flag(field.Skippable),
                    version,
                    context.File.FileName,
                    Flag(spec.Skippable));
            }

            if (!spec.ExistsIn(version))
            {
                string why = spec.Since > version ? $"is declared with Since = {spec.Since}" : $"is declared with RemovedIn = {spec.RemovedIn}";
                context.Report(DiagnosticDescriptors.RemovedFromReleasedVersion, spec.Location, declaredPath, field.Tag, version, context.File.FileName, why);
                continue;
            }

            if (spec.Since != field.Since)
            {
                context.Report(DiagnosticDescriptors.SinceChanged, spec.SinceLocation, declaredPath, field.Since, version, context.File.FileName, spec.Since);
            }

            // The checker's rule for a newer destination: the released version's streams carry the field, and a
            // destination that has removed a must-parse field rejects them (a skippable one is skipped).
            if (spec.RemovedIn != 0 && !field.Skippable && !spec.Skippable)
            {
                context.Report(
                    DiagnosticDescriptors.RemovalBreaksOldStreams,
                    spec.Location,
                    declaredPath,
                    spec.RemovedIn,
                    version,
                    context.File.FileName,
                    context.Device.MinimumVersion);
            }

            if (spec.IsGroup)
            {
                CompareStructure(context, declaredPath, spec.Members, field.Fields, spec.Location);
            }
        }

        foreach (SpecModel spec in declared)
        {
            if (spec.ExistsIn(version) && !releasedByTag.ContainsKey(spec.Tag) && !spec.Skippable)
            {
                context.Report(
                    DiagnosticDescriptors.AddedWithoutVersionBump,
                    spec.SinceLocation,
                    path + "." + spec.Name,
                    version,
                    spec.Since,
                    context.File.FileName);
            }
        }

        CheckOrder(context, path, declared, releasedInVersion, releasedByTag);
    }

    /// <summary>Fields both sides have must come in the released order: the checker rejects a reordering.</summary>
    private static void CheckOrder(
        Context context,
        string path,
        EquatableArray<SpecModel> declared,
        List<BaselineField> released,
        Dictionary<int,
        BaselineField> releasedByTag)
    {
        int version = context.Baseline.Version;
        int lastPosition = -1;
        BaselineField? previous = null;
        foreach (SpecModel spec in declared)
        {
            if (!spec.ExistsIn(version) || !releasedByTag.TryGetValue(spec.Tag, out BaselineField? field))
            {
                continue;
            }

            int position = released.IndexOf(field);
            if (position < lastPosition)
            {
                context.Report(
                    DiagnosticDescriptors.Reordered,
                    spec.Location,
                    path + "." + spec.Name,
                    version,
                    context.File.FileName,
                    path + "." + previous!.Name);
                return;
            }

            lastPosition = position;
            previous = field;
        }
    }

    private static bool SameType(SpecModel spec, BaselineField field)
    {
        if (SchemaName(spec.Kind) != field.Type)
        {
            return false;
        }

        // A fixed kind's count is part of its type; a bound on a string or byte string is the destination's limit.
        return spec.Kind switch
        {
            SpecKind.FixedBytes or SpecKind.UInt16Array or SpecKind.UInt32Array or SpecKind.UInt64Array => spec.Size == field.Size,
            SpecKind.String or SpecKind.Bytes => field.Size == 0 ? spec.Size == 0 : spec.Size == 0 || spec.Size >= field.Size,
            _ => true,
        };
    }

    private static string TypeText(SpecKind kind, int size) => TypeText(SchemaName(kind), size);

    private static string TypeText(string type, int size) => type switch
    {
        "fixed-bytes" or "uint16-array" or "uint32-array" or "uint64-array" => $"{type} of {size}",
        "string" or "bytes" when size != 0 => $"{type} of at most {size} bytes",
        _ => type,
    };

    private static string Flag(bool skippable) => skippable ? "skippable" : "must-parse";

    public static string SchemaName(SpecKind kind) => kind switch
    {
        SpecKind.UInt8 => "uint8",
        SpecKind.UInt16 => "uint16",
        SpecKind.UInt32 => "uint32",
        SpecKind.UInt64 => "uint64",
        SpecKind.Int8 => "int8",
        SpecKind.Int16 => "int16",
        SpecKind.Int32 => "int32",
        SpecKind.Int64 => "int64",
        SpecKind.Bool => "bool",
        SpecKind.FixedBytes => "fixed-bytes",
        SpecKind.Bytes => "bytes",
        SpecKind.String => "string",
        SpecKind.UInt16Array => "uint16-array",
        SpecKind.UInt32Array => "uint32-array",
        SpecKind.UInt64Array => "uint64-array",
        SpecKind.Struct => "struct",
        _ => "optional",
    };

    private sealed class Context(DeviceModel device, BaselineFile file, BaselineDevice baseline, List<DiagnosticInfo> diagnostics)
    {
        public DeviceModel Device { get; } = device;

        public BaselineFile File { get; } = file;

        public BaselineDevice Baseline { get; } = baseline;

        public void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments) =>
            diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));
    }
}
