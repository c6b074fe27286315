namespace MigrationFormat.Ber;

/// <summary>
/// The outcome of a <see cref="BerDecoder"/> primitive. Only <see cref="Done"/> produced a value; every other value says
/// why not, so that a caller chooses its error (and its <see cref="MigrationErrorKind"/>) by the kind of failure,
/// never by reading a message.
/// </summary>
public enum BerDecodeStatus
{
    /// <summary>The value was decoded.</summary>
    Done,

    /// <summary>The input ends before the value does; more bytes may complete it.</summary>
    NeedMoreData,

    /// <summary>
    /// The bytes break X.690: a padded tag number (8.1.2.4.2 c), the reserved length octet <c>FF</c> (8.1.3.5 c),
    /// INTEGER contents with no octets (8.3.1), BOOLEAN contents that are not one octet (8.2.1).
    /// </summary>
    InvalidEncoding,

    /// <summary>
    /// The bytes use a longer form than X.690 allows: a tag number below 31 in the long form (8.1.2.2), an INTEGER
    /// with a redundant leading octet (8.3.2).
    /// </summary>
    NonMinimal,

    /// <summary>The value is well formed but does not fit the requested type: an INTEGER beyond 64 bits, or a negative one read as unsigned.</summary>
    OutOfRange,

    /// <summary>
    /// The value is well formed but beyond what this codec represents: a tag number of more than 63 bits, more than
    /// eight length octets, or a length beyond 2^63 - 1.
    /// </summary>
    BeyondCodecLimit,
}
