using System;
using System.Globalization;

namespace MigrationFormat.Ber;

/// <summary>
/// A BER identifier: tag class, primitive or constructed form, and tag number (X.690 §8.1.2).
/// </summary>
/// <remarks>Tag numbers are limited to 63 bits (nine base-128 octets); a longer tag number is rejected as a limit, not misread.</remarks>
public readonly struct BerTag : IEquatable<BerTag>
{
    /// <summary>The largest tag number this codec represents: 2^63 - 1.</summary>
    public const ulong MaxTagNumber = long.MaxValue;

    /// <summary>Creates a tag.</summary>
    /// <param name="tagClass">The tag class.</param>
    /// <param name="tagNumber">The tag number, at most <see cref="MaxTagNumber"/>.</param>
    /// <param name="isConstructed"><see langword="true"/> for the constructed form.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tagNumber"/> is larger than <see cref="MaxTagNumber"/>, or <paramref name="tagClass"/> is
    /// not defined.</exception>
    public BerTag(BerTagClass tagClass, ulong tagNumber, bool isConstructed = false)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tagNumber, MaxTagNumber);
        if ((uint)tagClass > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(tagClass));
        }

        TagClass = tagClass;
        TagNumber = tagNumber;
        IsConstructed = isConstructed;
    }

    /// <summary>Gets the tag class.</summary>
    public BerTagClass TagClass { get; }

    /// <summary>Gets the tag number.</summary>
    public ulong TagNumber { get; }

    /// <summary>Gets a value indicating whether the encoding is constructed.</summary>
    public bool IsConstructed { get; }

    /// <summary>Gets a value indicating whether this is the end-of-contents identifier (<c>00</c>).</summary>
    public bool IsEndOfContents => TagClass == BerTagClass.Universal && TagNumber == 0 && !IsConstructed;

    /// <summary>UNIVERSAL 1, BOOLEAN.</summary>
    public static BerTag Boolean => new(BerTagClass.Universal, 1);

    /// <summary>UNIVERSAL 2, INTEGER.</summary>
    public static BerTag Integer => new(BerTagClass.Universal, 2);

    /// <summary>UNIVERSAL 4, OCTET STRING (primitive form).</summary>
    public static BerTag OctetString => new(BerTagClass.Universal, 4);

    /// <summary>UNIVERSAL 5, NULL.</summary>
    public static BerTag Null => new(BerTagClass.Universal, 5);

    /// <summary>UNIVERSAL 12, UTF8String (primitive form).</summary>
    public static BerTag Utf8String => new(BerTagClass.Universal, 12);

    /// <summary>UNIVERSAL 16, SEQUENCE (constructed).</summary>
    public static BerTag Sequence => new(BerTagClass.Universal, 16, isConstructed: true);

    /// <summary>Gets the number of identifier octets this tag encodes to.</summary>
    public int EncodedLength
    {
        get
        {
            if (TagNumber < 31)
            {
                return 1;
            }

            int sevenBitGroups = (64 - System.Numerics.BitOperations.LeadingZeroCount(TagNumber) + 6) / 7;
            return 1 + sevenBitGroups;
        }
    }

    /// <summary>Returns this tag in the constructed or primitive form.</summary>
    /// <param name="isConstructed">The form of the returned tag.</param>
    /// <returns>A tag with the same class and number.</returns>
    public BerTag AsConstructed(bool isConstructed = true) => new(TagClass, TagNumber, isConstructed);

    /// <summary>Compares class and number, ignoring the primitive/constructed form.</summary>
    /// <param name="other">The tag to compare with.</param>
    /// <returns><see langword="true"/> when class and number match.</returns>
    public bool HasSameClassAndValue(BerTag other) => TagClass == other.TagClass && TagNumber == other.TagNumber;

    /// <inheritdoc/>
    public bool Equals(BerTag other) => TagClass == other.TagClass && TagNumber == other.TagNumber && IsConstructed == other.IsConstructed;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BerTag other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(TagClass, TagNumber, IsConstructed);

    /// <summary>Formats the tag as ASN.1 notation, e.g. <c>[3]</c>, <c>[PRIVATE 7]</c> or <c>[UNIVERSAL 2]</c>, with the form.</summary>
    /// <returns>The tag's notation.</returns>
    public override string ToString()
    {
        string number = TagNumber.ToString(CultureInfo.InvariantCulture);
        string text = TagClass switch
        {
            BerTagClass.Universal => "[UNIVERSAL " + number + "]",
            BerTagClass.Application => "[APPLICATION " + number + "]",
            BerTagClass.ContextSpecific => "[" + number + "]",
            _ => "[PRIVATE " + number + "]",
        };
        return IsConstructed ? text + " constructed" : text;
    }

    /// <summary>Equality of class, number and form.</summary>
    /// <param name="left">The first tag.</param>
    /// <param name="right">The second tag.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(BerTag left, BerTag right) => left.Equals(right);

    /// <summary>Inequality of class, number or form.</summary>
    /// <param name="left">The first tag.</param>
    /// <param name="right">The second tag.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(BerTag left, BerTag right) => !left.Equals(right);
}
