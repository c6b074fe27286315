using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>The constants of the BER migration stream's framing (docs/wire-format.md).</summary>
public static class MigrationStreamFormat
{
    /// <summary>The outer tag number: <c>[APPLICATION 9926]</c>, whose tag octets <c>7F CD 46</c> carry 'M' and 'F' in their low bits.</summary>
    public const ulong StreamTagNumber = 9926;

    /// <summary>The format version this library writes; it also reads <see cref="FirstFormatVersion"/>.</summary>
    /// <remarks>
    /// Version 2 wraps the sections in <see cref="SectionsTag"/> so that the stream is exactly the value its ASN.1
    /// module describes (docs/wire-format.md); version 1 streams carried the sections with no wrapper.
    /// </remarks>
    public const int FormatVersion = 2;

    /// <summary>The oldest format version this library reads: version 1, whose sections follow each other unwrapped.</summary>
    public const int FirstFormatVersion = 1;

    /// <summary>The first four bytes of every stream: the outer identifier and an indefinite length.</summary>
    public static readonly byte[] Magic = [0x7F, 0xCD, 0x46, 0x80];

    /// <summary>The outer tag.</summary>
    public static BerTag StreamTag => new(BerTagClass.Application, StreamTagNumber, isConstructed: true);

    /// <summary><c>[APPLICATION 0]</c>: the header (format version, producer, capabilities).</summary>
    public static BerTag HeaderTag => new(BerTagClass.Application, 0, isConstructed: true);

    /// <summary><c>[APPLICATION 1]</c>: one device section.</summary>
    public static BerTag SectionTag => new(BerTagClass.Application, 1, isConstructed: true);

    /// <summary><c>[APPLICATION 2]</c>: a device's state (its fields) inside a section.</summary>
    public static BerTag StateTag => new(BerTagClass.Application, 2, isConstructed: true);

    /// <summary><see cref="StateTag"/> packed for the writer's one-store path.</summary>
    internal static EncodedTag EncodedStateTag { get; } = EncodedTag.Create(StateTag);

    /// <summary><c>[APPLICATION 3]</c>: embedded schemas.</summary>
    public static BerTag SchemasTag => new(BerTagClass.Application, 3, isConstructed: true);

    /// <summary><c>[0]</c> primitive: an embedded schema document compressed with raw DEFLATE (a plain one is an OCTET STRING).</summary>
    public static BerTag CompressedSchemaTag => new(BerTagClass.ContextSpecific, 0);

    /// <summary><c>[APPLICATION 5]</c> primitive: a 4-byte big-endian CRC-32C closing a section or the trailer.</summary>
    public static BerTag ChecksumTag => new(BerTagClass.Application, 5);

    /// <summary>
    /// <c>[0]</c> primitive: a capability in the header that a reader must understand (its contents UTF-8, like the
    /// UTF8String of a capability a reader may ignore); a reader that does not fails before it reads any section.
    /// </summary>
    public static BerTag RequiredCapabilityTag => new(BerTagClass.ContextSpecific, 0);

    /// <summary>The capability a stream with checksums announces in its header.</summary>
    public const string IntegrityCapability = "crc32c";

    /// <summary><c>[APPLICATION 6]</c>: the sections, a <c>SEQUENCE OF Section</c> (format version 2 and later).</summary>
    public static BerTag SectionsTag => new(BerTagClass.Application, 6, isConstructed: true);

    /// <summary>
    /// <c>[APPLICATION 8]</c>: a section's configuration, the device's model and effective configuration, between the
    /// section's version and its state (docs/catalog.md §3).
    /// </summary>
    public static BerTag ConfigurationTag => new(BerTagClass.Application, 8, isConstructed: true);

    /// <summary><c>[0]</c> primitive: a configuration item (<c>name=value</c>, UTF-8) that changes the state layout; a destination that does not know it
    /// fails.</summary>
    public static BerTag MustParseItemTag => new(BerTagClass.ContextSpecific, 0);

    /// <summary><c>[PRIVATE 0]</c> primitive: a configuration item (<c>name=value</c>, UTF-8) that a destination that does not know it ignores.</summary>
    public static BerTag SkippableItemTag => new(BerTagClass.Private, 0);

    /// <summary><c>[APPLICATION 4]</c>: the trailer (section count).</summary>
    public static BerTag TrailerTag => new(BerTagClass.Application, 4, isConstructed: true);

    /// <summary>
    /// <c>[APPLICATION 7]</c>: in place of the trailer, the mark of a writer disposed before it completed the stream (its
    /// one member is the number of sections written). A reader reports the stream as cut.
    /// </summary>
    public static BerTag AbandonedTag => new(BerTagClass.Application, 7, isConstructed: true);

    /// <summary>Gets a value indicating whether <paramref name="prefix"/> starts like a BER migration stream.</summary>
    /// <param name="prefix">The first bytes of a file or stream (at least four).</param>
    /// <returns><see langword="true"/> when the magic matches.</returns>
    public static bool IsMigrationStream(System.ReadOnlySpan<byte> prefix) => System.MemoryExtensions.StartsWith(prefix, Magic);
}
