using System.Collections.Generic;

namespace MigrationFormat.Session;

/// <summary>The source's opening: the stream header's capabilities and the offer message's devices.</summary>
/// <param name="Producer">The producer named in the stream header.</param>
/// <param name="Capabilities">The capabilities the source offers (or, one-way, uses), with the ones it requires.</param>
/// <param name="ReturnPath">Whether the source expects an answer and acknowledgements on a return path.</param>
/// <param name="Devices">The devices, in the order their sections will come.</param>
public sealed record SessionOffer(string Producer, IReadOnlyList<SessionCapability> Capabilities, bool ReturnPath, IReadOnlyList<DeviceOffer> Devices);
