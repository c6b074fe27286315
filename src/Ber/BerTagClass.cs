namespace MigrationFormat.Ber;

/// <summary>The class of a BER tag (X.690 §8.1.2.2, bits 8 and 7 of the identifier octet).</summary>
public enum BerTagClass : byte
{
    /// <summary>Tags assigned by X.680 to the built-in types (INTEGER, SEQUENCE, ...).</summary>
    Universal = 0,

    /// <summary>Tags of application-wide meaning; the migration stream uses them for its framing.</summary>
    Application = 1,

    /// <summary>Context-specific tags <c>[n]</c>; the migration stream uses them for must-parse fields.</summary>
    ContextSpecific = 2,

    /// <summary>Private tags <c>[PRIVATE n]</c>; the migration stream uses them for skippable fields.</summary>
    Private = 3,
}
