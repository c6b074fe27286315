using Microsoft.CodeAnalysis;

namespace MigrationFormat.Generators;

/// <summary>
/// Every diagnostic the generator reports. The ids are stable: documented in docs/diagnostics.md and listed in
/// AnalyzerReleases.*.md; a retired id is never reused.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Declaration = "MigrationFormat.Declaration";
    private const string Compatibility = "MigrationFormat.Compatibility";
    private const string Configuration = "MigrationFormat.Configuration";

    public static readonly DiagnosticDescriptor DeviceNotPartial = Error(
        "MIGFMT001",
        "Device class must be partial",
        "'{0}' must be declared partial so that the generated part of device '{1}' can be added to it",
        Declaration);

    public static readonly DiagnosticDescriptor DeviceClassUnsupported = Error(
        "MIGFMT002",
        "Device class cannot be generated",
        "'{0}' cannot be a generated device: {1}",
        Declaration);

    public static readonly DiagnosticDescriptor DeviceDeclarationInvalid = Error(
        "MIGFMT003",
        "Device declaration is invalid",
        "Device '{0}': {1}",
        Declaration);

    public static readonly DiagnosticDescriptor ConstructorMissing = Error(
        "MIGFMT004",
        "Device needs an (int version) constructor",
        "Device '{0}' declares its own Version, so the generator cannot write the constructor the generated DeviceType calls; "
        + "declare a constructor that takes the version as its only int parameter",
        Declaration);

    public static readonly DiagnosticDescriptor OutsideDevice = Error(
        "MIGFMT005",
        "Migration attribute outside a device class",
        "'{0}' has [{1}], but '{2}' has no [MigrationDevice]: nothing is generated from it",
        Declaration);

    public static readonly DiagnosticDescriptor FieldTypeUnsupported = Error(
        "MIGFMT010",
        "Field type cannot be migrated",
        "Field '{0}' is of type '{1}', which the format cannot carry: {2}",
        Declaration);

    public static readonly DiagnosticDescriptor FieldNotAssignable = Error(
        "MIGFMT011",
        "Migrated field must be a writable instance field",
        "Field '{0}' cannot be migrated because it is {1}; a loading visitor writes it through a reference",
        Declaration);

    public static readonly DiagnosticDescriptor DuplicateTag = Error(
        "MIGFMT012",
        "Tag is used twice in one structure",
        "'{0}' takes tag {1}, which '{2}' already has; tags are unique within '{3}'",
        Declaration);

    public static readonly DiagnosticDescriptor NegativeTag = Error(
        "MIGFMT013",
        "Tag must not be negative",
        "'{0}' has tag {1}; a tag number is 0 or more",
        Declaration);

    public static readonly DiagnosticDescriptor InvalidName = Error(
        "MIGFMT014",
        "Field name is empty or used twice",
        "'{0}': {1}",
        Declaration);

    public static readonly DiagnosticDescriptor SinceOutOfRange = Error(
        "MIGFMT015",
        "Since is outside the device's versions",
        "'{0}' has Since = {1}, outside the device's versions 1 to {2}",
        Declaration);

    public static readonly DiagnosticDescriptor RemovedInOutOfRange = Error(
        "MIGFMT016",
        "RemovedIn must follow Since and not exceed CurrentVersion",
        "'{0}' has RemovedIn = {1}; it must be after Since ({2}) and at most CurrentVersion ({3})",
        Declaration);

    public static readonly DiagnosticDescriptor FieldNeverVisited = Warning(
        "MIGFMT017",
        "Removed field is visited by no supported version",
        "'{0}' is removed in version {1}, at or below MinimumVersion ({2}): no version the device supports visits it; "
        + "delete it (with its tag retired) or lower MinimumVersion",
        Declaration);

    public static readonly DiagnosticDescriptor SizeNotApplicable = Error(
        "MIGFMT018",
        "Length or MaxLength does not fit the field",
        "Field '{0}': {1}",
        Declaration);

    public static readonly DiagnosticDescriptor UndeclaredGroup = Error(
        "MIGFMT020",
        "Field names a group that is not declared",
        "Field '{0}' belongs to group '{1}', which no [MigrationOptionalGroup] or [MigrationStruct] on '{2}' declares",
        Declaration);

    public static readonly DiagnosticDescriptor InvalidPresentFlag = Error(
        "MIGFMT021",
        "PresentFlag must name a writable bool field",
        "Optional group '{0}': {1}",
        Declaration);

    public static readonly DiagnosticDescriptor DuplicateGroup = Error(
        "MIGFMT022",
        "Group is declared twice",
        "Group '{0}' is declared more than once on '{1}' (optional groups and structures share one set of names)",
        Declaration);

    public static readonly DiagnosticDescriptor MemberOutsideGroupVersions = Error(
        "MIGFMT023",
        "Group member exists in versions its group does not",
        "'{0}' has {1} = {2}, but its {3} '{4}' has {1} = {5}: the member is visited only while its group is, so it cannot exist {6} it",
        Declaration);

    public static readonly DiagnosticDescriptor InvalidParameterName = Error(
        "MIGFMT040",
        "Parameter name is invalid",
        "Device '{0}': '{1}' is not a parameter name: 1 to 64 ASCII letters, digits, '-', '_' or '.', starting with a letter or digit, and not 'version'",
        Configuration);

    public static readonly DiagnosticDescriptor DuplicateParameter = Error(
        "MIGFMT041",
        "Parameter is declared twice",
        "Device '{0}' declares parameter '{1}' more than once",
        Configuration);

    public static readonly DiagnosticDescriptor ParameterSettingInvalid = Error(
        "MIGFMT042",
        "Parameter setting does not fit its type",
        "Parameter '{0}': {1}",
        Configuration);

    public static readonly DiagnosticDescriptor DefaultInvalid = Error(
        "MIGFMT043",
        "Default is not a value of the parameter",
        "Parameter '{0}' has Default = \"{1}\", but it takes {2}",
        Configuration);

    public static readonly DiagnosticDescriptor LayoutDomainTooLarge = Error(
        "MIGFMT044",
        "Parameter that changes the layout takes too many values",
        "Parameter '{0}' changes the state layout, so its values (with those of the device's other such parameters) are at most 256 combinations; {1}",
        Configuration);

    public static readonly DiagnosticDescriptor VersionParametersInvalid = Error(
        "MIGFMT045",
        "Version's parameter set is invalid",
        "Device '{0}', version {1}: {2}",
        Configuration);

    public static readonly DiagnosticDescriptor ConditionInvalid = Error(
        "MIGFMT046",
        "When condition is invalid",
        "'{0}' has When = \"{1}\": {2}",
        Configuration);

    public static readonly DiagnosticDescriptor ConditionNotLayout = Error(
        "MIGFMT047",
        "When names a parameter that does not change the layout",
        "'{0}' exists only when {1}, so '{2}' changes the state layout; declare it with ChangesLayout = true, "
        + "so that streams carry it as must-parse and schemas are made per value",
        Configuration);

    public static readonly DiagnosticDescriptor ParameterizedDeviceMember = Error(
        "MIGFMT048",
        "Device with parameters declares a member the generator writes",
        "Device '{0}' has parameters, so the generator writes its DeviceType, Configuration, Version and its (DeviceConfiguration) and (int version) "
        + "constructors; remove '{1}' (set up derived state in a partial OnConfigured(DeviceConfiguration) method)",
        Configuration);

    public static readonly DiagnosticDescriptor BaselineUnreadable = Error(
        "MIGFMT030",
        "Schema baseline cannot be read",
        "Schema baseline '{0}' cannot be read: {1}",
        Compatibility);

    public static readonly DiagnosticDescriptor BaselineAboveCurrent = Error(
        "MIGFMT031",
        "Baseline version is above CurrentVersion",
        "Device '{0}' has CurrentVersion {1}, but version {2} was released (baseline '{3}'); versions never go back",
        Compatibility);

    public static readonly DiagnosticDescriptor AddedWithoutVersionBump = Error(
        "MIGFMT032",
        "Must-parse field added without a version bump",
        "Must-parse '{0}' exists in version {1} (Since = {2}), which was released without it (baseline '{3}'); "
        + "destinations of version {1} would reject every stream; introduce it in a new version",
        Compatibility);

    public static readonly DiagnosticDescriptor TypeChanged = Error(
        "MIGFMT033",
        "Tag reused with another type",
        "'{0}' takes tag {1}, which had type {3} in released version {2} (baseline '{4}'); it is declared as {5} now",
        Compatibility);

    public static readonly DiagnosticDescriptor Renamed = Error(
        "MIGFMT034",
        "Tag reused with another name",
        "Tag {0} of '{1}' was named '{2}' in released version {3} (baseline '{4}'); it is declared as '{5}' now",
        Compatibility);

    public static readonly DiagnosticDescriptor RemovedFromReleasedVersion = Error(
        "MIGFMT035",
        "Field of a released version is no longer in it",
        "'{0}' (tag {1}) is in released version {2} (baseline '{3}') but {4}; "
        + "destinations of version {2} need it: keep it declared and remove it with RemovedIn set to a newer version",
        Compatibility);

    public static readonly DiagnosticDescriptor RemovalBreaksOldStreams = Error(
        "MIGFMT036",
        "Must-parse field removed while its version is still loaded",
        "'{0}' is removed in version {1}, but streams of version {2} (baseline '{3}', still loaded since MinimumVersion is {4}) carry it as must-parse, "
        + "and version {1} would reject them; raise MinimumVersion above {2} first",
        Compatibility);

    public static readonly DiagnosticDescriptor SkippableChanged = Error(
        "MIGFMT037",
        "Skippable flag changed",
        "'{0}' was {1} in released version {2} (baseline '{3}'); it is declared {4} now, which changes its tag on the wire",
        Compatibility);

    public static readonly DiagnosticDescriptor Reordered = Error(
        "MIGFMT038",
        "Fields visited in another order",
        "'{0}' is visited in another order than in released version {1} (baseline '{2}'), where it came before '{3}'; restore the released order",
        Compatibility);

    public static readonly DiagnosticDescriptor SinceChanged = Error(
        "MIGFMT039",
        "Since changed for a released field",
        "'{0}' was introduced in version {1} according to released version {2} (baseline '{3}'); it is declared with Since = {4} now",
        Compatibility);

    private static DiagnosticDescriptor Error(string id, string title, string message, string category) =>
        new(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message, string category) =>
        new(id, title, message, category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
