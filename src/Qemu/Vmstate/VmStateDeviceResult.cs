using System.Collections.Generic;

namespace MigrationFormat.Qemu;

/// <summary>The answer of <see cref="VmStateChecker"/> for one QOM device type.</summary>
/// <param name="QomType">The QOM type (the dump's entry key).</param>
/// <param name="Section">The section id string the source sends (its top-level description's name).</param>
/// <param name="Verdict">Whether the destination loads what the source sends.</param>
/// <param name="Findings">One finding per root cause, most important first.</param>
public sealed record VmStateDeviceResult(string QomType, string Section, VmStateVerdict Verdict, IReadOnlyList<VmStateFinding> Findings);
