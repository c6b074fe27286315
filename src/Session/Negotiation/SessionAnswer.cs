using System.Collections.Generic;

namespace MigrationFormat.Session;

/// <summary>The destination's answer to an offer.</summary>
/// <param name="Capabilities">The capabilities in force for the session: offered by the source and supported by the destination.</param>
/// <param name="Devices">One decision per offered device, in offer order.</param>
/// <param name="Refusals">Why the session as a whole is refused (capabilities); empty when it is not.</param>
public sealed record SessionAnswer(IReadOnlyList<string> Capabilities, IReadOnlyList<DeviceDecision> Devices, IReadOnlyList<string> Refusals)
{
    /// <summary>Gets a value indicating whether the session goes ahead: no refusal, every device accepted.</summary>
    public bool IsAccepted
    {
        get
        {
            if (Refusals.Count > 0)
            {
                return false;
            }

            foreach (DeviceDecision device in Devices)
            {
                if (!device.Accepted)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Gets a value indicating whether <paramref name="capability"/> is in force.</summary>
    /// <param name="capability">A capability name.</param>
    /// <returns><see langword="true"/> when the answer lists it.</returns>
    public bool Has(string capability)
    {
        foreach (string name in Capabilities)
        {
            if (name == capability)
            {
                return true;
            }
        }

        return false;
    }
}
