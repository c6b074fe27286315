using System;
using System.Globalization;

namespace MigrationFormat;

/// <summary>
/// Counts what one decode materialises against a <see cref="ResourceBudget"/>. A decoder charges each amount before it
/// allocates for it; a charge beyond the allowance fails with <see cref="MigrationErrorKind.LimitExceeded"/>, so nothing
/// is allocated for it. Not thread-safe: one meter serves one decode.
/// </summary>
public sealed class ResourceMeter
{
    /// <summary>Creates a meter with nothing charged.</summary>
    /// <param name="budget">The budget to hold the charges to.</param>
    public ResourceMeter(ResourceBudget budget) => Budget = budget;

    /// <summary>Gets the budget.</summary>
    public ResourceBudget Budget { get; }

    /// <summary>Gets the bytes charged so far.</summary>
    public long Charged { get; private set; }

    /// <summary>Gives what may still be charged once <paramref name="inputBytes"/> bytes of input have been read.</summary>
    /// <param name="inputBytes">The input bytes read so far.</param>
    /// <returns>The bytes left, never negative.</returns>
    public long Remaining(long inputBytes) => Math.Max(0, Budget.Allowance(inputBytes) - Charged);

    /// <summary>Charges <paramref name="bytes"/> when they fit the allowance.</summary>
    /// <param name="bytes">The bytes about to be materialised (negative counts as zero).</param>
    /// <param name="inputBytes">The input bytes read so far.</param>
    /// <returns><see langword="true"/> when charged; <see langword="false"/>, with nothing charged, when they do not fit.</returns>
    public bool TryCharge(long bytes, long inputBytes)
    {
        long amount = Math.Max(0, bytes);
        if (amount > Remaining(inputBytes))
        {
            return false;
        }

        Charged += amount;
        return true;
    }

    /// <summary>Charges <paramref name="bytes"/>, or fails when they do not fit the allowance.</summary>
    /// <param name="bytes">The bytes about to be materialised.</param>
    /// <param name="inputBytes">The input bytes read so far.</param>
    /// <param name="what">What needs them, as a noun phrase (e.g. <c>the embedded schema 'serial/v3'</c>).</param>
    /// <param name="offset">Where in the input, for the exception.</param>
    /// <exception cref="MigrationFormatException">The bytes do not fit (<see cref="MigrationErrorKind.LimitExceeded"/>).</exception>
    public void Charge(long bytes, long inputBytes, string what, long offset)
    {
        if (!TryCharge(bytes, inputBytes))
        {
            throw Exceeded(bytes, inputBytes, what, offset);
        }
    }

    /// <summary>Gives back bytes charged earlier, once what they paid for is no longer held.</summary>
    /// <param name="bytes">The bytes to give back (at most what is charged).</param>
    public void Release(long bytes) => Charged -= Math.Clamp(bytes, 0, Charged);

    /// <summary>Gives the exception for a charge that does not fit.</summary>
    /// <param name="bytes">The bytes asked for.</param>
    /// <param name="inputBytes">The input bytes read so far.</param>
    /// <param name="what">What needed them.</param>
    /// <param name="offset">Where in the input.</param>
    /// <returns>The exception, to throw.</returns>
    public MigrationFormatException Exceeded(long bytes, long inputBytes, string what, long offset) =>
        new(
            MigrationErrorKind.LimitExceeded,
            string.Create(
                CultureInfo.InvariantCulture,
                $"Expected at most {Budget.Allowance(inputBytes)} bytes held for this input (the resource budget: {Budget.EffectiveFixedBytes} + ")
                + string.Create(
                    CultureInfo.InvariantCulture,
                    $"{Budget.EffectiveInputMultiple} × {Math.Max(0, inputBytes)} input bytes, {Charged} held); {what} needs {Math.Max(0, bytes)} more.")
                + " Raise the budget (ResourceBudget, migfmt --max-memory) only for inputs you trust.",
            offset);
}
