using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MigrationFormat.Generators;

/// <summary>
/// Reads one <c>[MigrationDevice]</c> class into a <see cref="DeviceModel"/>: its identity, its migrated fields and
/// optional groups and structures in visit order, the members the user already wrote, and every declaration diagnostic.
/// </summary>
internal static class DeviceParser
{
    public const string DeviceAttributeName = "MigrationFormat.Visitors.MigrationDeviceAttribute";
    public const string FieldAttributeName = "MigrationFormat.Visitors.MigrationFieldAttribute";
    public const string GroupAttributeName = "MigrationFormat.Visitors.MigrationOptionalGroupAttribute";
    public const string StructAttributeName = "MigrationFormat.Visitors.MigrationStructAttribute";

    public static DeviceModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration || context.Attributes.Length == 0)
        {
            return null;
        }

        AttributeData deviceAttribute = context.Attributes[0];

        // A class whose parts each carry the attribute (an error the compiler reports) is generated once, from the part
        // that holds the first one, so that two outputs never share a hint name.
        SyntaxNode? firstAttribute = deviceAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
        if (firstAttribute?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } owner && owner != declaration)
        {
            return null;
        }

        if (deviceAttribute.ConstructorArguments.Length != 2)
        {
            // The attribute does not bind (the compiler reports why); there is nothing to generate from.
            return null;
        }

        Compilation compilation = context.SemanticModel.Compilation;
        INamedTypeSymbol? fieldAttributeType = compilation.GetTypeByMetadataName(FieldAttributeName);
        INamedTypeSymbol? groupAttributeType = compilation.GetTypeByMetadataName(GroupAttributeName);
        INamedTypeSymbol? structAttributeType = compilation.GetTypeByMetadataName(StructAttributeName);
        var diagnostics = new List<DiagnosticInfo>();
        var device = new AttributeReader(deviceAttribute, cancellationToken);

        string id = device.Positional<string>(0) ?? string.Empty;
        string modelId = device.Positional<string>(1) ?? string.Empty;
        int currentVersion = device.Named("CurrentVersion", 1);
        int minimumVersion = device.Named("MinimumVersion", 1);
        string? description = device.Named<string?>("Description", null);
        LocationInfo? attributeLocation = device.Location;
        string displayId = id.Length == 0 ? type.Name : id;

        bool canGenerate = CheckClass(type, declaration, displayId, diagnostics);
        CheckDeviceArguments(device, id, modelId, currentVersion, minimumVersion, diagnostics);

        // Versions used to check fields: a broken range is reported once above, and fields are then checked against
        // the widest range the declaration could have meant, so that one mistake does not flag every field.
        int checkCurrent = currentVersion >= 1 ? currentVersion : 1;
        int checkMinimum = minimumVersion >= 1 && minimumVersion <= checkCurrent ? minimumVersion : 1;

        var configuration = ParameterParser.Read(type, compilation, displayId, checkCurrent, checkMinimum, diagnostics, cancellationToken);
        var groups = ReadGroups(type, groupAttributeType, structAttributeType, configuration, checkCurrent, checkMinimum, diagnostics, cancellationToken);
        var fields = ReadFields(type, fieldAttributeType, groups, configuration, checkCurrent, checkMinimum, diagnostics, cancellationToken);

        // Visit order: fields in declaration order; a group or structure where its first member is declared; memberless ones last.
        var order = new List<object>();
        foreach (FieldDraft field in fields)
        {
            if (field.Group is { } group)
            {
                if (!order.Contains(group))
                {
                    order.Add(group);
                }

                group.Members.Add(field);
            }
            else
            {
                order.Add(field);
            }
        }

        foreach (GroupDraft group in groups.Values)
        {
            if (group.IsValid && !order.Contains(group))
            {
                order.Add(group);
            }
        }

        var rootEntries = order.Select(item => item is GroupDraft g ? g.Entry : ((FieldDraft)item).Entry).ToList();
        CheckUnique(rootEntries, displayId, diagnostics);
        foreach (GroupDraft group in groups.Values)
        {
            CheckUnique(group.Members.Select(m => m.Entry).ToList(), displayId + "." + group.Entry.Name, diagnostics);
        }

        var names = new Naming.UniqueNames();
        var items = new List<SpecModel>();
        foreach (object item in order)
        {
            if (item is FieldDraft field)
            {
                items.Add(field.ToModel(names.Take(Naming.ToPascalCase(field.MemberName), "Field"), EquatableArray<SpecModel>.Empty));
            }
            else
            {
                var group = (GroupDraft)item;
                string specName = names.Take(Naming.ToPascalCase(group.Entry.Name), group.Entry.Kind == SpecKind.Struct ? "Struct" : "Group");
                var members = group.Members
                    .Select(m => m.ToModel(names.Take(Naming.ToPascalCase(m.MemberName), "Field"), EquatableArray<SpecModel>.Empty))
                    .ToList();
                items.Add(group.ToModel(specName, members.ToEquatableArray()));
            }
        }

        string rootName = names.Take("Root", "Set");
        bool userDeviceType = HasMember(type, "DeviceType");
        bool userVersion = HasMember(type, "Version");
        bool userConstructor = type.InstanceConstructors.Any(c =>
            !c.IsImplicitlyDeclared && c.Parameters.Length == 1 && c.Parameters[0].Type.SpecialType == SpecialType.System_Int32);
        if (configuration.Parameters.Count > 0)
        {
            // The generated constructors set the configuration and the When conditions; a member of the user's in
            // their place would leave them unset.
            string? taken = userDeviceType ? "DeviceType"
                : userVersion ? "Version"
                : HasMember(type, "Configuration") ? "Configuration"
                : userConstructor ? type.Name + "(int)"
                : HasConfigurationConstructor(type) ? type.Name + "(DeviceConfiguration)"
                : null;
            if (taken is not null)
            {
                diagnostics.Report(DiagnosticDescriptors.ParameterizedDeviceMember, LocationInfo.From(declaration.Identifier.GetLocation()), displayId, taken);
                canGenerate = false;
            }
        }
        else if (!userDeviceType && userVersion && !userConstructor)
        {
            diagnostics.Report(DiagnosticDescriptors.ConstructorMissing, LocationInfo.From(declaration.Identifier.GetLocation()), displayId);
        }

        string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        var containing = new List<ContainingType>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containing.Insert(0, new ContainingType(KeywordOf(outer), Naming.Escape(outer.Name)));
        }

        return new DeviceModel(
            HintName: HintName(type),
            Namespace: ns,
            ContainingTypes: containing.ToEquatableArray(),
            Keyword: KeywordOf(type),
            ClassName: Naming.Escape(type.Name),
            Id: id,
            ModelId: modelId,
            CurrentVersion: currentVersion,
            MinimumVersion: minimumVersion,
            Description: description,
            CanGenerate: canGenerate,
            GenerateDeviceType: !userDeviceType,
            GenerateTypeProperty: !HasMember(type, "Type"),
            GenerateVersion: !userVersion,
            GenerateConstructor: !userVersion && !userConstructor,
            RootName: rootName,
            Items: items.ToEquatableArray(),
            Diagnostics: diagnostics.ToEquatableArray(),
            AttributeLocation: attributeLocation,
            CurrentVersionLocation: device.NamedLocation("CurrentVersion") ?? attributeLocation,
            Parameters: configuration.Parameters.ToEquatableArray(),
            Versions: configuration.Versions.ToEquatableArray(),
            Conditions: configuration.Conditions.ToEquatableArray());
    }

    private static bool HasConfigurationConstructor(INamedTypeSymbol type) =>
        type.InstanceConstructors.Any(c =>
            !c.IsImplicitlyDeclared && c.Parameters.Length == 1 && c.Parameters[0].Type.ToDisplayString() == "MigrationFormat.Visitors.DeviceConfiguration");

    /// <summary>Reports a field or group attribute whose class has no <c>[MigrationDevice]</c>.</summary>
    public static DiagnosticInfo? CheckOutsideDevice(GeneratorAttributeSyntaxContext context, string attribute)
    {
        INamedTypeSymbol? type = context.TargetSymbol as INamedTypeSymbol ?? context.TargetSymbol.ContainingType;
        if (type is null || type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == DeviceAttributeName))
        {
            return null;
        }

        // Once per field or class, on its first such attribute: one is enough to say the device attribute is missing.
        AttributeData first = context.Attributes[0];
        return DiagnosticInfo.Create(
            DiagnosticDescriptors.OutsideDevice,
            LocationInfo.From(first.ApplicationSyntaxReference?.GetSyntax()),
            context.TargetSymbol.Name,
            attribute,
            type.Name);
    }

    private static bool CheckClass(INamedTypeSymbol type, TypeDeclarationSyntax declaration, string id, List<DiagnosticInfo> diagnostics)
    {
        bool canGenerate = true;
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Report(DiagnosticDescriptors.DeviceNotPartial, LocationInfo.From(declaration.Identifier.GetLocation()), type.Name, id);
            canGenerate = false;
        }

        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            var outerDeclaration = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>().FirstOrDefault();
            if (outerDeclaration is not null && !outerDeclaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Report(DiagnosticDescriptors.DeviceNotPartial, LocationInfo.From(outerDeclaration.Identifier.GetLocation()), outer.Name, id);
                canGenerate = false;
            }
        }

        string? reason = null;
        if (type.IsGenericType || (type.ContainingType?.IsGenericType ?? false))
        {
            reason = "a device class and the types that contain it cannot be generic, since the registration creates instances of one closed type";
        }
        else if (type.IsStatic)
        {
            reason = "a static class has no instances to migrate";
        }
        else if (type.IsAbstract)
        {
            reason = "an abstract class cannot be created by the registration's factory";
        }

        if (reason is not null)
        {
            diagnostics.Report(DiagnosticDescriptors.DeviceClassUnsupported, LocationInfo.From(declaration.Identifier.GetLocation()), type.Name, reason);
            canGenerate = false;
        }

        return canGenerate;
    }

    private static void CheckDeviceArguments(
        AttributeReader device,
        string id,
        string modelId,
        int currentVersion,
        int minimumVersion,
        List<DiagnosticInfo> diagnostics)
    {
        string display = id.Length == 0 ? "(no id)" : id;
        if (id.Length == 0)
        {
            diagnostics.Report(DiagnosticDescriptors.DeviceDeclarationInvalid, device.PositionalLocation(0), display, "the id is empty");
        }
        else if (Encoding.UTF8.GetByteCount(id) > 255)
        {
            diagnostics.Report(DiagnosticDescriptors.DeviceDeclarationInvalid, device.PositionalLocation(0), display, "the id is longer than 255 UTF-8 bytes");
        }

        if (modelId.Length == 0)
        {
            diagnostics.Report(DiagnosticDescriptors.DeviceDeclarationInvalid, device.PositionalLocation(1), display, "the model id is empty");
        }

        if (minimumVersion < 1)
        {
            diagnostics.Report(
                DiagnosticDescriptors.DeviceDeclarationInvalid,
                device.NamedLocation("MinimumVersion"),
                display,
                $"MinimumVersion is {minimumVersion}; versions start at 1");
        }
        else if (currentVersion < minimumVersion)
        {
            diagnostics.Report(
                DiagnosticDescriptors.DeviceDeclarationInvalid,
                device.NamedLocation("CurrentVersion") ?? device.NamedLocation("MinimumVersion"),
                display,
                $"CurrentVersion ({currentVersion}) is below MinimumVersion ({minimumVersion})");
        }
    }

    private static Dictionary<string, GroupDraft> ReadGroups(
        INamedTypeSymbol type,
        INamedTypeSymbol? groupAttributeType,
        INamedTypeSymbol? structAttributeType,
        ParameterParser configuration,
        int currentVersion,
        int minimumVersion,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken)
    {
        var groups = new Dictionary<string, GroupDraft>(System.StringComparer.Ordinal);
        foreach (AttributeData attribute in type.GetAttributes())
        {
            bool isOptional = SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, groupAttributeType);
            bool isStruct = SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, structAttributeType);
            if (!(isOptional || isStruct) || attribute.ConstructorArguments.Length != 2)
            {
                continue;
            }

            var reader = new AttributeReader(attribute, cancellationToken);
            string name = reader.Positional<string>(0) ?? string.Empty;
            var entry = new EntryDraft(
                Name: name,
                Display: name,
                Tag: reader.Positional(1, 0),
                Kind: isOptional ? SpecKind.Optional : SpecKind.Struct,
                Size: 0,
                Skippable: reader.Named("Skippable", false),
                Since: reader.Named("Since", 1),
                RemovedIn: reader.Named("RemovedIn", 0),
                Description: reader.Named<string?>("Description", null),
                Reader: reader,
                Condition: configuration.ResolveCondition(reader, name.Length == 0 ? "(unnamed)" : name));
            if (name.Length == 0)
            {
                diagnostics.Report(
                    DiagnosticDescriptors.InvalidName,
                    reader.PositionalLocation(0),
                    isOptional ? "(unnamed group)" : "(unnamed structure)",
                    isOptional ? "an optional group needs a non-empty name" : "a structure needs a non-empty name");
                continue;
            }

            if (groups.ContainsKey(name))
            {
                diagnostics.Report(DiagnosticDescriptors.DuplicateGroup, reader.PositionalLocation(0), name, type.Name);
                continue;
            }

            bool versionsValid = CheckEntry(entry, currentVersion, minimumVersion, diagnostics);
            if (isStruct)
            {
                groups.Add(name, new GroupDraft(entry, presentFlag: null, isValid: true, versionsValid));
                continue;
            }

            string? flag = CheckPresentFlag(type, reader, name, diagnostics);
            groups.Add(name, new GroupDraft(entry, flag, isValid: flag is not null, versionsValid));
        }

        return groups;
    }

    private static string? CheckPresentFlag(INamedTypeSymbol type, AttributeReader reader, string group, List<DiagnosticInfo> diagnostics)
    {
        string? flag = reader.Named<string?>("PresentFlag", null);
        LocationInfo? location = reader.NamedLocation("PresentFlag") ?? reader.Location;
        string? problem = null;
        IFieldSymbol? field = flag is null ? null : type.GetMembers(flag).OfType<IFieldSymbol>().FirstOrDefault();
        if (flag is null)
        {
            problem = "set PresentFlag to the name of the bool field that says whether the group's state is live, e.g. PresentFlag = nameof(_timerArmed)";
        }
        else if (field is null)
        {
            problem = $"PresentFlag names '{flag}', which is not a field of '{type.Name}'";
        }
        else if (field.Type.SpecialType != SpecialType.System_Boolean)
        {
            problem = $"PresentFlag names '{flag}', which is a {field.Type.ToDisplayString()}, not a bool";
        }
        else if (field.IsStatic || field.IsConst || field.IsReadOnly)
        {
            string modifier = field.IsConst ? "const" : field.IsStatic ? "static" : "readonly";
            problem = $"PresentFlag names '{flag}', which is {modifier}; loading sets the flag, so it must be a writable instance field";
        }

        if (problem is not null)
        {
            diagnostics.Report(DiagnosticDescriptors.InvalidPresentFlag, location, group, problem);
            return null;
        }

        return Naming.Escape(field!.Name);
    }

    private static List<FieldDraft> ReadFields(
        INamedTypeSymbol type,
        INamedTypeSymbol? fieldAttributeType,
        Dictionary<string,
        GroupDraft> groups,
        ParameterParser configuration,
        int currentVersion,
        int minimumVersion,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken)
    {
        var fields = new List<FieldDraft>();
        foreach (ISymbol member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is not IFieldSymbol field)
            {
                continue;
            }

            AttributeData? attribute = field.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, fieldAttributeType));
            if (attribute is null || attribute.ConstructorArguments.Length != 1)
            {
                continue;
            }

            var reader = new AttributeReader(attribute, cancellationToken);
            LocationInfo? fieldLocation = LocationInfo.From(field.Locations.FirstOrDefault());
            string displayName = field.AssociatedSymbol?.Name ?? field.Name;

            int length = reader.Named("Length", 0);
            int maxLength = reader.Named("MaxLength", 0);
            if (length < 0)
            {
                // Checked before the type: a negative count would otherwise read as a missing one.
                diagnostics.Report(
                    DiagnosticDescriptors.SizeNotApplicable,
                    reader.NamedLocation("Length"),
                    displayName,
                    $"Length is {length}; a count is 1 or more");
                continue;
            }

            SpecKind? kind = ClassifyType(field.Type, length, out string? typeProblem);
            if (kind is null)
            {
                diagnostics.Report(DiagnosticDescriptors.FieldTypeUnsupported, fieldLocation, displayName, field.Type.ToDisplayString(), typeProblem!);
                continue;
            }

            bool byReference = kind is not (SpecKind.FixedBytes or SpecKind.UInt16Array or SpecKind.UInt32Array or SpecKind.UInt64Array);
            string? notAssignable =
                field.AssociatedSymbol is IPropertySymbol ? "the backing field of a property, which generated code cannot name"
                : field.IsConst ? "const"
                : field.IsStatic ? "static"
                : field.IsVolatile ? "volatile"
                : field.IsReadOnly && byReference ? "readonly"
                : null;
            if (notAssignable is not null)
            {
                diagnostics.Report(DiagnosticDescriptors.FieldNotAssignable, fieldLocation, displayName, notAssignable);
                continue;
            }

            if (!CheckSizes(kind.Value, length, maxLength, reader, displayName, diagnostics))
            {
                continue;
            }

            GroupDraft? group = null;
            string? groupName = reader.Named<string?>("Group", null);
            if (groupName is not null && !groups.TryGetValue(groupName, out group))
            {
                diagnostics.Report(DiagnosticDescriptors.UndeclaredGroup, reader.NamedLocation("Group"), displayName, groupName, type.Name);
                continue;
            }

            if (group is not null && !group.IsValid)
            {
                // The group itself is broken (reported on its attribute) and is not generated; neither are its members.
                continue;
            }

            string name = reader.Named<string?>("Name", null) ?? Naming.ToSnakeCase(field.Name);
            var entry = new EntryDraft(
                Name: name,
                Display: displayName,
                Tag: reader.Positional(0, 0),
                Kind: kind.Value,
                Size: kind is SpecKind.String or SpecKind.Bytes ? maxLength : length,
                Skippable: reader.Named("Skippable", false),
                Since: reader.HasNamed("Since") ? reader.Named("Since", 1) : group?.Entry.Since ?? 1,
                RemovedIn: reader.Named("RemovedIn", 0),
                Description: reader.Named<string?>("Description", null),
                Reader: reader,
                Condition: configuration.ResolveCondition(reader, displayName));
            if (name.Length == 0)
            {
                diagnostics.Report(
                    DiagnosticDescriptors.InvalidName,
                    reader.NamedLocation("Name") ?? reader.Location,
                    displayName,
                    "the field's name is empty");
                continue;
            }

            if (CheckEntry(entry, currentVersion, minimumVersion, diagnostics) && group is { VersionsValid: true })
            {
                CheckWithinGroup(entry, group, diagnostics);
            }

            fields.Add(new FieldDraft(entry, Naming.Escape(field.Name), group));
        }

        return fields;
    }

    private static SpecKind? ClassifyType(ITypeSymbol type, int length, out string? problem)
    {
        problem = null;
        switch (type.SpecialType)
        {
            case SpecialType.System_Byte: return SpecKind.UInt8;
            case SpecialType.System_SByte: return SpecKind.Int8;
            case SpecialType.System_UInt16: return SpecKind.UInt16;
            case SpecialType.System_Int16: return SpecKind.Int16;
            case SpecialType.System_UInt32: return SpecKind.UInt32;
            case SpecialType.System_Int32: return SpecKind.Int32;
            case SpecialType.System_UInt64: return SpecKind.UInt64;
            case SpecialType.System_Int64: return SpecKind.Int64;
            case SpecialType.System_Boolean: return SpecKind.Bool;
            case SpecialType.System_String:
                if (type.NullableAnnotation == NullableAnnotation.Annotated)
                {
                    problem = "a loaded string is never null; declare it as string and initialize it";
                    return null;
                }

                return SpecKind.String;
        }

        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            switch (array.ElementType.SpecialType)
            {
                case SpecialType.System_Byte when length > 0:
                    return SpecKind.FixedBytes;
                case SpecialType.System_Byte:
                    if (type.NullableAnnotation == NullableAnnotation.Annotated)
                    {
                        problem = "a loaded byte string is never null; declare it as byte[] and initialize it";
                        return null;
                    }

                    return SpecKind.Bytes;
                case SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_UInt64 when length <= 0:
                    problem = "an integer array is migrated with a fixed element count; set Length to it";
                    return null;
                case SpecialType.System_UInt16: return SpecKind.UInt16Array;
                case SpecialType.System_UInt32: return SpecKind.UInt32Array;
                case SpecialType.System_UInt64: return SpecKind.UInt64Array;
            }
        }

        problem = type.TypeKind == TypeKind.Enum
            ? "store the enum's value in a field of its underlying integer type"
            : "migrated fields are integers (8 to 64 bits), bool, string, byte[], or ushort[], uint[] or ulong[] of a fixed Length";
        return null;
    }

    private static bool CheckSizes(SpecKind kind, int length, int maxLength, AttributeReader reader, string field, List<DiagnosticInfo> diagnostics)
    {
        bool fixedKind = kind is SpecKind.FixedBytes or SpecKind.UInt16Array or SpecKind.UInt32Array or SpecKind.UInt64Array;
        string? problem = null;
        LocationInfo? location = null;
        if (length != 0 && !fixedKind)
        {
            (problem, location) = ("Length applies to arrays only (byte[], ushort[], uint[], ulong[])", reader.NamedLocation("Length"));
        }
        else if (maxLength < 0)
        {
            (problem, location) = ($"MaxLength is {maxLength}; a bound is 0 (none) or more", reader.NamedLocation("MaxLength"));
        }
        else if (maxLength != 0 && kind is not (SpecKind.String or SpecKind.Bytes))
        {
            (problem, location) = (
                fixedKind ? "MaxLength bounds a variable length; a fixed-size array has Length only" : "MaxLength applies to string and byte[] fields only",
                reader.NamedLocation("MaxLength"));
        }

        if (problem is null)
        {
            return true;
        }

        diagnostics.Report(DiagnosticDescriptors.SizeNotApplicable, location ?? reader.Location, field, problem);
        return false;
    }

    /// <summary>Checks an entry's tag and versions; returns whether its versions are valid.</summary>
    private static bool CheckEntry(EntryDraft entry, int currentVersion, int minimumVersion, List<DiagnosticInfo> diagnostics)
    {
        AttributeReader reader = entry.Reader;
        if (entry.Tag < 0)
        {
            diagnostics.Report(DiagnosticDescriptors.NegativeTag, reader.PositionalLocation(entry.IsGroup ? 1 : 0), entry.Display, entry.Tag);
        }

        // A member that takes its group's Since is checked through the group, which reports a bad value once.
        if (reader.HasNamed("Since") && (entry.Since < 1 || entry.Since > currentVersion))
        {
            diagnostics.Report(
                DiagnosticDescriptors.SinceOutOfRange,
                reader.NamedLocation("Since") ?? reader.Location,
                entry.Display,
                entry.Since,
                currentVersion);
            return false;
        }

        if (entry.RemovedIn != 0 && (entry.RemovedIn <= entry.Since || entry.RemovedIn > currentVersion))
        {
            diagnostics.Report(
                DiagnosticDescriptors.RemovedInOutOfRange,
                reader.NamedLocation("RemovedIn"),
                entry.Display,
                entry.RemovedIn,
                entry.Since,
                currentVersion);
            return false;
        }
        else if (entry.RemovedIn != 0 && entry.RemovedIn <= minimumVersion)
        {
            diagnostics.Report(DiagnosticDescriptors.FieldNeverVisited, reader.NamedLocation("RemovedIn"), entry.Display, entry.RemovedIn, minimumVersion);
        }

        return true;
    }

    /// <summary>
    /// A member is visited only inside its group, so a version range reaching outside the group's would describe a
    /// field that no stream of those versions can carry, and schemas would list it where it is never sent.
    /// </summary>
    private static void CheckWithinGroup(EntryDraft member, GroupDraft group, List<DiagnosticInfo> diagnostics)
    {
        EntryDraft owner = group.Entry;
        string kind = owner.Kind == SpecKind.Struct ? "structure" : "optional group";
        if (member.Since < owner.Since)
        {
            diagnostics.Report(
                DiagnosticDescriptors.MemberOutsideGroupVersions,
                member.Reader.NamedLocation("Since") ?? member.Reader.Location,
                member.Display,
                "Since",
                member.Since,
                kind,
                owner.Name,
                owner.Since,
                "before");
        }
        else if (owner.RemovedIn != 0 && member.RemovedIn > owner.RemovedIn)
        {
            diagnostics.Report(
                DiagnosticDescriptors.MemberOutsideGroupVersions,
                member.Reader.NamedLocation("RemovedIn") ?? member.Reader.Location,
                member.Display,
                "RemovedIn",
                member.RemovedIn,
                kind,
                owner.Name,
                owner.RemovedIn,
                "after");
        }
    }

    private static void CheckUnique(List<EntryDraft> entries, string structure, List<DiagnosticInfo> diagnostics)
    {
        var byTag = new Dictionary<int, EntryDraft>();
        var byName = new Dictionary<string, EntryDraft>(System.StringComparer.Ordinal);
        foreach (EntryDraft entry in entries)
        {
            bool isGroup = entry.IsGroup;
            if (entry.Tag >= 0)
            {
                if (byTag.TryGetValue(entry.Tag, out EntryDraft? first))
                {
                    diagnostics.Report(
                        DiagnosticDescriptors.DuplicateTag,
                        entry.Reader.PositionalLocation(isGroup ? 1 : 0),
                        entry.Display,
                        entry.Tag,
                        first.Display,
                        structure);
                }
                else
                {
                    byTag.Add(entry.Tag, entry);
                }
            }

            if (byName.TryGetValue(entry.Name, out EntryDraft? same))
            {
                LocationInfo? location = isGroup ? entry.Reader.PositionalLocation(0) : entry.Reader.NamedLocation("Name") ?? entry.Reader.Location;
                diagnostics.Report(
                    DiagnosticDescriptors.InvalidName,
                    location,
                    entry.Display,
                    $"the name '{entry.Name}' is already taken by '{same.Display}' in '{structure}'; names are unique within a structure");
            }
            else
            {
                byName.Add(entry.Name, entry);
            }
        }
    }

    private static bool HasMember(INamedTypeSymbol type, string name) => type.GetMembers(name).Any(m => !m.IsImplicitlyDeclared);

    private static string KeywordOf(INamedTypeSymbol type) =>
        type.IsRecord ? (type.IsValueType ? "record struct" : "record")
        : type.TypeKind switch
        {
            TypeKind.Struct => "struct",
            TypeKind.Interface => "interface",
            _ => "class",
        };

    private static string HintName(INamedTypeSymbol type)
    {
        var text = new StringBuilder();
        foreach (char c in type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", string.Empty))
        {
            text.Append(char.IsLetterOrDigit(c) || c is '.' or '_' ? c : '_');
        }

        return text.Append(".Migration.g.cs").ToString();
    }

    /// <summary>What fields and groups share while they are being checked.</summary>
    private sealed record EntryDraft(
        string Name,
        string Display,
        int Tag,
        SpecKind Kind,
        int Size,
        bool Skippable,
        int Since,
        int RemovedIn,
        string? Description,
        AttributeReader Reader,
        string? Condition = null)
    {
        public bool IsGroup => Kind is SpecKind.Optional or SpecKind.Struct;
    }

    private sealed class FieldDraft(EntryDraft entry, string memberName, GroupDraft? group)
    {
        public EntryDraft Entry { get; } = entry;

        public string MemberName { get; } = memberName;

        public GroupDraft? Group { get; } = group;

        public SpecModel ToModel(string specName, EquatableArray<SpecModel> members) =>
            new(
                specName,
                Entry.Name,
                Entry.Tag,
                Entry.Kind,
                Entry.Size,
                Entry.Skippable,
                Entry.Since,
                Entry.RemovedIn,
                Entry.Description,
                MemberName,
                members,
                Entry.Reader.Location,
                Entry.Reader.NamedLocation("Since") ?? Entry.Reader.Location,
                Entry.Condition);
    }

    /// <summary>An optional group or a structure, with the members found so far.</summary>
    private sealed class GroupDraft(EntryDraft entry, string? presentFlag, bool isValid, bool versionsValid)
    {
        public EntryDraft Entry { get; } = entry;

        /// <summary>Gets an optional group's presence flag, escaped for source; <see langword="null"/> for a structure or a broken group.</summary>
        public string? PresentFlag { get; } = presentFlag;

        /// <summary>Gets a value indicating whether the group is generated (an optional group needs a valid presence flag).</summary>
        public bool IsValid { get; } = isValid;

        /// <summary>Gets a value indicating whether the group's own Since and RemovedIn passed their checks, so members can be checked against them.</summary>
        public bool VersionsValid { get; } = versionsValid;

        public List<FieldDraft> Members { get; } = [];

        public SpecModel ToModel(string specName, EquatableArray<SpecModel> members) =>
            new(
                specName,
                Entry.Name,
                Entry.Tag,
                Entry.Kind,
                0,
                Entry.Skippable,
                Entry.Since,
                Entry.RemovedIn,
                Entry.Description,
                PresentFlag ?? string.Empty,
                members,
                Entry.Reader.Location,
                Entry.Reader.NamedLocation("Since") ?? Entry.Reader.Location,
                Entry.Condition);
    }
}
