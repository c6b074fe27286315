namespace MigrationFormat.Qemu;

/// <summary>One root cause found by <see cref="VmStateChecker"/>, with what follows from it.</summary>
/// <param name="QomType">The QOM type of the device (the dump's entry key), or empty for the machine.</param>
/// <param name="Section">The section id string (the top-level description's name), or empty.</param>
/// <param name="Path">Where: dotted field path inside the section, with subsection names as they are on the wire; empty for the section.</param>
/// <param name="Kind">What changed.</param>
/// <param name="Severity">How bad it is.</param>
/// <param name="Message">The change, in words.</param>
/// <param name="Consequence">What follows from it on the wire ("stream out of step from here ..."), or empty.</param>
/// <param name="Condition">For a conditional finding, the run-time condition under which it breaks; otherwise empty.</param>
public sealed record VmStateFinding(
    string QomType,
    string Section,
    string Path,
    VmStateFindingKind Kind,
    VmStateSeverity Severity,
    string Message,
    string Consequence,
    string Condition)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        string where = Path.Length == 0 ? Section : Section + ":" + Path;
        string text = $"{QomType} [{where}] {Message}";
        if (Consequence.Length > 0)
        {
            text += "; " + Consequence;
        }

        if (Condition.Length > 0)
        {
            text += " (" + Condition + ")";
        }

        return text;
    }
}
