using System;

namespace MigrationFormat.Qemu;

/// <summary>
/// The run-time answers a device's C code gives that a dump cannot show: whether a field's <c>field_exists</c> test passes and
/// whether a subsection's <c>needed</c> test does. Fields are named by key: the path without element indices, with
/// <c>@n</c> for the n-th repeat of a name in its description.
/// </summary>
/// <param name="FieldExists">Given a field's key and the field, whether its test passes.</param>
/// <param name="SubsectionNeeded">Given a subsection's path and description, whether the source sends it.</param>
public sealed record VmStateRuntime(Func<string, VmsdField, bool> FieldExists, Func<string, VmsdDescription, bool> SubsectionNeeded);
