using System;

namespace MigrationFormat;

/// <summary>
/// Bounds the bytes a decoder materialises beyond the input itself: inflated schema documents, structures expanded from a
/// description, payloads held until a later part of the stream arrives. The allowance grows with the input actually
/// read: <c>FixedBytes + InputMultiple × input bytes</c>, so a small input cannot make a decoder hold much more than a
/// constant, and a large one can hold a proportionate amount. Zero in any property means its safe default.
/// </summary>
/// <remarks>
/// The input bytes that count are those read (or, for an input held in memory, its length), never a length the input
/// declares. See docs/security.md, "The resource budget".
/// </remarks>
public readonly struct ResourceBudget : IEquatable<ResourceBudget>
{
    /// <summary>The default <see cref="FixedBytes"/>: 8 MiB.</summary>
    public const long DefaultFixedBytes = 8L * 1024 * 1024;

    /// <summary>The default <see cref="InputMultiple"/>: 1 (as many bytes again as the input).</summary>
    public const int DefaultInputMultiple = 1;

    /// <summary>Gets the part of the allowance that does not depend on the input's size; 0 means <see cref="DefaultFixedBytes"/>.</summary>
    public long FixedBytes { get; init; }

    /// <summary>Gets how many bytes may be materialised per input byte read; 0 means <see cref="DefaultInputMultiple"/>.</summary>
    public int InputMultiple { get; init; }

    /// <summary>Gets <see cref="FixedBytes"/>, or its default when zero.</summary>
    public long EffectiveFixedBytes => FixedBytes > 0 ? FixedBytes : DefaultFixedBytes;

    /// <summary>Gets <see cref="InputMultiple"/>, or its default when zero.</summary>
    public int EffectiveInputMultiple => InputMultiple > 0 ? InputMultiple : DefaultInputMultiple;

    /// <summary>Compares two budgets by their effective values.</summary>
    /// <param name="left">The first budget.</param>
    /// <param name="right">The second budget.</param>
    /// <returns>Whether they allow the same.</returns>
    public static bool operator ==(ResourceBudget left, ResourceBudget right) => left.Equals(right);

    /// <summary>Compares two budgets by their effective values.</summary>
    /// <param name="left">The first budget.</param>
    /// <param name="right">The second budget.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(ResourceBudget left, ResourceBudget right) => !left.Equals(right);

    /// <summary>Gives the bytes that may be materialised once <paramref name="inputBytes"/> bytes of input have been read.</summary>
    /// <param name="inputBytes">The input bytes read so far (negative counts as zero).</param>
    /// <returns>The allowance, saturating at <see cref="long.MaxValue"/>.</returns>
    public long Allowance(long inputBytes)
    {
        long input = Math.Max(0, inputBytes);
        long fixedBytes = EffectiveFixedBytes;
        int multiple = EffectiveInputMultiple;
        if (input > (long.MaxValue - fixedBytes) / multiple)
        {
            return long.MaxValue;
        }

        return fixedBytes + (input * multiple);
    }

    /// <inheritdoc/>
    public bool Equals(ResourceBudget other) =>
        EffectiveFixedBytes == other.EffectiveFixedBytes && EffectiveInputMultiple == other.EffectiveInputMultiple;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ResourceBudget other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(EffectiveFixedBytes, EffectiveInputMultiple);
}
