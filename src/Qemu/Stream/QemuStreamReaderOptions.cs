using System;

namespace MigrationFormat.Qemu;

/// <summary>
/// Limits and choices for <see cref="QemuStreamReader"/>. A zero limit means the documented default, so
/// <c>default(QemuStreamReaderOptions)</c> is safe for hostile input.
/// </summary>
public struct QemuStreamReaderOptions : IEquatable<QemuStreamReaderOptions>
{
    /// <summary>The default limit on the VM description trailer's length: 64 MiB.</summary>
    public const int DefaultMaxVmDescriptionLength = 64 << 20;

    /// <summary>The default limit on one section's payload (a device section, an opaque iterative body, a packaged command): 64 MiB.</summary>
    public const int DefaultMaxSectionLength = 64 << 20;

    /// <summary>The default limit on the nesting depth of the VM description's JSON: 64.</summary>
    public const int DefaultMaxJsonDepth = 64;

    /// <summary>The largest nesting depth the options accept.</summary>
    public const int MaxJsonDepthLimit = 1024;

    /// <summary>The default limit on the number of entries in one RAM block list: 4096.</summary>
    public const int DefaultMaxRamBlocks = 4096;

    /// <summary>Gets or sets the largest VM description trailer accepted, in bytes (0: <see cref="DefaultMaxVmDescriptionLength"/>). A larger declared length
    /// fails before anything is allocated.</summary>
    public int MaxVmDescriptionLength { get; set; }

    /// <summary>Gets or sets the largest section payload accepted, in bytes (0: <see cref="DefaultMaxSectionLength"/>).</summary>
    public int MaxSectionLength { get; set; }

    /// <summary>Gets or sets the largest JSON nesting depth accepted in the VM description (0: <see cref="DefaultMaxJsonDepth"/>; at most
    /// <see cref="MaxJsonDepthLimit"/>).</summary>
    public int MaxJsonDepth { get; set; }

    /// <summary>Gets or sets the largest number of entries in one RAM block list (0: <see cref="DefaultMaxRamBlocks"/>).</summary>
    public int MaxRamBlocks { get; set; }

    /// <summary>
    /// Gets or sets the target page size used to split RAM record header words and to size page records (0: the configuration's
    /// target page bits, else the VM description's <c>page_size</c> when it is known in advance, else
    /// <see cref="QemuStreamFormat.DefaultTargetPageSize"/>).
    /// </summary>
    public int TargetPageSize { get; set; }

    /// <summary>
    /// Gets or sets the VM description to delimit and check device sections with. When it is <see langword="null"/> and the
    /// stream can seek, the reader reads the stream's own trailer first (unless <see cref="SkipDescriptionLookahead"/>).
    /// </summary>
    public VmDescription? Description { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the reader must not seek to the end of a seekable stream to read the VM description
    /// first. Without a description, a device section ends at the first <c>7E &lt;section id&gt;</c> footer followed by a record
    /// type byte, and its length is checked against the trailer when that arrives.
    /// </summary>
    public bool SkipDescriptionLookahead { get; set; }

    /// <summary>Gets or sets a value indicating whether device section payloads are delimited by the description without decoding them field by
    /// field.</summary>
    public bool SkipDeviceValidation { get; set; }

    /// <summary>
    /// Gets or sets the resource budget for the values a device section's payload is decoded into when it is checked
    /// against the VM description (<see cref="VmStateDecoder.ValueCost"/> bytes each, within the budget's allowance for
    /// the payload's length).
    /// </summary>
    public ResourceBudget Budget { get; set; }

    internal readonly int EffectiveMaxVmDescriptionLength => MaxVmDescriptionLength == 0 ? DefaultMaxVmDescriptionLength : MaxVmDescriptionLength;

    internal readonly int EffectiveMaxSectionLength => MaxSectionLength == 0 ? DefaultMaxSectionLength : MaxSectionLength;

    internal readonly int EffectiveMaxJsonDepth => MaxJsonDepth == 0 ? DefaultMaxJsonDepth : MaxJsonDepth;

    internal readonly int EffectiveMaxRamBlocks => MaxRamBlocks == 0 ? DefaultMaxRamBlocks : MaxRamBlocks;

    /// <summary>Determines whether two option sets are equal.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns><see langword="true"/> when every member is equal.</returns>
    public static bool operator ==(QemuStreamReaderOptions left, QemuStreamReaderOptions right) => left.Equals(right);

    /// <summary>Determines whether two option sets differ.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns><see langword="true"/> when a member differs.</returns>
    public static bool operator !=(QemuStreamReaderOptions left, QemuStreamReaderOptions right) => !left.Equals(right);

    /// <inheritdoc/>
    public readonly bool Equals(QemuStreamReaderOptions other) =>
        MaxVmDescriptionLength == other.MaxVmDescriptionLength
        && MaxSectionLength == other.MaxSectionLength
        && MaxJsonDepth == other.MaxJsonDepth
        && MaxRamBlocks == other.MaxRamBlocks
        && TargetPageSize == other.TargetPageSize
        && ReferenceEquals(Description, other.Description)
        && SkipDescriptionLookahead == other.SkipDescriptionLookahead
        && SkipDeviceValidation == other.SkipDeviceValidation
        && Budget == other.Budget;

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is QemuStreamReaderOptions other && Equals(other);

    /// <inheritdoc/>
    public override readonly int GetHashCode() =>
        HashCode.Combine(
            MaxVmDescriptionLength,
            MaxSectionLength,
            MaxJsonDepth,
            MaxRamBlocks,
            TargetPageSize,
            Description,
            SkipDescriptionLookahead,
            HashCode.Combine(SkipDeviceValidation, Budget));

    internal static bool IsValidPageSize(int pageSize) => pageSize >= 512 && pageSize <= (1 << 20) && (pageSize & (pageSize - 1)) == 0;

    internal readonly void Validate()
    {
        if (MaxVmDescriptionLength < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxVmDescriptionLength), MaxVmDescriptionLength, "A limit cannot be negative.");
        }

        if (MaxSectionLength < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSectionLength), MaxSectionLength, "A limit cannot be negative.");
        }

        if (MaxJsonDepth < 0 || MaxJsonDepth > MaxJsonDepthLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxJsonDepth), MaxJsonDepth, $"The JSON depth limit must be between 0 and {MaxJsonDepthLimit}.");
        }

        if (MaxRamBlocks < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRamBlocks), MaxRamBlocks, "A limit cannot be negative.");
        }

        if (TargetPageSize != 0 && !IsValidPageSize(TargetPageSize))
        {
            throw new ArgumentOutOfRangeException(nameof(TargetPageSize), TargetPageSize, "The page size must be 0 or a power of two between 512 and 1 MiB.");
        }
    }
}
