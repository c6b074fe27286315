using MigrationFormat.Ber;

namespace MigrationFormat.Session;

/// <summary>
/// The constants of the session protocol (docs/protocol.md): the messages a source adds to the migration stream,
/// the return path's messages, and the capability names. Every message is one BER value with definite length;
/// <c>[APPLICATION n]</c> messages are must-parse and <c>[PRIVATE n]</c> ones skippable, as fields are.
/// </summary>
public static class SessionFormat
{
    /// <summary>The return path's outer tag number: <c>[APPLICATION 9938]</c>, tag octets <c>7F CD 52</c> ('M', 'R').</summary>
    public const ulong ReturnPathTagNumber = 9938;

    /// <summary>The first four bytes of a return path: the outer identifier and an indefinite length.</summary>
    public static readonly byte[] ReturnPathMagic = [0x7F, 0xCD, 0x52, 0x80];

    /// <summary>The capability that marks a stream as a session (offer, device data, switchover); always required.</summary>
    public const string SessionCapability = "session";

    /// <summary>The capability of per-device switchover acknowledgement; it needs a return path.</summary>
    public const string SwitchoverAckCapability = "switchover-ack";

    /// <summary>The capability of CRC-32C checksums over each section and the whole stream.</summary>
    public const string IntegrityCapability = Visitors.MigrationStreamFormat.IntegrityCapability;

    /// <summary>Source to destination: <c>[APPLICATION 16]</c>, the devices on offer.</summary>
    public static BerTag OfferTag => Application(16);

    /// <summary>Source to destination: <c>[APPLICATION 17]</c>, bytes of an iterative device's data stream.</summary>
    public static BerTag DeviceDataTag => Application(17);

    /// <summary>Source to destination: <c>[APPLICATION 18]</c>, a device's initial data has all been sent.</summary>
    public static BerTag InitialDataSentTag => Application(18);

    /// <summary>Source to destination: <c>[APPLICATION 19]</c>, the source has stopped; stop-and-copy follows.</summary>
    public static BerTag SwitchoverTag => Application(19);

    /// <summary>Source to destination: <c>[APPLICATION 20]</c>, a keepalive the destination answers with a pong.</summary>
    public static BerTag PingTag => Application(20);

    /// <summary>Source to destination: <c>[APPLICATION 21]</c>, the source gives up, with the reason.</summary>
    public static BerTag AbortTag => Application(21);

    /// <summary>Source to destination: <c>[PRIVATE 16]</c>, the end of a pre-copy round with its figures (skippable).</summary>
    public static BerTag RoundEndTag => new(BerTagClass.Private, 16, isConstructed: true);

    /// <summary>Destination to source: <c>[APPLICATION 24]</c>, the answer to the offer.</summary>
    public static BerTag AnswerTag => Application(24);

    /// <summary>Destination to source: <c>[APPLICATION 25]</c>, one device's initial data is loaded.</summary>
    public static BerTag DeviceAckTag => Application(25);

    /// <summary>Destination to source: <c>[APPLICATION 26]</c>, every device that needs it has acknowledged: switch over when ready.</summary>
    public static BerTag SwitchoverAckTag => Application(26);

    /// <summary>Destination to source: <c>[APPLICATION 27]</c>, the answer to a ping.</summary>
    public static BerTag PongTag => Application(27);

    /// <summary>Destination to source: <c>[APPLICATION 28]</c>, the destination failed, with the phase, device and reason.</summary>
    public static BerTag ErrorTag => Application(28);

    /// <summary>Destination to source: <c>[APPLICATION 29]</c>, every device has taken its new state.</summary>
    public static BerTag CommittedTag => Application(29);

    private static BerTag Application(ulong number) => new(BerTagClass.Application, number, isConstructed: true);
}
