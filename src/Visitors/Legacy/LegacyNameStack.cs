using System;
using System.Runtime.CompilerServices;
using System.Text;

namespace MigrationFormat.Visitors;

/// <summary>
/// The names of the structures, lists and subsections a legacy visitor is inside, innermost last: the parent of a
/// subsection's name and the field path of an error. The first levels live in the visitor itself, so a visit with
/// shallow nesting allocates nothing.
/// </summary>
internal struct LegacyNameStack
{
    private const int InlineLevels = 8;

    private InlineNames _inline;
    private InlineLists _inlineLists;
    private string[]? _deeper;
    private ListSpec?[]? _deeperLists;

    /// <summary>Gets the number of open levels.</summary>
    public int Depth { get; private set; }

    /// <summary>Opens a level named <paramref name="name"/>; <paramref name="list"/> when the level is a list.</summary>
    public void Push(string name, ListSpec? list = null)
    {
        if (Depth < InlineLevels)
        {
            _inlineLists[Depth] = list;
            _inline[Depth++] = name;
            return;
        }

        int index = Depth - InlineLevels;
        if (_deeper is null || index == _deeper.Length)
        {
            Array.Resize(ref _deeper, Math.Max(InlineLevels, index * 2));
            Array.Resize(ref _deeperLists, _deeper.Length);
        }

        _deeper[index] = name;
        _deeperLists![index] = list;
        Depth++;
    }

    /// <summary>Gets the list the innermost level is, or <see langword="null"/> (list elements are visited at their list's level).</summary>
    public readonly ListSpec? InnermostList =>
        Depth == 0 ? null : Depth <= InlineLevels ? _inlineLists[Depth - 1] : _deeperLists![Depth - 1 - InlineLevels];

    /// <summary>Closes the innermost level.</summary>
    public void Pop() => Depth--;

    /// <summary>Gets the innermost level's name, or <paramref name="outermost"/> when none is open.</summary>
    public readonly string Innermost(string outermost) => Depth == 0 ? outermost : this[Depth - 1];

    /// <summary>Gets the dotted path of <paramref name="leaf"/> through every open level.</summary>
    public readonly string Path(string leaf)
    {
        var path = new StringBuilder();
        for (int i = 0; i < Depth; i++)
        {
            path.Append(this[i]).Append('.');
        }

        return path.Append(leaf).ToString();
    }

    private readonly string this[int level] => level < InlineLevels ? _inline[level]! : _deeper![level - InlineLevels];

    [InlineArray(InlineLevels)]
    private struct InlineNames
    {
        private string? _element0;
    }

    [InlineArray(InlineLevels)]
    private struct InlineLists
    {
        private ListSpec? _element0;
    }
}
