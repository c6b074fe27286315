namespace MigrationFormat.Qemu;

/// <summary>
/// The run-time choices a dump cannot show, fixed for a whole comparison: which subsections a source sends (their <c>needed</c>
/// tests) and which <c>field_exists</c> tests pass. <see cref="VmStateChecker"/> decides a device pair under both policies; the
/// answers differ exactly when the verdict is <see cref="VmStateVerdict.Conditional"/>.
/// </summary>
public enum VmStateSendPolicy
{
    /// <summary>No subsection is sent; a <c>field_exists</c> test passes only where both sides have the field with a test (the same test), and fails where one
    /// side alone has it.</summary>
    Minimal,

    /// <summary>Every subsection is sent and every <c>field_exists</c> test passes.</summary>
    Maximal,
}
