using System;

namespace MigrationFormat.Session;

/// <summary>A capability one side of a session has: its name, and whether the other side must have it too.</summary>
/// <param name="Name">The capability's name, e.g. <c>crc32c</c> or <c>switchover-ack</c>.</param>
/// <param name="Required">
/// On the source: the destination must accept it or refuse the session (in a one-way stream: a reader must understand it).
/// On the destination: the source must offer it or the destination refuses the session.
/// </param>
public sealed record SessionCapability(string Name, bool Required = false)
{
    /// <summary>Gets the capability's name.</summary>
    public string Name { get; init; } = !string.IsNullOrEmpty(Name) ? Name : throw new ArgumentException("A capability has a name.", nameof(Name));

    /// <inheritdoc/>
    public override string ToString() => Required ? Name + "!" : Name;
}
