using System;
using System.Collections.Generic;
using System.Globalization;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// The answer of <see cref="VfioTransitionPlanner.Plan"/>: the states the kernel passes through, or why the request is
/// refused.
/// </summary>
public sealed class VfioTransitionPlan
{
    private readonly VfioDeviceState[] _states;

    private VfioTransitionPlan(VfioDeviceState current, VfioDeviceState target, VfioMigrationFeatures features, VfioDeviceState[] states, string? reason)
    {
        Current = current;
        Target = target;
        Features = features;
        _states = states;
        Reason = reason;
    }

    /// <summary>Gets the state the device is in.</summary>
    public VfioDeviceState Current { get; }

    /// <summary>Gets the requested state.</summary>
    public VfioDeviceState Target { get; }

    /// <summary>Gets the device's migration features.</summary>
    public VfioMigrationFeatures Features { get; }

    /// <summary>Gets a value indicating whether the kernel would reach <see cref="Target"/>.</summary>
    public bool IsPossible => Reason is null;

    /// <summary>
    /// Gets the states from <see cref="Current"/> to <see cref="Target"/>, both included, one single arc between each two;
    /// one state when they are equal; empty when the request is refused.
    /// </summary>
    public IReadOnlyList<VfioDeviceState> States => _states;

    /// <summary>Gets the number of single arcs: one less than the number of states; 0 when refused.</summary>
    public int ArcCount => Math.Max(0, _states.Length - 1);

    /// <summary>Gets why the request is refused, or <see langword="null"/> when it is possible.</summary>
    public string? Reason { get; }

    /// <summary>Gets the single arcs in order, as (from, to) pairs.</summary>
    /// <returns>The arcs; none when the request is refused or already satisfied.</returns>
    public IEnumerable<(VfioDeviceState From, VfioDeviceState To)> Arcs()
    {
        for (int i = 1; i < _states.Length; i++)
        {
            yield return (_states[i - 1], _states[i]);
        }
    }

    /// <summary>
    /// Gets the path as uAPI names joined by <c> -> </c> (<c>RUNNING -> RUNNING_P2P -> STOP -> STOP_COPY</c>), or the
    /// reason when refused.
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        if (!IsPossible)
        {
            return Reason!;
        }

        var names = new string[_states.Length];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = VfioStates.UapiName(_states[i]);
        }

        return string.Join(" -> ", names);
    }

    internal static VfioTransitionPlan Possible(
        VfioDeviceState current, VfioDeviceState target, VfioMigrationFeatures features, List<VfioDeviceState> states) =>
        new(current, target, features, [.. states], null);

    internal static VfioTransitionPlan Refused(VfioDeviceState current, VfioDeviceState target, VfioMigrationFeatures features, string reason) =>
        new(current, target, features, [], string.Create(CultureInfo.InvariantCulture, $"{Describe(current)} -> {Describe(target)}: {reason}"));

    private static string Describe(VfioDeviceState state) => VfioStates.UapiName(state);
}
