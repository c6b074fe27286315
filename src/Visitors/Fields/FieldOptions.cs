namespace MigrationFormat.Visitors;

/// <summary>The declaration arguments every field kind shares, passed as one value to the spec constructors.</summary>
internal readonly record struct FieldOptions(string Name, int Tag, bool Skippable, int Since, int RemovedIn, string? Description);
