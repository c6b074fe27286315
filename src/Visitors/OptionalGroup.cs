using System;

namespace MigrationFormat.Visitors;

/// <summary>Which of the three cases an optional group is in for one visit.</summary>
public enum OptionalPresence
{
    /// <summary>The device's version has no such group: nothing was visited and nothing is to be changed.</summary>
    NotInVersion,

    /// <summary>The version has the group, but it is not visited: not needed when saving, not in the input when loading.</summary>
    Absent,

    /// <summary>The group is visited: visit its fields, then call <see cref="IStateVisitor.EndOptional"/>.</summary>
    Present,
}

/// <summary>
/// The result of <see cref="IStateVisitor.BeginOptional(OptionalSpec, bool)"/>: whether the group's fields are to be
/// visited, and, when they are not, whether that is because the group was absent or because the version has none.
/// </summary>
public readonly struct OptionalGroup : IEquatable<OptionalGroup>
{
    private readonly bool _leavesFlag;

    /// <summary>Creates a result.</summary>
    /// <param name="presence">The case.</param>
    public OptionalGroup(OptionalPresence presence) => Presence = presence;

    private OptionalGroup(OptionalPresence presence, bool leavesFlag)
    {
        Presence = presence;
        _leavesFlag = leavesFlag;
    }

    /// <summary>
    /// Gets the result a snapshot gives while it copies a group's contents whatever its presence: the fields are
    /// visited, and <see cref="Track"/> leaves the device's flag as it is.
    /// </summary>
    internal static OptionalGroup ContentsOnly => new(OptionalPresence.Present, leavesFlag: true);

    /// <summary>Gets the result for a group that is visited.</summary>
    public static OptionalGroup Present => new(OptionalPresence.Present);

    /// <summary>Gets the result for a group the version has but that is not visited.</summary>
    public static OptionalGroup Absent => new(OptionalPresence.Absent);

    /// <summary>Gets the result for a group the version does not have.</summary>
    public static OptionalGroup NotInVersion => new(OptionalPresence.NotInVersion);

    /// <summary>Gets the case.</summary>
    public OptionalPresence Presence { get; }

    /// <summary>Gets a value indicating whether the group's fields are to be visited (then call <see cref="IStateVisitor.EndOptional"/>).</summary>
    public bool IsPresent => Presence == OptionalPresence.Present;

    /// <summary>Gets a value indicating whether the version has the group but it is not visited.</summary>
    public bool IsAbsent => Presence == OptionalPresence.Absent;

    /// <summary>Gets a value indicating whether the device's version has no such group.</summary>
    public bool IsNotInVersion => Presence == OptionalPresence.NotInVersion;

    /// <summary>
    /// Keeps a device flag equal to the group's presence: sets <paramref name="present"/> to <see cref="IsPresent"/>
    /// unless the version has no such group (then the flag is left alone). When saving with <c>needed</c> taken from
    /// the same flag this writes back the value it read, so one line serves every direction.
    /// </summary>
    /// <param name="present">The device's flag that says whether the group's state is live.</param>
    /// <returns><see cref="IsPresent"/>.</returns>
    public bool Track(ref bool present)
    {
        if (Presence != OptionalPresence.NotInVersion && !_leavesFlag)
        {
            present = Presence == OptionalPresence.Present;
        }

        return IsPresent;
    }

    /// <inheritdoc/>
    public bool Equals(OptionalGroup other) => Presence == other.Presence && _leavesFlag == other._leavesFlag;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is OptionalGroup other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)Presence;

    /// <inheritdoc/>
    public override string ToString() => Presence.ToString();

    /// <summary>Compares two results.</summary>
    /// <param name="left">One result.</param>
    /// <param name="right">The other.</param>
    /// <returns><see langword="true"/> when both are the same case.</returns>
    public static bool operator ==(OptionalGroup left, OptionalGroup right) => left.Equals(right);

    /// <summary>Compares two results.</summary>
    /// <param name="left">One result.</param>
    /// <param name="right">The other.</param>
    /// <returns><see langword="true"/> when they are different cases.</returns>
    public static bool operator !=(OptionalGroup left, OptionalGroup right) => !left.Equals(right);
}
