using System.Collections.Generic;

namespace MigrationFormat.Tool.Walking;

/// <summary>
/// The problems that make a verb fail, kept for the report at its end: the first <see cref="Kept"/> whole, the rest
/// counted, so that a stream of a million bad checksums costs a count, not a million messages.
/// </summary>
internal sealed class FailureLog
{
    /// <summary>How many problems are kept to be printed.</summary>
    public const int Kept = 20;

    private readonly List<WalkProblem> _first = [];

    /// <summary>Gets the number of problems added.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the first problems added.</summary>
    public IReadOnlyList<WalkProblem> First => _first;

    public void Add(WalkProblem problem)
    {
        if (_first.Count < Kept)
        {
            _first.Add(problem);
        }

        Count++;
    }
}
