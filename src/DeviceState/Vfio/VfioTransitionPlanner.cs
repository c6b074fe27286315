using System.Collections.Generic;
using System.Globalization;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// Computes the single arcs the Linux kernel takes to move a VFIO device from one migration state to another: the
/// arc table (<see cref="VfioArcTable"/>) walked one step at a time, skipping states the device lacks the features
/// for (<c>vfio_mig_get_next_state</c>, as fixed so that a blocked request ends instead of looping), with the same
/// refusals: an undefined state, ERROR as either end, a state the device's features do not allow, a feature set
/// without STOP_COPY, and blocked requests (STOP_COPY to either pre-copy state).
/// </summary>
/// <remarks>
/// Every call terminates: each step of the skip loop and of the path is bounded by the number of states, and a bound
/// reached is reported as a refusal rather than looped on (the kernel's table never reaches it; the bound is what
/// makes that a checked fact instead of an assumption).
/// </remarks>
public static class VfioTransitionPlanner
{
    /// <summary>Plans the request to move a device with <paramref name="features"/> from <paramref name="current"/> to <paramref name="target"/>.</summary>
    /// <param name="current">The device's state.</param>
    /// <param name="target">The requested state.</param>
    /// <param name="features">The device's migration features.</param>
    /// <returns>The path, or a refusal with its reason; never throws for any input.</returns>
    public static VfioTransitionPlan Plan(VfioDeviceState current, VfioDeviceState target, VfioMigrationFeatures features)
    {
        if ((features & ~VfioMigrationFeatures.All) != 0)
        {
            return VfioTransitionPlan.Refused(current, target, features, string.Create(
                CultureInfo.InvariantCulture,
                $"the features include bits the uAPI does not define (0x{(int)(features & ~VfioMigrationFeatures.All):x})."));
        }

        if ((features & VfioMigrationFeatures.StopCopy) == 0)
        {
            return VfioTransitionPlan.Refused(current, target, features,
                "a migratable device always has the stop-copy feature (VFIO_MIGRATION_STOP_COPY); the features given lack it.");
        }

        if (!VfioStates.IsDefined(current))
        {
            return VfioTransitionPlan.Refused(current, target, features, "the current state is not one of the uAPI's states (0 to 7).");
        }

        if (!VfioStates.IsDefined(target))
        {
            return VfioTransitionPlan.Refused(current, target, features, "the requested state is not one of the uAPI's states (0 to 7).");
        }

        if (target == VfioDeviceState.Error)
        {
            return VfioTransitionPlan.Refused(current, target, features, "ERROR is never a state to request; a device enters it only when a transition fails.");
        }

        if (current == VfioDeviceState.Error)
        {
            return VfioTransitionPlan.Refused(
                current, target, features, "a device in ERROR leaves it only by a reset (VFIO_DEVICE_RESET), which puts it in RUNNING.");
        }

        if (!VfioStates.IsSupported(current, features))
        {
            return VfioTransitionPlan.Refused(current, target, features, string.Create(
                CultureInfo.InvariantCulture,
                $"a device with features {VfioStates.FormatFeatures(features)} cannot be in {VfioStates.UapiName(current)}, which needs {Needs(current)}."));
        }

        if (!VfioStates.IsSupported(target, features))
        {
            return VfioTransitionPlan.Refused(current, target, features, string.Create(
                CultureInfo.InvariantCulture,
                $"{VfioStates.UapiName(target)} needs {Needs(target)}, and the device has only {VfioStates.FormatFeatures(features)}."));
        }

        var path = new List<VfioDeviceState>(VfioStates.Count) { current };
        VfioDeviceState state = current;
        while (state != target)
        {
            VfioDeviceState next = VfioArcTable.Next(state, target);
            int skipped = 0;
            while (next != VfioDeviceState.Error && !VfioStates.IsSupported(next, features))
            {
                if (++skipped >= VfioStates.Count)
                {
                    return Unreachable(current, target, features, path);
                }

                next = VfioArcTable.Next(next, target);
            }

            if (next == VfioDeviceState.Error)
            {
                return VfioTransitionPlan.Refused(current, target, features, Blocked(state, target, path));
            }

            path.Add(next);
            if (path.Count > VfioStates.Count)
            {
                return Unreachable(current, target, features, path);
            }

            state = next;
        }

        return VfioTransitionPlan.Possible(current, target, features, path);
    }

    private static string Needs(VfioDeviceState state) => VfioStates.FormatFeatures(VfioStates.RequiredFeatures(state)!.Value);

    private static string Blocked(VfioDeviceState state, VfioDeviceState target, List<VfioDeviceState> path)
    {
        string where = path.Count > 1
            ? string.Create(CultureInfo.InvariantCulture, $" (after {string.Join(" -> ", path.ConvertAll(VfioStates.UapiName))})")
            : string.Empty;
        if (state == VfioDeviceState.StopCopy && target is VfioDeviceState.PreCopy or VfioDeviceState.PreCopyP2P)
        {
            return "the kernel blocks this request: a device in STOP_COPY has stopped and its saving stream is in its final phase, "
                + "so it cannot return to pre-copy; go to STOP first, then start a new pre-copy from RUNNING" + where + ".";
        }

        return "the kernel's arc table has no way from " + VfioStates.UapiName(state) + " to " + VfioStates.UapiName(target) + where + ".";
    }

    private static VfioTransitionPlan Unreachable(
        VfioDeviceState current, VfioDeviceState target, VfioMigrationFeatures features, List<VfioDeviceState> path) =>
        VfioTransitionPlan.Refused(current, target, features, string.Create(
            CultureInfo.InvariantCulture,
            $"the arc table does not reach the target within {VfioStates.Count} steps "
            + $"(walked {string.Join(" -> ", path.ConvertAll(VfioStates.UapiName))}); refused rather than looped on."));
}
