using System;
using System.Collections.Generic;
using System.Globalization;
using MigrationFormat.Visitors;

namespace MigrationFormat.Session;

/// <summary>
/// The destination's side of negotiation as a pure function: from the source's offer and what the destination has,
/// the answer (docs/protocol.md, negotiation rules). A destination session answers with it; a one-way reader applies
/// it to the stream's header and offer without sending anything.
/// </summary>
public static class SessionNegotiator
{
    /// <summary>Decides the answer to <paramref name="offer"/>.</summary>
    /// <param name="offer">The source's offer.</param>
    /// <param name="supported">The capabilities the destination supports, with the ones it requires.</param>
    /// <param name="devices">The destination's devices.</param>
    /// <param name="saveVersions">Versions the destination asks for by device id, instead of the newest both sides know; ignored one-way.</param>
    /// <returns>The answer: capabilities in force, one decision per offered device, and session-level refusals.</returns>
    public static SessionAnswer Decide(
        SessionOffer offer,
        IReadOnlyList<SessionCapability> supported,
        IReadOnlyList<SessionDevice> devices,
        IReadOnlyDictionary<string, int>? saveVersions = null)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(supported);
        ArgumentNullException.ThrowIfNull(devices);
        var refusals = new List<string>();
        List<string> capabilities = DecideCapabilities(offer, supported, refusals);
        bool ackInForce = capabilities.Contains(SessionFormat.SwitchoverAckCapability);
        var decisions = new List<DeviceDecision>(offer.Devices.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (DeviceOffer device in offer.Devices)
        {
            decisions.Add(seen.Add(device.Name)
                ? DecideDevice(device, offer.ReturnPath, ackInForce, devices, saveVersions)
                : DeviceDecision.Refuse($"device {device.Name} is offered twice"));
        }

        return new SessionAnswer(capabilities, decisions, refusals);
    }

    private static List<string> DecideCapabilities(SessionOffer offer, IReadOnlyList<SessionCapability> supported, List<string> refusals)
    {
        var accepted = new List<string>();
        bool session = false;
        foreach (SessionCapability capability in offer.Capabilities)
        {
            if (capability.Name == SessionFormat.SessionCapability)
            {
                session = true;
                AddOnce(accepted, capability.Name);
                continue;
            }

            bool usable = Find(supported, capability.Name) is not null;
            if (usable && capability.Name == SessionFormat.SwitchoverAckCapability && !offer.ReturnPath)
            {
                usable = false;
                if (capability.Required)
                {
                    refusals.Add($"capability '{capability.Name}' needs a return path, and this session has none");
                    continue;
                }
            }

            if (usable)
            {
                AddOnce(accepted, capability.Name);
            }
            else if (capability.Required)
            {
                refusals.Add($"the source requires capability '{capability.Name}', which the destination does not support");
            }
        }

        if (!session)
        {
            refusals.Add($"the stream does not announce capability '{SessionFormat.SessionCapability}': it is not a migration session");
        }

        foreach (SessionCapability capability in supported)
        {
            if (capability.Required && !accepted.Contains(capability.Name))
            {
                refusals.Add($"the destination requires capability '{capability.Name}', which the source does not offer");
            }
        }

        return accepted;
    }

    private static DeviceDecision DecideDevice(
        DeviceOffer offer,
        bool returnPath,
        bool ackInForce,
        IReadOnlyList<SessionDevice> devices,
        IReadOnlyDictionary<string, int>? saveVersions)
    {
        SessionDevice? local = null;
        foreach (SessionDevice candidate in devices)
        {
            if (candidate.InstanceId == offer.InstanceId && string.Equals(candidate.Device.Type.Id, offer.Id, StringComparison.Ordinal))
            {
                local = candidate;
                break;
            }
        }

        if (local is null)
        {
            return DeviceDecision.Refuse($"the destination has no device {offer.Name}");
        }

        IIterativeDevice? iterative = local.Iterative;
        if (offer.Iterative != (iterative is not null))
        {
            return DeviceDecision.Refuse(offer.Iterative
                ? $"{offer.Name} sends pre-copy data, and the destination's {offer.Name} does not take any"
                : $"the destination's {offer.Name} needs pre-copy data, and the source sends none");
        }

        if (offer.MinVersion < 1 || offer.MaxVersion < offer.MinVersion)
        {
            return DeviceDecision.Refuse(Invariant($"the source offers versions {offer.MinVersion} to {offer.MaxVersion} of {offer.Name}, which is no range"));
        }

        int version;
        if (!returnPath)
        {
            // One-way: the stream holds the version the source saved; the destination takes it or nothing.
            version = offer.MaxVersion;
        }
        else if (saveVersions is not null && saveVersions.TryGetValue(offer.Id, out int asked))
        {
            version = asked;
        }
        else
        {
            version = Math.Min(local.Device.Version, offer.MaxVersion);
        }

        if (version < offer.MinVersion || version > offer.MaxVersion)
        {
            return DeviceDecision.Refuse(Invariant(
                $"the source saves {offer.Name} as versions {offer.MinVersion} to {offer.MaxVersion}; the destination needs version {version}"));
        }

        if (version < local.Device.Type.MinimumVersion)
        {
            return DeviceDecision.Refuse(Invariant(
                $"the source saves {offer.Name} as version {version} at best; the destination loads version {local.Device.Type.MinimumVersion} and newer"));
        }

        if (offer.Configuration is { } configuration && local.Device.Configuration.Check(configuration) is { IsCompatible: false } check)
        {
            return DeviceDecision.Refuse($"the configuration of {offer.Name} does not fit the destination's: {check.Issues[0].Message}");
        }

        if (offer.SwitchoverAck && !offer.Iterative)
        {
            return DeviceDecision.Refuse($"{offer.Name} asks for a switchover acknowledgement, which only devices with pre-copy data give");
        }

        bool destinationAck = iterative is not null && iterative.SupportsSwitchoverAck;
        if (offer.SwitchoverAck && !(ackInForce && destinationAck))
        {
            string why = !ackInForce ? "the session has no switchover acknowledgement" : $"the destination's {offer.Name} does not support it";
            return DeviceDecision.Refuse($"the source needs a switchover acknowledgement for {offer.Name}, and {why}");
        }

        return DeviceDecision.Accept(version, offer.SwitchoverAck && destinationAck && ackInForce);
    }

    private static SessionCapability? Find(IReadOnlyList<SessionCapability> capabilities, string name)
    {
        foreach (SessionCapability capability in capabilities)
        {
            if (capability.Name == name)
            {
                return capability;
            }
        }

        return null;
    }

    private static void AddOnce(List<string> list, string name)
    {
        if (!list.Contains(name))
        {
            list.Add(name);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
